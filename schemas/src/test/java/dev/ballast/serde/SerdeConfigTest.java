package dev.ballast.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.registry.RegistryClientConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SerdeConfigTest {

    @Test
    void shouldDefaultLikeConfluentsSerializer() {
        SerdeConfig config = new SerdeConfig(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081"));

        assertTrue(config.autoRegisterSchemas());
        assertFalse(config.useLatestVersion());
        assertEquals(SubjectNameStrategy.TOPIC_NAME, config.subjectNameStrategy(true));
        assertEquals(SubjectNameStrategy.TOPIC_NAME, config.subjectNameStrategy(false));
        assertEquals(16 * 1024 * 1024, config.maxPayloadBytes());
    }

    @Test
    void shouldSplitACommaSeparatedUrlList() {
        SerdeConfig config = new SerdeConfig(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://a:8081, https://b:8081/"));

        assertEquals(List.of("http://a:8081", "https://b:8081"),
                config.registryClientConfig().urls().stream().map(Object::toString).toList());
    }

    @Test
    void shouldRequireAUrlForAClientOfItsOwn() {
        ConfigException error = assertThrows(ConfigException.class, () -> new SerdeConfig(Map.of()).registryClientConfig());

        assertTrue(error.getMessage().contains(SerdeConfig.SCHEMA_REGISTRY_URL), error.getMessage());
    }

    @Test
    void shouldRequireUserInfoWhenTheCredentialSourceIsUserInfo() {
        ConfigException error = assertThrows(ConfigException.class, () -> new SerdeConfig(Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081",
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")));

        assertTrue(error.getMessage().contains(SerdeConfig.BASIC_AUTH_USER_INFO), error.getMessage());
    }

    @Test
    void shouldCarryUserInfoIntoTheClientWithoutShowingIt() {
        String secret = "hunter2-very-secret";
        SerdeConfig config = new SerdeConfig(Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081",
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SerdeConfig.BASIC_AUTH_USER_INFO, "ballast:" + secret));

        RegistryClientConfig client = config.registryClientConfig();

        assertTrue(client.toString().contains("basicAuth=true"), client.toString());
        assertFalse(client.toString().contains(secret));
        assertFalse(config.values().toString().contains(secret));
    }

    @Test
    void shouldAcceptEveryNamingOfTheSubjectStrategies() {
        for (String name : List.of("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
                "TopicRecordNameStrategy", "TopicRecordName", "topic_record_name", "TOPIC_RECORD_NAME")) {
            assertEquals(SubjectNameStrategy.TOPIC_RECORD_NAME, SubjectNameStrategy.parse(name), name);
        }
        assertEquals(SubjectNameStrategy.RECORD_NAME,
                SubjectNameStrategy.parse("io.confluent.kafka.serializers.subject.RecordNameStrategy"));
    }
}
