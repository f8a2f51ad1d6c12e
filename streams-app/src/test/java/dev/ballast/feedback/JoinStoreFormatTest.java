package dev.ballast.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.schema.state.JoinEntry;
import dev.ballast.schema.state.SavedJoinCounters;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The join store's values evolve like a topic's schema: each released format's writer schemas are frozen. */
class JoinStoreFormatTest {

    private static final String CHANGED = " changed: join store values written so far used the frozen schema of format "
            + LabelJoin.FORMAT + ". Make the change a new format: bump LabelJoin.FORMAT, freeze the new schemas beside "
            + "the old ones, and keep reading the old format (new fields need defaults)";

    @Test
    void shouldWriteEntriesWithTheFrozenSchemaOfTheCurrentFormat() {
        assertSame(LabelJoin.entrySchema(LabelJoin.FORMAT), JoinEntry.getClassSchema(), "JoinEntry.avsc" + CHANGED);
    }

    @Test
    void shouldWriteCountersWithTheFrozenSchemaOfTheCurrentFormat() {
        assertSame(LabelJoin.countersSchema(LabelJoin.FORMAT), SavedJoinCounters.getClassSchema(),
                "SavedJoinCounters.avsc" + CHANGED);
    }

    private static void assertSame(Schema frozen, Schema current, String message) {
        assertEquals(SchemaNormalization.toParsingForm(frozen), SchemaNormalization.toParsingForm(current), message);
    }
}
