package dev.ballast.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.io.Example;
import dev.ballast.io.ExampleSource;
import dev.ballast.io.Features;
import dev.ballast.training.EvaluationReport;
import dev.ballast.training.PrequentialEvaluation;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One valid event with extreme but finite features, in a stream of values near 1, must not wreck the model: the
 * standardiser clips it, so the rest of the stream's prequential macro-F1 barely moves. (Without clipping and
 * forgetting, such a row scaled every later event to near zero and macro-F1 fell from 0.63 to 0.34.)
 */
class OutlierRowTest {

    private static final long EVENTS = 20_000;
    private static final long OUTLIER_AT = 5_000;

    @ParameterizedTest(name = "every feature = {0}")
    @ValueSource(floats = {1e4f, 3.4e38f, -3.4e38f})
    void shouldChangeMacroF1ByLessThanTwoHundredthsWhenOneRowIsExtreme(float extreme) {
        EvaluationReport clean = evaluate(Float.NaN);
        EvaluationReport withOutlier = evaluate(extreme);
        assertEquals(EVENTS + 1, withOutlier.events(), "the extreme row is a valid event and is trained");
        assertTrue(Math.abs(clean.macroF1() - withOutlier.macroF1()) < 0.02,
                "macro-F1 " + clean.macroF1() + " without the row, " + withOutlier.macroF1() + " with it");
    }

    @org.junit.jupiter.api.Test
    void shouldLetOneExtremeRowWreckTheModelWhenTheStandardisationNeitherClipsNorForgets() {
        Map<String, String> neither = Map.of(BallastConfig.MODEL_STANDARDIZE_CLIP, "0",
                BallastConfig.MODEL_STANDARDIZE_HALF_LIFE, "0");
        double clean = evaluate(Float.NaN, neither).macroF1();
        double withOutlier = evaluate(3.4e38f, neither).macroF1();
        assertTrue(clean - withOutlier > 0.1, "the settings reach the standardiser: macro-F1 " + clean + " -> " + withOutlier);
    }

    private static EvaluationReport evaluate(float extreme) {
        return evaluate(extreme, Map.of());
    }

    /** @param extreme the value of every feature of a row inserted at {@link #OUTLIER_AT}; NaN inserts none */
    private static EvaluationReport evaluate(float extreme, Map<String, String> settings) {
        try (ExampleSource source = new WithOneRow(new DriftingStream(DriftingStreamSpec.demo(), EVENTS), extreme)) {
            return PrequentialEvaluation.run(source, new BallastConfig(settings).trainerSettings(), events -> { });
        }
    }

    /** The stream with one row, a copy of the one before it with every feature set to the extreme value. */
    private static final class WithOneRow implements ExampleSource {
        private final DriftingStream stream;
        private final float extreme;
        private Example pending;

        WithOneRow(DriftingStream stream, float extreme) {
            this.stream = stream;
            this.extreme = extreme;
        }

        @Override
        public boolean hasNext() {
            return pending != null || stream.hasNext();
        }

        @Override
        public Example next() {
            if (pending != null) {
                Example row = pending;
                pending = null;
                return row;
            }
            Example example = stream.next();
            if (stream.position() == OUTLIER_AT && !Float.isNaN(extreme)) {
                float[] values = new float[stream.featureCount()];
                Arrays.fill(values, extreme);
                pending = new Example("outlier", example.eventTime(), new Features.Dense(values),
                        example.positiveLabels(), example.importance());
            }
            return example;
        }

        @Override
        public List<String> labelNames() {
            return stream.labelNames();
        }

        @Override
        public List<String> featureNames() {
            return stream.featureNames();
        }

        @Override
        public long position() {
            return stream.position();
        }

        @Override
        public long size() {
            return stream.size();
        }

        @Override
        public void close() {
            stream.close();
        }
    }
}
