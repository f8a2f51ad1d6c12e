package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.StateRoundTrip;
import dev.ballast.schema.state.SavedRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MiniBatchTest {

    @Test
    void shouldRoundTripMixedDenseAndSparseRowsBitExactly() throws IOException {
        MiniBatch batch = new MiniBatch(4, 3, 2);
        batch.addDense(new float[] {1.5f, -0f, Float.MIN_VALUE}, new float[] {1, 0}, 2f);
        batch.addSparse(new int[] {2, 0}, new float[] {7f, -3f}, new float[] {0, 1}, 0.5f);

        MiniBatch restored = MiniBatch.fromSaved(saved(batch), 4, 3, 2);

        assertEquals(saved(batch), saved(restored));
        assertEquals(2, restored.size());
        assertTrue(restored.isSparse(1));
        assertEquals(1f, restored.target(1, 1));
        assertEquals(0.5f, restored.importance(1));
    }

    @Test
    void shouldRejectRowsWhenFullAndAcceptThemAgainAfterClear() {
        MiniBatch batch = new MiniBatch(1, 2, 1);
        batch.addDense(new float[] {1, 2}, new float[] {1}, 1f);
        assertTrue(batch.isFull());
        assertThrows(IllegalStateException.class, () -> batch.addDense(new float[] {1, 2}, new float[] {1}, 1f));
        batch.clear();
        batch.addSparse(new int[] {1}, new float[] {4}, new float[] {0}, 1f);
        assertEquals(1, batch.size());
    }

    @Test
    void shouldRejectMalformedRows() {
        MiniBatch batch = new MiniBatch(2, 2, 1);
        assertThrows(IllegalArgumentException.class, () -> batch.addDense(new float[] {1}, new float[] {1}, 1f));
        assertThrows(IllegalArgumentException.class,
                () -> batch.addSparse(new int[] {2}, new float[] {1}, new float[] {1}, 1f));
        assertThrows(IllegalArgumentException.class,
                () -> batch.addDense(new float[] {1, 2}, new float[] {1}, -1f));
        assertEquals(0, batch.size());
    }

    /** The rows' saved-state records, through Avro binary as the store keeps them. */
    private static List<SavedRow> saved(MiniBatch batch) throws IOException {
        List<SavedRow> rows = new ArrayList<>();
        for (SavedRow row : batch.toSaved()) {
            rows.add(StateRoundTrip.roundTrip(row));
        }
        return rows;
    }
}
