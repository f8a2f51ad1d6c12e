package dev.ballast.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftingStreamTest {

    private static final DriftingStreamSpec SMALL = new DriftingStreamSpec(12, 6, 7L, 40_000, 0.005, 0.3, 0.05, false, 0);

    @Test
    void shouldProduceTheSameStreamForTheSameSeed() {
        assertEquals(take(new DriftingStream(SMALL, 500)), take(new DriftingStream(SMALL, 500)));
    }

    @Test
    void shouldProduceADifferentStreamForAnotherSeed() {
        DriftingStreamSpec other = new DriftingStreamSpec(12, 6, 8L, 40_000, 0.005, 0.3, 0.05, false, 0);
        assertNotEquals(take(new DriftingStream(SMALL, 50)), take(new DriftingStream(other, 50)));
    }

    @Test
    void shouldHitTheScheduledPrevalenceOfEveryLabelInEveryRegime() {
        DriftingStream stream = new DriftingStream(SMALL, 3 * SMALL.driftPeriodEvents());
        int[][] positives = new int[3][SMALL.labelCount()];
        while (stream.hasNext()) {
            Example example = stream.next();
            for (int label : example.positiveLabels()) {
                positives[(int) (example.eventTime() / SMALL.driftPeriodEvents())][label]++;
            }
        }
        for (int regime = 0; regime < 3; regime++) {
            for (int label = 0; label < SMALL.labelCount(); label++) {
                double scheduled = stream.prevalenceAt(label, regime * SMALL.driftPeriodEvents());
                double observed = positives[regime][label] / (double) SMALL.driftPeriodEvents();
                double tolerance = 4 * Math.sqrt(scheduled * (1 - scheduled) / SMALL.driftPeriodEvents());
                assertEquals(scheduled, observed, tolerance, "label " + label + " in regime " + regime);
            }
        }
    }

    @Test
    void shouldHitTheScheduledPrevalenceWithSparseRows() {
        DriftingStreamSpec sparse = new DriftingStreamSpec(100, 4, 3L, 1_000_000, 0.01, 0.2, 0, true, 5);
        DriftingStream stream = new DriftingStream(sparse, 40_000);
        int[] positives = new int[sparse.labelCount()];
        while (stream.hasNext()) {
            Example example = stream.next();
            Features.Sparse features = assertInstanceOf(Features.Sparse.class, example.features());
            assertEquals(5, features.indices().length);
            for (int label : example.positiveLabels()) {
                positives[label]++;
            }
        }
        for (int label = 0; label < sparse.labelCount(); label++) {
            double scheduled = stream.prevalenceAt(label, 0);
            assertEquals(scheduled, positives[label] / 40_000.0, 4 * Math.sqrt(scheduled * (1 - scheduled) / 40_000));
        }
    }

    @Test
    void shouldMoveDriftingLabelsTenfoldBothWaysWhileLabelZeroStaysRare() {
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        DriftingStream stream = new DriftingStream(demo, Long.MAX_VALUE);
        long period = demo.driftPeriodEvents();
        for (long regime = 0; regime < 4; regime++) {
            assertEquals(demo.minPrevalence(), stream.prevalenceAt(0, regime * period));
            int rising = 0;
            int falling = 0;
            for (int label = 1; label < demo.labelCount(); label++) {
                double before = stream.prevalenceAt(label, regime * period + period - 1);
                double after = stream.prevalenceAt(label, (regime + 1) * period);
                assertEquals(10, Math.max(before, after) / Math.min(before, after), 1e-9);
                assertTrue(before >= demo.minPrevalence() && before <= demo.maxPrevalence() + 1e-12);
                if (after > before) {
                    rising++;
                } else {
                    falling++;
                }
            }
            assertTrue(rising > 0 && falling > 0, "rising " + rising + ", falling " + falling);
        }
        assertTrue(demo.minPrevalence() < 0.01);
        assertEquals(-1, stream.size());
    }

    @Test
    void shouldMoveGraduallyBetweenTheSameLevelsWhenGradual() {
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        DriftingStream jumping = new DriftingStream(demo, Long.MAX_VALUE);
        DriftingStream gradual = new DriftingStream(new DriftingStreamSpec(demo.featureCount(), demo.labelCount(),
                demo.seed(), demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(),
                false, 0, true), Long.MAX_VALUE);
        long period = demo.driftPeriodEvents();
        for (int label = 0; label < demo.labelCount(); label++) {
            for (long regime = 0; regime < 3; regime++) {
                long start = regime * period;
                // Each period starts where the jumping schedule jumps to and ends where it jumps to next.
                assertEquals(jumping.prevalenceAt(label, start), gradual.prevalenceAt(label, start), 1e-12);
                assertEquals(jumping.prevalenceAt(label, start + period), gradual.prevalenceAt(label, start + period),
                        1e-12);
                double before = gradual.prevalenceAt(label, start + period - 1);
                double after = gradual.prevalenceAt(label, start + period);
                assertEquals(1, before / after, 2e-4, "no jump at the end of a period, label " + label);
                // Half way, the geometric mean of the two levels: log-linear.
                double low = Math.min(jumping.prevalenceAt(label, start), jumping.prevalenceAt(label, start + period));
                double high = Math.max(jumping.prevalenceAt(label, start), jumping.prevalenceAt(label, start + period));
                assertEquals(Math.sqrt(low * high), gradual.prevalenceAt(label, start + period / 2), 1e-12);
            }
        }
        assertEquals(demo.minPrevalence(), gradual.prevalenceAt(0, period / 3), "label 0 stays put");
    }

    @Test
    void shouldHitTheRampingPrevalenceWhenGradual() {
        DriftingStreamSpec spec = new DriftingStreamSpec(12, 6, 7L, 40_000, 0.005, 0.3, 0.05, false, 0, true);
        DriftingStream stream = new DriftingStream(spec, 2 * spec.driftPeriodEvents());
        int slices = 8;
        long sliceEvents = 2 * spec.driftPeriodEvents() / slices;
        int[][] positives = new int[slices][spec.labelCount()];
        double[][] expected = new double[slices][spec.labelCount()];
        while (stream.hasNext()) {
            Example example = stream.next();
            int slice = (int) (example.eventTime() / sliceEvents);
            for (int label = 0; label < spec.labelCount(); label++) {
                expected[slice][label] += stream.prevalenceAt(label, example.eventTime()) / sliceEvents;
            }
            for (int label : example.positiveLabels()) {
                positives[slice][label]++;
            }
        }
        for (int slice = 0; slice < slices; slice++) {
            for (int label = 0; label < spec.labelCount(); label++) {
                double scheduled = expected[slice][label];
                double tolerance = 4 * Math.sqrt(scheduled * (1 - scheduled) / sliceEvents);
                assertEquals(scheduled, positives[slice][label] / (double) sliceEvents, tolerance,
                        "label " + label + " in slice " + slice);
            }
        }
    }

    @Test
    void shouldMakeLabelsAFunctionOfTheFeaturesWhenNoiseIsZero() {
        DriftingStreamSpec noiseless = new DriftingStreamSpec(2, 1, 11L, 1_000_000, 0.3, 0.3, 0, false, 0);
        List<Example> examples = take(new DriftingStream(noiseless, 2_000));
        // With one direction in two dimensions, the positives are separated from the negatives by a line:
        // projecting onto the best of many directions must classify every example.
        boolean separable = false;
        for (int step = 0; step < 3600 && !separable; step++) {
            double angle = Math.toRadians(step / 10.0);
            double maxNegative = Double.NEGATIVE_INFINITY;
            double minPositive = Double.POSITIVE_INFINITY;
            for (Example example : examples) {
                float[] x = ((Features.Dense) example.features()).values();
                double score = Math.cos(angle) * x[0] + Math.sin(angle) * x[1];
                if (example.positiveLabels().length > 0) {
                    minPositive = Math.min(minPositive, score);
                } else {
                    maxNegative = Math.max(maxNegative, score);
                }
            }
            separable = minPositive > maxNegative;
        }
        assertTrue(separable);
    }

    @Test
    void shouldStopAfterTheRequestedEventsAndCountProgress() {
        DriftingStream stream = new DriftingStream(SMALL, 3);
        assertEquals(3, take(stream).size());
        assertFalse(stream.hasNext());
        assertEquals(3, stream.position());
        assertEquals(3, stream.size());
        assertArrayEquals(new String[] {"x0", "x1"}, stream.featureNames().subList(0, 2).toArray());
    }

    private static List<Example> take(DriftingStream stream) {
        List<Example> examples = new ArrayList<>();
        stream.forEachRemaining(examples::add);
        return examples;
    }
}
