package dev.ballast.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ballast.registry.RegistryClientConfig;
import dev.ballast.registry.RestSchemaRegistryClient;
import dev.ballast.registry.SchemaRegistryClient;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.serde.BadRecordException.Kind;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Random and mutated payloads must end in a record or a {@link BadRecordException}, never anything else. */
class AvroDeserializerFuzzTest {

    private static final int CASES = 20_000;
    private static final long SEED = 20_260_101L;

    private static EmbeddedSchemaRegistry registry;
    private static SchemaRegistryClient client;

    private record Seed(byte[] bytes, Deserializer<? extends SpecificRecord> deserializer) { }

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(null, 0, null);
        client = new RestSchemaRegistryClient(RegistryClientConfig.forUrls(registry.url()));
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldEndEveryMutatedOrRandomPayloadInARecordOrABadRecordException() {
        List<Seed> seeds = List.of(seed(SampleRecords.denseEvent()), seed(SampleRecords.sparseEvent()),
                seed(SampleRecords.snapshot()), seed(SampleRecords.metrics()), seed(SampleRecords.alert()),
                seed(SampleRecords.deadLetter()));
        Random random = new Random(SEED);
        Map<Kind, Integer> rejections = new EnumMap<>(Kind.class);
        int accepted = 0;

        for (int i = 0; i < CASES; i++) {
            Seed seed = seeds.get(random.nextInt(seeds.size()));
            byte[] input = mutate(seed.bytes(), random);
            try {
                assertNotNull(seed.deserializer().deserialize("fuzz", input));
                accepted++;
            } catch (BadRecordException e) {
                rejections.merge(e.kind(), 1, Integer::sum);
            } catch (Throwable unexpected) {
                fail("Case " + i + " threw " + unexpected + " for " + HexFormat.of().formatHex(input), unexpected);
            }
        }

        assertEquals(CASES, accepted + rejections.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(accepted > 0, "some mutations keep a valid record");
        for (Kind kind : List.of(Kind.NOT_AVRO, Kind.WRONG_MAGIC_BYTE, Kind.UNKNOWN_SCHEMA_ID, Kind.TRUNCATED,
                Kind.MALFORMED)) {
            assertTrue(rejections.containsKey(kind), "fuzzing reached " + kind + ": " + rejections);
        }
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(6)) {
            case 0 -> {
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return bytes;
            }
            case 1 -> {
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            case 2 -> {
                int at = 5 + random.nextInt(bytes.length - 5);
                byte[] huge = random.nextBoolean()
                        ? new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}
                        : new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
                System.arraycopy(huge, 0, bytes, at, Math.min(huge.length, bytes.length - at));
                return bytes;
            }
            case 3 -> {
                bytes[5 + random.nextInt(bytes.length - 5)] = (byte) random.nextInt(256);
                return bytes;
            }
            case 4 -> {
                byte[] body = new byte[random.nextInt(64)];
                random.nextBytes(body);
                if (random.nextBoolean()) {
                    System.arraycopy(valid, 0, body, 0, Math.min(5, body.length));
                }
                return body;
            }
            default -> {
                byte[] garbage = new byte[1 + random.nextInt(16)];
                random.nextBytes(garbage);
                byte[] extended = Arrays.copyOf(bytes, bytes.length + garbage.length);
                System.arraycopy(garbage, 0, extended, bytes.length, garbage.length);
                return extended;
            }
        }
    }

    private static <T extends SpecificRecord> Seed seed(T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        Serde<T> serde = AvroSerdes.specific(type, client, new SerdeConfig(Map.of()), false);
        return new Seed(serde.serializer().serialize("fuzz-" + type.getSimpleName(), record), serde.deserializer());
    }
}
