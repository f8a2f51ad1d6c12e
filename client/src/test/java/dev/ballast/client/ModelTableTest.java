package dev.ballast.client;

import static dev.ballast.client.TestSnapshots.linear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.schema.ModelSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Versions, not arrival order, decide which snapshot a subscriber holds. */
class ModelTableTest {

    private final ModelTable table = new ModelTable();

    @Test
    void shouldHoldTheNewestVersionWhenVersionsArriveOutOfOrder() {
        List<Long> accepted = List.of(3L, 1L, 5L, 4L, 2L).stream()
                .filter(version -> table.offer(linear("m", version, 0f)).isPresent())
                .toList();

        assertEquals(List.of(3L, 5L), accepted);
        assertEquals(5L, table.get("m").orElseThrow().version());
    }

    @Test
    void shouldIgnoreAnEqualVersion() {
        table.offer(linear("m", 2, 0f));
        ModelHandle held = table.get("m").orElseThrow();

        assertTrue(table.offer(linear("m", 2, 9f)).isEmpty());
        assertSame(held, table.get("m").orElseThrow());
    }

    @Test
    void shouldReportThePreviousAndTheNewVersionWhenReplacing() {
        table.offer(linear("m", 1, 0f));
        ModelTable.Change change = table.offer(linear("m", 2, 0f)).orElseThrow();

        assertEquals("m", change.modelId());
        assertEquals(1L, change.previous().version());
        assertEquals(2L, change.current().version());
        assertNull(table.offer(linear("other", 1, 0f)).orElseThrow().previous());
    }

    @Test
    void shouldCompareVersionsPerModelId() {
        table.offer(linear("a", 5, 0f));

        assertTrue(table.offer(linear("b", 1, 0f)).isPresent());
        assertTrue(table.offer(linear("b", 2, 0f)).isPresent());
        assertTrue(table.offer(linear("a", 4, 0f)).isEmpty());
        assertEquals(5L, table.get("a").orElseThrow().version());
        assertEquals(2L, table.get("b").orElseThrow().version());
    }

    @Test
    void shouldForgetTheModelAndItsVersionWhenRemoved() {
        table.offer(linear("m", 5, 0f));

        ModelTable.Change removal = table.remove("m").orElseThrow();

        assertEquals(5L, removal.previous().version());
        assertNull(removal.current());
        assertTrue(table.get("m").isEmpty());
        assertTrue(table.remove("m").isEmpty(), "removing an absent model changes nothing");
        assertTrue(table.offer(linear("m", 1, 0f)).isPresent(), "a model re-created after removal starts afresh");
    }

    @Test
    void shouldKeepTheHeldVersionWhenANewerSnapshotCannotBeScored() {
        table.offer(linear("m", 1, 0f));
        ModelSnapshot misshapen = linear("m", 2, 0f);
        misshapen.setArchitecture("mlp");

        assertThrows(IllegalArgumentException.class, () -> table.offer(misshapen));
        assertEquals(1L, table.get("m").orElseThrow().version());
    }
}
