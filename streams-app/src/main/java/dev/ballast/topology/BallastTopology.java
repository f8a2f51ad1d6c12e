package dev.ballast.topology;

import dev.ballast.cluster.BallastSerdes;
import dev.ballast.config.BallastConfig;
import dev.ballast.feedback.LabelJoin;
import dev.ballast.processor.Output;
import dev.ballast.processor.SourceLog;
import dev.ballast.processor.TrainingProcessor;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.TrainingMetrics;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Ballast's topology:
 * <pre>
 * events ─┬─ key == event.modelId ──────────────────────────────┬─ train (per model id, changelogged store) ─┬─ model-updates
 *         └─ key missing or different ─ guard ─ repartition ─────┤   score unlabelled events, join late labels  ├─ metrics
 *                                         └─ over the size cap ──┼────────────────────────────────────────────┼─ alerts
 * labels (key = model id, co-partitioned with events) ───────────┘   (changelogged join store)                 ├─ predictions
 *                                                                                                             └─ dead-letters
 * </pre>
 * The guard ({@link RekeyGuard}) re-keys by model id and carries the record's place in the events topic as headers.
 * The guard and the training processor forward each type of output to the child node of its name (an {@link Output}:
 * {@code model-updates}, {@code metrics}, {@code alerts}, {@code predictions}, {@code dead-letters} and
 * {@code oversize-dead-letters} are sinks, each with its type's serde; {@code rekeyed} leads to the repartition).
 * Records that cannot be decoded never reach the topology: the {@link DeadLetterDeserializationHandler} sends them to
 * the dead-letter topic; every record gets a usable timestamp from the {@link EventTimestampExtractor}; an output that
 * cannot be written dead-letters its input through the {@link DeadLetterProductionHandler}.
 */
public final class BallastTopology {

    private static final String SPLIT = "route-";
    private static final String KEYED = "keyed-by-model";
    private static final String REKEY = "rekey";
    /** The repartition of re-keyed events; Kafka Streams names its topic after it and the application id. */
    private static final String REPARTITION = "by-model-id";

    /**
     * A topic the topology writes with a registry serde, and the schema of the values written there.
     *
     * @param topic the topic's full name, as the serializer sees it
     * @param schema the schema of its values
     */
    record RegistryValue(String topic, Schema schema) { }

    private BallastTopology() {
    }

    /**
     * Every topic the topology writes with a registry serde, with the schema of its values: the outputs, and the
     * repartition topic of re-keyed events. {@link OutputSchemas} resolves their ids before the app starts;
     * {@code BallastTopologyTest} checks that the list names the topic of every sink.
     */
    static List<RegistryValue> registryValues(BallastConfig config) {
        String applicationId = String.valueOf(StreamsSettings.of(config).get(StreamsConfig.APPLICATION_ID_CONFIG));
        return List.of(
                new RegistryValue(config.getString(BallastConfig.MODEL_UPDATES_TOPIC), ModelSnapshot.getClassSchema()),
                new RegistryValue(config.getString(BallastConfig.METRICS_TOPIC), TrainingMetrics.getClassSchema()),
                new RegistryValue(config.getString(BallastConfig.ALERTS_TOPIC), ImbalanceAlert.getClassSchema()),
                new RegistryValue(config.getString(BallastConfig.PREDICTIONS_TOPIC), Prediction.getClassSchema()),
                new RegistryValue(config.getString(BallastConfig.DEAD_LETTERS_TOPIC), DeadLetter.getClassSchema()),
                new RegistryValue(applicationId + "-" + REPARTITION + "-repartition", LabelledEvent.getClassSchema()));
    }

    public static Topology build(BallastConfig config, BallastSerdes serdes) {
        return build(config, serdes, () -> new KafkaSourceLog(StreamsSettings.of(config), serdes.events().deserializer()));
    }

    /** @param sourceLogs reads the events topic back when a model is restored (see {@link dev.ballast.processor.ModelStore}) */
    public static Topology build(BallastConfig config, BallastSerdes serdes, Supplier<SourceLog> sourceLogs) {
        Serde<String> keys = Serdes.String();
        // The topology sees the app's own Streams settings (not Kafka's defaults), as KafkaStreams will.
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(StreamsSettings.of(config))));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(TrainingProcessor.STORE), keys, Serdes.ByteArray())
                // The cache coalesces a model's repeated saves between commits into one changelog write.
                .withCachingEnabled()
                .withLoggingEnabled(Map.of("max.message.bytes", Integer.toString(StreamsSettings.MAX_RECORD_BYTES))));
        // Waiting events and early labels; it also keeps each model's serving snapshot, hence the record size.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(LabelJoin.STORE), keys, Serdes.ByteArray())
                .withCachingEnabled()
                .withLoggingEnabled(Map.of("max.message.bytes", Integer.toString(StreamsSettings.MAX_RECORD_BYTES))));

        KStream<String, LabelledEvent> events = builder.stream(config.getString(BallastConfig.EVENTS_TOPIC),
                Consumed.with(keys, serdes.events()).withName("events"));
        Map<String, KStream<String, LabelledEvent>> routes = events.split(Named.as(SPLIT))
                .branch((key, event) -> event == null || event.getModelId().equals(key), Branched.as(KEYED))
                .defaultBranch(Branched.as(REKEY));
        KStream<String, SpecificRecord> guarded = routes.get(SPLIT + REKEY)
                .process(() -> new RekeyGuard(config), Named.as("guard-rekey"));
        sink(guarded, RekeyGuard.OVERSIZE, config.getString(BallastConfig.DEAD_LETTERS_TOPIC), serdes.deadLetters());
        KStream<String, LabelledEvent> rekeyed = guarded
                // The guard forwards only re-keyed events to this node (see Output), so the cast holds.
                .mapValues(value -> (LabelledEvent) value, Named.as(RekeyGuard.REKEYED.child()))
                .repartition(Repartitioned.with(keys, serdes.events()).withName(REPARTITION));

        KStream<String, LabelFeedback> labels = builder.stream(config.getString(BallastConfig.LABELS_TOPIC),
                Consumed.with(keys, serdes.labels()).withName("labels"));

        KStream<String, SpecificRecord> trained = widen(routes.get(SPLIT + KEYED)
                .merge(rekeyed, Named.as("all-events")))
                .merge(widen(labels), Named.as("events-and-labels"))
                .process(() -> new TrainingProcessor(config, sourceLogs, serdes.events().serializer()), Named.as("train"),
                        TrainingProcessor.STORE, LabelJoin.STORE);
        sink(trained, TrainingProcessor.SNAPSHOTS, config.getString(BallastConfig.MODEL_UPDATES_TOPIC), serdes.snapshots());
        sink(trained, TrainingProcessor.METRICS, config.getString(BallastConfig.METRICS_TOPIC), serdes.metrics());
        sink(trained, TrainingProcessor.ALERTS, config.getString(BallastConfig.ALERTS_TOPIC), serdes.alerts());
        sink(trained, TrainingProcessor.PREDICTIONS, config.getString(BallastConfig.PREDICTIONS_TOPIC),
                serdes.predictions());
        sink(trained, TrainingProcessor.DEAD_LETTERS, config.getString(BallastConfig.DEAD_LETTERS_TOPIC),
                serdes.deadLetters());
        return builder.build();
    }

    /**
     * Writes what a processor forwards to {@code output} to {@code topic}, through a sink that is the processor's
     * child of the output's name.
     */
    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> void sink(KStream<String, SpecificRecord> processor, Output<V> output,
            String topic, Serde<V> serde) {
        // The processor forwards only records of type V to this child (see Output), so the view holds.
        ((KStream<String, V>) (KStream<String, ?>) processor)
                .to(topic, Produced.with(Serdes.String(), serde).withName(output.child()));
    }

    /** Views a stream of one record type as one of records: the training processor takes events and labels. */
    @SuppressWarnings("unchecked")
    private static KStream<String, SpecificRecord> widen(KStream<String, ? extends SpecificRecord> stream) {
        return (KStream<String, SpecificRecord>) stream;
    }
}
