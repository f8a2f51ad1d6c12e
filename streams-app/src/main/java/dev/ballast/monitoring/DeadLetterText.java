package dev.ballast.monitoring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a dead letter reads, on a terminal ({@code ballast dead-letters}), in JSON and on the web dashboard: the kind,
 * where the record came from, the reason, and an excerpt of the original bytes in hex and printable form, so that a
 * rejected record can be recognised without writing an Avro consumer.
 */
public final class DeadLetterText {

    /** Bytes shown of a record's value; the excerpt says how many more there are. */
    static final int EXCERPT_BYTES = 32;

    private DeadLetterText() {
    }

    /** Two lines: kind, source and event id, then the reason, then the key and value excerpts. */
    public static String describe(DeadLetter deadLetter) {
        return String.format(Locale.ROOT, "%s  %s  event %s  at %s%n  reason: %s%n  key: %s%n  value: %s%n",
                deadLetter.getErrorKind(), source(deadLetter), deadLetter.getEventId() == null ? "-" : deadLetter.getEventId(),
                deadLetter.getFailedAt(), deadLetter.getReason(), printable(deadLetter.getKey()), excerpt(deadLetter.getValue()));
    }

    /** {@code topic-partition@offset} of the rejected record. */
    public static String source(DeadLetter deadLetter) {
        return deadLetter.getSourceTopic() + "-" + deadLetter.getSourcePartition() + "@" + deadLetter.getSourceOffset();
    }

    /** Fills {@code node} with the dead letter's fields, the bytes as excerpts. */
    public static ObjectNode json(DeadLetter deadLetter, ObjectNode node) {
        node.put("kind", deadLetter.getErrorKind());
        node.put("reason", deadLetter.getReason());
        node.put("sourceTopic", deadLetter.getSourceTopic());
        node.put("sourcePartition", deadLetter.getSourcePartition());
        node.put("sourceOffset", deadLetter.getSourceOffset());
        node.put("eventId", deadLetter.getEventId());
        node.put("failedAt", deadLetter.getFailedAt().toEpochMilli());
        node.put("key", deadLetter.getKey() == null ? null : printable(deadLetter.getKey()));
        node.put("valueBytes", deadLetter.getValue() == null ? 0 : deadLetter.getValue().remaining());
        node.put("value", excerpt(deadLetter.getValue()));
        return node;
    }

    /** {@code "3 dead letters on ballast.dead-letters: DIMENSION 1, NON_FINITE 2"} from counts by kind. */
    public static String summary(String where, Map<String, Long> countsByKind) {
        long total = countsByKind.values().stream().mapToLong(Long::longValue).sum();
        String kinds = countsByKind.entrySet().stream().map(kind -> kind.getKey() + " " + kind.getValue())
                .collect(Collectors.joining(", "));
        return total + (total == 1 ? " dead letter on " : " dead letters on ") + where + (total == 0 ? "" : ": " + kinds);
    }

    /**
     * The first {@value #EXCERPT_BYTES} bytes in hex, then the same bytes with every non-printable one as '.':
     * {@code "37 bytes: 7b 22 6e ... |{"n...|"}; {@code "absent"} when the bytes were not kept.
     */
    static String excerpt(ByteBuffer bytes) {
        if (bytes == null) {
            return "absent";
        }
        ByteBuffer view = bytes.duplicate();
        int shown = Math.min(EXCERPT_BYTES, view.remaining());
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            int b = view.get(view.position() + i) & 0xff;
            hex.append(hex.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%02x", b));
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        String more = view.remaining() > shown ? " ..." : "";
        return view.remaining() + " bytes: " + hex + more + "  |" + text + "|" + more;
    }

    /** The key as text when it is printable UTF-8 (model ids are), else its excerpt. */
    static String printable(ByteBuffer bytes) {
        if (bytes == null) {
            return "null";
        }
        ByteBuffer view = bytes.duplicate();
        byte[] raw = new byte[view.remaining()];
        view.get(raw);
        String text = new String(raw, StandardCharsets.UTF_8);
        boolean readable = text.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0xfffd);
        return readable ? text : excerpt(bytes);
    }
}
