package dev.ballast.registry.server;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Confluent's compatibility levels, checked with Avro's {@link SchemaCompatibility}. */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    static CompatibilityLevel parse(String text) {
        if (text == null) {
            throw RegistryError.invalidCompatibility();
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryError.invalidCompatibility();
        }
    }

    /**
     * Checks {@code candidate} against {@code previous} (oldest first; only the newest counts unless transitive).
     *
     * @return why it is incompatible, empty when compatible
     */
    List<String> incompatibilities(Schema candidate, List<Schema> previous) {
        List<Schema> checked = transitive || previous.isEmpty() ? previous : List.of(previous.get(previous.size() - 1));
        return checked.stream().flatMap(old -> {
            if (newReadsOld && !canRead(candidate, old)) {
                return Stream.of("The new schema cannot read data written with an earlier schema ("
                        + describe(candidate, old) + ")");
            }
            if (oldReadsNew && !canRead(old, candidate)) {
                return Stream.of("An earlier schema cannot read data written with the new schema ("
                        + describe(old, candidate) + ")");
            }
            return Stream.empty();
        }).toList();
    }

    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibilityType.COMPATIBLE;
    }

    private static String describe(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities()
                .stream()
                .map(incompatibility -> incompatibility.getType() + " at " + incompatibility.getLocation()
                        + ": " + incompatibility.getMessage())
                .findFirst()
                .orElse("incompatible");
    }
}
