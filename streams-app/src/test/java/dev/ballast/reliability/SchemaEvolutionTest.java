package dev.ballast.reliability;

import dev.ballast.testing.TestApps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.Events;
import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.io.DriftingStream;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.serde.AvroSerdes;
import dev.ballast.testing.BrokerTest;
import dev.ballast.testing.KafkaTestClient;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers on the next version of LabelledEvent (an added optional field, registered under the same subject) and
 * producers on the current one write at once: the app reads both and trains on every event.
 */
@BrokerTest
class SchemaEvolutionTest {

    private static final String MODEL = "default";
    private static final int EVENTS = 1_200;

    @TempDir
    Path work;

    @Test
    void shouldTrainEventsOfTheCurrentAndTheNextSchemaVersionInterleaved(EmbeddedKafka kafka) throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)) {
            Map<String, String> settings = TestApps.settings(kafka.bootstrapServers(), registry.url(), KafkaTestClient.uniqueName("evolution"), 1);
            settings.put("state.dir", work.toString());
            BallastConfig config = new BallastConfig(settings);
            String topic = config.getString(BallastConfig.EVENTS_TOPIC);
            new KafkaTestClient(kafka).createTopics(1, topic);
            Map<String, Object> client = config.nonBallastProperties();
            Schema next = nextVersion();
            Serializer<GenericRecord> nextSerializer = AvroSerdes.generic(client, false).serializer();
            try (BallastApp app = BallastApp.start(config);
                 EventPublisher current = new EventPublisher(client, BallastSerdes.fromConfig(client).events().serializer(), topic);
                 KafkaProducer<String, GenericRecord> upgraded = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), nextSerializer);
                 DriftingStream stream = new DriftingStream(TestApps.STREAM, EVENTS)) {
                for (long sequence = 0; stream.hasNext(); sequence++) {
                    LabelledEvent event = Events.of(stream.next(), TestApps.labels(), MODEL, sequence);
                    if (sequence % 2 == 0) {
                        current.send(event);
                    } else {
                        upgraded.send(new ProducerRecord<>(topic, MODEL, onNextVersion(event, next)));
                    }
                }
                current.flush();
                upgraded.flush();

                AppOutputs outputs = AppOutputs.awaitEventsTrained(config, MODEL, EVENTS, Duration.ofSeconds(90));
                assertEquals(EVENTS, outputs.latest(MODEL).getEventsTrained());
                assertEquals(List.of(), outputs.deadLetters(), "nothing rejected");
            }
            assertEquals(2, registeredVersions(registry.url(), topic + "-value"), "both versions under one subject");
        }
    }

    /** LabelledEvent plus an optional {@code source} field with a default: a backward-compatible next version. */
    private static Schema nextVersion() {
        Schema currentSchema = LabelledEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : currentSchema.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field("source", Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), "Which system produced the event.", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(currentSchema.getName(), currentSchema.getDoc(), currentSchema.getNamespace(), false,
                fields);
    }

    private static GenericRecord onNextVersion(LabelledEvent event, Schema next) {
        GenericRecord record = new GenericData.Record(next);
        for (Schema.Field field : LabelledEvent.getClassSchema().getFields()) {
            record.put(field.name(), event.get(field.pos()));
        }
        record.put("eventTime", event.getEventTime().toEpochMilli());
        record.put("source", "upgraded-producer");
        return record;
    }

    private static int registeredVersions(String registryUrl, String subject) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + subject + "/versions"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        return response.body().replaceAll("[\\[\\]\\s]", "").split(",").length;
    }
}
