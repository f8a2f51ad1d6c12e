package dev.ballast.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.config.BallastConfig;
import dev.ballast.config.ModelDeclaration;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model state saved by an earlier release restores to the same model, and trains on exactly as the original did.
 * The fixtures (model-state-v1-*.bin) were written by the code of format 1 from {@link SavedStateFixtures}' settings
 * and events 0-61; the JSON beside each holds what it restores to and the state after events 62-99. The format-2
 * fixtures (model-state-v2-*.bin) were written likewise by the code of format 2 (commit 7984b2d), event 61 pending
 * with the scores it was served; their JSON adds what the model does ({@link SavedStateFixtures#outputs}).
 */
class SavedStateFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"linear-adagrad", "mlp-adam"})
    void shouldRestoreAndGoOnTrainingWhenTheStateWasSavedByTheFirstFormat(String fixture) throws Exception {
        BallastConfig config = new BallastConfig(SavedStateFixtures.settings().get(fixture));
        ModelState restored = ModelState.deserialise(resource("model-state-v1-" + fixture + ".bin"),
                config.models().declaration("default").orElseThrow(), 0, notice -> { });
        ObjectNode expected = (ObjectNode) JSON.readTree(resource("model-state-v1-" + fixture + ".json"));
        JsonNode after = expected.remove("after100Events");
        assertEquals(expected, asRead(SavedStateFixtures.describe(restored)));
        SavedStateFixtures.feed(restored.trainer, 62, 100);
        assertEquals(after, asRead(SavedStateFixtures.describe(restored)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear-adagrad", "mlp-adam"})
    void shouldPredictAsBeforeSavingAndGoOnTrainingWhenTheStateWasSavedByFormat2(String fixture) throws Exception {
        BallastConfig config = new BallastConfig(SavedStateFixtures.settings().get(fixture));
        ModelDeclaration declaration = config.models().declaration("default").orElseThrow();
        ObjectNode expected = (ObjectNode) JSON.readTree(resource("model-state-v2-" + fixture + ".json"));
        JsonNode after = expected.remove("after100Events");
        ModelState restored = ModelState.deserialise(resource("model-state-v2-" + fixture + ".bin"), declaration, 0,
                notice -> { });
        assertEquals(expected, asRead(describeWithOutputs(restored)));
        SavedStateFixtures.feed(restored.trainer, 62, 100);
        assertEquals(after, asRead(describeWithOutputs(restored)));
    }

    private static ObjectNode describeWithOutputs(ModelState state) {
        ObjectNode node = SavedStateFixtures.describe(state);
        node.set("outputs", SavedStateFixtures.outputs(state));
        return node;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1-linear-adagrad", "v1-mlp-adam", "v2-linear-adagrad", "v2-mlp-adam"})
    void shouldSaveARestoredFixtureInTheCurrentFormatAndRestoreItToTheSameModel(String fixture) throws Exception {
        String settings = fixture.substring(fixture.indexOf('-') + 1);
        BallastConfig config = new BallastConfig(SavedStateFixtures.settings().get(settings));
        ModelDeclaration declaration = config.models().declaration("default").orElseThrow();
        byte[] earlier = resource("model-state-" + fixture + ".bin");
        byte[] current = ModelState.deserialise(earlier, declaration, 0, notice -> { }).serialise();
        assertEquals(ModelState.formatVersion(), current[0], "saved in the current format");
        ModelState restored = ModelState.deserialise(current, declaration, 0, notice -> { });
        ObjectNode expected = (ObjectNode) JSON.readTree(resource("model-state-" + fixture + ".json"));
        JsonNode after = expected.remove("after100Events");
        ObjectNode described = SavedStateFixtures.describe(restored);
        if (expected.has("outputs")) {
            described.set("outputs", SavedStateFixtures.outputs(restored));
        }
        assertEquals(expected, asRead(described));
        SavedStateFixtures.feed(restored.trainer, 62, 100);
        described = SavedStateFixtures.describe(restored);
        if (after.has("outputs")) {
            described.set("outputs", SavedStateFixtures.outputs(restored));
        }
        assertEquals(after, asRead(described));
        assertArrayEquals(restored.serialise(), ModelState.deserialise(restored.serialise(), declaration, 0,
                notice -> { }).serialise(), "the current format restores bit-exactly");
    }

    /**
     * Format 4 added the parameter averages and the label stage at the end of their records, format 5 the
     * prevalence-shift CUSUM, format 6 the sparse rows' scale statistics, format 7 the thresholds' prior positives:
     * a state written with format 3's to 6's frozen schema (the same record re-encoded by it) restores to the same
     * model, its shift detector starting afresh and its thresholds re-tuned under the configured prior.
     */
    @ParameterizedTest
    @CsvSource({"linear-adagrad, 3", "mlp-adam, 3", "linear-adagrad, 4", "mlp-adam, 4", "linear-adagrad, 5",
            "mlp-adam, 5", "linear-adagrad, 6", "mlp-adam, 6"})
    void shouldRestoreAStateWrittenInAnEarlierAvroFormatToTheSameModel(String fixture, byte format) throws Exception {
        BallastConfig config = new BallastConfig(SavedStateFixtures.settings().get(fixture));
        ModelDeclaration declaration = config.models().declaration("default").orElseThrow();
        ModelState state = ModelState.deserialise(resource("model-state-v2-" + fixture + ".bin"), declaration, 0,
                notice -> { });
        byte[] current = state.serialise();
        Schema currentSchema = ModelState.writerSchema(ModelState.formatVersion());
        GenericRecord record = new GenericDatumReader<GenericRecord>(currentSchema).read(null,
                DecoderFactory.get().binaryDecoder(current, 1, current.length - 1, null));
        ByteArrayOutputStream earlier = new ByteArrayOutputStream();
        earlier.write(format);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(earlier, null);
        new GenericDatumWriter<GenericRecord>(ModelState.writerSchema(format)).write(record, encoder);
        encoder.flush();
        ModelState restored = ModelState.deserialise(earlier.toByteArray(), declaration, 0, notice -> { });
        assertArrayEquals(current, restored.serialise());
    }

    @Test
    void shouldRefuseAStateOfAnUnknownFormat() throws Exception {
        BallastConfig config = new BallastConfig(SavedStateFixtures.settings().get("linear-adagrad"));
        ModelDeclaration declaration = config.models().declaration("default").orElseThrow();
        byte[] unknown = resource("model-state-v2-linear-adagrad.bin");
        unknown[0] = 9;
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                () -> ModelState.deserialise(unknown, declaration, 0, notice -> { }));
        assertTrue(refused.getCause().getMessage().contains("unsupported model state format 9"),
                refused.getCause().getMessage());
    }

    /** The node as the fixture's JSON reads back (numbers typed by their text, not by how they were added). */
    private static JsonNode asRead(JsonNode node) throws Exception {
        return JSON.readTree(JSON.writeValueAsString(node));
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = SavedStateFixtureTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
