package dev.ballast.deploy;

import dev.ballast.config.BallastConfig;
import dev.ballast.io.DriftingStreamSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Settings of a test app: its own topics and application id, quick snapshots, the demo stream's shape. */
final class AppSettings {

    private AppSettings() {
    }

    /**
     * @param prefix unique name: the application id and the prefix of every topic
     * @return a mutable map, for the test to add or override settings
     */
    static Map<String, String> of(String prefix, String bootstrapServers, String registryUrl, List<String> modelIds) {
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("schema.registry.url", registryUrl);
        settings.put("application.id", prefix);
        settings.put("commit.interval.ms", "100");
        for (String key : List.of(BallastConfig.EVENTS_TOPIC, BallastConfig.MODEL_UPDATES_TOPIC, BallastConfig.METRICS_TOPIC,
                BallastConfig.ALERTS_TOPIC, BallastConfig.DEAD_LETTERS_TOPIC)) {
            settings.put(key, prefix + "." + key.substring("ballast.topic.".length()));
        }
        settings.put(BallastConfig.MODELS, String.join(",", modelIds));
        settings.put(BallastConfig.MODEL_FEATURES, Integer.toString(demo.featureCount()));
        settings.put(BallastConfig.MODEL_LABELS, IntStream.range(0, demo.labelCount()).mapToObj(i -> "l" + i)
                .collect(Collectors.joining(",")));
        settings.put(BallastConfig.SNAPSHOT_INTERVAL_MS, "300");
        settings.put(BallastConfig.BATCH_LINGER_MS, "100");
        return settings;
    }
}
