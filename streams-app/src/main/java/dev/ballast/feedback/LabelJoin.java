package dev.ballast.feedback;

import dev.ballast.schema.LabelFeedback;
import dev.ballast.schema.LabelScore;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.ModelSnapshot;
import dev.ballast.schema.Prediction;
import dev.ballast.schema.TrainingMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
 *   <li>{@code e|model|event}: one entry per event id, whose first byte says what it holds: an unlabelled event that
 *       was scored, with the probabilities it was served, waiting for its labels; labels that came before their
 *       event, waiting for it; or the mark of an event that has joined, kept until its deadline so that a second
 *       label for it is recognised as a duplicate;</li>
 *   <li>{@code x|deadline|key}: the expiry index, in deadline order (16 hex digits), so expiry reads only what is
 *       due;</li>
 *   <li>{@code c|model}: the model's {@link JoinCounters}; {@code s|model}: the snapshot that serves
 *       ({@link ServingModel}).</li>
 * </ul>
 * ({@code |} is a NUL character.) Time is the records' own: an entry's deadline is its record's timestamp plus the
 * delay, and it expires once a later record of the task (event or label) carries a timestamp past it, as Kafka
 * Streams' windowed joins close on stream time. So the join gives the same result when a stream is replayed, and a
 * stream that stops sending keeps its waiting entries until it resumes.
 *
 * <p>One key per event id keeps the join's store work small: an event reads one key when it arrives and writes it
 * with its index entry; its label reads the same key and overwrites it with the joined mark, whose deadline and so
 * index entry are the event's. (Stores written before kept early labels under {@code l|model|event} and joined
 * marks under {@code j|model|event}, with index entries of their own; while a store holds such entries they are
 * looked up too, and they expire as before.)
 *
 * <p>The store holds, per waiting event, its Avro encoding plus 4 bytes per label and about 60 bytes of keys and
 * bookkeeping, twice (the expiry index and the changelog's copy aside, which are small); nothing is held in memory
 * per waiting event.
 */
public final class LabelJoin {

    /** Name of the changelogged store of waiting events and labels. */
    public static final String STORE = "ballast-label-join";

    private static final String EVENT = "e\0";
    /** Early labels and joined marks of stores written before they were kept under {@link #EVENT}. */
    private static final String LEGACY_EARLY_LABEL = "l\0";
    private static final String LEGACY_JOINED = "j\0";
    private static final String INDEX = "x\0";
    private static final String COUNTERS = "c\0";
    private static final String SERVING = "s\0";
    private static final int INDEX_PREFIX = INDEX.length() + 16 + 1;
    /** First byte of a waiting event (and of the legacy entries). */
    private static final byte FORMAT = 1;
    /** First byte of the joined mark of an event. */
    private static final byte JOINED_FORMAT = 2;
    /** First byte of labels waiting for their event. */
    private static final byte EARLY_LABEL_FORMAT = 3;
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
    private final SpecificDatumWriter<LabelledEvent> eventWriter = new SpecificDatumWriter<>(LabelledEvent.class);
    private final SpecificDatumReader<LabelledEvent> eventReader = new SpecificDatumReader<>(LabelledEvent.class);
    private final SpecificDatumWriter<LabelFeedback> labelWriter = new SpecificDatumWriter<>(LabelFeedback.class);
    private final SpecificDatumReader<LabelFeedback> labelReader = new SpecificDatumReader<>(LabelFeedback.class);
    private final SpecificDatumWriter<ModelSnapshot> snapshotWriter = new SpecificDatumWriter<>(ModelSnapshot.class);
    private final SpecificDatumReader<ModelSnapshot> snapshotReader = new SpecificDatumReader<>(ModelSnapshot.class);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private BinaryEncoder encoder;

    private KeyValueStore<String, byte[]> store;
    private long streamTime = Long.MIN_VALUE;
    private long earliestDeadline = Long.MAX_VALUE;
    /** Whether the store may hold entries under the legacy keys, which are then looked up too. */
    private boolean legacyEntries;
    /**
     * The entry {@link #received} read, for {@link #onEvent} of the same event (the processor scores the event in
     * between, which writes nothing); forgotten at every write.
     */
    private String readKey;
    private byte[] readValue;

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
        legacyEntries = hasKeyStartingWith(LEGACY_EARLY_LABEL) || hasKeyStartingWith(LEGACY_JOINED);
        readKey = null;
        readValue = null;
    }

    private boolean hasKeyStartingWith(String prefix) {
        try (KeyValueIterator<String, byte[]> keys = store.range(prefix, prefix + '\uffff')) {
            return keys.hasNext();
        }
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
        byte[] stored = store.get(EVENT + id);
        readKey = EVENT + id;
        readValue = stored;
        return stored != null && stored[0] != EARLY_LABEL_FORMAT
                || legacyEntries && store.get(LEGACY_JOINED + id) != null;
    }

    /** The model published {@code snapshot}: it serves from now on. */
    public void published(ModelSnapshot snapshot) {
        put(SERVING + snapshot.getModelId(), encode(snapshotWriter, snapshot));
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
        String key = EVENT + id;
        byte[] stored = key.equals(readKey) ? readValue : store.get(key);
        // Not received: the key holds nothing, or labels that came first.
        String earlyKey = key;
        byte[] early = stored;
        if (stored == null && legacyEntries) {
            earlyKey = LEGACY_EARLY_LABEL + id;
            early = store.get(earlyKey);
        }
        if (early != null) {
            ByteBuffer in = ByteBuffer.wrap(early);
            in.get();
            long labelDeadline = in.getLong();
            Origin labelOrigin = readOrigin(in);
            LabelFeedback label = decode(labelReader, early, in.position(), early.length - in.position());
            long joinedDeadline = Math.max(deadline, labelDeadline);
            // The joined mark takes the event's key, under the label's index entry when it has the same key and
            // deadline, else under one of its own.
            boolean reindex = !earlyKey.equals(key) || joinedDeadline != labelDeadline;
            if (reindex) {
                remove(earlyKey, labelDeadline);
            }
            markJoined(id, joinedDeadline, reindex);
            modelCounters.joined++;
            // The label came first: there was no delay to wait.
            modelCounters.recordDelay(0);
            saveCounters(event.getModelId(), modelCounters);
            return new Ready(new Joined(withLabels(event, label.getLabels()), probabilities, labelOrigin));
        }
        byte[] eventBytes = encode(eventWriter, event);
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + originSize(origin) + 4 + probabilities.length * 4 + eventBytes.length);
        out.put(FORMAT).putLong(deadline);
        writeOrigin(out, origin);
        out.putInt(probabilities.length);
        for (float probability : probabilities) {
            out.putFloat(probability);
        }
        out.put(eventBytes);
        add(key, out.array(), deadline);
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
        byte[] stored = store.get(EVENT + id);
        if (stored != null && stored[0] == FORMAT) {
            ByteBuffer in = ByteBuffer.wrap(stored);
            in.get();
            long deadline = in.getLong();
            Origin eventOrigin = readOrigin(in);
            float[] served = new float[in.getInt()];
            for (int i = 0; i < served.length; i++) {
                served[i] = in.getFloat();
            }
            LabelledEvent event = decode(eventReader, stored, in.position(), stored.length - in.position());
            // Same key and deadline: the event's index entry now expires its joined mark.
            markJoined(id, deadline, false);
            modelCounters.waiting--;
            modelCounters.joined++;
            modelCounters.recordDelay(origin.timestamp() - eventOrigin.timestamp());
            saveCounters(label.getModelId(), modelCounters);
            return new Ready(new Joined(withLabels(event, label.getLabels()), served, origin));
        }
        if (stored != null || legacyEntries
                && (store.get(LEGACY_JOINED + id) != null || store.get(LEGACY_EARLY_LABEL + id) != null)) {
            modelCounters.orphanLabels++;
            saveCounters(label.getModelId(), modelCounters);
            return new Duplicate("a second label for event '" + shorten(label.getEventId()) + "' of model '"
                    + label.getModelId() + "'; the first is kept");
        }
        long deadline = deadline(origin.timestamp());
        byte[] labelBytes = encode(labelWriter, label);
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + originSize(origin) + labelBytes.length);
        out.put(EARLY_LABEL_FORMAT).putLong(deadline);
        writeOrigin(out, origin);
        out.put(labelBytes);
        add(EVENT + id, out.array(), deadline);
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
            delete(entry.key);
            String key = entry.key.substring(INDEX_PREFIX);
            if (entry.value != null) {
                delete(key);
                expire(key, entry.value, expiry);
            }
        }
    }

    private void expire(String key, byte[] value, Expiry expiry) {
        ByteBuffer in = ByteBuffer.wrap(value);
        byte format = in.get();
        in.getLong();
        boolean eventKey = key.startsWith(EVENT);
        if (eventKey && format == FORMAT) {
            Origin origin = readOrigin(in);
            float[] served = new float[in.getInt()];
            for (int i = 0; i < served.length; i++) {
                served[i] = in.getFloat();
            }
            LabelledEvent event = decode(eventReader, value, in.position(), value.length - in.position());
            JoinCounters modelCounters = counters(event.getModelId());
            modelCounters.waiting--;
            modelCounters.expired++;
            saveCounters(event.getModelId(), modelCounters);
            if (settings.missing() == MissingLabels.NEGATIVE) {
                expiry.trainAsNegative(new Joined(withLabels(event, List.of()), served, origin));
            }
        } else if (eventKey && format == EARLY_LABEL_FORMAT || key.startsWith(LEGACY_EARLY_LABEL)) {
            Origin origin = readOrigin(in);
            LabelFeedback label = decode(labelReader, value, in.position(), value.length - in.position());
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
            modelCounters = stored == null ? new JoinCounters() : JoinCounters.decode(stored);
            counters.put(modelId, modelCounters);
        }
        return modelCounters;
    }

    private void saveCounters(String modelId, JoinCounters modelCounters) {
        put(COUNTERS + modelId, modelCounters.encode());
    }

    private void add(String key, byte[] value, long deadline) {
        put(key, value);
        put(indexKey(deadline, key), PRESENT);
        earliestDeadline = Math.min(earliestDeadline, deadline);
    }

    private void remove(String key, long deadline) {
        delete(key);
        delete(indexKey(deadline, key));
    }

    /** Marks the event joined until {@code deadline}, with an index entry of its own or under the one it has. */
    private void markJoined(String id, long deadline, boolean indexed) {
        byte[] mark = ByteBuffer.allocate(1 + 8).put(JOINED_FORMAT).putLong(deadline).array();
        if (indexed) {
            add(EVENT + id, mark, deadline);
        } else {
            put(EVENT + id, mark);
        }
    }

    private void put(String key, byte[] value) {
        readKey = null;
        store.put(key, value);
    }

    private void delete(String key) {
        readKey = null;
        store.delete(key);
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

    private static int originSize(Origin origin) {
        return 4 + origin.topic().getBytes(StandardCharsets.UTF_8).length + 4 + 8 + 8;
    }

    private static void writeOrigin(ByteBuffer out, Origin origin) {
        byte[] topic = origin.topic().getBytes(StandardCharsets.UTF_8);
        out.putInt(topic.length).put(topic).putInt(origin.partition()).putLong(origin.offset()).putLong(origin.timestamp());
    }

    private static Origin readOrigin(ByteBuffer in) {
        byte[] topic = new byte[in.getInt()];
        in.get(topic);
        return new Origin(new String(topic, StandardCharsets.UTF_8), in.getInt(), in.getLong(), in.getLong());
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    private <T extends SpecificRecord> byte[] encode(SpecificDatumWriter<T> writer, T record) {
        buffer.reset();
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
