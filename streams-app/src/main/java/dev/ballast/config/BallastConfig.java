package dev.ballast.config;

import dev.ballast.evaluation.ThresholdMetric;
import dev.ballast.evaluation.ThresholdPolicy;
import dev.ballast.evaluation.ThresholdSettings;
import dev.ballast.learning.LearningSettings;
import dev.ballast.learning.ModelType;
import dev.ballast.learning.OptimizerType;
import dev.ballast.training.TrainerSettings;
import dev.ballast.weighting.WeightPolicySettings;
import dev.ballast.weighting.WeightPolicyType;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every Ballast setting, declared once. Construct from the merged properties (file, then {@code --set});
 * an invalid value throws {@link ConfigException} naming the key.
 *
 * <p>Per-model overrides: {@code ballast.models.<id>.<key without "ballast.">} overrides a model-level key
 * for one model, e.g. {@code ballast.models.fraud.model.labels=card,wire}. See {@link #forModel(String)}.
 */
public final class BallastConfig extends AbstractConfig {

    public static final String PREFIX = "ballast.";
    public static final String MODEL_OVERRIDE_PREFIX = "ballast.models.";

    // Topics
    public static final String EVENTS_TOPIC = "ballast.topic.events";
    public static final String MODEL_UPDATES_TOPIC = "ballast.topic.model.updates";
    public static final String METRICS_TOPIC = "ballast.topic.metrics";
    public static final String ALERTS_TOPIC = "ballast.topic.alerts";
    public static final String DEAD_LETTERS_TOPIC = "ballast.topic.dead.letters";
    public static final String TOPIC_PARTITIONS = "ballast.topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "ballast.topic.replication.factor";
    public static final String TOPIC_CREATE = "ballast.topic.create";

    // Hostile input
    public static final String EVENTS_INVALID_TIMESTAMP = "ballast.events.invalid.timestamp";
    public static final String EVENT_MAX_BYTES = "ballast.event.max.bytes";

    // Models
    public static final String MODELS = "ballast.models";
    public static final String ACCEPT_UNKNOWN_MODELS = "ballast.models.accept.unknown";
    public static final String MODEL_FEATURES = "ballast.model.features";
    public static final String MODEL_LABELS = "ballast.model.labels";
    public static final String MODEL_TYPE = "ballast.model.type";
    public static final String MODEL_HIDDEN_UNITS = "ballast.model.hidden.units";
    public static final String MODEL_STANDARDIZE = "ballast.model.standardize";
    public static final String MODEL_SEED = "ballast.model.seed";
    public static final String BATCH_SIZE = "ballast.batch.size";
    public static final String BATCH_LINGER_MS = "ballast.batch.linger.ms";
    public static final String STATE_SAVE_INTERVAL_BATCHES = "ballast.state.save.interval.batches";

    // Optimiser
    public static final String OPTIMIZER = "ballast.optimizer";
    public static final String LEARNING_RATE = "ballast.optimizer.learning.rate";
    public static final String MOMENTUM = "ballast.optimizer.momentum";
    public static final String L2 = "ballast.optimizer.l2";
    public static final String CLIP_NORM = "ballast.optimizer.clip.norm";

    // Weighting
    public static final String WEIGHTING_POLICY = "ballast.weighting.policy";
    public static final String WEIGHTING_HALF_LIFE = "ballast.weighting.half.life.events";
    public static final String WEIGHTING_SMOOTHING = "ballast.weighting.smoothing";
    public static final String WEIGHTING_MIN = "ballast.weighting.min";
    public static final String WEIGHTING_MAX = "ballast.weighting.max";
    public static final String WEIGHTING_LOG_MU = "ballast.weighting.log.mu";
    public static final String WEIGHTING_EFFECTIVE_BETA = "ballast.weighting.effective.number.beta";

    // Thresholds
    public static final String THRESHOLD_POLICY = "ballast.threshold.policy";
    public static final String THRESHOLD_METRIC = "ballast.threshold.metric";
    public static final String THRESHOLD_BETA = "ballast.threshold.beta";
    public static final String THRESHOLD_RECALL_FLOOR = "ballast.threshold.recall.floor";
    public static final String THRESHOLD_BINS = "ballast.threshold.bins";
    public static final String THRESHOLD_HALF_LIFE = "ballast.threshold.half.life.events";
    public static final String THRESHOLD_MIN_POSITIVES = "ballast.threshold.min.positives";
    public static final String THRESHOLD_DEFAULT = "ballast.threshold.default";

    // Metrics and drift
    public static final String METRICS_HALF_LIFE = "ballast.metrics.half.life.events";
    public static final String METRICS_BINS = "ballast.metrics.bins";
    public static final String DRIFT_ENABLED = "ballast.drift.enabled";

    // Publishing
    public static final String SNAPSHOT_INTERVAL_STEPS = "ballast.snapshot.interval.steps";
    public static final String SNAPSHOT_INTERVAL_MS = "ballast.snapshot.interval.ms";
    public static final String METRICS_INTERVAL_MS = "ballast.metrics.interval.ms";

    // Runtime
    public static final String NATIVE_THREADS = "ballast.native.threads";
    public static final String STARTUP_WAIT_MS = "ballast.startup.wait.ms";
    public static final String DASHBOARD_PORT = "ballast.dashboard.port";
    public static final String DASHBOARD_HOST = "ballast.dashboard.host";

    private static final String TOPICS = "Topics";
    private static final String MODEL = "Model";
    private static final String OPTIMISER = "Optimiser";
    private static final String WEIGHTING = "Weighting";
    private static final String THRESHOLDS = "Decision thresholds";
    private static final String MONITORING = "Metrics, drift and publishing";
    private static final String RUNTIME = "Runtime";

    /** The learning defaults are the learning package's own, chosen there with evidence; declared once. */
    private static final LearningSettings LEARNING_DEFAULTS = LearningSettings.defaults();

    /** The definitions, also the source of the README's settings table. */
    public static final ConfigDef DEFINITION = definition();

    private static ConfigDef definition() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(EVENTS_TOPIC, Type.STRING, "ballast.events", new ConfigDef.NonEmptyString(), Importance.HIGH,
                "Input topic of LabelledEvent records (key: model id).", TOPICS, ++order, ConfigDef.Width.MEDIUM, EVENTS_TOPIC);
        def.define(MODEL_UPDATES_TOPIC, Type.STRING, "ballast.model-updates", new ConfigDef.NonEmptyString(), Importance.HIGH,
                "Compacted output topic of ModelSnapshot records (key: model id).", TOPICS, ++order, ConfigDef.Width.MEDIUM, MODEL_UPDATES_TOPIC);
        def.define(METRICS_TOPIC, Type.STRING, "ballast.metrics", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Output topic of TrainingMetrics records.", TOPICS, ++order, ConfigDef.Width.MEDIUM, METRICS_TOPIC);
        def.define(ALERTS_TOPIC, Type.STRING, "ballast.alerts", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Output topic of ImbalanceAlert records.", TOPICS, ++order, ConfigDef.Width.MEDIUM, ALERTS_TOPIC);
        def.define(DEAD_LETTERS_TOPIC, Type.STRING, "ballast.dead-letters", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Output topic of DeadLetter records: every input record Ballast could not use, with the reason.", TOPICS, ++order, ConfigDef.Width.MEDIUM, DEAD_LETTERS_TOPIC);
        def.define(TOPIC_PARTITIONS, Type.INT, 3, Range.atLeast(1), Importance.LOW,
                "Partitions of the topics Ballast creates when they are missing.", TOPICS, ++order, ConfigDef.Width.SHORT, TOPIC_PARTITIONS);
        def.define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Range.atLeast(-1), Importance.MEDIUM,
                "Replication factor of the topics Ballast creates; -1 uses the broker's default.", TOPICS, ++order, ConfigDef.Width.SHORT, TOPIC_REPLICATION_FACTOR);
        def.define(TOPIC_CREATE, Type.BOOLEAN, true, Importance.LOW,
                "Create missing topics at start-up (and check the settings of existing ones).", TOPICS, ++order, ConfigDef.Width.SHORT, TOPIC_CREATE);
        def.define(EVENTS_INVALID_TIMESTAMP, Type.STRING, "event-time", ValidString.in("event-time", "dead-letter"), Importance.MEDIUM,
                "What to do with an event whose record timestamp is negative (missing), as some producers and replays "
                        + "write: event-time trains it, with the event's own eventTime as its timestamp (else the partition's "
                        + "latest valid one); dead-letter sends it to the dead-letter topic (kind INVALID_TIMESTAMP). Either way "
                        + "the record never stops the app. The default trains it: Ballast has no windows and the record "
                        + "timestamp plays no part in training, so a valid event is not lost for a field it does not use. "
                        + "Not applied when default.timestamp.extractor is set.",
                TOPICS, ++order, ConfigDef.Width.SHORT, EVENTS_INVALID_TIMESTAMP);
        def.define(EVENT_MAX_BYTES, Type.INT, 1_048_576, Range.between(1024, 32 * 1024 * 1024), Importance.LOW,
                "Largest event (key, value and headers, as written) that is re-keyed through the repartition topic; an "
                        + "event keyed by something other than its model id and larger than this is dead-lettered (kind "
                        + "OVERSIZE) instead. Ballast creates the repartition topic accepting 64 MB records, so any value up "
                        + "to the maximum, 32 MB, is written without the broker refusing it.",
                TOPICS, ++order, ConfigDef.Width.SHORT, EVENT_MAX_BYTES);

        order = 0;
        def.define(MODELS, Type.LIST, List.of("default"), ConfigDef.ValidList.anyNonDuplicateValues(false, false), Importance.HIGH,
                "Model ids this app trains. Events keyed by another id go to dead letters unless " + ACCEPT_UNKNOWN_MODELS + " is true.",
                MODEL, ++order, ConfigDef.Width.MEDIUM, MODELS);
        def.define(ACCEPT_UNKNOWN_MODELS, Type.BOOLEAN, false, Importance.LOW,
                "Train a new model from the ballast.model.* template for any model id not listed in " + MODELS + ".",
                MODEL, ++order, ConfigDef.Width.SHORT, ACCEPT_UNKNOWN_MODELS);
        def.define(MODEL_FEATURES, Type.INT, 30, Range.atLeast(1), Importance.HIGH,
                "Input dimension: dense events must have exactly this many values, sparse indices must be below it.",
                MODEL, ++order, ConfigDef.Width.SHORT, MODEL_FEATURES);
        def.define(MODEL_LABELS, Type.LIST, List.of("l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"),
                ConfigDef.ValidList.anyNonDuplicateValues(false, false), Importance.HIGH,
                "Label names, in output order. An event naming another label goes to dead letters.",
                MODEL, ++order, ConfigDef.Width.LONG, MODEL_LABELS);
        def.define(MODEL_TYPE, Type.STRING, "linear", ValidString.in("linear", "mlp"), Importance.HIGH,
                "linear: one logistic output per label over the shared input; mlp: one hidden ReLU layer shared by all labels.",
                MODEL, ++order, ConfigDef.Width.SHORT, MODEL_TYPE);
        def.define(MODEL_HIDDEN_UNITS, Type.INT, LEARNING_DEFAULTS.hiddenUnits(), Range.between(1, 65536), Importance.LOW,
                "Hidden units of the mlp model.", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_HIDDEN_UNITS);
        def.define(MODEL_STANDARDIZE, Type.BOOLEAN, true, Importance.MEDIUM,
                "Standardise dense features online (running mean and variance).", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_STANDARDIZE);
        def.define(MODEL_SEED, Type.LONG, LEARNING_DEFAULTS.seed(), Importance.LOW,
                "Seed of the parameter initialisation.", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_SEED);
        def.define(BATCH_SIZE, Type.INT, 32, Range.between(1, 65536), Importance.MEDIUM,
                "Events per mini-batch: each batch is predicted (prequential test), then one optimiser step is taken.",
                MODEL, ++order, ConfigDef.Width.SHORT, BATCH_SIZE);

        def.define(BATCH_LINGER_MS, Type.LONG, 1_000L, Range.atLeast(1), Importance.LOW,
                "Train a partial mini-batch once no event has arrived for this long (wall clock), so a quiet stream is not left untrained.",
                MODEL, ++order, ConfigDef.Width.SHORT, BATCH_LINGER_MS);
        def.define(STATE_SAVE_INTERVAL_BATCHES, Type.INT, 20, Range.between(1, 100_000), Importance.LOW,
                "Save a model's whole state to its changelogged store every this many mini-batches (and whenever it "
                        + "publishes); a restart replays the events since, read back from the events topic (events that came "
                        + "through the repartition topic are journalled in the store). Higher means less state I/O and a "
                        + "longer replay on restore.",
                MODEL, ++order, ConfigDef.Width.SHORT, STATE_SAVE_INTERVAL_BATCHES);

        order = 0;
        def.define(OPTIMIZER, Type.STRING, "adagrad", ValidString.in("sgd", "adagrad", "adam"), Importance.MEDIUM,
                "Optimiser: sgd (with momentum), adagrad or adam.", OPTIMISER, ++order, ConfigDef.Width.SHORT, OPTIMIZER);
        def.define(LEARNING_RATE, Type.DOUBLE, LEARNING_DEFAULTS.learningRate(), Range.between(0.0, 1e6), Importance.MEDIUM,
                "Learning rate.", OPTIMISER, ++order, ConfigDef.Width.SHORT, LEARNING_RATE);
        def.define(MOMENTUM, Type.DOUBLE, LEARNING_DEFAULTS.momentum(), Range.between(0.0, 0.999999), Importance.LOW,
                "Momentum of sgd.", OPTIMISER, ++order, ConfigDef.Width.SHORT, MOMENTUM);
        def.define(L2, Type.DOUBLE, LEARNING_DEFAULTS.l2(), Range.atLeast(0.0), Importance.LOW,
                "L2 penalty on the weights (not the biases).", OPTIMISER, ++order, ConfigDef.Width.SHORT, L2);
        def.define(CLIP_NORM, Type.DOUBLE, LEARNING_DEFAULTS.gradientClipNorm(), Range.atLeast(0.0), Importance.LOW,
                "Clip the gradient to this global L2 norm; 0 turns clipping off.", OPTIMISER, ++order, ConfigDef.Width.SHORT, CLIP_NORM);

        order = 0;
        def.define(WEIGHTING_POLICY, Type.STRING, "sqrt",
                ValidString.in("none", "inverse-prevalence", "sqrt", "log", "balanced", "effective-number"), Importance.HIGH,
                "How decayed label counts become class weights: none, inverse-prevalence (neg/pos), sqrt (its square root), "
                        + "log (max(1, ln(mu*total/pos))), balanced (scikit-learn), effective-number (Cui et al. 2019).",
                WEIGHTING, ++order, ConfigDef.Width.MEDIUM, WEIGHTING_POLICY);
        def.define(WEIGHTING_HALF_LIFE, Type.DOUBLE, 10_000.0, Range.atLeast(0.0), Importance.HIGH,
                "Half-life, in events, of the label counts behind the weights; 0 means no decay (cumulative counts).",
                WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_HALF_LIFE);
        def.define(WEIGHTING_SMOOTHING, Type.DOUBLE, 1.0, Range.atLeast(0.0), Importance.LOW,
                "Laplace smoothing added to the positive and the negative count.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_SMOOTHING);
        def.define(WEIGHTING_MIN, Type.DOUBLE, 1.0, Range.atLeast(0.0), Importance.LOW,
                "Lower clip of one-sided weights.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_MIN);
        def.define(WEIGHTING_MAX, Type.DOUBLE, 1000.0, Range.atLeast(1.0), Importance.LOW,
                "Upper clip of one-sided weights.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_MAX);
        def.define(WEIGHTING_LOG_MU, Type.DOUBLE, 0.15, Range.atLeast(0.0), Importance.LOW,
                "mu of the log policy.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_LOG_MU);
        def.define(WEIGHTING_EFFECTIVE_BETA, Type.DOUBLE, 0.999, Range.between(0.0, 0.999999999), Importance.LOW,
                "beta of the effective-number policy.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_EFFECTIVE_BETA);

        order = 0;
        def.define(THRESHOLD_POLICY, Type.STRING, "tuned", ValidString.in("fixed", "tuned"), Importance.MEDIUM,
                "fixed: decide positive at probability >= " + THRESHOLD_DEFAULT + "; tuned: re-choose each label's threshold "
                        + "online from the decayed histograms of its own past scores.",
                THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_POLICY);
        def.define(THRESHOLD_METRIC, Type.STRING, "f1", ValidString.in("f1", "f-beta", "precision-at-recall"), Importance.LOW,
                "What a tuned threshold maximises: f1, f-beta (" + THRESHOLD_BETA + "), or precision subject to recall >= "
                        + THRESHOLD_RECALL_FLOOR + ".", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_METRIC);
        def.define(THRESHOLD_BETA, Type.DOUBLE, 1.0, Range.atLeast(0.0), Importance.LOW,
                "beta of the f-beta metric.", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_BETA);
        def.define(THRESHOLD_RECALL_FLOOR, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.LOW,
                "Recall floor of the precision-at-recall metric.", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_RECALL_FLOOR);
        def.define(THRESHOLD_BINS, Type.INT, 100, Range.between(2, 100_000), Importance.LOW,
                "Histogram bins over [0, 1] for threshold tuning.", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_BINS);
        def.define(THRESHOLD_HALF_LIFE, Type.DOUBLE, 5_000.0, Range.atLeast(0.0), Importance.LOW,
                "Half-life, in events, of the score histograms behind the thresholds; 0 means no decay.",
                THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_HALF_LIFE);
        def.define(THRESHOLD_MIN_POSITIVES, Type.DOUBLE, 5.0, Range.atLeast(0.0), Importance.LOW,
                "Positives a label must have seen before its threshold is tuned.", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_MIN_POSITIVES);
        def.define(THRESHOLD_DEFAULT, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.LOW,
                "Threshold of the fixed policy, and of a tuned label before it has enough positives.",
                THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_DEFAULT);

        order = 0;
        def.define(METRICS_HALF_LIFE, Type.DOUBLE, 5_000.0, Range.atLeast(0.0), Importance.LOW,
                "Half-life, in events, of the prequential counts behind the published metrics; 0 means no decay.",
                MONITORING, ++order, ConfigDef.Width.SHORT, METRICS_HALF_LIFE);
        def.define(METRICS_BINS, Type.INT, 100, Range.between(2, 100_000), Importance.LOW,
                "Histogram bins of the streaming PR-AUC estimate.", MONITORING, ++order, ConfigDef.Width.SHORT, METRICS_BINS);
        def.define(DRIFT_ENABLED, Type.BOOLEAN, true, Importance.LOW,
                "Run the imbalance drift detectors and publish their alerts.", MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_ENABLED);
        def.define(SNAPSHOT_INTERVAL_STEPS, Type.INT, 100, Range.atLeast(1), Importance.MEDIUM,
                "Publish a model snapshot after this many mini-batches (optimiser steps, taken or skipped) ...", MONITORING, ++order, ConfigDef.Width.SHORT, SNAPSHOT_INTERVAL_STEPS);
        def.define(SNAPSHOT_INTERVAL_MS, Type.LONG, 10_000L, Range.atLeast(10), Importance.MEDIUM,
                "... or after this many milliseconds (wall clock) with new training, whichever comes first.",
                MONITORING, ++order, ConfigDef.Width.SHORT, SNAPSHOT_INTERVAL_MS);
        def.define(METRICS_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(10), Importance.MEDIUM,
                "Publish training metrics this often (wall clock) while a model trains.", MONITORING, ++order, ConfigDef.Width.SHORT, METRICS_INTERVAL_MS);

        order = 0;
        def.define(NATIVE_THREADS, Type.INT, 1, Range.between(1, 1024), Importance.MEDIUM,
                "ND4J/OpenMP/OpenBLAS threads per stream thread. Small models train fastest on 1.",
                RUNTIME, ++order, ConfigDef.Width.SHORT, NATIVE_THREADS);
        def.define(STARTUP_WAIT_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                "At start-up, how long to keep retrying Kafka and the Schema Registry before giving up with one line.",
                RUNTIME, ++order, ConfigDef.Width.SHORT, STARTUP_WAIT_MS);
        def.define(DASHBOARD_PORT, Type.INT, -1, Range.between(-1, 65535), Importance.LOW,
                "Port of the web dashboard and the Prometheus endpoint (/metrics) served by the app; -1 turns them off, "
                        + "0 picks a free port.", RUNTIME, ++order, ConfigDef.Width.SHORT, DASHBOARD_PORT);
        def.define(DASHBOARD_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW,
                "Address the dashboard binds; loopback by default, 0.0.0.0 in a container so Prometheus can scrape it.",
                RUNTIME, ++order, ConfigDef.Width.SHORT, DASHBOARD_HOST);
        return def;
    }

    private final Map<String, String> originalStrings;

    public BallastConfig(Map<String, ?> properties) {
        // Only Ballast's keys are parsed here: Kafka's (config providers included) are Kafka's to resolve.
        super(DEFINITION, ballastKeysOnly(properties), false);
        Map<String, String> strings = new TreeMap<>();
        properties.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        this.originalStrings = Collections.unmodifiableMap(strings);
        rejectUnknownBallastKeys(strings);
    }

    /**
     * The settings of one model: the {@code ballast.*} keys with that model's overrides
     * ({@code ballast.models.<id>.<suffix>}) applied.
     */
    public BallastConfig forModel(String modelId) {
        String overridePrefix = MODEL_OVERRIDE_PREFIX + modelId + ".";
        Map<String, String> merged = new HashMap<>(originalStrings);
        originalStrings.forEach((key, value) -> {
            if (key.startsWith(overridePrefix)) {
                merged.put(PREFIX + key.substring(overridePrefix.length()), value);
            }
        });
        return new BallastConfig(merged);
    }

    /** Whether the app trains this model id (listed, or any id when unknown ids are accepted). */
    public boolean trainsModel(String modelId) {
        return getList(MODELS).contains(modelId) || getBoolean(ACCEPT_UNKNOWN_MODELS);
    }

    /** Every key given, as strings, Ballast's and others' alike. */
    public Map<String, String> originalStrings() {
        return originalStrings;
    }

    /** The keys that are not Ballast's: handed to Kafka clients, Kafka Streams and the registry serde. */
    public Map<String, Object> nonBallastProperties() {
        Map<String, Object> others = new HashMap<>();
        originalStrings.forEach((key, value) -> {
            if (!key.startsWith(PREFIX)) {
                others.put(key, value);
            }
        });
        return others;
    }

    /** The effective {@code ballast.*} settings (defaults included), as strings, sorted by key. */
    public Map<String, String> effectiveBallastSettings() {
        Map<String, String> effective = new TreeMap<>();
        for (String name : DEFINITION.names()) {
            Object value = get(name);
            effective.put(name, value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                    : String.valueOf(value));
        }
        return effective;
    }

    /** The half-life setting as the maths packages take it: 0 in config means infinite. */
    public double halfLife(String key) {
        double value = getDouble(key);
        return value == 0.0 ? Double.POSITIVE_INFINITY : value;
    }

    /** The training settings of this (model's) configuration. */
    public TrainerSettings trainerSettings() {
        LearningSettings learning = new LearningSettings(
                ModelType.fromConfigName(getString(MODEL_TYPE)),
                getInt(MODEL_HIDDEN_UNITS),
                OptimizerType.fromConfigName(getString(OPTIMIZER)),
                getDouble(LEARNING_RATE), getDouble(MOMENTUM), getDouble(L2), getDouble(CLIP_NORM),
                getBoolean(MODEL_STANDARDIZE), getLong(MODEL_SEED));
        WeightPolicySettings weighting = new WeightPolicySettings(
                WeightPolicyType.fromConfigName(getString(WEIGHTING_POLICY)),
                getDouble(WEIGHTING_SMOOTHING), getDouble(WEIGHTING_MIN), getDouble(WEIGHTING_MAX),
                getDouble(WEIGHTING_LOG_MU), getDouble(WEIGHTING_EFFECTIVE_BETA));
        ThresholdSettings thresholds = new ThresholdSettings(
                ThresholdPolicy.fromConfigName(getString(THRESHOLD_POLICY)),
                ThresholdMetric.fromConfigName(getString(THRESHOLD_METRIC)),
                getDouble(THRESHOLD_BETA), getDouble(THRESHOLD_RECALL_FLOOR), getInt(THRESHOLD_BINS),
                halfLife(THRESHOLD_HALF_LIFE), getDouble(THRESHOLD_MIN_POSITIVES), getDouble(THRESHOLD_DEFAULT).floatValue());
        return new TrainerSettings(getInt(BATCH_SIZE), learning, weighting, halfLife(WEIGHTING_HALF_LIFE), thresholds,
                getInt(METRICS_BINS), halfLife(METRICS_HALF_LIFE), getBoolean(DRIFT_ENABLED));
    }

    private static Map<String, Object> ballastKeysOnly(Map<String, ?> properties) {
        Map<String, Object> ballast = new HashMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                ballast.put(key, value);
            }
        });
        return ballast;
    }

    private static void rejectUnknownBallastKeys(Map<String, String> properties) {
        for (String key : properties.keySet()) {
            if (key.startsWith(PREFIX) && !DEFINITION.names().contains(key) && !key.startsWith(MODEL_OVERRIDE_PREFIX)) {
                throw new ConfigException("Unknown setting '" + key + "'. Run 'ballast config' to list the valid ballast.* keys.");
            }
            if (key.startsWith(MODEL_OVERRIDE_PREFIX) && !key.equals(ACCEPT_UNKNOWN_MODELS)) {
                String rest = key.substring(MODEL_OVERRIDE_PREFIX.length());
                int dot = rest.indexOf('.');
                String target = dot < 0 ? "" : PREFIX + rest.substring(dot + 1);
                if (dot <= 0 || !DEFINITION.names().contains(target)) {
                    throw new ConfigException("Unknown per-model setting '" + key
                            + "'. Expected ballast.models.<model id>.<key without 'ballast.'>, e.g. ballast.models.fraud.model.features");
                }
            }
        }
    }
}
