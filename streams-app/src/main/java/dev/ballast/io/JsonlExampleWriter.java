package dev.ballast.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes the JSONL layout of {@link JsonlExampleSource}, non-finite numbers as bare {@code NaN}/{@code Infinity}. */
final class JsonlExampleWriter extends FileExampleWriter {

    private static final JsonFactory JSON =
            JsonFactory.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

    private final JsonGenerator json;

    JsonlExampleWriter(Path file, List<String> labelNames, List<String> featureNames) throws IOException {
        super(file, labelNames, featureNames);
        try {
            json = JSON.createGenerator(out);
            json.setRootValueSeparator(null);
            json.writeStartObject();
            json.writeArrayFieldStart("labels");
            for (String label : labelNames) {
                json.writeString(label);
            }
            json.writeEndArray();
            json.writeNumberField("featureCount", featureNames.size());
            json.writeArrayFieldStart("featureNames");
            for (String feature : featureNames) {
                json.writeString(feature);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (RuntimeException | IOException e) {
            out.close();
            throw e;
        }
    }

    @Override
    void writeChecked(Example example) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", example.id());
        json.writeNumberField("eventTime", example.eventTime());
        json.writeFieldName("features");
        if (example.features() instanceof Features.Sparse sparse) {
            json.writeStartObject();
            json.writeFieldName("indices");
            json.writeArray(sparse.indices(), 0, sparse.indices().length);
            json.writeFieldName("values");
            writeFloats(sparse.values());
            json.writeEndObject();
        } else {
            writeFloats(((Features.Dense) example.features()).values());
        }
        json.writeArrayFieldStart("labels");
        for (int label : example.positiveLabels()) {
            json.writeString(labelNames.get(label));
        }
        json.writeEndArray();
        json.writeNumberField("importance", example.importance());
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private void writeFloats(float[] values) throws IOException {
        json.writeStartArray();
        for (float value : values) {
            json.writeNumber(value);
        }
        json.writeEndArray();
    }

    @Override
    public void close() throws IOException {
        json.close();
    }
}
