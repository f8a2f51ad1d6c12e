package dev.ballast.embedded;

import dev.ballast.io.Example;
import dev.ballast.io.ExampleSource;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelledEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends labelled events, keyed by model id, to the events topic; optionally mixes in malformed records, and sends a
 * share of the events unlabelled with their labels following later on the labels topic ({@link #lateLabels}).
 * Idempotent producer, so a retried send is not a duplicate.
 */
public final class EventPublisher implements AutoCloseable {

    /** What was sent. */
    public record Sent(long valid, long bad) {
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<LabelledEvent> serializer;
    private final String topic;
    private final AtomicLong valid = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private double misKeyedShare;
    private Random misKeying;
    private LateLabels lateLabels;
    private final AtomicLong unlabelled = new AtomicLong();
    private final PriorityQueue<PendingLabel> pendingLabels = new PriorityQueue<>(
            Comparator.comparingLong(PendingLabel::dueNanos));

    /** How labels follow unlabelled events: see {@link #lateLabels}. */
    private record LateLabels(String topic, Serializer<LabelFeedback> serializer, double unlabelledFraction,
            long minDelayMs, long maxDelayMs, Random random) {
    }

    private record PendingLabel(long dueNanos, ProducerRecord<String, byte[]> record) {
    }

    public EventPublisher(Map<String, Object> clientProperties, Serializer<LabelledEvent> serializer, String topic) {
        Map<String, Object> properties = new HashMap<>();
        for (String name : ProducerConfig.configNames()) {
            if (clientProperties.containsKey(name)) {
                properties.put(name, clientProperties.get(name));
            }
        }
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        properties.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
        this.serializer = serializer;
        this.topic = topic;
    }

    /**
     * Sends about {@code share} of the events without a key or with another key than their model id, as a producer
     * that keys by something else would (Ballast routes them to their model through its repartition topic).
     */
    public EventPublisher misKeying(double share, long seed) {
        this.misKeyedShare = share;
        this.misKeying = new Random(seed);
        return this;
    }

    /**
     * Sends about {@code unlabelledFraction} of the events without labels ({@code labels = null}: scored by Ballast,
     * waiting for their labels) and, after a delay drawn uniformly from [{@code minDelayMs}, {@code maxDelayMs}],
     * their labels as a {@link LabelFeedback} to {@code labelsTopic}: a service that scores now and learns the truth
     * later. {@link #publish} returns once the last label is sent.
     */
    public EventPublisher lateLabels(String labelsTopic, Serializer<LabelFeedback> labelSerializer,
            double unlabelledFraction, long minDelayMs, long maxDelayMs, long seed) {
        if (unlabelledFraction < 0 || unlabelledFraction > 1 || minDelayMs < 0 || maxDelayMs < minDelayMs) {
            throw new IllegalArgumentException("unlabelled fraction " + unlabelledFraction + " outside [0, 1] or delay "
                    + minDelayMs + "-" + maxDelayMs + " ms not a range of non-negative values");
        }
        this.lateLabels = new LateLabels(labelsTopic, labelSerializer, unlabelledFraction, minDelayMs, maxDelayMs,
                new Random(seed));
        return this;
    }

    /**
     * Sends every example of the source as an event of {@code modelId}, with {@code badRecords} malformed records
     * spread at random positions among them; {@code eventsPerSecond <= 0} sends as fast as possible.
     *
     * @param labelNames the model's label names, by the source's label index
     */
    public Sent publish(ExampleSource source, List<String> labelNames, String modelId, long maxEvents, int badRecords,
            double eventsPerSecond, long seed) throws InterruptedException {
        Random random = new Random(seed);
        List<BadRecords.BadRecord> pendingBad = new ArrayList<>();
        long sequence = 0;
        long started = System.nanoTime();
        while (source.hasNext() && sequence < maxEvents) {
            Example example = source.next();
            LabelledEvent event = Events.of(example, labelNames, modelId, sequence);
            if (sequence == 0 && badRecords > 0) {
                pendingBad.addAll(BadRecords.make(badRecords, event, e -> serializer.serialize(topic, e)));
            }
            send(event);
            sequence++;
            if (!pendingBad.isEmpty() && random.nextDouble() < (double) badRecords / Math.max(1, Math.min(maxEvents, 1_000_000))) {
                sendBad(pendingBad.remove(pendingBad.size() - 1), modelId);
            }
            if (eventsPerSecond > 0) {
                long due = started + (long) (sequence * 1e9 / eventsPerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        for (BadRecords.BadRecord record : pendingBad) {
            sendBad(record, modelId);
        }
        while (!pendingLabels.isEmpty()) {
            long wait = pendingLabels.peek().dueNanos() - System.nanoTime();
            if (wait > 0) {
                producer.flush();
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            sendDueLabels();
        }
        producer.flush();
        return sent();
    }

    public void send(LabelledEvent event) {
        sendDueLabels();
        if (lateLabels != null && event.getLabels() != null
                && lateLabels.random().nextDouble() < lateLabels.unlabelledFraction()) {
            long delayMs = lateLabels.minDelayMs()
                    + (long) (lateLabels.random().nextDouble() * (lateLabels.maxDelayMs() - lateLabels.minDelayMs()));
            // Its labelTime is when it falls due: what a labelling service that reports after the delay would write.
            LabelFeedback label = new LabelFeedback(event.getId(), event.getModelId(), event.getLabels(),
                    Instant.ofEpochMilli(System.currentTimeMillis() + delayMs));
            pendingLabels.add(new PendingLabel(System.nanoTime() + delayMs * 1_000_000, new ProducerRecord<>(
                    lateLabels.topic(), event.getModelId(), lateLabels.serializer().serialize(lateLabels.topic(), label))));
            event = LabelledEvent.newBuilder(event).setLabels(null).build();
            unlabelled.incrementAndGet();
        }
        String key = event.getModelId();
        if (misKeyedShare > 0 && misKeying.nextDouble() < misKeyedShare) {
            key = misKeying.nextBoolean() ? null : event.getId();
        }
        producer.send(new ProducerRecord<>(topic, key, serializer.serialize(topic, event)));
        valid.incrementAndGet();
    }

    /** Sends the labels whose delay is over. */
    private void sendDueLabels() {
        while (!pendingLabels.isEmpty() && pendingLabels.peek().dueNanos() <= System.nanoTime()) {
            ProducerRecord<String, byte[]> record = pendingLabels.poll().record();
            producer.send(record);
        }
    }

    /** Events sent without labels (their labels follow on the labels topic). */
    public long unlabelled() {
        return unlabelled.get();
    }

    private void sendBad(BadRecords.BadRecord record, String modelId) {
        byte[] value = record.rawValue() != null ? record.rawValue() : serializer.serialize(topic, record.event());
        producer.send(new ProducerRecord<>(topic, modelId, value));
        bad.incrementAndGet();
    }

    public Sent sent() {
        return new Sent(valid.get(), bad.get());
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
