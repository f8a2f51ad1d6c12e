package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class MiniBatchTest {

    @Test
    void shouldRoundTripMixedDenseAndSparseRowsBitExactly() throws IOException {
        MiniBatch batch = new MiniBatch(4, 3, 2);
        batch.addDense(new float[] {1.5f, -0f, Float.MIN_VALUE}, new float[] {1, 0}, 2f);
        batch.addSparse(new int[] {2, 0}, new float[] {7f, -3f}, new float[] {0, 1}, 0.5f);

        MiniBatch restored = MiniBatch.readFrom(new DataInputStream(new ByteArrayInputStream(bytes(batch))), 4);

        assertArrayEquals(bytes(batch), bytes(restored));
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

    private static byte[] bytes(MiniBatch batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        batch.writeTo(new DataOutputStream(out));
        return out.toByteArray();
    }
}
