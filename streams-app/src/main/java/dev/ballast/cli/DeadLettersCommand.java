package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.config.BallastConfig;
import dev.ballast.monitoring.DeadLetterText;
import dev.ballast.monitoring.MetricsFeed;
import dev.ballast.schema.DeadLetter;
import dev.ballast.cluster.BallastSerdes;
import dev.ballast.cluster.StartupChecks;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dead-letters", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what the dead-letter topic holds, and re-send fixed records.",
            "",
            "Per record the kind, the reason, the source topic, partition and offset, the event id, and the key and "
                + "value bytes (hex and printable excerpt: the original bytes of an undecodable record, the event "
                + "re-encoded for one rejected after decoding); then a summary by kind. --replay-to re-sends those "
                + "that decode as events, each once: a consumer group named after the two topics and the --model and "
                + "--kind choice remembers how far the replays of that choice have gone, and the next starts there "
                + "(--from-beginning re-sends them all again).", ""},
        footer = {"", "Examples:",
            "  ballast dead-letters --config config/production.properties",
            "  ballast dead-letters --model fraud --json",
            "  ballast dead-letters --follow    # then new ones as they arrive; Ctrl-C stops",
            "  ballast dead-letters --replay-to ballast.events    # after fixing the cause",
            "  ballast dead-letters --kind MODEL_FAILED --replay-to ballast.events"})
final class DeadLettersCommand implements Callable<Integer> {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--model", paramLabel = "ID", description = "Only dead letters whose record key is this model id.")
    String modelId;

    @Option(names = "--kind", paramLabel = "KIND", split = ",",
            description = "Only dead letters of these kinds (comma-separated, as the summary names them: DIMENSION, "
                    + "NON_FINITE, UNKNOWN_LABEL, DESERIALIZATION, MODEL_FAILED, ...).")
    Set<String> kinds;

    @Option(names = "--follow", description = "After the summary, keep printing dead letters as they arrive.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object on stdout: {\"topic\",\"count\",\"byKind\",\"deadLetters\":[...]};"
            + " with --follow, one object per dead letter and line.")
    boolean json;

    @Option(names = "--replay-to", paramLabel = "TOPIC",
            description = "Re-send the original key and value of every shown record that decodes as a LabelledEvent; "
                    + "shows only the dead letters after the last replay of the same choice to TOPIC.")
    String replayTopic;

    @Option(names = "--from-beginning",
            description = "With --replay-to: show and re-send every dead letter again, not only those after the last "
                    + "replay.")
    boolean fromBeginning;

    @Mixin
    ConfigOptions configOptions;

    private final Map<String, Long> byKind = new TreeMap<>();
    private long replayed;
    private long undecodable;

    /** Built at the first record: an empty topic is read without asking the Schema Registry. */
    private BallastSerdes serdes;

    @Override
    public Integer call() throws Exception {
        BallastConfig config = new BallastConfig(configOptions.load(Map.of()));
        Map<String, Object> client = config.nonBallastProperties();
        StartupChecks.requireClientSettings(client);
        String topic = config.getString(BallastConfig.DEAD_LETTERS_TOPIC);
        PrintStream out = System.out;
        ObjectMapper mapper = new ObjectMapper();
        Map<String, Object> reader = MetricsFeed.readerProperties(client);
        String replayGroup = replayTopic == null ? null : replayGroup(topic);
        if (replayGroup != null) {
            reader.put(ConsumerConfig.GROUP_ID_CONFIG, replayGroup);
        }
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(reader,
                new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = replayTopic == null ? null : replayProducer(client)) {
            // The consumer's first metadata request is the start-up check on Kafka, as for 'models' and 'monitor'.
            List<TopicPartition> partitions = StartupChecks.awaitKafka(
                            String.valueOf(client.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)),
                            Duration.ofMillis(config.getLong(BallastConfig.STARTUP_WAIT_MS)),
                            timeout -> consumer.partitionsFor(topic, timeout)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            boolean sinceLastReplay = replayGroup != null && !fromBeginning && seekToLastReplay(consumer, partitions);
            if (!sinceLastReplay) {
                consumer.seekToBeginning(partitions);
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            ArrayNode shown = mapper.createArrayNode();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline
                    && ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    DeadLetter deadLetter = take(record, client, producer);
                    if (deadLetter != null && json) {
                        DeadLetterText.json(deadLetter, shown.addObject());
                    } else if (deadLetter != null) {
                        out.print(DeadLetterText.describe(deadLetter));
                    }
                }
            }
            if (json && !follow) {
                out.println(report(mapper, topic, shown));
            } else if (!json) {
                out.println(DeadLetterText.summary(topic + (modelId == null ? "" : " for model " + modelId)
                        + (kinds == null ? "" : " of kind " + String.join(", ", new TreeSet<>(kinds)))
                        + (sinceLastReplay ? " after the last replay to " + replayTopic : ""), byKind));
                if (replayTopic != null) {
                    out.println(replaySummary());
                }
            }
            out.flush();
            rememberReplay(consumer, producer, partitions);
            while (follow) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofSeconds(1));
                for (ConsumerRecord<String, byte[]> record : records) {
                    DeadLetter deadLetter = take(record, client, producer);
                    if (deadLetter != null) {
                        out.print(json ? mapper.writeValueAsString(DeadLetterText.json(deadLetter, mapper.createObjectNode()))
                                + System.lineSeparator() : DeadLetterText.describe(deadLetter));
                        out.flush();
                    }
                }
                if (!records.isEmpty()) {
                    rememberReplay(consumer, producer, partitions);
                }
            }
        }
        return 0;
    }

    /**
     * Counts, and replays when asked, a dead letter of the chosen model and kinds; null for a tombstone or one not
     * chosen.
     */
    private DeadLetter take(ConsumerRecord<String, byte[]> record, Map<String, Object> client,
            KafkaProducer<byte[], byte[]> producer) {
        if (record.value() == null || (modelId != null && !modelId.equals(record.key()))) {
            return null;
        }
        if (serdes == null) {
            serdes = BallastSerdes.fromConfig(client);
        }
        DeadLetter deadLetter = serdes.deadLetters().deserializer().deserialize(record.topic(), record.value());
        if (kinds != null && !kinds.contains(deadLetter.getErrorKind())) {
            return null;
        }
        byKind.merge(deadLetter.getErrorKind(), 1L, Long::sum);
        if (producer != null) {
            byte[] value = bytes(deadLetter.getValue());
            if (value != null && decodes(serdes, value)) {
                producer.send(new ProducerRecord<>(replayTopic, bytes(deadLetter.getKey()), value));
                replayed++;
            } else {
                undecodable++;
            }
        }
        return deadLetter;
    }

    /**
     * The consumer group that remembers how far the replays of this choice (the two topics, --model, --kind) have
     * gone: another choice keeps its own, so a replay of one kind never skips the dead letters of another.
     */
    private String replayGroup(String deadLetterTopic) {
        StringBuilder group = new StringBuilder("ballast-replay.").append(deadLetterTopic).append(".to.")
                .append(replayTopic);
        if (modelId != null) {
            group.append(".model.").append(modelId);
        }
        if (kinds != null) {
            group.append(".kind.").append(String.join("+", new TreeSet<>(kinds)));
        }
        return group.toString();
    }

    /** Seeks each partition to where the last replay of this choice stopped; false when none has been made. */
    private static boolean seekToLastReplay(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        if (committed.values().stream().allMatch(Objects::isNull)) {
            return false;
        }
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata last = committed.get(partition);
            if (last == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, last.offset());
            }
        }
        return true;
    }

    /** Once what was re-sent is acknowledged, remembers where the replay stands (no-op without --replay-to). */
    private static void rememberReplay(KafkaConsumer<String, byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
            List<TopicPartition> partitions) {
        if (producer == null) {
            return;
        }
        producer.flush();
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (TopicPartition partition : partitions) {
            positions.put(partition, new OffsetAndMetadata(consumer.position(partition)));
        }
        consumer.commitSync(positions);
    }

    private static boolean decodes(BallastSerdes serdes, byte[] value) {
        try {
            serdes.events().deserializer().deserialize(null, value);
            return true;
        } catch (SerializationException | org.apache.avro.AvroRuntimeException | IndexOutOfBoundsException e) {
            return false;
        }
    }

    private String replaySummary() {
        return "Re-sent " + replayed + " to " + replayTopic + "; " + undecodable
                + " do not decode as a LabelledEvent (or lost their bytes) and were not re-sent; the next replay of "
                + "this choice starts after them (--from-beginning re-sends them all)";
    }

    private String report(ObjectMapper mapper, String topic, ArrayNode shown) throws Exception {
        ObjectNode root = mapper.createObjectNode();
        root.put("topic", topic);
        root.put("count", shown.size());
        ObjectNode kinds = root.putObject("byKind");
        byKind.forEach(kinds::put);
        if (replayTopic != null) {
            root.put("replayedTo", replayTopic);
            root.put("replayGroup", replayGroup(topic));
            root.put("replayed", replayed);
            root.put("notReplayed", undecodable);
        }
        root.set("deadLetters", shown);
        return mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    private static KafkaProducer<byte[], byte[]> replayProducer(Map<String, Object> client) {
        Map<String, Object> properties = new HashMap<>();
        for (String name : ProducerConfig.configNames()) {
            if (client.containsKey(name)) {
                properties.put(name, client.get(name));
            }
        }
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
