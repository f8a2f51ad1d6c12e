package dev.ballast.schema.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * The writer schemas of released store formats, frozen as resources beside the class that reads them: a store
 * value written by a release is read with the schema it was written with, resolved to the record this build knows.
 */
public final class FrozenSchemas {

    private FrozenSchemas() {
    }

    /**
     * The schema in resource {@code name} of {@code owner}'s package.
     *
     * @throws IllegalStateException when there is none: the format was never released
     */
    public static Schema of(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no frozen schema " + name + " beside " + owner.getSimpleName());
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
