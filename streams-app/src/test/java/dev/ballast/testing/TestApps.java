package dev.ballast.testing;

import dev.ballast.config.BallastConfig;
import dev.ballast.io.DriftingStreamSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Settings of a Ballast app under test: its own application id and topics (so tests can share one broker), the demo
 * stream's shape, quick snapshots, linger and commits. One place for what every full-app test starts from.
 */
public final class TestApps {

    /** The stream the fault tests send: the demo's, so its label prevalences drift while faults hit. */
    public static final DriftingStreamSpec STREAM = DriftingStreamSpec.demo();

    private TestApps() {
    }

    /**
     * @param prefix unique per test ({@link dev.ballast.testing.KafkaTestClient#uniqueName}): the application id and
     *               the start of every topic name
     * @return mutable settings; a test adds or overrides what it injects
     */
    public static Map<String, String> settings(String bootstrapServers, String registryUrl, String prefix, int partitions) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("schema.registry.url", registryUrl);
        settings.put("application.id", prefix);
        settings.put("commit.interval.ms", "100");
        for (String key : List.of(BallastConfig.EVENTS_TOPIC, BallastConfig.MODEL_UPDATES_TOPIC,
                BallastConfig.METRICS_TOPIC, BallastConfig.ALERTS_TOPIC, BallastConfig.DEAD_LETTERS_TOPIC,
                BallastConfig.LABELS_TOPIC, BallastConfig.PREDICTIONS_TOPIC)) {
            settings.put(key, prefix + "." + key.substring("ballast.topic.".length()));
        }
        settings.put(BallastConfig.TOPIC_PARTITIONS, Integer.toString(partitions));
        settings.put(BallastConfig.MODEL_FEATURES, Integer.toString(STREAM.featureCount()));
        settings.put(BallastConfig.MODEL_LABELS, String.join(",", labels()));
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "300");
        settings.put(BallastConfig.BATCH_LINGER_MS, "100");
        return settings;
    }

    /** The label names the app declares, by the stream's label index. */
    public static List<String> labels() {
        return IntStream.range(0, STREAM.labelCount()).mapToObj(i -> "l" + i).collect(Collectors.toList());
    }
}
