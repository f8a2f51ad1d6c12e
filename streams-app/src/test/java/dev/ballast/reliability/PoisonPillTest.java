package dev.ballast.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.Events;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.AlertKind;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.testing.TestApps;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The records that used to stop Ballast for good, or wreck its model, sent between valid events to a running app:
 * a record with no timestamp (CreateTime -1), keyed by its model id and keyed otherwise; events over the size cap
 * once re-keyed (a huge event id, a huge model id that becomes the key); an invalid event that goes through the repartition topic; and valid events with extreme
 * finite features or over the size cap but keyed right. The app keeps running, every valid event is trained exactly
 * once, and every bad record is dead-lettered exactly once, naming its own offset in the events topic.
 */
@BrokerTest
class PoisonPillTest {

    private static final String MODEL = "default";
    private static final int GOOD_PER_GAP = 40;
    private static final int MAX_EVENT_BYTES = 16 * 1024;

    @Test
    void shouldDeadLetterEachPoisonPillOnceWithItsCoordinatesAndTrainEveryValidEventOnce(EmbeddedKafka kafka,
            @TempDir Path work) throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(),
                    KafkaTestClient.uniqueName("poison"), 1);
            settings.put("state.dir", work.toString());
            settings.put(BallastConfig.EVENTS_INVALID_TIMESTAMP, "dead-letter");
            settings.put(BallastConfig.EVENT_MAX_BYTES, Integer.toString(MAX_EVENT_BYTES));
            BallastConfig config = new BallastConfig(settings);
            String topic = config.getString(BallastConfig.EVENTS_TOPIC);
            new KafkaTestClient(kafka).createTopics(1, topic);
            Serializer<LabelledEvent> serializer = BallastSerdes.fromConfig(config.nonBallastProperties()).events().serializer();
            Map<Long, String> expectedKindByOffset = new TreeMap<>();
            long valid = 0;
            try (BallastApp app = BallastApp.start(config);
                 KafkaProducer<String, byte[]> producer = producer(kafka);
                 DriftingStream stream = new DriftingStream(TestApps.STREAM, 10 * GOOD_PER_GAP)) {
                List<Pill> pills = pills(Events.of(stream.next(), TestApps.labels(), MODEL, 0));
                valid++;
                send(producer, topic, MODEL, serializer.serialize(topic, Events.of(stream.next(), TestApps.labels(), MODEL, 1)), false);
                for (Pill pill : pills) {
                    for (int i = 0; i < GOOD_PER_GAP; i++) {
                        send(producer, topic, MODEL, serializer.serialize(topic,
                                Events.of(stream.next(), TestApps.labels(), MODEL, stream.position())), false);
                        valid++;
                    }
                    long offset = send(producer, topic, pill.key(), serializer.serialize(topic, pill.event()), pill.noTimestamp());
                    if (pill.expectedKind() == null) {
                        valid++;
                    } else {
                        expectedKindByOffset.put(offset, pill.expectedKind());
                    }
                }
                long trained = valid;
                AppOutputs outputs = awaitOrRead(config, read -> read.deadLetters().size() >= expectedKindByOffset.size()
                        && read.latest(MODEL) != null && read.latest(MODEL).getEventsTrained() >= trained);
                assertTrue(app.state() == KafkaStreams.State.RUNNING || app.state() == KafkaStreams.State.REBALANCING,
                        "app alive: " + app.state());

                Map<Long, String> deadLettered = new TreeMap<>();
                for (DeadLetter letter : outputs.deadLetters()) {
                    assertEquals(topic, letter.getSourceTopic(), "names the events topic: " + letter);
                    assertEquals(0, letter.getSourcePartition());
                    String previous = deadLettered.put(letter.getSourceOffset(), letter.getErrorKind());
                    assertEquals(null, previous, "one dead letter per record: " + letter);
                }
                assertEquals(expectedKindByOffset, deadLettered, "each pill dead-lettered once, with its own offset and kind");
                assertEquals(valid, outputs.latest(MODEL).getEventsTrained(), "every valid event trained exactly once");
                assertTrue(outputs.alerts().stream().noneMatch(alert -> alert.getKind() == AlertKind.NON_FINITE_STEP),
                        "extreme finite values skipped no step");
            }
        }
    }

    /** The outputs once {@code done} holds of them, or as they are after a minute (the assertions then say what). */
    private static AppOutputs awaitOrRead(BallastConfig config, java.util.function.Predicate<AppOutputs> done)
            throws InterruptedException {
        try {
            return AppOutputs.await(config, done, "every valid event trained and every pill dead-lettered",
                    Duration.ofSeconds(60));
        } catch (AssertionError notYet) {
            return AppOutputs.read(config);
        }
    }

    /**
     * A record to send between valid events: its key, its event, whether it has no timestamp, and the dead-letter
     * kind it must get (null: it is valid and must be trained).
     */
    private record Pill(String key, LabelledEvent event, boolean noTimestamp, String expectedKind) {
    }

    private static List<Pill> pills(LabelledEvent template) {
        List<Pill> pills = new ArrayList<>();
        pills.add(new Pill(MODEL, withId(template, "no-timestamp-keyed"), true, "INVALID_TIMESTAMP"));
        pills.add(new Pill(null, withId(template, "no-timestamp-unkeyed"), true, "INVALID_TIMESTAMP"));
        pills.add(new Pill(null, withId(template, "oversize-" + "x".repeat(MAX_EVENT_BYTES)), false, "OVERSIZE"));
        pills.add(new Pill(MODEL, LabelledEvent.newBuilder(withId(template, "oversize-model-id"))
                .setModelId("m".repeat(MAX_EVENT_BYTES / 2)).build(), false, "OVERSIZE"));
        pills.add(new Pill("another-key", LabelledEvent.newBuilder(withId(template, "nan-repartitioned"))
                .setImportance(Float.NaN).build(), false, "NON_FINITE"));
        pills.add(new Pill(MODEL, withId(template, "oversize-keyed-right-" + "x".repeat(MAX_EVENT_BYTES)), false, null));
        pills.add(new Pill(MODEL, withAll(template, "extreme-large", 3.4e38f), false, null));
        pills.add(new Pill(MODEL, withAll(template, "extreme-negative", -3.4e38f), false, null));
        pills.add(new Pill(null, withAll(template, "extreme-repartitioned", 1e4f), false, null));
        return pills;
    }

    private static LabelledEvent withId(LabelledEvent event, String id) {
        return LabelledEvent.newBuilder(event).setId(id).build();
    }

    private static LabelledEvent withAll(LabelledEvent event, String id, float value) {
        int features = ((DenseFeatures) event.getFeatures()).getValues().size();
        return LabelledEvent.newBuilder(event).setId(id)
                .setFeatures(new DenseFeatures(new ArrayList<>(Collections.nCopies(features, value)))).build();
    }

    /** Sends synchronously and returns the offset; {@code noTimestamp} writes CreateTime -1, as some producers do. */
    private static long send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value,
            boolean noTimestamp) throws Exception {
        ProducerRecord<String, byte[]> record = noTimestamp ? withoutTimestamp(topic, key, value)
                : new ProducerRecord<>(topic, 0, null, key, value);
        return producer.send(record).get().offset();
    }

    /** A record of partition 0 written with CreateTime -1 ("no timestamp"). */
    static ProducerRecord<String, byte[]> withoutTimestamp(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, 0, null, key, value) {
            // The Java client refuses a negative timestamp in the constructor and stamps a null one with the clock;
            // the record format's "no timestamp" (-1) is what other clients and old formats write.
            @Override
            public Long timestamp() {
                return -1L;
            }
        };
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
    }
}
