package dev.ballast.config;

import dev.ballast.evaluation.ThresholdMetric;
import dev.ballast.evaluation.ThresholdPolicy;
import dev.ballast.evaluation.ThresholdSettings;
import dev.ballast.evaluation.drift.DetectorSettings;
import dev.ballast.evaluation.drift.ShiftDetectorSettings;
import dev.ballast.feedback.FeedbackSettings;
import dev.ballast.feedback.MissingLabels;
import dev.ballast.learning.LearningSettings;
import dev.ballast.learning.ObjectiveSettings;
import dev.ballast.learning.ObjectiveType;
import dev.ballast.learning.StandardiserSettings;
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
    public static final String MODEL_STANDARDIZE_HALF_LIFE = "ballast.model.standardize.half.life.events";
    public static final String MODEL_STANDARDIZE_CLIP = "ballast.model.standardize.clip.deviations";
    public static final String MODEL_SEED = "ballast.model.seed";
    public static final String BATCH_SIZE = "ballast.batch.size";
    public static final String BATCH_LINGER_MS = "ballast.batch.linger.ms";
    public static final String BATCH_WARMUP_EVENTS = "ballast.batch.warmup.events";
    public static final String BATCH_WARMUP_SIZE = "ballast.batch.warmup.size";
    public static final String BATCH_SHORT_EXPONENT = "ballast.batch.short.exponent";
    public static final String STATE_SAVE_INTERVAL_BATCHES = "ballast.state.save.interval.batches";

    // Optimiser
    public static final String OPTIMIZER = "ballast.optimizer";
    public static final String LEARNING_RATE = "ballast.optimizer.learning.rate";
    public static final String MOMENTUM = "ballast.optimizer.momentum";
    public static final String L2 = "ballast.optimizer.l2";
    public static final String CLIP_NORM = "ballast.optimizer.clip.norm";
    public static final String ADAGRAD_INITIAL_ACCUMULATOR = "ballast.optimizer.adagrad.initial.accumulator";

    // Loss
    public static final String LOSS = "ballast.loss";
    public static final String LOSS_FOCAL_GAMMA = "ballast.loss.focal.gamma";
    public static final String LOSS_ASL_GAMMA_POSITIVE = "ballast.loss.asl.gamma.positive";
    public static final String LOSS_ASL_GAMMA_NEGATIVE = "ballast.loss.asl.gamma.negative";
    public static final String LOSS_ASL_MARGIN = "ballast.loss.asl.margin";
    public static final String LOGIT_ADJUSTMENT_TRAIN = "ballast.loss.logit.adjustment.train";
    public static final String LOGIT_ADJUSTMENT_SCORE = "ballast.loss.logit.adjustment.score";

    // Weighting
    public static final String WEIGHTING_POLICY = "ballast.weighting.policy";
    public static final String WEIGHTING_HALF_LIFE = "ballast.weighting.half.life.events";
    public static final String WEIGHTING_SMOOTHING = "ballast.weighting.smoothing";
    public static final String WEIGHTING_MIN = "ballast.weighting.min";
    public static final String WEIGHTING_MAX = "ballast.weighting.max";
    public static final String WEIGHTING_LOG_MU = "ballast.weighting.log.mu";
    public static final String WEIGHTING_EFFECTIVE_BETA = "ballast.weighting.effective.number.beta";
    public static final String NEGATIVE_SAMPLING_RATE = "ballast.weighting.negative.sampling.rate";
    public static final String MODEL_LABEL_STACKING = "ballast.model.label.stacking";
    public static final String MODEL_AVERAGING_DECAY = "ballast.model.averaging.decay";

    // Thresholds
    public static final String THRESHOLD_POLICY = "ballast.threshold.policy";
    public static final String THRESHOLD_METRIC = "ballast.threshold.metric";
    public static final String THRESHOLD_BETA = "ballast.threshold.beta";
    public static final String THRESHOLD_RECALL_FLOOR = "ballast.threshold.recall.floor";
    public static final String THRESHOLD_BINS = "ballast.threshold.bins";
    public static final String THRESHOLD_HALF_LIFE = "ballast.threshold.half.life.events";
    public static final String THRESHOLD_MIN_POSITIVES = "ballast.threshold.min.positives";
    public static final String THRESHOLD_PRIOR_POSITIVES = "ballast.threshold.prior.positives";
    public static final String THRESHOLD_DEFAULT = "ballast.threshold.default";

    // Metrics and drift
    public static final String METRICS_HALF_LIFE = "ballast.metrics.half.life.events";
    public static final String METRICS_BINS = "ballast.metrics.bins";
    public static final String DRIFT_ENABLED = "ballast.drift.enabled";
    public static final String DRIFT_PREVALENCE_DELTA = "ballast.drift.prevalence.relative.delta";
    public static final String DRIFT_PREVALENCE_THRESHOLD = "ballast.drift.prevalence.threshold";
    public static final String DRIFT_PREVALENCE_MIN_EVENTS = "ballast.drift.prevalence.min.events";
    public static final String DRIFT_RECALL_HALF_LIFE = "ballast.drift.recall.half.life.positives";
    public static final String DRIFT_RECALL_MIN_POSITIVES = "ballast.drift.recall.min.positives";
    public static final String DRIFT_RECALL_SIGMAS = "ballast.drift.recall.drop.sigmas";
    public static final String DRIFT_COLLAPSE_WINDOW = "ballast.drift.collapse.window.events";
    public static final String DRIFT_SHIFT_MEMORY = "ballast.drift.shift.memory.events";
    public static final String DRIFT_SHIFT_DETECTOR = "ballast.drift.shift.detector";
    public static final String DRIFT_SHIFT_ODDS_RATIO = "ballast.drift.shift.odds.ratio";
    public static final String DRIFT_SHIFT_THRESHOLD = "ballast.drift.shift.threshold.nats";
    public static final String DRIFT_SHIFT_MIN_EVENTS = "ballast.drift.shift.min.events";

    // Publishing
    public static final String SNAPSHOT_INTERVAL_STEPS = "ballast.snapshot.interval.steps";
    public static final String SNAPSHOT_INTERVAL_MS = "ballast.snapshot.interval.ms";
    public static final String METRICS_INTERVAL_MS = "ballast.metrics.interval.ms";

    // Alerts: hysteresis and cool-down (see evaluation.drift.AlertGate)
    public static final String ALERTS_COOLDOWN_MS = "ballast.alerts.cooldown.ms";
    public static final String ALERTS_PREVALENCE_MIN_RATIO = "ballast.alerts.prevalence.min.ratio";
    public static final String ALERTS_RECALL_MIN_DROP = "ballast.alerts.recall.min.drop";

    // Runtime
    public static final String NATIVE_THREADS = "ballast.native.threads";
    public static final String STARTUP_WAIT_MS = "ballast.startup.wait.ms";
    public static final String DASHBOARD_PORT = "ballast.dashboard.port";
    public static final String DASHBOARD_HOST = "ballast.dashboard.host";

    // Serving and late labels (the feedback package)
    public static final String PREDICTIONS_TOPIC = "ballast.topic.predictions";
    public static final String LABELS_TOPIC = "ballast.topic.labels";
    public static final String LABELS_MAX_DELAY_MS = "ballast.labels.max.delay.ms";
    public static final String LABELS_MISSING = "ballast.labels.missing";
    public static final String PREDICTIONS_LABELLED = "ballast.predictions.labelled";

    private static final String TOPICS = "Topics";
    private static final String MODEL = "Model";
    private static final String OPTIMISER = "Optimiser";
    private static final String LOSS_GROUP = "Loss";
    private static final String WEIGHTING = "Weighting";
    private static final String THRESHOLDS = "Decision thresholds";
    private static final String MONITORING = "Metrics, drift and publishing";
    private static final String RUNTIME = "Runtime";
    private static final String FEEDBACK = "Serving and late labels";

    /** The learning defaults are the learning package's own, chosen there with evidence; declared once. */
    private static final LearningSettings LEARNING_DEFAULTS = LearningSettings.defaults();
    /** The warm-up's defaults: docs/evaluation.md, "Warm-up". */
    private static final long DEFAULT_WARMUP_EVENTS = 1_000;
    private static final int DEFAULT_WARMUP_SIZE = 4;
    /** docs/evaluation.md, "Short batches": between the square-root rule (0.5) and each event's 1/B (1). */
    private static final double DEFAULT_SHORT_EXPONENT = 0.75;
    private static final StandardiserSettings STANDARDISER_DEFAULTS = StandardiserSettings.defaults();
    /** Likewise the drift detectors' defaults, chosen in the evaluation package. */
    private static final DetectorSettings DETECTOR_DEFAULTS = DetectorSettings.defaults();
    private static final ThresholdSettings THRESHOLD_DEFAULTS = ThresholdSettings.defaults();
    /** Chosen on the drifting streams of docs/evaluation.md (50 to 300 all within 0.002 of each other there). */
    private static final double SHIFT_MEMORY_DEFAULT = 100.0;
    private static final ShiftDetectorSettings SHIFT_DETECTOR_DEFAULTS = ShiftDetectorSettings.defaults();

    // The enum-valued settings: one validator and parser each, allowed values taken from the enum.
    static final EnumSetting<MissingLabels> MISSING_LABELS = EnumSetting.of(MissingLabels.class, MissingLabels::configName);
    static final EnumSetting<ModelType> MODEL_TYPES = EnumSetting.of(ModelType.class, ModelType::configName);
    static final EnumSetting<ObjectiveType> LOSSES = EnumSetting.of(ObjectiveType.class, ObjectiveType::configName);
    static final EnumSetting<OptimizerType> OPTIMIZERS = EnumSetting.of(OptimizerType.class, OptimizerType::configName);
    static final EnumSetting<WeightPolicyType> WEIGHT_POLICIES =
            EnumSetting.of(WeightPolicyType.class, WeightPolicyType::configName);
    static final EnumSetting<ThresholdPolicy> THRESHOLD_POLICIES =
            EnumSetting.of(ThresholdPolicy.class, ThresholdPolicy::configName);
    static final EnumSetting<ThresholdMetric> THRESHOLD_METRICS =
            EnumSetting.of(ThresholdMetric.class, ThresholdMetric::configName);
    static final EnumSetting<ShiftDetectorSettings.Detector> SHIFT_DETECTORS =
            EnumSetting.of(ShiftDetectorSettings.Detector.class, ShiftDetectorSettings.Detector::configName);

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
        def.define(EVENTS_INVALID_TIMESTAMP, Type.STRING, "event-time", ConfigDef.ValidString.in("event-time", "dead-letter"), Importance.MEDIUM,
                "What to do with an event whose record timestamp is negative (missing), as some producers and replays "
                        + "write: event-time trains it, with the event's own eventTime as its timestamp (else the partition's "
                        + "latest valid one); dead-letter sends it to the dead-letter topic (kind INVALID_TIMESTAMP). Either way "
                        + "the record never stops the app. The default trains it: the record timestamp plays no part in the "
                        + "model (only in when a late-label join expires, for which the substitute serves), so a valid "
                        + "event is not lost for a field training does not use. "
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
        def.define(MODEL_TYPE, Type.STRING, MODEL_TYPES.nameOf(ModelType.LINEAR), MODEL_TYPES, Importance.HIGH,
                "linear: one logistic output per label over the shared input; mlp: one hidden ReLU layer shared by all labels.",
                MODEL, ++order, ConfigDef.Width.SHORT, MODEL_TYPE);
        def.define(MODEL_HIDDEN_UNITS, Type.INT, LEARNING_DEFAULTS.hiddenUnits(), Range.between(1, 65536), Importance.LOW,
                "Hidden units of the mlp model.", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_HIDDEN_UNITS);
        def.define(MODEL_LABEL_STACKING, Type.BOOLEAN, false, Importance.LOW,
                "Label dependencies: a second stage adds to each label's logit a linear function of every label's "
                        + "first-stage score, trained online on the scores made before the first stage learned from "
                        + "the batch.", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_LABEL_STACKING);
        def.define(MODEL_AVERAGING_DECAY, Type.DOUBLE, LEARNING_DEFAULTS.averagingDecay(), Bounds.atLeastBelow(0.0, 1.0),
                Importance.LOW, "Parameter averaging: score and publish an exponential moving average of the parameters "
                        + "with this decay per step (Polyak-Ruppert), smoothing the noise of single online steps; 0 "
                        + "scores with the trained parameters.", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_AVERAGING_DECAY);
        def.define(MODEL_STANDARDIZE, Type.BOOLEAN, true, Importance.MEDIUM,
                "Standardise features online: dense ones by their running mean and variance; sparse ones, until a dense event is seen, by their running root mean square (not centred).", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_STANDARDIZE);
        def.define(MODEL_STANDARDIZE_HALF_LIFE, Type.DOUBLE, STANDARDISER_DEFAULTS.halfLifeRows(), Bounds.nonNegative(), Importance.LOW,
                "Events (dense ones, or sparse ones for the sparse scale) after which an event's weight in the "
                        + "standardisation's statistics has halved, so the scale follows drifting inputs and forgets an "
                        + "extreme one; 0 = never forget.",
                MODEL, ++order, ConfigDef.Width.SHORT, MODEL_STANDARDIZE_HALF_LIFE);
        def.define(MODEL_STANDARDIZE_CLIP, Type.DOUBLE, STANDARDISER_DEFAULTS.clipDeviations(), Bounds.nonNegative(), Importance.LOW,
                "Standard deviations from the mean at which a dense feature value is clipped (after 16 dense events), "
                        + "before it updates the standardisation and before the model sees it: one extreme event moves the "
                        + "model by one bounded step; 0 = no clipping. Sparse values are clipped at 10 times the sparse values' root mean square instead.", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_STANDARDIZE_CLIP);
        def.define(MODEL_SEED, Type.LONG, LEARNING_DEFAULTS.seed(), Importance.LOW,
                "Seed of the parameter initialisation.", MODEL, ++order, ConfigDef.Width.SHORT, MODEL_SEED);
        def.define(BATCH_SIZE, Type.INT, 32, Range.between(1, 65536), Importance.MEDIUM,
                "Events per mini-batch: each batch is predicted (prequential test), then one optimiser step is taken.",
                MODEL, ++order, ConfigDef.Width.SHORT, BATCH_SIZE);
        def.define(BATCH_WARMUP_EVENTS, Type.LONG, DEFAULT_WARMUP_EVENTS, Range.atLeast(0), Importance.LOW,
                "Until a model has trained on this many events (rounded up to whole " + BATCH_SIZE + " batches), "
                        + "its mini-batches hold " + BATCH_WARMUP_SIZE + " events: a young model is scored, tuned "
                        + "and stepped more often while it has most to learn, and the full batch's throughput returns "
                        + "after the warm-up. 0 turns it off.",
                MODEL, ++order, ConfigDef.Width.SHORT, BATCH_WARMUP_EVENTS);
        def.define(BATCH_WARMUP_SIZE, Type.INT, DEFAULT_WARMUP_SIZE, Range.between(1, 65536), Importance.LOW,
                "Events per mini-batch during the warm-up (" + BATCH_WARMUP_EVENTS + "); no more than "
                        + BATCH_SIZE + " takes effect.", MODEL, ++order, ConfigDef.Width.SHORT, BATCH_WARMUP_SIZE);
        def.define(BATCH_SHORT_EXPONENT, Type.DOUBLE, DEFAULT_SHORT_EXPONENT, Range.between(0.0, 1.0), Importance.LOW,
                "How far a batch of n events, fewer than " + BATCH_SIZE + " B (the warm-up's, or one the linger "
                        + "flushed), steps: its mean gradient is scaled by (n/B) to this power. 0: as far as a full "
                        + "batch, which grows adagrad's sums and so shrinks every later step; 0.5: the square-root rule "
                        + "of adaptive optimisers (with adagrad, the step size times sqrt(n/B), and n/B of the squared "
                        + "gradients added to its sums); 1: each event's gradient counts 1/B, as in a full batch.",
                MODEL, ++order, ConfigDef.Width.SHORT, BATCH_SHORT_EXPONENT);

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
        def.define(OPTIMIZER, Type.STRING, OPTIMIZERS.nameOf(LEARNING_DEFAULTS.optimizer()), OPTIMIZERS, Importance.MEDIUM,
                "Optimiser: sgd (with momentum), adagrad or adam.", OPTIMISER, ++order, ConfigDef.Width.SHORT, OPTIMIZER);
        def.define(LEARNING_RATE, Type.DOUBLE, LEARNING_DEFAULTS.learningRate(), Bounds.aboveAtMost(0.0, 1e6), Importance.MEDIUM,
                "Learning rate.", OPTIMISER, ++order, ConfigDef.Width.SHORT, LEARNING_RATE);
        def.define(MOMENTUM, Type.DOUBLE, LEARNING_DEFAULTS.momentum(), Bounds.atLeastBelow(0.0, 1.0), Importance.LOW,
                "Momentum of sgd.", OPTIMISER, ++order, ConfigDef.Width.SHORT, MOMENTUM);
        def.define(L2, Type.DOUBLE, LEARNING_DEFAULTS.l2(), Bounds.nonNegative(), Importance.LOW,
                "L2 penalty on the weights (not the biases).", OPTIMISER, ++order, ConfigDef.Width.SHORT, L2);
        def.define(CLIP_NORM, Type.DOUBLE, LEARNING_DEFAULTS.gradientClipNorm(), Bounds.nonNegative(), Importance.LOW,
                "Clip the gradient to this global L2 norm; 0 turns clipping off.", OPTIMISER, ++order, ConfigDef.Width.SHORT, CLIP_NORM);
        def.define(ADAGRAD_INITIAL_ACCUMULATOR, Type.DOUBLE, LEARNING_DEFAULTS.initialAccumulator(), Bounds.nonNegative(),
                Importance.LOW, "AdaGrad's starting sum of squared gradients per weight: until a weight's gradients "
                        + "have outgrown it, its steps scale with the gradient; 0 makes each weight's first step a full "
                        + "learning-rate step in the gradient's sign, however small the gradient. Applies to new models "
                        + "and new labels (a restored model keeps its sums).",
                OPTIMISER, ++order, ConfigDef.Width.SHORT, ADAGRAD_INITIAL_ACCUMULATOR);

        order = 0;
        ObjectiveSettings loss = ObjectiveSettings.defaults();
        def.define(LOSS, Type.STRING, LOSSES.nameOf(loss.type()), LOSSES, Importance.MEDIUM,
                "The loss per label: bce (weighted binary cross-entropy), focal (Lin et al. 2017) or asl (asymmetric, "
                        + "Ridnik et al. 2021); the class weights apply to each.", LOSS_GROUP, ++order, ConfigDef.Width.SHORT, LOSS);
        def.define(LOSS_FOCAL_GAMMA, Type.DOUBLE, loss.focalGamma(), Bounds.nonNegative(), Importance.LOW,
                "Focusing of the focal loss.", LOSS_GROUP, ++order, ConfigDef.Width.SHORT, LOSS_FOCAL_GAMMA);
        def.define(LOSS_ASL_GAMMA_POSITIVE, Type.DOUBLE, loss.aslPositiveGamma(), Bounds.nonNegative(), Importance.LOW,
                "Focusing of asl on positives.", LOSS_GROUP, ++order, ConfigDef.Width.SHORT, LOSS_ASL_GAMMA_POSITIVE);
        def.define(LOSS_ASL_GAMMA_NEGATIVE, Type.DOUBLE, loss.aslNegativeGamma(), Bounds.nonNegative(), Importance.LOW,
                "Focusing of asl on negatives.", LOSS_GROUP, ++order, ConfigDef.Width.SHORT, LOSS_ASL_GAMMA_NEGATIVE);
        def.define(LOSS_ASL_MARGIN, Type.DOUBLE, loss.aslMargin(), Bounds.atLeastBelow(0.0, 1.0), Importance.LOW,
                "Probability margin of asl: negatives scored at or below it add no loss.", LOSS_GROUP, ++order,
                ConfigDef.Width.SHORT, LOSS_ASL_MARGIN);
        def.define(LOGIT_ADJUSTMENT_TRAIN, Type.DOUBLE, loss.trainAdjustment(), Range.between(-4.0, 4.0), Importance.LOW,
                "Logit adjustment (Menon et al. 2021) in the loss: this multiple of each label's decayed prior log-odds "
                        + "is added to its logit in training.", LOSS_GROUP, ++order, ConfigDef.Width.SHORT, LOGIT_ADJUSTMENT_TRAIN);
        def.define(LOGIT_ADJUSTMENT_SCORE, Type.DOUBLE, loss.scoreAdjustment(), Range.between(-4.0, 4.0), Importance.LOW,
                "Logit adjustment in scoring: this multiple of each label's decayed prior log-odds is added to its logit "
                        + "before the sigmoid (also in the published model's output bias).", LOSS_GROUP, ++order,
                ConfigDef.Width.SHORT, LOGIT_ADJUSTMENT_SCORE);

        order = 0;
        def.define(WEIGHTING_POLICY, Type.STRING, WEIGHT_POLICIES.nameOf(WeightPolicySettings.defaults().type()), WEIGHT_POLICIES, Importance.HIGH,
                "How decayed label counts become class weights: none, inverse-prevalence (neg/pos), sqrt (its square root), "
                        + "log (max(1, ln(mu*total/pos)); at mu 1 the surprisal of a positive, -ln(prevalence)), balanced "
                        + "(scikit-learn), effective-number (Cui et al. 2019).",
                WEIGHTING, ++order, ConfigDef.Width.MEDIUM, WEIGHTING_POLICY);
        def.define(WEIGHTING_HALF_LIFE, Type.DOUBLE, 1_500.0, Bounds.nonNegative(), Importance.HIGH,
                "Half-life, in events, of the label counts behind the weights and the logit adjustment's priors; 0 means no "
                        + "decay (cumulative counts).",
                WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_HALF_LIFE);
        def.define(WEIGHTING_SMOOTHING, Type.DOUBLE, WeightPolicySettings.defaults().smoothing(), Bounds.positive(), Importance.LOW,
                "Laplace smoothing added to the positive and the negative count.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_SMOOTHING);
        def.define(WEIGHTING_MIN, Type.DOUBLE, WeightPolicySettings.defaults().minWeight(), Bounds.positive(), Importance.LOW,
                "Lower clip of one-sided weights.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_MIN);
        def.define(WEIGHTING_MAX, Type.DOUBLE, WeightPolicySettings.defaults().maxWeight(), Bounds.positive(), Importance.LOW,
                "Upper clip of one-sided weights; at least " + WEIGHTING_MIN + ".", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_MAX);
        def.define(WEIGHTING_LOG_MU, Type.DOUBLE, WeightPolicySettings.defaults().logMu(), Bounds.positive(), Importance.LOW,
                "mu of the log policy: a label whose prevalence is mu/e or more (37% at mu 1) gets weight 1.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_LOG_MU);
        def.define(WEIGHTING_EFFECTIVE_BETA, Type.DOUBLE, WeightPolicySettings.defaults().effectiveNumberBeta(), Bounds.strictlyBetween(0.0, 1.0), Importance.LOW,
                "beta of the effective-number policy.", WEIGHTING, ++order, ConfigDef.Width.SHORT, WEIGHTING_EFFECTIVE_BETA);
        def.define(NEGATIVE_SAMPLING_RATE, Type.DOUBLE, 1.0, Bounds.aboveAtMost(0.0, 1.0), Importance.LOW,
                "Negative undersampling with importance correction: each label's negatives are trained on with this "
                        + "probability and then weighted by its inverse, so the expected gradient is the full one; "
                        + "1 trains on all of them.", WEIGHTING, ++order, ConfigDef.Width.SHORT, NEGATIVE_SAMPLING_RATE);

        order = 0;
        def.define(THRESHOLD_POLICY, Type.STRING, THRESHOLD_POLICIES.nameOf(THRESHOLD_DEFAULTS.policy()), THRESHOLD_POLICIES, Importance.MEDIUM,
                "fixed: decide positive at probability >= " + THRESHOLD_DEFAULT + "; tuned: re-choose each label's threshold "
                        + "online from the decayed histograms of its own past scores.",
                THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_POLICY);
        def.define(THRESHOLD_METRIC, Type.STRING, THRESHOLD_METRICS.nameOf(THRESHOLD_DEFAULTS.metric()), THRESHOLD_METRICS, Importance.LOW,
                "What a tuned threshold maximises: f1, f-beta (" + THRESHOLD_BETA + "), or precision subject to recall >= "
                        + THRESHOLD_RECALL_FLOOR + ".", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_METRIC);
        def.define(THRESHOLD_BETA, Type.DOUBLE, THRESHOLD_DEFAULTS.beta(), Bounds.positive(), Importance.LOW,
                "beta of the f-beta metric.", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_BETA);
        def.define(THRESHOLD_RECALL_FLOOR, Type.DOUBLE, THRESHOLD_DEFAULTS.recallFloor(), Bounds.aboveAtMost(0.0, 1.0), Importance.LOW,
                "Recall floor of the precision-at-recall metric.", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_RECALL_FLOOR);
        def.define(THRESHOLD_BINS, Type.INT, THRESHOLD_DEFAULTS.bins(), Range.between(2, 100_000), Importance.LOW,
                "Histogram bins over [0, 1] for threshold tuning.", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_BINS);
        def.define(THRESHOLD_HALF_LIFE, Type.DOUBLE, THRESHOLD_DEFAULTS.halfLifeEvents(), Bounds.nonNegative(), Importance.LOW,
                "Half-life, in events, of the score histograms behind the thresholds; 0 means no decay.",
                THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_HALF_LIFE);
        def.define(THRESHOLD_MIN_POSITIVES, Type.DOUBLE, THRESHOLD_DEFAULTS.minPositives(), Bounds.nonNegative(), Importance.LOW,
                "Positives a label must have seen before its threshold is tuned.", THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_MIN_POSITIVES);
        def.define(THRESHOLD_PRIOR_POSITIVES, Type.DOUBLE, THRESHOLD_DEFAULTS.priorPositives(), Bounds.nonNegative(),
                Importance.LOW, "The weight, in positives, with which a tuned threshold is pulled toward "
                        + "ballast.threshold.default: with n decayed positives in its score histograms a label's "
                        + "threshold is (n * tuned + this * default) / (n + this), so a threshold tuned on a handful of "
                        + "positives moves less; 0 turns the pull off.",
                THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_PRIOR_POSITIVES);
        def.define(THRESHOLD_DEFAULT, Type.DOUBLE, (double) THRESHOLD_DEFAULTS.defaultThreshold(), Bounds.strictlyBetween(0.0, 1.0), Importance.LOW,
                "Threshold of the fixed policy, and of a tuned label before it has enough positives.",
                THRESHOLDS, ++order, ConfigDef.Width.SHORT, THRESHOLD_DEFAULT);

        order = 0;
        def.define(METRICS_HALF_LIFE, Type.DOUBLE, 5_000.0, Bounds.nonNegative(), Importance.LOW,
                "Half-life, in events, of the prequential counts behind the published metrics; 0 means no decay.",
                MONITORING, ++order, ConfigDef.Width.SHORT, METRICS_HALF_LIFE);
        def.define(METRICS_BINS, Type.INT, 100, Range.between(2, 100_000), Importance.LOW,
                "Histogram bins of the streaming PR-AUC estimate.", MONITORING, ++order, ConfigDef.Width.SHORT, METRICS_BINS);
        def.define(DRIFT_ENABLED, Type.BOOLEAN, true, Importance.LOW,
                "Run the imbalance drift detectors and publish their alerts.", MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_ENABLED);
        def.define(DRIFT_PREVALENCE_DELTA, Type.DOUBLE, DETECTOR_DEFAULTS.prevalenceRelativeDelta(), Bounds.nonNegative(),
                Importance.LOW, "Prevalence-shift detector (Page-Hinkley): the shift tolerated before evidence accumulates, "
                        + "as a fraction of the label's minority rate.", MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_PREVALENCE_DELTA);
        def.define(DRIFT_PREVALENCE_THRESHOLD, Type.DOUBLE, DETECTOR_DEFAULTS.prevalenceThreshold(), Bounds.positive(),
                Importance.LOW, "Prevalence-shift detector: accumulated evidence that fires an alert; higher means fewer, later alerts.",
                MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_PREVALENCE_THRESHOLD);
        def.define(DRIFT_PREVALENCE_MIN_EVENTS, Type.LONG, DETECTOR_DEFAULTS.prevalenceMinEvents(), Range.atLeast(1),
                Importance.LOW, "Prevalence-shift detector: events seen (since the start or the last alert) before it may fire.",
                MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_PREVALENCE_MIN_EVENTS);
        def.define(DRIFT_RECALL_HALF_LIFE, Type.DOUBLE, DETECTOR_DEFAULTS.recallHalfLifePositives(), Bounds.positive(),
                Importance.LOW, "Minority-recall-drop detector: half-life of its recall estimate, in positive events.",
                MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_RECALL_HALF_LIFE);
        def.define(DRIFT_RECALL_MIN_POSITIVES, Type.DOUBLE, DETECTOR_DEFAULTS.recallMinPositives(), Bounds.atLeastBelow(1, Double.POSITIVE_INFINITY),
                Importance.LOW, "Minority-recall-drop detector: decayed positives (since the start or the last alert) before it may fire.",
                MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_RECALL_MIN_POSITIVES);
        def.define(DRIFT_RECALL_SIGMAS, Type.DOUBLE, DETECTOR_DEFAULTS.recallDropSigmas(), Bounds.positive(),
                Importance.LOW, "Minority-recall-drop detector: standard deviations below the best recall seen that make a drop.",
                MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_RECALL_SIGMAS);
        def.define(DRIFT_COLLAPSE_WINDOW, Type.LONG, DETECTOR_DEFAULTS.collapseWindowEvents(), Range.atLeast(1),
                Importance.LOW, "Collapse detector: events in a row with no positive prediction for a label that has positives.",
                MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_COLLAPSE_WINDOW);
        def.define(DRIFT_SHIFT_MEMORY, Type.DOUBLE, SHIFT_MEMORY_DEFAULT, Bounds.nonNegative(), Importance.MEDIUM,
                "When the shift detector (" + DRIFT_SHIFT_DETECTOR + ") fires for a label, its label counts (behind the "
                        + "class weights and the logit adjustment) restart at the detector's new prevalence with the weight of "
                        + "this many events, and its threshold histograms keep at most this many events' weight: both follow "
                        + "the new prevalence at once and return to their half-lives as they refill. 0 leaves them to their "
                        + "half-lives.", MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_SHIFT_MEMORY);
        def.define(DRIFT_SHIFT_DETECTOR, Type.STRING, SHIFT_DETECTORS.nameOf(SHIFT_DETECTOR_DEFAULTS.detector()),
                SHIFT_DETECTORS, Importance.LOW, "The detector that fires the memory cut of " + DRIFT_SHIFT_MEMORY
                        + ": cusum (a Bernoulli CUSUM per label against its decayed prior, for the cut alone; alerts keep "
                        + "the Page-Hinkley detector) or page-hinkley (the prevalence-shift alerts' detector; needs "
                        + DRIFT_ENABLED + ").", MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_SHIFT_DETECTOR);
        def.define(DRIFT_SHIFT_ODDS_RATIO, Type.DOUBLE, SHIFT_DETECTOR_DEFAULTS.oddsRatio(),
                Bounds.strictlyBetween(1.0, Double.POSITIVE_INFINITY), Importance.LOW,
                "CUSUM shift detector: the change in a label's odds it is tuned to find (it tests the prior's odds times and "
                        + "divided by this).", MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_SHIFT_ODDS_RATIO);
        def.define(DRIFT_SHIFT_THRESHOLD, Type.DOUBLE, SHIFT_DETECTOR_DEFAULTS.thresholdNats(), Bounds.positive(),
                Importance.LOW, "CUSUM shift detector: the log-likelihood ratio, in nats, that fires it; higher means "
                        + "fewer false cuts and later ones.", MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_SHIFT_THRESHOLD);
        def.define(DRIFT_SHIFT_MIN_EVENTS, Type.LONG, SHIFT_DETECTOR_DEFAULTS.minEvents(), Range.atLeast(1),
                Importance.LOW, "CUSUM shift detector: the weight, in events, of a label's decayed counts before its prior is "
                        + "tested; counts that never reach it (a short " + WEIGHTING_HALF_LIFE + ") are never tested.", MONITORING, ++order, ConfigDef.Width.SHORT, DRIFT_SHIFT_MIN_EVENTS);
        def.define(SNAPSHOT_INTERVAL_STEPS, Type.INT, 100, Range.atLeast(1), Importance.MEDIUM,
                "Publish a model snapshot after this many mini-batches (optimiser steps, taken or skipped) ...", MONITORING, ++order, ConfigDef.Width.SHORT, SNAPSHOT_INTERVAL_STEPS);
        def.define(SNAPSHOT_INTERVAL_MS, Type.LONG, 10_000L, Range.atLeast(10), Importance.MEDIUM,
                "... or after this many milliseconds (wall clock) with new training, whichever comes first.",
                MONITORING, ++order, ConfigDef.Width.SHORT, SNAPSHOT_INTERVAL_MS);
        def.define(METRICS_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(10), Importance.MEDIUM,
                "Publish training metrics this often (wall clock) while a model trains.", MONITORING, ++order, ConfigDef.Width.SHORT, METRICS_INTERVAL_MS);
        def.define(ALERTS_COOLDOWN_MS, Type.LONG, 300_000L, Range.atLeast(0), Importance.MEDIUM,
                "At most one alert per model, label and kind within this time (wall clock).", MONITORING, ++order, ConfigDef.Width.SHORT, ALERTS_COOLDOWN_MS);
        def.define(ALERTS_PREVALENCE_MIN_RATIO, Type.DOUBLE, 2.0, Range.atLeast(1), Importance.LOW,
                "A prevalence shift is alerted only when the larger prevalence is at least this multiple of the smaller.",
                MONITORING, ++order, ConfigDef.Width.SHORT, ALERTS_PREVALENCE_MIN_RATIO);
        def.define(ALERTS_RECALL_MIN_DROP, Type.DOUBLE, 0.2, Range.between(0, 1), Importance.LOW,
                "A recall drop is alerted only when recall fell by at least this much; it resolves when recall is back within "
                        + "half of it.", MONITORING, ++order, ConfigDef.Width.SHORT, ALERTS_RECALL_MIN_DROP);

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

        order = 0;
        def.define(PREDICTIONS_TOPIC, Type.STRING, "ballast.predictions", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Output topic of Prediction records (key: model id): one per unlabelled event, scored by the latest "
                        + "published snapshot.", FEEDBACK, ++order, ConfigDef.Width.MEDIUM, PREDICTIONS_TOPIC);
        def.define(LABELS_TOPIC, Type.STRING, "ballast.labels", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Input topic of LabelFeedback records (key: model id), the labels of events sent unlabelled; "
                        + "co-partitioned with the events topic.", FEEDBACK, ++order, ConfigDef.Width.MEDIUM, LABELS_TOPIC);
        def.define(LABELS_MAX_DELAY_MS, Type.LONG, 7L * 24 * 60 * 60 * 1000, Range.atLeast(1), Importance.MEDIUM,
                "How long (in record time) an unlabelled event waits for its labels, and a label for its event.",
                FEEDBACK, ++order, ConfigDef.Width.SHORT, LABELS_MAX_DELAY_MS);
        def.define(LABELS_MISSING, Type.STRING, MISSING_LABELS.nameOf(MissingLabels.IGNORE), MISSING_LABELS, Importance.MEDIUM,
                "An unlabelled event whose labels did not come within " + LABELS_MAX_DELAY_MS + ": ignore (dropped) or "
                        + "negative (trained as all-negative).", FEEDBACK, ++order, ConfigDef.Width.SHORT, LABELS_MISSING);
        def.define(PREDICTIONS_LABELLED, Type.BOOLEAN, false, Importance.LOW,
                "Also publish a Prediction for each labelled event.", FEEDBACK, ++order, ConfigDef.Width.SHORT,
                PREDICTIONS_LABELLED);
        return def;
    }

    private final Map<String, String> originalStrings;
    /** For a model's settings ({@link #forModel}): the override key the user wrote for an effective key. */
    private final Map<String, String> writtenAs;
    /** The models, resolved once; null in a model's own settings. */
    private final ModelCatalog models;

    /**
     * Parses and validates every setting, per-model overrides included, and resolves the {@link ModelCatalog}.
     *
     * @throws ConfigException naming the key the user wrote, for the first bad value
     */
    public BallastConfig(Map<String, ?> properties) {
        this(properties, Map.of(), true);
    }

    private BallastConfig(Map<String, ?> properties, Map<String, String> writtenAs, boolean resolveModels) {
        // Only Ballast's keys are parsed here: Kafka's (config providers included) are Kafka's to resolve.
        super(DEFINITION, ballastKeysOnly(properties), false);
        Map<String, String> strings = new TreeMap<>();
        properties.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        this.originalStrings = Collections.unmodifiableMap(strings);
        this.writtenAs = writtenAs;
        rejectUnknownBallastKeys(strings);
        if (getDouble(WEIGHTING_MAX) < getDouble(WEIGHTING_MIN)) {
            throw new ConfigException(writtenAs(WEIGHTING_MAX), getDouble(WEIGHTING_MAX),
                    "must be at least " + writtenAs(WEIGHTING_MIN) + " (" + getDouble(WEIGHTING_MIN) + ")");
        }
        this.models = resolveModels ? ModelCatalog.resolve(this) : null;
    }

    /**
     * The settings of one model: the {@code ballast.*} keys with that model's overrides
     * ({@code ballast.models.<id>.<suffix>}) applied. Each override is validated under its own key.
     */
    public BallastConfig forModel(String modelId) {
        String overridePrefix = MODEL_OVERRIDE_PREFIX + modelId + ".";
        Map<String, String> merged = new HashMap<>(originalStrings);
        Map<String, String> written = new HashMap<>();
        originalStrings.forEach((key, value) -> {
            if (key.startsWith(overridePrefix)) {
                String target = PREFIX + key.substring(overridePrefix.length());
                ConfigDef.ConfigKey definition = DEFINITION.configKeys().get(target);
                Object parsed = ConfigDef.parseType(key, value, definition.type);
                if (definition.validator != null) {
                    definition.validator.ensureValid(key, parsed);
                }
                merged.put(target, value);
                written.put(target, key);
            }
        });
        return new BallastConfig(merged, Map.copyOf(written), false);
    }

    /** The key the user wrote for a setting: its per-model override in a model's settings, else the key itself. */
    public String writtenAs(String key) {
        return writtenAs.getOrDefault(key, key);
    }

    /** The models this app trains, validated at start-up. Only on the app's settings, not on a model's own. */
    public ModelCatalog models() {
        if (models == null) {
            throw new IllegalStateException("a model's own settings have no catalog");
        }
        return models;
    }

    /** The model ids per-model overrides name, each with the first key naming it. */
    Map<String, String> overriddenModelIds() {
        Map<String, String> ids = new TreeMap<>();
        for (String key : originalStrings.keySet()) {
            String modelId = overriddenModelId(key);
            if (modelId != null) {
                ids.putIfAbsent(modelId, key);
            }
        }
        return ids;
    }

    /** The per-model overrides given ({@code ballast.models.<id>.<key>}), as written, in key order. */
    public Map<String, String> modelOverrides() {
        Map<String, String> overrides = new TreeMap<>();
        originalStrings.forEach((key, value) -> {
            if (overriddenModelId(key) != null) {
                overrides.put(key, value);
            }
        });
        return overrides;
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

    /** The alert hysteresis and cool-down. */
    public dev.ballast.evaluation.drift.AlertGate.Settings alertSettings() {
        return new dev.ballast.evaluation.drift.AlertGate.Settings(getLong(ALERTS_COOLDOWN_MS),
                getDouble(ALERTS_PREVALENCE_MIN_RATIO), getDouble(ALERTS_RECALL_MIN_DROP));
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

    /** The value of an enum-valued setting. */
    public <E extends Enum<E>> E getEnum(String key, EnumSetting<E> setting) {
        return setting.parse(key, getString(key));
    }

    /** The serving and late-label settings. */
    public FeedbackSettings feedbackSettings() {
        return new FeedbackSettings(getLong(LABELS_MAX_DELAY_MS), getEnum(LABELS_MISSING, MISSING_LABELS),
                getBoolean(PREDICTIONS_LABELLED));
    }

    /**
     * The training settings of this (model's) configuration. The ranges declared above are the ones the settings
     * classes check, so this throws only for a combination of values (e.g. {@link #WEIGHTING_MAX} below
     * {@link #WEIGHTING_MIN}); {@link ModelCatalog} turns that into a {@link ConfigException} at start-up.
     */
    public TrainerSettings trainerSettings() {
        LearningSettings learning = new LearningSettings(
                getEnum(MODEL_TYPE, MODEL_TYPES),
                getInt(MODEL_HIDDEN_UNITS),
                getEnum(OPTIMIZER, OPTIMIZERS),
                getDouble(LEARNING_RATE), getDouble(MOMENTUM), getDouble(L2), getDouble(CLIP_NORM),
                getBoolean(MODEL_STANDARDIZE), getLong(MODEL_SEED))
                .withObjective(new ObjectiveSettings(getEnum(LOSS, LOSSES), getDouble(LOSS_FOCAL_GAMMA),
                        getDouble(LOSS_ASL_GAMMA_POSITIVE), getDouble(LOSS_ASL_GAMMA_NEGATIVE), getDouble(LOSS_ASL_MARGIN),
                        getDouble(LOGIT_ADJUSTMENT_TRAIN), getDouble(LOGIT_ADJUSTMENT_SCORE)))
                .withStandardiser(new StandardiserSettings(halfLife(MODEL_STANDARDIZE_HALF_LIFE),
                        getDouble(MODEL_STANDARDIZE_CLIP) == 0 ? Double.POSITIVE_INFINITY : getDouble(MODEL_STANDARDIZE_CLIP)))
                .withAveraging(getDouble(MODEL_AVERAGING_DECAY))
                .withInitialAccumulator(getDouble(ADAGRAD_INITIAL_ACCUMULATOR));
        WeightPolicySettings weighting = new WeightPolicySettings(
                getEnum(WEIGHTING_POLICY, WEIGHT_POLICIES),
                getDouble(WEIGHTING_SMOOTHING), getDouble(WEIGHTING_MIN), getDouble(WEIGHTING_MAX),
                getDouble(WEIGHTING_LOG_MU), getDouble(WEIGHTING_EFFECTIVE_BETA));
        ThresholdSettings thresholds = new ThresholdSettings(
                getEnum(THRESHOLD_POLICY, THRESHOLD_POLICIES),
                getEnum(THRESHOLD_METRIC, THRESHOLD_METRICS),
                getDouble(THRESHOLD_BETA), getDouble(THRESHOLD_RECALL_FLOOR), getInt(THRESHOLD_BINS),
                halfLife(THRESHOLD_HALF_LIFE), getDouble(THRESHOLD_MIN_POSITIVES), getDouble(THRESHOLD_PRIOR_POSITIVES),
                getDouble(THRESHOLD_DEFAULT).floatValue());
        DetectorSettings detectors = new DetectorSettings(getDouble(DRIFT_PREVALENCE_DELTA),
                getDouble(DRIFT_PREVALENCE_THRESHOLD), getLong(DRIFT_PREVALENCE_MIN_EVENTS), getDouble(DRIFT_RECALL_HALF_LIFE),
                getDouble(DRIFT_RECALL_MIN_POSITIVES), getDouble(DRIFT_RECALL_SIGMAS), getLong(DRIFT_COLLAPSE_WINDOW));
        return new TrainerSettings(getInt(BATCH_SIZE), learning, weighting, halfLife(WEIGHTING_HALF_LIFE), thresholds,
                getInt(METRICS_BINS), halfLife(METRICS_HALF_LIFE), getBoolean(DRIFT_ENABLED), detectors,
                getDouble(DRIFT_SHIFT_MEMORY), new ShiftDetectorSettings(getEnum(DRIFT_SHIFT_DETECTOR, SHIFT_DETECTORS),
                        getDouble(DRIFT_SHIFT_ODDS_RATIO), getDouble(DRIFT_SHIFT_THRESHOLD), getLong(DRIFT_SHIFT_MIN_EVENTS)),
                getDouble(NEGATIVE_SAMPLING_RATE), getBoolean(MODEL_LABEL_STACKING), getLong(BATCH_WARMUP_EVENTS),
                getInt(BATCH_WARMUP_SIZE), getDouble(BATCH_SHORT_EXPONENT));
    }

    /**
     * The settings a trainer runs with, by their keys: what a model snapshot reports as its hyper-parameters.
     * Parsing the map with {@link #BallastConfig(Map)} gives the same {@link #trainerSettings()} back.
     */
    public static Map<String, String> hyperParameters(TrainerSettings settings) {
        Map<String, String> values = new TreeMap<>();
        LearningSettings learning = settings.learning();
        values.put(MODEL_TYPE, MODEL_TYPES.nameOf(learning.modelType()));
        values.put(MODEL_HIDDEN_UNITS, Integer.toString(learning.hiddenUnits()));
        values.put(MODEL_STANDARDIZE, Boolean.toString(learning.standardize()));
        values.put(MODEL_STANDARDIZE_HALF_LIFE, configHalfLife(learning.standardiser().halfLifeRows()));
        double clip = learning.standardiser().clipDeviations();
        values.put(MODEL_STANDARDIZE_CLIP, Double.toString(Double.isInfinite(clip) ? 0.0 : clip));
        values.put(MODEL_SEED, Long.toString(learning.seed()));
        values.put(MODEL_AVERAGING_DECAY, Double.toString(learning.averagingDecay()));
        values.put(BATCH_SIZE, Integer.toString(settings.batchSize()));
        values.put(BATCH_WARMUP_EVENTS, Long.toString(settings.warmupEvents()));
        values.put(BATCH_WARMUP_SIZE, Integer.toString(settings.warmupBatchSize()));
        values.put(BATCH_SHORT_EXPONENT, Double.toString(settings.shortBatchExponent()));
        values.put(OPTIMIZER, OPTIMIZERS.nameOf(learning.optimizer()));
        values.put(LEARNING_RATE, Double.toString(learning.learningRate()));
        values.put(MOMENTUM, Double.toString(learning.momentum()));
        values.put(L2, Double.toString(learning.l2()));
        values.put(CLIP_NORM, Double.toString(learning.gradientClipNorm()));
        values.put(ADAGRAD_INITIAL_ACCUMULATOR, Double.toString(learning.initialAccumulator()));
        ObjectiveSettings loss = learning.objective();
        values.put(LOSS, LOSSES.nameOf(loss.type()));
        values.put(LOSS_FOCAL_GAMMA, Double.toString(loss.focalGamma()));
        values.put(LOSS_ASL_GAMMA_POSITIVE, Double.toString(loss.aslPositiveGamma()));
        values.put(LOSS_ASL_GAMMA_NEGATIVE, Double.toString(loss.aslNegativeGamma()));
        values.put(LOSS_ASL_MARGIN, Double.toString(loss.aslMargin()));
        values.put(LOGIT_ADJUSTMENT_TRAIN, Double.toString(loss.trainAdjustment()));
        values.put(LOGIT_ADJUSTMENT_SCORE, Double.toString(loss.scoreAdjustment()));
        WeightPolicySettings weighting = settings.weighting();
        values.put(WEIGHTING_POLICY, WEIGHT_POLICIES.nameOf(weighting.type()));
        values.put(WEIGHTING_HALF_LIFE, configHalfLife(settings.weightingHalfLifeEvents()));
        values.put(WEIGHTING_SMOOTHING, Double.toString(weighting.smoothing()));
        values.put(WEIGHTING_MIN, Double.toString(weighting.minWeight()));
        values.put(WEIGHTING_MAX, Double.toString(weighting.maxWeight()));
        values.put(WEIGHTING_LOG_MU, Double.toString(weighting.logMu()));
        values.put(WEIGHTING_EFFECTIVE_BETA, Double.toString(weighting.effectiveNumberBeta()));
        values.put(NEGATIVE_SAMPLING_RATE, Double.toString(settings.negativeSamplingRate()));
        values.put(MODEL_LABEL_STACKING, Boolean.toString(settings.labelStacking()));
        ThresholdSettings thresholds = settings.thresholds();
        values.put(THRESHOLD_POLICY, THRESHOLD_POLICIES.nameOf(thresholds.policy()));
        values.put(THRESHOLD_METRIC, THRESHOLD_METRICS.nameOf(thresholds.metric()));
        values.put(THRESHOLD_BETA, Double.toString(thresholds.beta()));
        values.put(THRESHOLD_RECALL_FLOOR, Double.toString(thresholds.recallFloor()));
        values.put(THRESHOLD_BINS, Integer.toString(thresholds.bins()));
        values.put(THRESHOLD_HALF_LIFE, configHalfLife(thresholds.halfLifeEvents()));
        values.put(THRESHOLD_MIN_POSITIVES, Double.toString(thresholds.minPositives()));
        values.put(THRESHOLD_PRIOR_POSITIVES, Double.toString(thresholds.priorPositives()));
        values.put(THRESHOLD_DEFAULT, Float.toString(thresholds.defaultThreshold()));
        values.put(METRICS_BINS, Integer.toString(settings.metricsBins()));
        values.put(METRICS_HALF_LIFE, configHalfLife(settings.metricsHalfLifeEvents()));
        values.put(DRIFT_ENABLED, Boolean.toString(settings.driftDetection()));
        DetectorSettings detectors = settings.detectors();
        values.put(DRIFT_PREVALENCE_DELTA, Double.toString(detectors.prevalenceRelativeDelta()));
        values.put(DRIFT_PREVALENCE_THRESHOLD, Double.toString(detectors.prevalenceThreshold()));
        values.put(DRIFT_PREVALENCE_MIN_EVENTS, Long.toString(detectors.prevalenceMinEvents()));
        values.put(DRIFT_RECALL_HALF_LIFE, Double.toString(detectors.recallHalfLifePositives()));
        values.put(DRIFT_RECALL_MIN_POSITIVES, Double.toString(detectors.recallMinPositives()));
        values.put(DRIFT_RECALL_SIGMAS, Double.toString(detectors.recallDropSigmas()));
        values.put(DRIFT_COLLAPSE_WINDOW, Long.toString(detectors.collapseWindowEvents()));
        values.put(DRIFT_SHIFT_MEMORY, Double.toString(settings.shiftMemoryEvents()));
        ShiftDetectorSettings shift = settings.shiftDetector();
        values.put(DRIFT_SHIFT_DETECTOR, SHIFT_DETECTORS.nameOf(shift.detector()));
        values.put(DRIFT_SHIFT_ODDS_RATIO, Double.toString(shift.oddsRatio()));
        values.put(DRIFT_SHIFT_THRESHOLD, Double.toString(shift.thresholdNats()));
        values.put(DRIFT_SHIFT_MIN_EVENTS, Long.toString(shift.minEvents()));
        return values;
    }

    /** The inverse of {@link #halfLife}: no decay is 0 in configuration. */
    private static String configHalfLife(double halfLifeEvents) {
        return Double.toString(Double.isInfinite(halfLifeEvents) ? 0.0 : halfLifeEvents);
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

    /** The model id of a per-model override key, or null when the key is none. */
    private static String overriddenModelId(String key) {
        if (!key.startsWith(MODEL_OVERRIDE_PREFIX) || key.equals(ACCEPT_UNKNOWN_MODELS)) {
            return null;
        }
        String rest = key.substring(MODEL_OVERRIDE_PREFIX.length());
        int dot = rest.indexOf('.');
        return dot <= 0 || !DEFINITION.names().contains(PREFIX + rest.substring(dot + 1)) ? null : rest.substring(0, dot);
    }

    private static void rejectUnknownBallastKeys(Map<String, String> properties) {
        for (String key : properties.keySet()) {
            if (DEFINITION.names().contains(key)) {
                continue;
            }
            if (key.startsWith(MODEL_OVERRIDE_PREFIX)) {
                if (overriddenModelId(key) == null) {
                    throw new ConfigException("Unknown per-model setting '" + key
                            + "'. Expected ballast.models.<model id>.<key without 'ballast.'>, e.g. ballast.models.fraud.model.features");
                }
            } else if (key.startsWith(PREFIX)) {
                throw new ConfigException("Unknown setting '" + key + "'. Run 'ballast config' to list the valid ballast.* keys.");
            }
        }
    }
}
