package dev.ballast.processor;

import dev.ballast.schema.LabelledEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Events of a model's not-yet-trained mini-batch, stored one key per batch slot ({@code modelId + '\0' + slot}),
 * so that each event costs one small write instead of rewriting the whole model. Each entry is stamped with the
 * trainer's events-trained count when it was added: after a restart, exactly the entries whose stamp equals the
 * restored count belong to the pending batch, and older ones are leftovers of batches already trained.
 */
final class PendingEvents {

    private static final SpecificDatumWriter<LabelledEvent> WRITER = new SpecificDatumWriter<>(LabelledEvent.class);
    private static final SpecificDatumReader<LabelledEvent> READER = new SpecificDatumReader<>(LabelledEvent.class);

    record Entry(long stamp, String topicPartition, long offset, LabelledEvent event) {
    }

    private PendingEvents() {
    }

    static String key(String modelId, int slot) {
        return modelId + '\0' + slot;
    }

    static byte[] encode(Entry entry) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            encoder.writeLong(entry.stamp());
            encoder.writeString(entry.topicPartition());
            encoder.writeLong(entry.offset());
            WRITER.write(entry.event(), encoder);
            encoder.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Entry decode(byte[] bytes) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            long stamp = decoder.readLong();
            String topicPartition = decoder.readString();
            long offset = decoder.readLong();
            return new Entry(stamp, topicPartition, offset, READER.read(null, decoder));
        } catch (IOException e) {
            throw new UncheckedIOException("pending event entry is unreadable", e);
        }
    }
}
