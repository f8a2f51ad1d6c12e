package dev.ballast.processor;

import dev.ballast.config.ModelDeclaration;
import dev.ballast.evaluation.drift.AlertGate;
import dev.ballast.schema.state.FrozenSchemas;
import dev.ballast.schema.state.SavedModelState;
import dev.ballast.training.OnlineTrainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * One model's trainer plus what publishing needs to survive a restart: the last snapshot version and the input
 * offsets the trained events came from. Saved to the store now and then (see {@link ModelStore}); the events
 * received since the last save are journalled one by one beside it, or, if they came straight from the events
 * topic, found there again (see {@link EventJournal}).
 *
 * <p>Saved as {@link SavedModelState} (format 6: a format byte, then the Avro record, each part a record of the class
 * that owns it), which evolves like a topic's schema; states saved in formats 1 to 6 are still read (formats 3 to 6
 * through their frozen schemas, 1 and 2 through {@link EarlierStateFormats}). Any of them is restored under the model's declaration now: the hyper-parameters
 * configured at this start apply (see {@link OnlineTrainer#fromSaved}).
 */
final class ModelState {

    /**
     * Format 7: an Avro {@link SavedModelState} record, every part a record of its owner class; format 6 without the
     * thresholds' prior positives (read as 0: no pull), format 5 also without the sparse rows' scale statistics, format 4 also without the prevalence-shift CUSUM, format 3 also without the
     * parameter averages and the label stage (fields with defaults).
     */
    private static final byte FORMAT_VERSION = 7;
    private static final DatumWriter<SavedModelState> WRITER = new SpecificDatumWriter<>(SavedModelState.class);
    /**
     * Per format Avro resolves to the record this build knows, its reader from the writer schema frozen in
     * {@code saved-model-state-<format>.avsc}. A change to {@link SavedModelState} is a new format: the next byte,
     * its schema frozen beside these, and the previous format still read, here where Avro's resolution can (new
     * fields with defaults), else converted in {@link EarlierStateFormats}. {@code SavedStateFormatTest} fails until
     * it is made so. A model of format 6 or earlier restores its thresholds' settings with no prior pull (a restart under
     * the default re-tunes them from the saved histograms), one of format 5 or earlier trained on sparse rows keeps them unscaled, format 4 also restores
     * with a fresh prevalence-shift CUSUM, format 3 also without parameter averages or a label stage.
     */
    private static final Map<Byte, DatumReader<SavedModelState>> READERS = Map.of(
            FORMAT_VERSION, reader(FORMAT_VERSION),
            (byte) 6, reader((byte) 6),
            (byte) 5, reader((byte) 5),
            (byte) 4, reader((byte) 4),
            (byte) 3, reader((byte) 3));

    final String modelId;
    final OnlineTrainer trainer;
    /** Incremented at every save; journal entries written after a save carry it. */
    long saveSequence;
    long snapshotVersion;
    long batchesAtLastSnapshot;
    /** Per "topic-partition", the next input offset after the last event the trained model reflects. */
    final Map<String, Long> reflectedOffsets;
    /** The store's bookkeeping since the last save (see {@link ModelStore}); not saved. */
    final SaveCycle cycle;

    /**
     * Why the model stopped training, or null: its trainer threw (a bug), and the state it left may be half-updated,
     * so it is neither trained nor saved again in this task (see {@link ModelStore}). Not saved.
     */
    RuntimeException failure;
    /** The input the trainer was taking in when it threw ("topic-partition@offset"). */
    String failedAt;
    /** Whether the processor has logged and alerted the failure (once per task life). */
    boolean failureAnnounced;

    // Wall-clock bookkeeping for the punctuators; not persisted (a restart simply publishes a little sooner).
    /** Cool-down and open conditions of the alerts; after a restart a condition still present is raised once more. */
    AlertGate alertGate;
    long lastEventWallMs;
    long lastSnapshotWallMs;
    long lastMetricsWallMs;
    long eventsAtLastMetrics;

    ModelState(String modelId, OnlineTrainer trainer, long saveSequence, long snapshotVersion, long batchesAtLastSnapshot,
            Map<String, Long> reflectedOffsets, long nowMs) {
        this.modelId = modelId;
        this.trainer = trainer;
        this.saveSequence = saveSequence;
        this.snapshotVersion = snapshotVersion;
        this.batchesAtLastSnapshot = batchesAtLastSnapshot;
        this.reflectedOffsets = new TreeMap<>(reflectedOffsets);
        this.cycle = new SaveCycle(modelId);
        this.lastEventWallMs = nowMs;
        this.lastSnapshotWallMs = nowMs;
        this.lastMetricsWallMs = nowMs;
        this.eventsAtLastMetrics = trainer.eventsTrained();
    }

    /** Mini-batches trained so far, whether their optimiser step was taken or skipped. */
    long batchesTrained() {
        return trainer.model().steps() + trainer.model().skippedSteps();
    }

    /** The schema format {@code format} was written with, as frozen when that format was released. */
    static Schema writerSchema(byte format) {
        return FrozenSchemas.of(ModelState.class, "saved-model-state-" + format + ".avsc");
    }

    private static DatumReader<SavedModelState> reader(byte format) {
        return new SpecificDatumReader<>(writerSchema(format), SavedModelState.getClassSchema());
    }

    /** The format this build writes. */
    static byte formatVersion() {
        return FORMAT_VERSION;
    }

    /** The store value: {@link #FORMAT_VERSION}, then the {@link SavedModelState} record in Avro binary. */
    byte[] serialise() {
        SavedModelState.Builder saved = SavedModelState.newBuilder()
                .setSaveSequence(saveSequence)
                .setSnapshotVersion(snapshotVersion)
                .setBatchesAtLastSnapshot(batchesAtLastSnapshot)
                .setReflectedOffsets(new TreeMap<>(reflectedOffsets));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try {
            trainer.saveTo(saved);
            bytes.write(FORMAT_VERSION);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            WRITER.write(saved.build(), encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores a saved state under the model's declaration now (see {@link OnlineTrainer#fromSaved}). A state of an
     * earlier format is read by {@link EarlierStateFormats} and restores the same way.
     *
     * @param notices what the restore changed (a reset optimiser, restarted metrics), for the log
     * @throws dev.ballast.learning.IncompatibleStateException when the saved model cannot take the declaration
     */
    static ModelState deserialise(byte[] bytes, ModelDeclaration declaration, long nowMs, Consumer<String> notices) {
        String modelId = declaration.modelId();
        try {
            SavedModelState saved;
            DatumReader<SavedModelState> reader = bytes.length > 0 ? READERS.get(bytes[0]) : null;
            if (reader != null) {
                saved = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null));
            } else if (bytes.length > 0 && EarlierStateFormats.reads(bytes[0])) {
                saved = EarlierStateFormats.read(bytes, declaration.trainerSettings().learning().standardiser());
            } else {
                throw new IOException("unsupported model state format " + (bytes.length == 0 ? "(empty)" : bytes[0]));
            }
            OnlineTrainer trainer = OnlineTrainer.fromSaved(saved, declaration.trainerSettings(),
                    declaration.featureCount(), declaration.labelNames(), notices);
            return new ModelState(modelId, trainer, saved.getSaveSequence(), saved.getSnapshotVersion(),
                    saved.getBatchesAtLastSnapshot(), saved.getReflectedOffsets(), nowMs);
        } catch (IOException e) {
            throw new UncheckedIOException("model state of '" + modelId + "' is unreadable", e);
        }
    }
}
