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
 * The events a model received since its state was last saved, one store key per event
 * ({@code modelId + '\0' + slot}, slot 0, 1, ... from the save), so that each event costs one small write and the
 * whole model is written only now and then. Each entry carries the save sequence number it follows: after a
 * restart, the entries stamped with the restored state's sequence number are replayed through the trainer in
 * order, which rebuilds exactly the state that was lost (training is deterministic); entries with another stamp
 * are leftovers of earlier saves.
 */
final class EventJournal {

    private static final SpecificDatumWriter<LabelledEvent> WRITER = new SpecificDatumWriter<>(LabelledEvent.class);
    private static final SpecificDatumReader<LabelledEvent> READER = new SpecificDatumReader<>(LabelledEvent.class);

    record Entry(long stamp, String topicPartition, long offset, LabelledEvent event) {
    }

    private EventJournal() {
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
