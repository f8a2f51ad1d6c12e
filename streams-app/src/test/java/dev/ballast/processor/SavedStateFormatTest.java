package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.schema.state.SavedModelState;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The saved model state evolves like a topic's schema: each released format's writer schema is frozen. */
class SavedStateFormatTest {

    @Test
    void shouldWriteWithTheFrozenSchemaOfTheCurrentFormat() {
        Schema frozen = ModelState.writerSchema(ModelState.formatVersion());
        assertEquals(SchemaNormalization.toParsingForm(frozen),
                SchemaNormalization.toParsingForm(SavedModelState.getClassSchema()),
                "SavedModelState.avsc changed: saves written so far were written with saved-model-state-"
                        + ModelState.formatVersion() + ".avsc. Make the change a new format: bump ModelState's "
                        + "FORMAT_VERSION, freeze the new schema as saved-model-state-<format>.avsc, and keep reading "
                        + "the old format with its frozen schema (new fields need defaults)");
    }

    @Test
    void shouldKeepTheFrozenSchemaOfTheEarlierAvroFormatItStillReads() {
        Schema second = ModelState.writerSchema(EarlierStateFormats.SECOND_FORMAT);
        assertEquals(Schema.Type.BYTES, second.getField("metrics").schema().getType(),
                "format 2 as released: its metrics were bytes in a hand-written layout");
    }

    @Test
    void shouldRefuseAFormatWithoutAFrozenSchema() {
        assertThrows(IllegalStateException.class, () -> ModelState.writerSchema((byte) 99));
    }
}
