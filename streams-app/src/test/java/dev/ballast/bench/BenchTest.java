package dev.ballast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.config.BallastConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The bench's code path end to end with tiny sizes: every figure is there and positive. No timing is asserted. */
@Tag("broker")
class BenchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldReportEveryFigureWhenRunWithTinySizes() throws Exception {
        // 8,000 events: enough for the timed window to span several ticks of the OS's process CPU clock (10 ms).
        BenchSettings tiny = new BenchSettings(8_000, List.of(LearnerShape.dense(4, 3), LearnerShape.sparse(50, 4, 5)),
                List.of(1, 8), Duration.ofMillis(20), Duration.ofMillis(50), LearnerShape.dense(20, 5), 500,
                Duration.ofSeconds(1), null, 2);
        Map<String, String> settings = Map.of(BallastConfig.BATCH_SIZE, "8", BallastConfig.SNAPSHOT_INTERVAL_STEPS, "5");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        BenchReport report = Bench.run(tiny, settings, new PrintStream(progress, true, StandardCharsets.UTF_8));

        JsonNode json = JSON.readTree(JSON.writeValueAsString(report.toJson(JSON)));
        for (String field : List.of("passThroughEventsPerSecond", "trainingEventsPerSecond", "ratio", "heapMb", "rssMb",
                "snapshotLatencyMsP50", "snapshotLatencyMsP99", "scoringJoiningEventsPerSecond")) {
            assertTrue(json.path(field).asDouble() > 0, field + " = " + json.get(field));
        }
        assertEquals(report.training().eventsPerSecond() / report.passThrough().eventsPerSecond(),
                json.get("ratio").asDouble(), 1e-9);
        assertEquals(8_000, json.get("events").asLong(), "8,000 events are 200 whole snapshot intervals of 8 x 5 events");
        assertEquals(4, json.get("learner").size(), "two shapes times two batch sizes");
        for (JsonNode learner : json.get("learner")) {
            for (String field : List.of("features", "labels", "nonZeros", "batch", "eventsPerSecond",
                    "eventsPerCpuSecond")) {
                assertTrue(learner.path(field).asDouble() > 0, field + " in " + learner);
            }
        }
        assertEquals(5, json.get("learner").get(2).get("nonZeros").asInt());
        assertEquals(500, json.get("latencyEvents").asLong());
        // How many progress points the sampler sees depends on how fast 8,000 events train; the last one is always there.
        assertTrue(json.get("trainingHeapSamples").size() >= 1, json.get("trainingHeapSamples").toString());
        JsonNode lastSample = json.get("trainingHeapSamples").get(json.get("trainingHeapSamples").size() - 1);
        assertEquals(8_000, lastSample.get("events").asLong());
        assertTrue(lastSample.get("heapMb").asDouble() > 0);
        assertEquals("training / pass-through", json.get("targets").get(0).get("name").asText());
        String lines = progress.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("bench: warm-up round 1: training"), lines);
        assertTrue(lines.contains("bench: timed round: training"), lines);
        assertTrue(lines.contains("bench: scoring + joining"), lines);
        for (String app : List.of("passThroughCpu", "trainingCpu", "scoringJoiningCpu")) {
            for (String field : List.of("streamThreadMicrosPerEvent", "streamThreadBusy", "processMicrosPerEvent")) {
                assertTrue(json.path(app).path(field).asDouble() > 0, app + "." + field + " = " + json.get(app));
            }
        }
    }

    /** The bench's event count ends on a snapshot by steps, the warm-up's smaller batches counted. */
    @Test
    void shouldEndTheStreamOnASnapshotByStepsWithTheWarmupCounted() {
        BallastConfig warm = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "32",
                BallastConfig.BATCH_WARMUP_EVENTS, "1000", BallastConfig.BATCH_WARMUP_SIZE, "16"));
        // 64 batches of 16 (1,024 events), then batches of 32: step k ends at 32 k - 1,024 events.
        assertEquals(32 * 1050 - 1024, Bench.eventsAtStepSnapshot(warm.trainerSettings(), 50, 32_000));
        BallastConfig cold = new BallastConfig(Map.of(BallastConfig.BATCH_SIZE, "32",
                BallastConfig.BATCH_WARMUP_EVENTS, "0"));
        assertEquals(32_000, Bench.eventsAtStepSnapshot(cold.trainerSettings(), 50, 32_000));
        assertEquals(3_200, Bench.eventsAtStepSnapshot(cold.trainerSettings(), 50, 10), "at least two snapshots");
    }
}
