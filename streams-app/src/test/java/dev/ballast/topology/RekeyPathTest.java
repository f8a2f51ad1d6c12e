package dev.ballast.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.processor.SourceHeaders;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.testing.EmbeddedKafkaExtension;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events keyed by something other than their model id: re-keyed through the repartition topic within the size cap,
 * dead-lettered beyond it, and dead letters of repartitioned events name the record's place in the events topic.
 */
@ExtendWith(EmbeddedKafkaExtension.class) // the shared embedded registry only; no broker
class RekeyPathTest {

    private static final int FEATURES = 4;
    private static final int MAX_EVENT_BYTES = 2048;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, LabelledEvent> events;
    private TestOutputTopic<String, ModelSnapshot> snapshots;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void startDriver(EmbeddedSchemaRegistry registry) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "ballast-rekey-path-test");
        settings.put("state.dir", stateDir.toString());
        settings.put(BallastConfig.MODEL_FEATURES, Integer.toString(FEATURES));
        settings.put(BallastConfig.MODEL_LABELS, "a,b");
        settings.put(BallastConfig.BATCH_SIZE, "4");
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_STEPS, "1");
        settings.put(BallastConfig.EVENT_MAX_BYTES, Integer.toString(MAX_EVENT_BYTES));
        BallastConfig config = new BallastConfig(settings);
        BallastSerdes serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
        driver = new TopologyTestDriver(BallastTopology.build(config, serdes), StreamsSettings.of(config));
        events = driver.createInputTopic("ballast.events", new StringSerializer(), serdes.events().serializer());
        snapshots = driver.createOutputTopic("ballast.model-updates", new StringDeserializer(), serdes.snapshots().deserializer());
        deadLetters = driver.createOutputTopic("ballast.dead-letters", new StringDeserializer(), serdes.deadLetters().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldDeadLetterAnEventOverTheSizeCapInsteadOfReKeyingIt() {
        events.pipeInput("other-key", event("x".repeat(MAX_EVENT_BYTES), 1f));
        for (int i = 0; i < 4; i++) {
            events.pipeInput("other-key", event("small-" + i, 1f));
        }
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertEquals(1, letters.size());
        DeadLetter letter = letters.get(0);
        assertEquals("OVERSIZE", letter.getErrorKind());
        assertTrue(letter.getReason().contains(BallastConfig.EVENT_MAX_BYTES + "=" + MAX_EVENT_BYTES), letter.getReason());
        assertEquals("ballast.events", letter.getSourceTopic());
        assertEquals(0, letter.getSourceOffset());
        assertEquals(4, snapshots.readValuesToList().get(0).getEventsTrained(), "the four small events re-keyed and trained");
    }

    @Test
    void shouldNameTheEventsTopicOffsetInTheDeadLetterOfARepartitionedEvent() {
        for (int i = 0; i < 3; i++) {
            events.pipeInput("default", event("good-" + i, 1f));
        }
        events.pipeInput("some-other-key", event("bad", Float.NaN));
        DeadLetter letter = deadLetters.readValue();
        assertEquals("NON_FINITE", letter.getErrorKind());
        assertEquals("ballast.events", letter.getSourceTopic(), "not the repartition topic");
        assertEquals(0, letter.getSourcePartition());
        assertEquals(3, letter.getSourceOffset());
    }

    @Test
    void shouldIgnoreBallastHeadersAProducerSetOnTheEventsTopic() {
        RecordHeaders forged = new RecordHeaders();
        SourceHeaders.writeCoordinates(forged, "elsewhere", 9, 999);
        forged.add(SourceHeaders.INVALID_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(-1).array());
        events.pipeInput(new TestRecord<>("default", event("forged-nan", Float.NaN), forged, Instant.now()));
        for (int i = 0; i < 4; i++) {
            events.pipeInput(new TestRecord<>("default", event("forged-" + i, 1f), forged, Instant.now()));
        }
        DeadLetter letter = deadLetters.readValue();
        assertEquals("NON_FINITE", letter.getErrorKind(), "not INVALID_TIMESTAMP: the timestamp is valid");
        assertEquals("ballast.events", letter.getSourceTopic());
        assertEquals(0, letter.getSourceOffset());
        assertTrue(deadLetters.isEmpty());
        assertEquals(4, snapshots.readValuesToList().get(0).getEventsTrained());
    }

    private static LabelledEvent event(String id, float firstValue) {
        return LabelledEvent.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setModelId("default").setFeatures(new DenseFeatures(List.of(firstValue, 0.5f, -0.5f, 2f)))
                .setLabels(List.of("a")).build();
    }
}
