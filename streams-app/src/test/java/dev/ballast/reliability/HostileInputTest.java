package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.BadRecords;
import dev.ballast.embedded.Events;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.processor.OutputRecords;
import dev.ballast.processor.Rejection;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.SparseFeatures;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Every kind of malformed or edge-case record a hostile or broken producer can send, over and over between good
 * events: each malformed one lands in the dead letters once with its kind, a short reason and its own offset in the
 * events topic (also when it was dead-lettered after the repartition); each edge case that is a valid event (no
 * timestamp, a wrong or missing key, extreme finite features, a large event keyed right) is trained; the good events
 * around them are all trained, and the heap does not grow with the hostile volume.
 */
@BrokerTest
class HostileInputTest {

    private static final String MODEL = "default";
    /** Rounds of one record of every hostile kind; {@code -Preliability} runs 200. */
    private static final int ROUNDS = Integer.getInteger("ballast.reliability.hostile.rounds", 12);
    private static final int GOOD_EVENTS_PER_ROUND = 50;
    private static final int HUGE_STRING_CHARS = 200_000;
    private static final int MAX_REASON_CHARS = 1_000;
    private static final long HEAP_GROWTH_BOUND_BYTES = 64L * 1024 * 1024;
    /** The size cap of re-keyed events: above the 200,000-character model id, so that one is re-keyed. */
    private static final int MAX_EVENT_BYTES = 512 * 1024;

    private static String topic;
    private static long goodEvents;
    private static final Map<Long, Hostile> HOSTILE_BY_OFFSET = new LinkedHashMap<>();
    private static long heapGrowth;
    private static AppOutputs outputs;

    /**
     * A hostile record: its key, its value, whether it is written without a timestamp, and the dead-letter kind it
     * must get; null for an edge case that is a valid event and must be trained.
     */
    private record Hostile(String name, String expectedKind, String key, byte[] value, boolean noTimestamp) {

        Hostile(String name, String expectedKind, byte[] value) {
            this(name, expectedKind, MODEL, value, false);
        }

        boolean valid() {
            return expectedKind == null;
        }

        /** What is remembered once sent: not the value, so the test's own memory stays out of the heap figures. */
        Hostile withoutValue() {
            return new Hostile(name, expectedKind, null, null, noTimestamp);
        }
    }

    @BeforeAll
    static void sendHostileRecordsBetweenGoodEvents(EmbeddedKafka kafka, @TempDir Path work) throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("hostile"), 1);
            settings.put("state.dir", work.toString());
            settings.put(BallastConfig.EVENT_MAX_BYTES, Integer.toString(MAX_EVENT_BYTES));
            BallastConfig config = new BallastConfig(settings);
            topic = config.getString(BallastConfig.EVENTS_TOPIC);
            new KafkaTestClient(kafka).createTopics(1, topic);
            Map<String, Object> client = config.nonBallastProperties();
            BallastSerdes serdes = BallastSerdes.fromConfig(client);
            Serializer<LabelledEvent> serializer = serdes.events().serializer();
            // A record of another type, registered under another subject: its schema cannot be read as an event.
            byte[] otherSchema = serdes.deadLetters().serializer().serialize(topic + "-other", OutputRecords.deadLetter(
                    new Rejection(Rejection.INVALID, "another type"), topic, 0, 0, null, null, null, 0));
            try (BallastApp app = BallastApp.start(config);
                 KafkaProducer<String, byte[]> producer = producer(kafka);
                 DriftingStream stream = new DriftingStream(TestApps.STREAM, (long) ROUNDS * GOOD_EVENTS_PER_ROUND)) {
                goodEvents += sendGood(producer, serializer, stream, GOOD_EVENTS_PER_ROUND);
                AppOutputs.awaitEventsTrained(config, MODEL, goodEvents, Duration.ofSeconds(90));
                long heapBefore = heapAfterGc();
                for (int round = 1; round < ROUNDS; round++) {
                    LabelledEvent template = Events.of(stream.next(), TestApps.labels(), MODEL, round);
                    goodEvents++;
                    send(producer, serializer.serialize(topic, template));
                    for (Hostile hostile : hostileRecords(template, event -> serializer.serialize(topic, event),
                            otherSchema, round)) {
                        long offset = send(producer, hostile);
                        if (hostile.valid()) {
                            goodEvents++;
                        } else {
                            HOSTILE_BY_OFFSET.put(offset, hostile.withoutValue());
                        }
                    }
                    goodEvents += sendGood(producer, serializer, stream, GOOD_EVENTS_PER_ROUND - 1);
                }
                AppOutputs.await(config, read -> read.deadLetters().size() >= HOSTILE_BY_OFFSET.size(),
                        "every hostile record dead-lettered", Duration.ofSeconds(120));
                AppOutputs.awaitEventsTrained(config, MODEL, goodEvents, Duration.ofSeconds(60));
                heapGrowth = heapAfterGc() - heapBefore;
            }
            LoggerFactory.getLogger(HostileInputTest.class).info("Hostile input result: hostileRecords={} kinds={} "
                    + "(of which trained: {}) goodEvents={} heapGrowthAfterGc={} KB peakRss={}", HOSTILE_BY_OFFSET.size(),
                    hostileKinds().size(), hostileKinds().stream().filter(Hostile::valid).count(), goodEvents,
                    heapGrowth / 1024, peakRss());
            outputs = AppOutputs.read(config);
        }
    }

    @Test
    void shouldDeadLetterEveryHostileRecordOnceWithItsKindAndAReason() {
        assertEquals(HOSTILE_BY_OFFSET.size(), outputs.deadLetters().size(), "one dead letter per hostile record");
        Map<String, Long> seen = new HashMap<>();
        for (DeadLetter letter : outputs.deadLetters()) {
            Hostile hostile = hostileOf(letter);
            assertEquals(hostile.expectedKind(), letter.getErrorKind(), hostile.name() + ": " + shorten(letter.getReason()));
            assertFalse(letter.getReason().isBlank(), hostile.name() + " has a reason");
            seen.merge(hostile.name(), 1L, Long::sum);
        }
        for (Hostile kind : hostileKinds()) {
            assertEquals(kind.valid() ? 0 : ROUNDS - 1, seen.getOrDefault(kind.name(), 0L),
                    kind.name() + (kind.valid() ? " trained, never dead-lettered" : " dead-lettered once per round"));
        }
    }

    @Test
    void shouldTrainEveryGoodEventAroundTheHostileRecords() {
        assertEquals(goodEvents, outputs.latest(MODEL).getEventsTrained());
    }

    @Test
    void shouldKeepTheHeapBoundedWhateverTheHostileVolume() {
        assertTrue(heapGrowth < HEAP_GROWTH_BOUND_BYTES, "heap after GC grew by " + heapGrowth / 1024 / 1024
                + " MB over " + HOSTILE_BY_OFFSET.size() + " hostile records");
    }

    @Test
    void shouldKeepDeadLetterReasonsShortWhenARecordCarriesHugeStrings() {
        for (DeadLetter letter : outputs.deadLetters()) {
            assertTrue(letter.getReason().length() <= MAX_REASON_CHARS, hostileOf(letter).name() + ": "
                    + letter.getReason().length() + " characters of reason");
        }
    }

    /**
     * The hostile record a dead letter is about, by the place the dead letter names: the record's own offset in the
     * events topic, also when it was dead-lettered after the repartition.
     */
    private static Hostile hostileOf(DeadLetter letter) {
        assertEquals(topic, letter.getSourceTopic(), "names the events topic: " + shorten(letter.toString()));
        Hostile hostile = HOSTILE_BY_OFFSET.get(letter.getSourceOffset());
        assertNotNull(hostile, "a dead letter for a record that was not hostile: " + shorten(letter.toString()));
        return hostile;
    }

    private static String shorten(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static List<Hostile> hostileKinds() {
        return hostileRecords(Events.of(new DriftingStream(TestApps.STREAM, 1).next(), TestApps.labels(), MODEL, 0),
                event -> new byte[8], new byte[8], 0);
    }

    /** One record of every hostile kind, built from a valid event. */
    private static List<Hostile> hostileRecords(LabelledEvent valid, Function<LabelledEvent, byte[]> encode,
            byte[] otherSchema, int round) {
        List<Hostile> records = new ArrayList<>();
        for (BadRecords.BadRecord bad : BadRecords.make(BadRecords.Kind.values().length, valid, encode)) {
            if (bad.rawValue() != null) {
                records.add(new Hostile(bad.kind().name(), expectedKind(bad.kind()), bad.rawValue()));
            } else {
                records.add(hostileEvent(bad.kind().name(), expectedKind(bad.kind()), encode, round, bad.event()));
            }
        }
        byte[] header = Arrays.copyOf(encode.apply(valid), 5);
        records.add(new Hostile("EMPTY_VALUE", "DESERIALIZATION", new byte[0]));
        records.add(new Hostile("HEADER_ONLY", "DESERIALIZATION", header));
        records.add(new Hostile("GIGANTIC_ARRAY_LENGTH", "DESERIALIZATION", withFeaturesBranch(header,
                "gigantic-array-" + round, 0, encoder -> {
                    encoder.writeArrayStart();
                    encoder.setItemCount(Integer.MAX_VALUE);
                })));
        records.add(new Hostile("GIGANTIC_STRING_LENGTH", "DESERIALIZATION", withBody(header, encoder -> {
            encoder.writeLong(Long.MAX_VALUE / 4);
            encoder.writeFixed(new byte[] {'x', 'y', 'z'});
        })));
        records.add(new Hostile("TRAILING_BYTES", "DESERIALIZATION", concat(encode.apply(valid), new byte[] {1, 2, 3})));
        records.add(hostileEvent("POSITIVE_INFINITY", "NON_FINITE", encode, round, withDense(valid, 1, Float.POSITIVE_INFINITY)));
        records.add(hostileEvent("NEGATIVE_INFINITY", "NON_FINITE", encode, round, withDense(valid, 2, Float.NEGATIVE_INFINITY)));
        records.add(hostileEvent("NAN_IMPORTANCE", "NON_FINITE", encode, round,
                LabelledEvent.newBuilder(valid).setImportance(Float.NaN).build()));
        records.add(hostileEvent("LONGER_DIMENSION", "DIMENSION", encode, round, withExtraFeature(valid)));
        records.add(hostileEvent("SPARSE_INDEX_OUT_OF_RANGE", "DIMENSION", encode, round, LabelledEvent.newBuilder(valid)
                .setFeatures(new SparseFeatures(List.of(0, 10_000), List.of(1f, 1f))).build()));
        records.add(hostileEvent("SPARSE_INDICES_UNSORTED", "INVALID", encode, round, LabelledEvent.newBuilder(valid)
                .setFeatures(new SparseFeatures(List.of(3, 1), List.of(1f, 1f))).build()));
        records.add(hostileEvent("EMPTY_MODEL_ID", "UNKNOWN_MODEL", encode, round,
                LabelledEvent.newBuilder(valid).setModelId("").build()));
        records.add(hostileEvent("HUGE_MODEL_ID", "UNKNOWN_MODEL", encode, round,
                LabelledEvent.newBuilder(valid).setModelId("m".repeat(HUGE_STRING_CHARS)).build()));
        records.add(hostileEvent("HUGE_LABEL", "UNKNOWN_LABEL", encode, round,
                LabelledEvent.newBuilder(valid).setLabels(List.of("l".repeat(HUGE_STRING_CHARS))).build()));
        records.add(new Hostile("TOMBSTONE", "DESERIALIZATION", null));
        records.add(new Hostile("BAD_UNION_INDEX", "DESERIALIZATION", withFeaturesBranch(header, "bad-union-" + round, 9,
                encoder -> { })));
        records.add(new Hostile("OTHER_SUBJECT_SCHEMA", "DESERIALIZATION", otherSchema));
        records.add(keyed("NAN_KEYED_WRONG", "NON_FINITE", "wrong-key", false, encode, round, withDense(valid, 0, Float.NaN)));
        records.add(keyed("UNKNOWN_MODEL_UNKEYED", "UNKNOWN_MODEL", null, false, encode, round,
                LabelledEvent.newBuilder(valid).setModelId("no-such-model").build()));
        records.add(keyed("OVERSIZE_EVENT_ID_UNKEYED", "OVERSIZE", null, false, encode, round,
                LabelledEvent.newBuilder(valid).setId("i".repeat(MAX_EVENT_BYTES + 1)).build()));
        records.add(keyed("OVERSIZE_MODEL_ID", "OVERSIZE", MODEL, false, encode, round,
                LabelledEvent.newBuilder(valid).setModelId("m".repeat(MAX_EVENT_BYTES / 2 + 1)).build()));
        records.add(keyed("NO_TIMESTAMP", null, MODEL, true, encode, round, valid));
        records.add(keyed("NO_TIMESTAMP_UNKEYED", null, null, true, encode, round, valid));
        records.add(keyed("OVERSIZE_KEYED_RIGHT", null, MODEL, false, encode, round,
                LabelledEvent.newBuilder(valid).setId("i".repeat(MAX_EVENT_BYTES + 1)).build()));
        records.add(keyed("WRONG_KEY", null, "someone-else", false, encode, round, valid));
        records.add(keyed("EXTREME_FINITE", null, MODEL, false, encode, round, withAll(valid, 3.4e38f)));
        records.add(keyed("EXTREME_FINITE_UNKEYED", null, null, false, encode, round, withAll(valid, -3.4e38f)));
        return records;
    }

    /** An event sent under {@code key}, optionally without a timestamp. */
    private static Hostile keyed(String name, String expectedKind, String key, boolean noTimestamp,
            Function<LabelledEvent, byte[]> encode, int round, LabelledEvent event) {
        String eventId = event.getId().length() > MAX_EVENT_BYTES ? event.getId() : name.toLowerCase() + "-" + round;
        return new Hostile(name, expectedKind, key, encode.apply(LabelledEvent.newBuilder(event).setId(eventId).build()),
                noTimestamp);
    }

    private static Hostile hostileEvent(String name, String expectedKind,
            Function<LabelledEvent, byte[]> encode, int round, LabelledEvent event) {
        return keyed(name, expectedKind, MODEL, false, encode, round, event);
    }

    private static String expectedKind(BadRecords.Kind kind) {
        return switch (kind) {
            case NOT_AVRO, WRONG_MAGIC_BYTE, UNKNOWN_SCHEMA_ID, TRUNCATED -> "DESERIALIZATION";
            case WRONG_DIMENSION -> "DIMENSION";
            case NON_FINITE -> "NON_FINITE";
            case UNKNOWN_LABEL -> "UNKNOWN_LABEL";
            case NEGATIVE_WEIGHT -> "NEGATIVE_WEIGHT";
            case UNKNOWN_MODEL -> "UNKNOWN_MODEL";
        };
    }

    private interface Body {
        void write(BinaryEncoder encoder) throws IOException;
    }

    /** An event's id, time and model id, then the features union's branch {@code index} and what {@code rest} writes. */
    private static byte[] withFeaturesBranch(byte[] header, String id, int index, Body rest) {
        return withBody(header, encoder -> {
            encoder.writeString(id);
            encoder.writeLong(System.currentTimeMillis());
            encoder.writeString(MODEL);
            encoder.writeIndex(index);
            rest.write(encoder);
        });
    }

    private static byte[] withBody(byte[] header, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            body.write(encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    private static LabelledEvent withDense(LabelledEvent event, int index, float value) {
        List<Float> values = new ArrayList<>(((DenseFeatures) event.getFeatures()).getValues());
        values.set(index, value);
        return LabelledEvent.newBuilder(event).setFeatures(new DenseFeatures(values)).build();
    }

    private static LabelledEvent withAll(LabelledEvent event, float value) {
        int features = ((DenseFeatures) event.getFeatures()).getValues().size();
        return LabelledEvent.newBuilder(event).setFeatures(new DenseFeatures(new ArrayList<>(
                java.util.Collections.nCopies(features, value)))).build();
    }

    private static LabelledEvent withExtraFeature(LabelledEvent event) {
        List<Float> values = new ArrayList<>(((DenseFeatures) event.getFeatures()).getValues());
        values.add(0f);
        return LabelledEvent.newBuilder(event).setFeatures(new DenseFeatures(values)).build();
    }

    private static long sendGood(KafkaProducer<String, byte[]> producer, Serializer<LabelledEvent> serializer,
            DriftingStream stream, int count) {
        for (int i = 0; i < count; i++) {
            LabelledEvent event = Events.of(stream.next(), TestApps.labels(), MODEL, stream.position());
            producer.send(new ProducerRecord<>(topic, MODEL, serializer.serialize(topic, event)));
        }
        return count;
    }

    private static long send(KafkaProducer<String, byte[]> producer, byte[] value)
            throws InterruptedException, ExecutionException {
        return producer.send(new ProducerRecord<>(topic, MODEL, value)).get().offset();
    }

    private static long send(KafkaProducer<String, byte[]> producer, Hostile hostile)
            throws InterruptedException, ExecutionException {
        return producer.send(hostile.noTimestamp() ? PoisonPillTest.withoutTimestamp(topic, hostile.key(), hostile.value())
                : new ProducerRecord<>(topic, hostile.key(), hostile.value())).get().offset();
    }

    /** The test JVM's peak resident set (broker, registry and app together), from /proc; "n/a" elsewhere. */
    private static String peakRss() {
        try {
            return java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmHWM:")).map(line -> line.substring(6).trim()).findFirst()
                    .orElse("n/a");
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Map<String, Object> properties = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    /** Used heap once the collector has had a few chances to clear what is unreachable. */
    private static long heapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
        }
        return least;
    }
}
