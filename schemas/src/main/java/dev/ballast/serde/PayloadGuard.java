package dev.ballast.serde;

import dev.ballast.serde.BadRecordException.Kind;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks Avro binary against its writer schema without building anything, before Avro decodes it.
 *
 * <p>Avro pre-allocates strings, bytes and collections from the lengths the data declares, so hostile bytes could
 * make it allocate gigabytes. This walk proves every declared length fits in the bytes that remain (a collection
 * of {@code n} items needs at least {@code n} times its item's smallest encoding), caps item counts and nesting
 * depth, checks union and enum indexes, and rejects trailing bytes; after it, decoding allocates at most a small
 * multiple of the payload. Immutable and thread-safe; build one per writer schema.
 */
final class PayloadGuard {

    private static final int MAX_DEPTH = 256;

    private final Schema writer;
    private final Map<Schema, Integer> minimumSizes = new IdentityHashMap<>();

    PayloadGuard(Schema writer) {
        this.writer = writer;
        minimumSize(writer);
    }

    /**
     * Checks {@code data[offset..]} is exactly one datum of the writer schema.
     *
     * @param maxItems most collection items allowed in the whole datum
     * @throws BadRecordException of kind TRUNCATED, MALFORMED or TOO_LARGE
     */
    void check(byte[] data, int offset, long maxItems) {
        Walk walk = new Walk(data, offset, maxItems);
        walk.skip(writer, 0);
        if (walk.position != data.length) {
            throw new BadRecordException(Kind.MALFORMED,
                    (data.length - walk.position) + " trailing bytes after the record");
        }
    }

    private int minimumSize(Schema schema) {
        Integer known = minimumSizes.get(schema);
        if (known != null) {
            return known;
        }
        minimumSizes.put(schema, 0);
        int size = switch (schema.getType()) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, ENUM, STRING, BYTES, ARRAY, MAP -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize();
            case UNION -> 1 + schema.getTypes().stream().mapToInt(this::minimumSize).min().orElse(0);
            case RECORD -> schema.getFields().stream().mapToInt(field -> minimumSize(field.schema())).sum();
        };
        if (schema.getType() == Schema.Type.ARRAY) {
            minimumSize(schema.getElementType());
        } else if (schema.getType() == Schema.Type.MAP) {
            minimumSize(schema.getValueType());
        }
        minimumSizes.put(schema, size);
        return size;
    }

    private final class Walk {
        private final byte[] data;
        private final long maxItems;
        private int position;
        private long items;

        Walk(byte[] data, int offset, long maxItems) {
            this.data = data;
            this.position = offset;
            this.maxItems = maxItems;
        }

        void skip(Schema schema, int depth) {
            if (depth > MAX_DEPTH) {
                throw new BadRecordException(Kind.TOO_LARGE, "nesting deeper than " + MAX_DEPTH + " levels");
            }
            switch (schema.getType()) {
                case NULL -> { }
                case BOOLEAN -> {
                    int value = readByte("boolean");
                    if (value > 1) {
                        throw new BadRecordException(Kind.MALFORMED, "boolean byte " + value + " at offset " + (position - 1));
                    }
                }
                case INT -> readInt("int");
                case LONG -> readLong("long");
                case FLOAT -> need(4, "float");
                case DOUBLE -> need(8, "double");
                case FIXED -> need(schema.getFixedSize(), "fixed " + schema.getFullName());
                case STRING, BYTES -> {
                    long length = readLong("length");
                    if (length < 0) {
                        throw new BadRecordException(Kind.MALFORMED, "negative length " + length + " at offset " + position);
                    }
                    need(length, schema.getType().getName());
                }
                case ENUM -> index(readInt("enum index"), schema.getEnumSymbols().size(), "enum " + schema.getFullName());
                case UNION -> {
                    List<Schema> branches = schema.getTypes();
                    skip(branches.get(index(readInt("union index"), branches.size(), "union")), depth + 1);
                }
                case RECORD -> {
                    for (Schema.Field field : schema.getFields()) {
                        skip(field.schema(), depth + 1);
                    }
                }
                case ARRAY -> {
                    Schema element = schema.getElementType();
                    skipBlocks(minimumSize(element), depth, () -> skip(element, depth + 1));
                }
                case MAP -> {
                    Schema value = schema.getValueType();
                    skipBlocks(1 + minimumSize(value), depth, () -> {
                        long length = readLong("map key length");
                        if (length < 0) {
                            throw new BadRecordException(Kind.MALFORMED, "negative map key length " + length);
                        }
                        need(length, "map key");
                        skip(value, depth + 1);
                    });
                }
            }
        }

        private void skipBlocks(int minimumItemSize, int depth, Runnable skipItem) {
            while (true) {
                long count = readLong("block count");
                if (count == 0) {
                    return;
                }
                if (count < 0) {
                    if (count == Long.MIN_VALUE) {
                        throw new BadRecordException(Kind.MALFORMED, "invalid block count");
                    }
                    count = -count;
                    if (readLong("block size") < 0) {
                        throw new BadRecordException(Kind.MALFORMED, "negative block size");
                    }
                }
                int remaining = data.length - position;
                if (minimumItemSize > 0 && count > remaining / minimumItemSize) {
                    throw new BadRecordException(Kind.TRUNCATED, "collection declares " + count
                            + " items but only " + remaining + " bytes remain");
                }
                items += count;
                if (items > maxItems) {
                    throw new BadRecordException(Kind.TOO_LARGE, "more than " + maxItems + " collection items");
                }
                for (long i = 0; i < count; i++) {
                    skipItem.run();
                }
            }
        }

        private int index(int value, int size, String what) {
            if (value < 0 || value >= size) {
                throw new BadRecordException(Kind.MALFORMED, what + " index " + value + " out of range [0, " + size + ")");
            }
            return value;
        }

        private void need(long length, String what) {
            if (length > data.length - position) {
                throw new BadRecordException(Kind.TRUNCATED, what + " of " + length + " bytes at offset " + position
                        + " but only " + (data.length - position) + " bytes remain");
            }
            position += (int) length;
        }

        private int readByte(String what) {
            if (position >= data.length) {
                throw new BadRecordException(Kind.TRUNCATED, "payload ends inside a " + what);
            }
            return data[position++] & 0xff;
        }

        private int readInt(String what) {
            long value = readVarint(5, what);
            if (value > 0xffffffffL) {
                throw new BadRecordException(Kind.MALFORMED, "invalid int encoding of " + what);
            }
            int raw = (int) value;
            return (raw >>> 1) ^ -(raw & 1);
        }

        private long readLong(String what) {
            long raw = readVarint(10, what);
            return (raw >>> 1) ^ -(raw & 1);
        }

        private long readVarint(int maxBytes, String what) {
            long value = 0;
            for (int i = 0; i < maxBytes; i++) {
                int b = readByte(what);
                value |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (i == 9 && b > 1) {
                        break;
                    }
                    return value;
                }
            }
            throw new BadRecordException(Kind.MALFORMED, "invalid varint encoding of " + what);
        }
    }
}
