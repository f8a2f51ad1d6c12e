package dev.ballast.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final Schema TINY = new Schema.Parser().parse("""
            {"type": "record", "name": "Tiny", "namespace": "test", "fields": [
              {"name": "count", "type": "int"},
              {"name": "total", "type": "long"},
              {"name": "name", "type": "string"},
              {"name": "flag", "type": "boolean"}
            ]}""");

    /**
     * Magic byte 0; schema id 0x01020304 big-endian; count -3 zig-zags to 5; total 300 zig-zags to 600, a two-byte
     * varint 0xd8 0x04; "ab" is length 2 (zig-zag 4) then its UTF-8 bytes; true is 1.
     */
    private static final byte[] HAND_WRITTEN = {
        0x00,
        0x01, 0x02, 0x03, 0x04,
        0x05,
        (byte) 0xd8, 0x04,
        0x04, 'a', 'b',
        0x01
    };

    private final Serde<GenericRecord> serde = AvroSerdes.generic(
            new FixedIdRegistryClient(0x01020304, TINY), new SerdeConfig(Map.of()), false);

    @Test
    void shouldWriteMagicByteBigEndianIdAndAvroBinary() {
        assertArrayEquals(HAND_WRITTEN, serde.serializer().serialize("tiny", tiny()));
    }

    @Test
    void shouldReadHandWrittenBytes() {
        assertEquals(tiny(), serde.deserializer().deserialize("tiny", HAND_WRITTEN));
    }

    private static GenericRecord tiny() {
        GenericRecord record = new GenericData.Record(TINY);
        record.put("count", -3);
        record.put("total", 300L);
        record.put("name", "ab");
        record.put("flag", true);
        return record;
    }
}
