package dev.ballast.bench;

import dev.ballast.config.BallastConfig;
import dev.ballast.training.OnlineTrainer;
import dev.ballast.training.TrainerSettings;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The learner alone, no Kafka: events fed one by one to an {@link OnlineTrainer}, which per full mini-batch
 * predicts, updates metrics, thresholds, detectors and label counts, and takes one optimiser step — the work the
 * training processor does per event, minus deserialisation, validation and state stores. Rows are drawn from a
 * pool generated beforehand, so generating data is not timed.
 */
public final class LearnerBenchmark {

    private static final int POOL_ROWS = 1024;
    private static final int SLICES = 3;
    private static final double PREVALENCE = 0.1;

    private final BallastConfig config;

    /** @param config the Ballast settings the trainer is built from; the batch size is set per measurement */
    public LearnerBenchmark(BallastConfig config) {
        this.config = config;
    }

    /**
     * Feeds events for {@code warmUp}, then times {@value #SLICES} slices of a third of {@code measured} each and
     * keeps the fastest, by wall-clock and by the thread's CPU time: on a shared machine the slowest slices measure
     * the neighbours, not the learner.
     */
    public LearnerThroughput measure(LearnerShape shape, int batch, Duration warmUp, Duration measured) {
        Feeder feeder = new Feeder(shape, newTrainer(shape, batch));
        feeder.feedFor(warmUp);
        double fastest = 0;
        double fastestOnCpu = 0;
        for (int slice = 0; slice < SLICES; slice++) {
            long started = System.nanoTime();
            long startedOnCpu = CpuProbe.currentThreadNanos();
            long events = feeder.feedFor(measured.dividedBy(SLICES));
            fastest = Math.max(fastest, events / ((System.nanoTime() - started) / 1e9));
            fastestOnCpu = Math.max(fastestOnCpu, events / ((CpuProbe.currentThreadNanos() - startedOnCpu) / 1e9));
        }
        return new LearnerThroughput(shape, batch, fastest, fastestOnCpu);
    }

    /**
     * The process's heap after a full GC, once before a trainer exists and once with it trained for
     * {@code warmUp}; and the resident set at that point.
     */
    public MemoryFootprint footprint(LearnerShape shape, int batch, Duration warmUp) {
        long heapBefore = MemoryProbe.settledHeapUsedAfterGc();
        OnlineTrainer trainer = newTrainer(shape, batch);
        new Feeder(shape, trainer).feedFor(warmUp);
        long heap = MemoryProbe.settledHeapUsedAfterGc();
        MemoryFootprint footprint = new MemoryFootprint(shape, heap, heap - heapBefore, MemoryProbe.residentSetBytes());
        Reference.reachabilityFence(trainer);
        return footprint;
    }

    private OnlineTrainer newTrainer(LearnerShape shape, int batch) {
        TrainerSettings settings = config.trainerSettings().withBatchSize(batch);
        List<String> labels = IntStream.range(0, shape.labels()).mapToObj(label -> "l" + label).toList();
        return OnlineTrainer.create(settings, shape.features(), labels);
    }

    /** Cycles through a pool of random rows: Gaussian dense rows, or unit-norm sparse rows on random indices. */
    private static final class Feeder {
        private final OnlineTrainer trainer;
        private final float[][] dense;
        private final int[][] indices;
        private final float[][] values;
        private final float[][] targets;
        private int next;

        Feeder(LearnerShape shape, OnlineTrainer trainer) {
            this.trainer = trainer;
            SplittableRandom random = new SplittableRandom(7);
            boolean sparse = shape.isSparse();
            dense = new float[sparse ? 0 : POOL_ROWS][];
            indices = new int[sparse ? POOL_ROWS : 0][];
            values = new float[sparse ? POOL_ROWS : 0][];
            targets = new float[POOL_ROWS][shape.labels()];
            for (int row = 0; row < POOL_ROWS; row++) {
                if (sparse) {
                    indices[row] = random.ints(0, shape.features()).distinct().limit(shape.nonZeros()).sorted().toArray();
                    values[row] = new float[shape.nonZeros()];
                    Arrays.fill(values[row], (float) (1 / Math.sqrt(shape.nonZeros())));
                } else {
                    dense[row] = new float[shape.features()];
                    for (int feature = 0; feature < shape.features(); feature++) {
                        dense[row][feature] = (float) random.nextGaussian();
                    }
                }
                for (int label = 0; label < shape.labels(); label++) {
                    targets[row][label] = random.nextDouble() < PREVALENCE ? 1f : 0f;
                }
            }
        }

        /** Feeds whole mini-batches until {@code duration} has passed; returns the events fed. */
        long feedFor(Duration duration) {
            long deadline = System.nanoTime() + duration.toNanos();
            long events = 0;
            int batch = trainer.settings().batchSize();
            do {
                for (int i = 0; i < batch; i++) {
                    int row = next;
                    next = (next + 1) % POOL_ROWS;
                    if (dense.length > 0) {
                        trainer.addDense(dense[row], targets[row], 1f);
                    } else {
                        trainer.addSparse(indices[row], values[row], targets[row], 1f);
                    }
                }
                events += batch;
            } while (System.nanoTime() < deadline);
            return events;
        }
    }
}
