package dev.ballast.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.registry.RegistryClientConfig;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.AlertKind;
import dev.ballast.schema.ImbalanceAlert;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.TrainingMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * The current schemas against the ones the last release wrote (kept in {@code src/test/resources/released}):
 * {@code LabelledEvent.labels} became nullable (null = not known yet), {@code TrainingMetrics} gained optional
 * join figures and {@code ImbalanceAlert.kind} the symbol {@code MODEL_FAILED}. Each change must pass the registry's
 * default BACKWARD check, so existing subjects take them; a reader of the released alert schema reads the new symbol
 * as its default, {@code UNKNOWN}.
 */
class ReleasedSchemaCompatibilityTest {

    @Test
    void shouldRegisterTheNullableLabelsOverTheReleasedEventSchemaUnderBackwardCompatibility() {
        assertRegistersOverReleased("LabelledEvent", LabelledEvent.getClassSchema());
    }

    @Test
    void shouldRegisterTheJoinFiguresOverTheReleasedMetricsSchemaUnderBackwardCompatibility() {
        assertRegistersOverReleased("TrainingMetrics", TrainingMetrics.getClassSchema());
    }

    @Test
    void shouldRegisterTheModelFailedAlertKindOverTheReleasedAlertSchemaUnderBackwardCompatibility() {
        assertRegistersOverReleased("ImbalanceAlert", ImbalanceAlert.getClassSchema());
    }

    @Test
    void shouldReadTheModelFailedKindAsUnknownWithTheReleasedAlertSchema() throws IOException {
        ImbalanceAlert alert = ImbalanceAlert.newBuilder().setModelId("m").setKind(AlertKind.MODEL_FAILED)
                .setDetector("trainer").setBefore(0).setAfter(0).setEventsTrained(1)
                .setTimestamp(java.time.Instant.ofEpochMilli(1)).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<ImbalanceAlert>(ImbalanceAlert.class).write(alert, encoder);
        encoder.flush();
        GenericRecord read = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(
                ImbalanceAlert.getClassSchema(), released("ImbalanceAlert"))
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertEquals("UNKNOWN", read.get("kind").toString());
    }

    @Test
    void shouldReadAnEventOfTheReleasedSchemaWithItsLabels() throws IOException {
        Schema released = released("LabelledEvent");
        GenericRecord old = new GenericData.Record(released);
        old.put("id", "e1");
        old.put("eventTime", 1L);
        old.put("modelId", "m");
        GenericRecord dense = new GenericData.Record(released.getField("features").schema().getTypes().get(0));
        dense.put("values", List.of(1f, 2f));
        old.put("features", dense);
        old.put("labels", List.of("a"));
        old.put("importance", 1f);

        LabelledEvent read = readAsCurrent(released, old);

        assertEquals(List.of("a"), read.getLabels().stream().map(String::valueOf).toList());
        old.put("labels", List.of());
        assertTrue(readAsCurrent(released, old).getLabels().isEmpty(), "[] stays known, all negative");
    }

    private static void assertRegistersOverReleased(String name, Schema current) {
        Schema released = released(name);
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(current, released).getType(),
                "the current schema reads what the released one wrote");
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(null, 0, null)) {
            SchemaRegistryClient client = new RestSchemaRegistryClient(RegistryClientConfig.forUrls(registry.url()));
            String subject = "released-" + name + "-value";
            client.register(subject, released);
            client.register(subject, current);
            assertEquals(2, client.latest(subject).version());
        }
    }

    private static LabelledEvent readAsCurrent(Schema released, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(released).write(record, encoder);
        encoder.flush();
        return new SpecificDatumReader<LabelledEvent>(released, LabelledEvent.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    private static Schema released(String name) {
        try (InputStream in = ReleasedSchemaCompatibilityTest.class.getResourceAsStream("/released/" + name + ".avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
