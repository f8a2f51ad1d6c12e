package dev.ballast.processor;

import dev.ballast.learning.ModelType;
import dev.ballast.learning.OptimizerType;
import dev.ballast.learning.StandardiserSettings;
import dev.ballast.schema.state.SavedArrays;
import dev.ballast.schema.state.SavedCollapse;
import dev.ballast.schema.state.SavedDetectors;
import dev.ballast.schema.state.SavedLabelCounts;
import dev.ballast.schema.state.SavedLabelDetectors;
import dev.ballast.schema.state.SavedMetrics;
import dev.ballast.schema.state.SavedModel;
import dev.ballast.schema.state.SavedModelState;
import dev.ballast.schema.state.SavedPageHinkley;
import dev.ballast.schema.state.SavedPageHinkleyDirection;
import dev.ballast.schema.state.SavedParameter;
import dev.ballast.schema.state.SavedRecallDrop;
import dev.ballast.schema.state.SavedRow;
import dev.ballast.schema.state.SavedScoreHistograms;
import dev.ballast.schema.state.SavedStandardiser;
import dev.ballast.schema.state.SavedThresholds;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * The reader of the saved model state's earlier formats, 1 and 2: the migration path, and the only place that knows
 * their layouts. It turns a state saved in either into the record of the current format, which restores as one
 * saved by this build does (so a restored state is saved in the current format from then on).
 *
 * <ul>
 *   <li>Format 2: the format byte 2, then a {@code SavedModelState} of the schema frozen in
 *       {@code saved-model-state-2.avsc}, whose metrics, thresholds, detectors, standardiser and optimiser state were
 *       bytes in the hand-written layouts read here.
 *   <li>Format 1: everything hand-written ({@link java.io.DataOutput} big-endian), each part behind its own version
 *       byte.
 * </ul>
 * Nothing writes these formats any more; the fixtures model-state-v1-* and model-state-v2-* in the tests were written
 * by the releases that did.
 */
final class EarlierStateFormats {

    static final byte FIRST_FORMAT = 1;
    static final byte SECOND_FORMAT = 2;
    /** Model layout 1 kept the standardiser's sums of squared deviations undecayed; layout 2 decayed. */
    private static final byte UNDECAYED_SUMS_MODEL = 1;
    private static final byte DECAYED_SUMS_MODEL = 2;
    /** Label counts layout 1 kept one total for all labels; layout 2 one per label. */
    private static final byte ONE_TOTAL_COUNTS = 1;
    private static final byte TOTAL_PER_LABEL_COUNTS = 2;
    /** The layout version of every other part. */
    private static final byte PART_LAYOUT = 1;

    private EarlierStateFormats() {
    }

    /** Whether {@code format} (a store value's first byte) is one this class reads. */
    static boolean reads(byte format) {
        return format == FIRST_FORMAT || format == SECOND_FORMAT;
    }

    /**
     * The state saved in format 1 or 2, as a record of the current format.
     *
     * @param standardiser the standardisation configured now: a model of layout 1 saved undecayed sums, rescaled
     *     here to the decayed weight of its rows under this half-life, as a restore of that layout always did
     */
    static SavedModelState read(byte[] bytes, StandardiserSettings standardiser) throws IOException {
        if (bytes[0] == SECOND_FORMAT) {
            return secondFormat(bytes);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        expect(in, "model state", FIRST_FORMAT);
        return firstFormat(in, standardiser);
    }

    // ---- Format 2: an Avro record, some parts bytes in the layouts of format 1 ----

    private static SavedModelState secondFormat(byte[] bytes) throws IOException {
        GenericRecord saved = new GenericDatumReader<GenericRecord>(ModelState.writerSchema(SECOND_FORMAT))
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null));
        Map<String, Long> offsets = new TreeMap<>();
        ((Map<?, ?>) saved.get("reflectedOffsets")).forEach((partition, next) -> offsets.put(partition.toString(),
                (Long) next));
        GenericRecord model = (GenericRecord) saved.get("model");
        List<SavedParameter> parameters = new ArrayList<>();
        for (Object item : (List<?>) model.get("parameters")) {
            GenericRecord parameter = (GenericRecord) item;
            ByteBuffer values = (ByteBuffer) parameter.get("values");
            parameters.add(new SavedParameter(parameter.get("name").toString(), values,
                    optimiserSlots((ByteBuffer) parameter.get("optimiserState"), values.remaining() / Float.BYTES),
                    null));
        }
        @SuppressWarnings("unchecked")
        List<Boolean> biasInitialised = (List<Boolean>) model.get("biasInitialised");
        SavedModel savedModel = new SavedModel(model.get("architecture").toString(), (Integer) model.get("featureCount"),
                (Integer) model.get("labelCount"), (Integer) model.get("hiddenUnits"), model.get("optimizer").toString(),
                (Long) model.get("steps"), (Long) model.get("skippedSteps"), (Long) model.get("eventsInSkippedSteps"),
                new ArrayList<>(biasInitialised),
                standardiser(input((ByteBuffer) model.get("standardiser")), (Integer) model.get("featureCount")),
                parameters);
        List<SavedRow> pending = new ArrayList<>();
        for (Object item : (List<?>) saved.get("pending")) {
            GenericRecord row = (GenericRecord) item;
            pending.add(new SavedRow(integers(row.get("indices")), floats(row.get("values")), floats(row.get("targets")),
                    (Float) row.get("importance"), floats(row.get("served"))));
        }
        GenericRecord counts = (GenericRecord) saved.get("labelCounts");
        ByteBuffer detectors = (ByteBuffer) saved.get("detectors");
        return new SavedModelState((Long) saved.get("saveSequence"), (Long) saved.get("snapshotVersion"),
                (Long) saved.get("batchesAtLastSnapshot"), offsets, (Long) saved.get("eventsTrained"), savedModel,
                pending, new SavedLabelCounts((Long) counts.get("eventsObserved"), doubles(counts.get("positives")),
                        doubles(counts.get("totals"))),
                metrics(input((ByteBuffer) saved.get("metrics"))), thresholds(input((ByteBuffer) saved.get("thresholds"))),
                detectors == null ? null : detectors(input(detectors)), null, null);
    }

    /** Format 2's optimiser state of a parameter: the first slot, then the second (absent for one-slot optimisers). */
    private static List<ByteBuffer> optimiserSlots(ByteBuffer state, int length) {
        List<ByteBuffer> slots = new ArrayList<>(2);
        ByteBuffer remaining = state.duplicate();
        int slotBytes = length * Float.BYTES;
        do {
            ByteBuffer slot = remaining.slice();
            slot.limit(slotBytes);
            slots.add(slot);
            remaining.position(remaining.position() + slotBytes);
        } while (remaining.remaining() > 0 && slotBytes > 0);
        return slots;
    }

    private static DataInputStream input(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        return new DataInputStream(new ByteArrayInputStream(array));
    }

    @SuppressWarnings("unchecked")
    private static List<Float> floats(Object array) {
        return array == null ? null : new ArrayList<>((List<Float>) array);
    }

    @SuppressWarnings("unchecked")
    private static List<Double> doubles(Object array) {
        return new ArrayList<>((List<Double>) array);
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> integers(Object array) {
        return array == null ? null : new ArrayList<>((List<Integer>) array);
    }

    // ---- Format 1: all hand-written ----

    private static SavedModelState firstFormat(DataInput in, StandardiserSettings standardiser) throws IOException {
        long saveSequence = in.readLong();
        long snapshotVersion = in.readLong();
        long batchesAtLastSnapshot = in.readLong();
        int partitions = in.readInt();
        Map<String, Long> offsets = new TreeMap<>();
        for (int i = 0; i < partitions; i++) {
            offsets.put(in.readUTF(), in.readLong());
        }
        expect(in, "trainer state", PART_LAYOUT);
        long eventsTrained = in.readLong();
        SavedModel model = model(in, standardiser);
        List<SavedRow> pending = pendingRows(in);
        SavedLabelCounts counts = labelCounts(in);
        SavedMetrics metrics = metrics(in);
        SavedThresholds thresholds = thresholds(in);
        SavedDetectors detectors = in.readBoolean() ? detectors(in) : null;
        return new SavedModelState(saveSequence, snapshotVersion, batchesAtLastSnapshot, offsets, eventsTrained, model,
                pending, counts, metrics, thresholds, detectors, null, null);
    }

    private static SavedModel model(DataInput in, StandardiserSettings standardiser) throws IOException {
        byte layout = expect(in, "model", UNDECAYED_SUMS_MODEL, DECAYED_SUMS_MODEL);
        int featureCount = in.readInt();
        int labelCount = in.readInt();
        ModelType type = ModelType.valueOf(in.readUTF());
        int hiddenUnits = in.readInt();
        OptimizerType optimizer = OptimizerType.valueOf(in.readUTF());
        // The hyper-parameters saved beside them (learning rate, momentum, L2, clip norm, standardise, seed) were never
        // restored: the configuration of the start applies.
        for (int i = 0; i < 4; i++) {
            in.readDouble();
        }
        in.readBoolean();
        in.readLong();
        long steps = in.readLong();
        long skippedSteps = in.readLong();
        List<Boolean> biasInitialised = new ArrayList<>(labelCount);
        boolean anyInitialised = in.readBoolean();
        for (int label = 0; label < labelCount; label++) {
            biasInitialised.add(anyInitialised);
        }
        SavedStandardiser savedStandardiser = standardiser(in, featureCount);
        if (layout == UNDECAYED_SUMS_MODEL && savedStandardiser.getRows() > 0) {
            long rows = savedStandardiser.getRows();
            double rescale = StandardiserSettings.weightOfRows(standardiser.rowDecay(), rows) / rows;
            savedStandardiser.getSumSquaredDeviations().replaceAll(sum -> sum * rescale);
        }
        int[] widths = type == ModelType.LINEAR ? new int[] {featureCount, labelCount}
                : new int[] {featureCount, hiddenUnits, labelCount};
        // Adam kept two slots per parameter, the others one and an empty second.
        int slots = optimizer == OptimizerType.ADAM ? 2 : 1;
        List<SavedParameter> parameters = new ArrayList<>();
        for (int layer = 0; layer + 1 < widths.length; layer++) {
            String suffix = type == ModelType.LINEAR ? "" : Integer.toString(layer + 1);
            parameters.add(parameter(in, "W" + suffix, widths[layer] * widths[layer + 1], slots));
            parameters.add(parameter(in, "b" + suffix, widths[layer + 1], slots));
        }
        return new SavedModel(type.configName(), featureCount, labelCount, hiddenUnits, optimizer.configName(), steps,
                skippedSteps, 0L, biasInitialised, savedStandardiser, parameters);
    }

    private static SavedParameter parameter(DataInput in, String name, int length, int slots) throws IOException {
        ByteBuffer values = floatTensor(in, length);
        List<ByteBuffer> state = new ArrayList<>(slots);
        for (int slot = 0; slot < slots; slot++) {
            state.add(floatTensor(in, length));
        }
        return new SavedParameter(name, values, state, null);
    }

    private static ByteBuffer floatTensor(DataInput in, int length) throws IOException {
        byte[] bytes = new byte[length * Float.BYTES];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes);
    }

    /** The standardiser's layout (both formats): the row count, then per feature the mean and the sum of squares. */
    private static SavedStandardiser standardiser(DataInput in, int featureCount) throws IOException {
        long rows = in.readLong();
        List<Double> mean = new ArrayList<>(featureCount);
        List<Double> sums = new ArrayList<>(featureCount);
        for (int feature = 0; feature < featureCount; feature++) {
            mean.add(in.readDouble());
            sums.add(in.readDouble());
        }
        return new SavedStandardiser(rows, mean, sums, null);
    }

    private static List<SavedRow> pendingRows(DataInput in) throws IOException {
        expect(in, "pending batch", PART_LAYOUT);
        in.readInt();
        int featureCount = in.readInt();
        int labelCount = in.readInt();
        int size = in.readInt();
        List<SavedRow> rows = new ArrayList<>(size);
        for (int row = 0; row < size; row++) {
            List<Integer> indices = null;
            List<Float> values = new ArrayList<>();
            if (in.readBoolean()) {
                int nonZeros = in.readInt();
                indices = new ArrayList<>(nonZeros);
                for (int k = 0; k < nonZeros; k++) {
                    indices.add(in.readInt());
                    values.add(in.readFloat());
                }
            } else {
                for (int feature = 0; feature < featureCount; feature++) {
                    values.add(in.readFloat());
                }
            }
            rows.add(new SavedRow(indices, values, floatList(in, labelCount), in.readFloat(), null));
        }
        return rows;
    }

    private static SavedLabelCounts labelCounts(DataInput in) throws IOException {
        byte layout = expect(in, "label counts", ONE_TOTAL_COUNTS, TOTAL_PER_LABEL_COUNTS);
        int labelCount = in.readInt();
        in.readDouble();
        long events = in.readLong();
        List<Double> positives = new ArrayList<>(labelCount);
        List<Double> totals = new ArrayList<>(labelCount);
        if (layout == ONE_TOTAL_COUNTS) {
            double total = in.readDouble();
            for (int label = 0; label < labelCount; label++) {
                positives.add(in.readDouble());
                totals.add(total);
            }
        } else {
            for (int label = 0; label < labelCount; label++) {
                positives.add(in.readDouble());
                totals.add(in.readDouble());
            }
        }
        return new SavedLabelCounts(events, positives, totals);
    }

    private static SavedMetrics metrics(DataInput in) throws IOException {
        expect(in, "metrics", PART_LAYOUT);
        int labelCount = in.readInt();
        List<String> labelNames = new ArrayList<>(labelCount);
        for (int label = 0; label < labelCount; label++) {
            labelNames.add(in.readUTF());
        }
        double halfLifeEvents = in.readDouble();
        long events = in.readLong();
        SavedScoreHistograms histograms = histograms(in);
        return new SavedMetrics(labelNames, halfLifeEvents, events, doubleList(in, labelCount),
                doubleList(in, labelCount), doubleList(in, labelCount), histograms);
    }

    private static SavedScoreHistograms histograms(DataInput in) throws IOException {
        expect(in, "score histograms", PART_LAYOUT);
        int labelCount = in.readInt();
        int bins = in.readInt();
        double halfLifeEvents = in.readDouble();
        return new SavedScoreHistograms(bins, halfLifeEvents, doubleList(in, labelCount), doubleList(in, labelCount),
                doubleList(in, labelCount), doubleList(in, labelCount * bins), doubleList(in, labelCount * bins));
    }

    private static SavedThresholds thresholds(DataInput in) throws IOException {
        expect(in, "threshold tuner", PART_LAYOUT);
        String policy = in.readUTF();
        String metric = in.readUTF();
        double beta = in.readDouble();
        double recallFloor = in.readDouble();
        double minPositives = in.readDouble();
        float defaultThreshold = in.readFloat();
        SavedScoreHistograms histograms = histograms(in);
        // These formats tuned without a prior pull: 0.
        return new SavedThresholds(policy, metric, beta, recallFloor, minPositives, defaultThreshold, histograms,
                floatList(in, histograms.getGrowth().size()), 0.0);
    }

    private static SavedDetectors detectors(DataInput in) throws IOException {
        expect(in, "drift detectors", PART_LAYOUT);
        int labelCount = in.readInt();
        for (int label = 0; label < labelCount; label++) {
            in.readUTF();
        }
        double prevalenceRelativeDelta = in.readDouble();
        double prevalenceThreshold = in.readDouble();
        long prevalenceMinEvents = in.readLong();
        double recallHalfLifePositives = in.readDouble();
        double recallMinPositives = in.readDouble();
        double recallDropSigmas = in.readDouble();
        long collapseWindowEvents = in.readLong();
        List<SavedLabelDetectors> labels = new ArrayList<>(labelCount);
        for (int label = 0; label < labelCount; label++) {
            // Each detector repeated the monitor's settings: skipped.
            expect(in, "Page-Hinkley detector", PART_LAYOUT);
            in.readDouble();
            in.readDouble();
            in.readLong();
            SavedPageHinkley prevalence = new SavedPageHinkley(in.readLong(), in.readDouble(), direction(in),
                    direction(in));
            expect(in, "recall-drop detector", PART_LAYOUT);
            in.readDouble();
            in.readDouble();
            in.readDouble();
            SavedRecallDrop recallDrop = new SavedRecallDrop(in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readDouble(), in.readDouble(), in.readBoolean(), in.readLong(), in.readLong());
            expect(in, "collapse detector", PART_LAYOUT);
            in.readLong();
            SavedCollapse collapse = new SavedCollapse(in.readLong(), in.readLong(), in.readLong(), in.readBoolean());
            labels.add(new SavedLabelDetectors(prevalence, recallDrop, collapse));
        }
        return new SavedDetectors(prevalenceRelativeDelta, prevalenceThreshold, prevalenceMinEvents,
                recallHalfLifePositives, recallMinPositives, recallDropSigmas, collapseWindowEvents, labels);
    }

    private static SavedPageHinkleyDirection direction(DataInput in) throws IOException {
        return new SavedPageHinkleyDirection(in.readDouble(), in.readDouble(), in.readLong(), in.readDouble());
    }

    private static List<Double> doubleList(DataInput in, int length) throws IOException {
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readDouble();
        }
        return SavedArrays.doubles(values);
    }

    private static List<Float> floatList(DataInput in, int length) throws IOException {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readFloat();
        }
        return SavedArrays.floats(values);
    }

    /** Reads a part's layout byte, one of {@code layouts}. */
    private static byte expect(DataInput in, String part, byte... layouts) throws IOException {
        byte layout = in.readByte();
        for (byte known : layouts) {
            if (layout == known) {
                return layout;
            }
        }
        throw new IOException("unsupported " + part + " layout " + layout);
    }
}
