package dev.ballast.feedback;

import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelScore;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.TrainingMetrics;
import dev.ballast.schema.state.FrozenSchemas;
import dev.ballast.schema.state.JoinEntry;
import dev.ballast.schema.state.JoinOrigin;
import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedJoinCounters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The join of unlabelled events with the labels that arrive later (or earlier), within
 * {@code ballast.labels.max.delay.ms} of record time, over one changelogged store per task ({@link #STORE}):
 * <ul>
 *   <li>{@code e|model|event}: an unlabelled event that was scored, with the probabilities it was served, waiting
 *       for its labels; once joined, its marker (no event), kept until its deadline so that a second label for it
 *       is recognised as a duplicate;</li>
 *   <li>{@code l|model|event}: labels that came before their event, waiting for it;</li>
 *   <li>{@code x|deadline|key}: the expiry index, in deadline order (16 hex digits), so expiry reads only what is
 *       due;</li>
 *   <li>{@code c|model}: the model's {@link JoinCounters}; {@code s|model}: the snapshot that serves
 *       ({@link ServingModel}).</li>
 * </ul>
 * ({@code |} is a NUL character.) The values of {@code e} and {@code l} keys are {@link JoinEntry} records,
 * those of {@code c} keys {@link SavedJoinCounters} (see {@link #FORMAT}); {@code s} holds the snapshot in Avro
 * binary. Time is the records' own: an entry's deadline is its record's timestamp plus the
 * delay, and it expires once a later record of the task (event or label) carries a timestamp past it, as Kafka
 * Streams' windowed joins close on stream time. So the join gives the same result when a stream is replayed, and a
 * stream that stops sending keeps its waiting entries until it resumes.
 *
 * <p>The joined marker takes its event's key, so the join's store work stays small: an event reads its key (and the
 * early-label key) when it arrives and writes it with its index entry; its label reads the same key and overwrites it
 * with the marker, whose deadline and so index entry are the event's. (Stores written before kept joined markers
 * under {@code j|model|event}, with index entries of their own; while a store holds such keys they are looked up
 * too, and they expire as before.)
 *
 * <p>The store holds, per waiting event, its Avro encoding plus about 4 bytes per label and about 60 bytes of keys and
 * bookkeeping, twice (the expiry index and the changelog's copy aside, which are small); nothing is held in memory
 * per waiting event.
 */
public final class LabelJoin {

    /** Name of the changelogged store of waiting events and labels. */
    public static final String STORE = "ballast-label-join";

    private static final String EVENT = "e\0";
    private static final String EARLY_LABEL = "l\0";
    /** Joined markers of stores written before they were kept under {@link #EVENT}. */
    private static final String LEGACY_JOINED = "j\0";
    private static final String INDEX = "x\0";
    private static final String COUNTERS = "c\0";
    private static final String SERVING = "s\0";
    private static final int INDEX_PREFIX = INDEX.length() + 16 + 1;
    /**
     * Format 2 of the store's entries and counters: the format byte, then a {@link JoinEntry} or
     * {@link SavedJoinCounters} in Avro binary. Their writer schemas are frozen beside this class
     * ({@code join-entry-2.avsc}, {@code join-counters-2.avsc}); a change to either is a new format, as for the saved
     * model state. Values of format 1 are read by {@link EarlierJoinFormat}.
     */
    static final byte FORMAT = 2;
    private static final byte[] PRESENT = {1};

    /** Where a record was read, and its timestamp. */
    public record Origin(String topic, int partition, long offset, long timestamp) {
        public String topicPartition() {
            return topic + "-" + partition;
        }
    }

    /**
     * An event ready to train.
     *
     * @param event  the event with its labels (the late ones, or none when they never came)
     * @param served the probabilities it was served, one per label, for the prequential metrics
     * @param origin what the training takes it in from: the label's record, or the event's when it expired
     */
    public record Joined(LabelledEvent event, float[] served, Origin origin) {
    }

    /** What became of an event or a label given to the join. */
    public sealed interface Result permits Waiting, Ready, Duplicate {
    }

    /** Kept until its counterpart arrives or its deadline passes. */
    public record Waiting() implements Result {
    }

    /** Met its counterpart: train it now. */
    public record Ready(Joined joined) implements Result {
    }

    /** A second record for the same event id; the first is kept. */
    public record Duplicate(String reason) implements Result {
    }

    /** What expiry hands back. */
    public interface Expiry {
        /** An event whose labels never came, as all-negative; called only with {@code ballast.labels.missing=negative}. */
        void trainAsNegative(Joined event);

        /** Labels whose event never came. */
        void orphaned(LabelFeedback label, Origin origin, String reason);
    }

    private final FeedbackSettings settings;
    private final Map<String, JoinCounters> counters = new HashMap<>();
    private final Map<String, ServingModel> serving = new HashMap<>();
    private final SpecificDatumWriter<JoinEntry> entryWriter = new SpecificDatumWriter<>(JoinEntry.class);
    private final SpecificDatumReader<JoinEntry> entryReader =
            new SpecificDatumReader<>(entrySchema(FORMAT), JoinEntry.getClassSchema());
    private final SpecificDatumWriter<SavedJoinCounters> countersWriter = new SpecificDatumWriter<>(SavedJoinCounters.class);
    private final SpecificDatumReader<SavedJoinCounters> countersReader =
            new SpecificDatumReader<>(countersSchema(FORMAT), SavedJoinCounters.getClassSchema());
    private final SpecificDatumWriter<ModelSnapshot> snapshotWriter = new SpecificDatumWriter<>(ModelSnapshot.class);
    private final SpecificDatumReader<ModelSnapshot> snapshotReader = new SpecificDatumReader<>(ModelSnapshot.class);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private BinaryEncoder encoder;

    private KeyValueStore<String, byte[]> store;
    private long streamTime = Long.MIN_VALUE;
    private long earliestDeadline = Long.MAX_VALUE;
    /**
     * Whether the store may hold joined markers under {@link #LEGACY_JOINED}, which are then looked up too: found out
     * at the first lookup after {@link #init}, null before.
     */
    private Boolean legacyJoined;

    public LabelJoin(FeedbackSettings settings) {
        this.settings = settings;
    }

    public FeedbackSettings settings() {
        return settings;
    }

    /** (Re)starts on the task's store: whatever was cached in memory may belong to a rolled-back transaction. */
    public void init(KeyValueStore<String, byte[]> store) {
        this.store = store;
        counters.clear();
        serving.clear();
        streamTime = Long.MIN_VALUE;
        earliestDeadline = firstDeadline();
        legacyJoined = null;
    }

    /** Whether the joined marker of {@code id} is under the key of an earlier layout. */
    private boolean joinedUnderLegacyKey(String id) {
        if (legacyJoined == null) {
            try (KeyValueIterator<String, byte[]> legacy = store.range(LEGACY_JOINED, LEGACY_JOINED + '\uffff')) {
                legacyJoined = legacy.hasNext();
            }
        }
        return legacyJoined && store.get(LEGACY_JOINED + id) != null;
    }

    /**
     * Makes sure a model loaded into the processor has a serving snapshot: the one it published last, or, for a
     * model that has none stored, {@code current} (called when the model is created: version 0, the untrained
     * parameters).
     */
    public void load(String modelId, Supplier<ModelSnapshot> current) {
        serving.remove(modelId);
        if (store.get(SERVING + modelId) == null) {
            published(current.get());
        }
    }

    /** Scores an event with its model's serving snapshot (see {@link #load}). */
    public Prediction score(LabelledEvent event, long nowMs) {
        ServingModel model = servingModel(event.getModelId());
        return model.score(event, nowMs, new float[model.labelCount()]);
    }

    /** Whether an unlabelled event of this id has been received already (waiting, or joined within its delay). */
    public boolean received(LabelledEvent event) {
        String id = event.getModelId() + '\0' + event.getId();
        return store.get(EVENT + id) != null || joinedUnderLegacyKey(id);
    }

    /** The model published {@code snapshot}: it serves from now on. */
    public void published(ModelSnapshot snapshot) {
        store.put(SERVING + snapshot.getModelId(), encode(snapshotWriter, snapshot, false));
        serving.put(snapshot.getModelId(), new ServingModel(snapshot));
    }

    private ServingModel servingModel(String modelId) {
        ServingModel model = serving.get(modelId);
        if (model == null) {
            byte[] stored = store.get(SERVING + modelId);
            if (stored == null) {
                throw new IllegalStateException("model '" + modelId + "' has no serving snapshot: it was not loaded");
            }
            model = new ServingModel(decode(snapshotReader, stored, 0, stored.length));
            serving.put(modelId, model);
        }
        return model;
    }

    /**
     * An unlabelled event, not {@link #received} before, was scored ({@code served}): it joins labels that came
     * first ({@link Ready}), or waits for them ({@link Waiting}).
     */
    public Result onEvent(LabelledEvent event, Prediction served, Origin origin) {
        String id = event.getModelId() + '\0' + event.getId();
        JoinCounters modelCounters = counters(event.getModelId());
        long deadline = deadline(origin.timestamp());
        float[] probabilities = probabilities(served);
        byte[] early = store.get(EARLY_LABEL + id);
        if (early != null) {
            JoinEntry entry = entry(EARLY_LABEL + id, early);
            long labelDeadline = entry.getDeadline();
            Origin labelOrigin = origin(entry.getOrigin());
            LabelFeedback label = entry.getLabel();
            remove(EARLY_LABEL + id, labelDeadline);
            add(EVENT + id, joinedMarker(Math.max(deadline, labelDeadline)), Math.max(deadline, labelDeadline));
            modelCounters.joined++;
            // The label came first: there was no delay to wait.
            modelCounters.recordDelay(0);
            saveCounters(event.getModelId(), modelCounters);
            return new Ready(new Joined(withLabels(event, label.getLabels()), probabilities, labelOrigin));
        }
        add(EVENT + id, encode(entryWriter, new JoinEntry(deadline, joinOrigin(origin),
                SavedArrays.floats(probabilities), event, null), true), deadline);
        modelCounters.waiting++;
        saveCounters(event.getModelId(), modelCounters);
        return new Waiting();
    }

    /**
     * Labels arrived (their names already checked against the model): they join their event ({@link Ready}), wait
     * for it ({@link Waiting}), or are a {@link Duplicate} (counted among the orphan labels).
     */
    public Result onLabel(LabelFeedback label, Origin origin) {
        String id = label.getModelId() + '\0' + label.getEventId();
        JoinCounters modelCounters = counters(label.getModelId());
        // The event's key first: it is there in the common case, and then neither other key can be.
        byte[] stored = store.get(EVENT + id);
        JoinEntry entry = stored == null ? null : entry(EVENT + id, stored);
        if (entry == null || entry.getEvent() == null) {
            if (entry != null || joinedUnderLegacyKey(id) || store.get(EARLY_LABEL + id) != null) {
                modelCounters.orphanLabels++;
                saveCounters(label.getModelId(), modelCounters);
                return new Duplicate("a second label for event '" + shorten(label.getEventId()) + "' of model '"
                        + label.getModelId() + "'; the first is kept");
            }
        } else {
            long deadline = entry.getDeadline();
            Origin eventOrigin = origin(entry.getOrigin());
            float[] served = SavedArrays.toFloats(entry.getServed());
            LabelledEvent event = entry.getEvent();
            // Same key and deadline: the event's index entry now expires its marker.
            store.put(EVENT + id, joinedMarker(deadline));
            modelCounters.waiting--;
            modelCounters.joined++;
            modelCounters.recordDelay(origin.timestamp() - eventOrigin.timestamp());
            saveCounters(label.getModelId(), modelCounters);
            return new Ready(new Joined(withLabels(event, label.getLabels()), served, origin));
        }
        long deadline = deadline(origin.timestamp());
        add(EARLY_LABEL + id, encode(entryWriter, new JoinEntry(deadline, joinOrigin(origin), null, null, label), true),
                deadline);
        return new Waiting();
    }

    /**
     * A record with {@code timestamp} is about to be processed: expires, first, every entry whose deadline lies
     * before the task's stream time (the latest timestamp seen).
     */
    public void advance(long timestamp, Expiry expiry) {
        if (timestamp <= streamTime) {
            return;
        }
        streamTime = timestamp;
        if (streamTime <= earliestDeadline) {
            return;
        }
        // One pass over the index: the entries due, then the first one that is not, whose deadline is the next.
        List<KeyValue<String, byte[]>> due = new ArrayList<>();
        long next = Long.MAX_VALUE;
        try (KeyValueIterator<String, byte[]> index = store.range(INDEX, INDEX + '\uffff')) {
            while (index.hasNext()) {
                String indexKey = index.next().key;
                long deadline = deadlineOf(indexKey);
                if (deadline >= streamTime) {
                    next = deadline;
                    break;
                }
                due.add(KeyValue.pair(indexKey, store.get(indexKey.substring(INDEX_PREFIX))));
            }
        }
        earliestDeadline = next;
        for (KeyValue<String, byte[]> entry : due) {
            store.delete(entry.key);
            String key = entry.key.substring(INDEX_PREFIX);
            if (entry.value != null) {
                store.delete(key);
                expire(key, entry.value, expiry);
            }
        }
    }

    private void expire(String key, byte[] value, Expiry expiry) {
        JoinEntry entry = key.startsWith(EVENT) || key.startsWith(EARLY_LABEL) ? entry(key, value) : null;
        if (entry != null && entry.getEvent() != null) {
            Origin origin = origin(entry.getOrigin());
            float[] served = SavedArrays.toFloats(entry.getServed());
            LabelledEvent event = entry.getEvent();
            JoinCounters modelCounters = counters(event.getModelId());
            modelCounters.waiting--;
            modelCounters.expired++;
            saveCounters(event.getModelId(), modelCounters);
            if (settings.missing() == MissingLabels.NEGATIVE) {
                expiry.trainAsNegative(new Joined(withLabels(event, List.of()), served, origin));
            }
        } else if (key.startsWith(EARLY_LABEL)) {
            Origin origin = origin(entry.getOrigin());
            LabelFeedback label = entry.getLabel();
            JoinCounters modelCounters = counters(label.getModelId());
            modelCounters.orphanLabels++;
            saveCounters(label.getModelId(), modelCounters);
            expiry.orphaned(label, origin, "no event '" + shorten(label.getEventId()) + "' of model '"
                    + label.getModelId() + "' arrived within " + settings.maxDelayMs() + " ms of its label");
        }
    }

    /** Sets the join's figures of {@code modelId} in its metrics record. */
    public void describe(String modelId, TrainingMetrics metrics) {
        JoinCounters modelCounters = counters(modelId);
        metrics.setEventsWaiting(modelCounters.waiting);
        metrics.setEventsJoined(modelCounters.joined);
        metrics.setEventsExpired(modelCounters.expired);
        metrics.setOrphanLabels(modelCounters.orphanLabels);
        metrics.setLabelDelayP50Ms(modelCounters.delayQuantileMs(0.5));
        metrics.setLabelDelayP99Ms(modelCounters.delayQuantileMs(0.99));
    }

    /** The probabilities of a prediction, in label order. */
    public static float[] probabilities(Prediction prediction) {
        List<LabelScore> scores = prediction.getLabels();
        float[] probabilities = new float[scores.size()];
        for (int label = 0; label < probabilities.length; label++) {
            probabilities[label] = scores.get(label).getProbability();
        }
        return probabilities;
    }

    private JoinCounters counters(String modelId) {
        JoinCounters modelCounters = counters.get(modelId);
        if (modelCounters == null) {
            byte[] stored = store.get(COUNTERS + modelId);
            modelCounters = stored == null ? new JoinCounters() : JoinCounters.fromSaved(stored[0] == FORMAT
                    ? decode(countersReader, stored, 1, stored.length - 1) : EarlierJoinFormat.counters(stored));
            counters.put(modelId, modelCounters);
        }
        return modelCounters;
    }

    private void saveCounters(String modelId, JoinCounters modelCounters) {
        store.put(COUNTERS + modelId, encode(countersWriter, modelCounters.toSaved(), true));
    }

    private void add(String key, byte[] value, long deadline) {
        store.put(key, value);
        store.put(indexKey(deadline, key), PRESENT);
        earliestDeadline = Math.min(earliestDeadline, deadline);
    }

    private void remove(String key, long deadline) {
        store.delete(key);
        store.delete(indexKey(deadline, key));
    }

    private byte[] joinedMarker(long deadline) {
        return encode(entryWriter, new JoinEntry(deadline, null, null, null, null), true);
    }

    private long firstDeadline() {
        try (KeyValueIterator<String, byte[]> index = store.range(INDEX, INDEX + '\uffff')) {
            return index.hasNext() ? deadlineOf(index.next().key) : Long.MAX_VALUE;
        }
    }

    private static long deadlineOf(String indexKey) {
        return Long.parseUnsignedLong(indexKey.substring(INDEX.length(), INDEX_PREFIX - 1), 16);
    }

    private long deadline(long timestamp) {
        long deadline = Math.max(0, timestamp) + settings.maxDelayMs();
        return deadline < 0 ? Long.MAX_VALUE : deadline;
    }

    private static String indexKey(long deadline, String key) {
        return INDEX + hex(deadline) + '\0' + key;
    }

    private static String hex(long value) {
        String digits = Long.toHexString(Math.max(0, value));
        return "0".repeat(16 - digits.length()) + digits;
    }

    private static LabelledEvent withLabels(LabelledEvent event, List<String> labels) {
        return LabelledEvent.newBuilder(event).setLabels(new ArrayList<>(labels)).build();
    }

    /**
     * The entry stored under {@code key}, of the current format or, written before it, of the first.
     */
    private JoinEntry entry(String key, byte[] value) {
        if (value[0] == FORMAT) {
            return decode(entryReader, value, 1, value.length - 1);
        }
        if (value[0] != EarlierJoinFormat.FIRST_FORMAT) {
            throw new IllegalStateException("join store entry of an unknown format " + value[0]);
        }
        // In the first format, an event's key held only a waiting event (markers had keys of their own).
        return EarlierJoinFormat.entry(value, key.startsWith(EVENT), key.startsWith(EARLY_LABEL));
    }

    private static JoinOrigin joinOrigin(Origin origin) {
        return new JoinOrigin(origin.topic(), origin.partition(), origin.offset(), origin.timestamp());
    }

    private static Origin origin(JoinOrigin saved) {
        return new Origin(saved.getTopic(), saved.getPartition(), saved.getOffset(), saved.getTimestamp());
    }

    /** The writer schema of the store's entries in {@code format}, as frozen when that format was released. */
    static Schema entrySchema(byte format) {
        return FrozenSchemas.of(LabelJoin.class, "join-entry-" + format + ".avsc");
    }

    /** The writer schema of the store's counters in {@code format}, as frozen when that format was released. */
    static Schema countersSchema(byte format) {
        return FrozenSchemas.of(LabelJoin.class, "join-counters-" + format + ".avsc");
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    /** The record in Avro binary, after the {@link #FORMAT} byte when {@code withFormat}. */
    private <T extends SpecificRecord> byte[] encode(SpecificDatumWriter<T> writer, T record, boolean withFormat) {
        buffer.reset();
        if (withFormat) {
            buffer.write(FORMAT);
        }
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private static <T extends SpecificRecord> T decode(SpecificDatumReader<T> reader, byte[] bytes, int offset, int length) {
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, offset, length, null));
        } catch (IOException e) {
            throw new UncheckedIOException("join store entry is unreadable", e);
        }
    }
}
