package dev.ballast.bench;

import dev.ballast.learning.LearningSettings;
import dev.ballast.learning.MiniBatch;
import dev.ballast.learning.Models;
import dev.ballast.learning.MultiLabelModel;
import dev.ballast.learning.NativeRuntime;
import dev.ballast.learning.StepResult;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One {@code learn()} step of the default model (linear, AdaGrad, standardisation on) per invocation, cycling
 * through {@value #DISTINCT_BATCHES} pre-filled batches of random data (10% positives per label) so the model
 * does not simply memorise one batch. Shapes "FxL" are dense Gaussian; "sparse" is 1000 non-zeros of 100,000
 * features (unit L2 norm) with 28 labels. {@link #predictThenLearn} scores the batch first, as the trainer does, which
 * with parameter averaging on goes through the averages. Events/s is batch / step time. Run:
 * <pre>
 * mvn -q -o -pl streams-app -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp streams-app/target/test-classes:streams-app/target/classes:$(cat streams-app/target/test-cp.txt) \
 *     org.openjdk.jmh.Main TrainingStepBenchmark -f1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TrainingStepBenchmark {

    private static final int DISTINCT_BATCHES = 16;

    @Param({"30x10", "300x30", "1000x100", "sparse"})
    public String shape;

    @Param({"1", "32", "256"})
    public int batchSize;

    /** {@code ballast.model.averaging.decay}: 0 trains and scores the same parameters. */
    @Param({"0", "0.9"})
    public double averaging;

    private MultiLabelModel model;
    private MiniBatch[] batches;
    private int next;
    private float[] posWeights;
    private float[] negWeights;
    private float[] probabilities;

    @Setup
    public void setUp() {
        NativeRuntime.configure(1);
        boolean sparse = shape.equals("sparse");
        int features = sparse ? 100_000 : Integer.parseInt(shape.split("x")[0]);
        int labels = sparse ? 28 : Integer.parseInt(shape.split("x")[1]);
        model = Models.create(features, labels, LearningSettings.defaults().withAveraging(averaging));
        batches = new MiniBatch[DISTINCT_BATCHES];
        SplittableRandom random = new SplittableRandom(1);
        for (int b = 0; b < DISTINCT_BATCHES; b++) {
            batches[b] = new MiniBatch(batchSize, features, labels);
            fill(batches[b], sparse, random);
        }
        probabilities = new float[batchSize * labels];
        posWeights = new float[labels];
        negWeights = new float[labels];
        Arrays.fill(posWeights, 3f);
        Arrays.fill(negWeights, 1f);
    }

    private static void fill(MiniBatch batch, boolean sparse, SplittableRandom random) {
        int features = batch.featureCount();
        int labels = batch.labelCount();
        while (!batch.isFull()) {
            float[] targets = new float[labels];
            for (int label = 0; label < labels; label++) {
                targets[label] = random.nextDouble() < 0.1 ? 1 : 0;
            }
            if (sparse) {
                int[] indices = random.ints(0, features).distinct().limit(1000).toArray();
                float[] values = new float[indices.length];
                Arrays.fill(values, (float) (1 / Math.sqrt(indices.length)));
                batch.addSparse(indices, values, targets, 1f);
            } else {
                float[] x = new float[features];
                for (int j = 0; j < features; j++) {
                    x[j] = (float) random.nextGaussian();
                }
                batch.addDense(x, targets, 1f);
            }
        }
    }

    @Benchmark
    public StepResult learnStep() {
        MiniBatch batch = batches[next];
        next = (next + 1) % DISTINCT_BATCHES;
        return model.learn(batch, posWeights, negWeights);
    }

    /** The trainer's test-then-train: the batch is scored (through the averages, with averaging on), then learnt. */
    @Benchmark
    public StepResult predictThenLearn() {
        MiniBatch batch = batches[next];
        next = (next + 1) % DISTINCT_BATCHES;
        model.predict(batch, probabilities);
        return model.learn(batch, posWeights, negWeights);
    }
}
