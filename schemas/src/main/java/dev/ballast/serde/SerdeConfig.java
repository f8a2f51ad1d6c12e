package dev.ballast.serde;

import dev.ballast.registry.RegistryClientConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the Avro serdes. Registry and serializer keys are Confluent's, so an existing Confluent client
 * configuration works unchanged; Ballast's own keys start with {@code ballast.}. Every bad value fails fast with a
 * {@link ConfigException} naming the key.
 */
public final class SerdeConfig extends AbstractConfig {

    /** Comma-separated base URLs of the Schema Registry. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Whether the serializer registers the record's schema (true) or only looks its id up (false). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Whether the serializer writes with the subject's latest schema instead of the record's own. */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** {@code USER_INFO} to send {@link #BASIC_AUTH_USER_INFO} as HTTP basic auth; {@code URL} (default) for none. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for HTTP basic auth. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Confluent's alternative name of {@link #BASIC_AUTH_USER_INFO}. */
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    /** Subject naming for keys: a {@link SubjectNameStrategy} name or Confluent class name. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Subject naming for values: a {@link SubjectNameStrategy} name or Confluent class name. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    /** Largest payload the deserializer accepts, in bytes; also bounds item counts of collections. */
    public static final String MAX_PAYLOAD_BYTES = "ballast.serde.max.payload.bytes";
    /** Retries of a registry request after a 5xx answer or a connection failure. */
    public static final String REGISTRY_MAX_RETRIES = "ballast.schema.registry.max.retries";
    /** First back-off between registry retries, doubling up to {@link #REGISTRY_RETRY_BACKOFF_MAX_MS}. */
    public static final String REGISTRY_RETRY_BACKOFF_MS = "ballast.schema.registry.retry.backoff.ms";
    /** Longest back-off between registry retries. */
    public static final String REGISTRY_RETRY_BACKOFF_MAX_MS = "ballast.schema.registry.retry.backoff.max.ms";
    /** Connect and response timeout of one registry request. */
    public static final String REGISTRY_REQUEST_TIMEOUT_MS = "ballast.schema.registry.request.timeout.ms";

    private static final String USER_INFO_SOURCE = "USER_INFO";
    private static final String URL_SOURCE = "URL";

    private static final ConfigDef.Validator STRATEGY = (name, value) -> {
        if (value != null) {
            try {
                SubjectNameStrategy.parse(value.toString());
            } catch (ConfigException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }
    };

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, "", Importance.HIGH,
                    "Comma-separated base URLs of the Schema Registry, tried in turn when one is unreachable.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record's schema when serializing; when false, the schema must already be registered.")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Serialize with the subject's latest schema (the record is converted to it) instead of its own.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, URL_SOURCE,
                    ConfigDef.ValidString.in(URL_SOURCE, USER_INFO_SOURCE), Importance.MEDIUM,
                    "USER_INFO sends basic.auth.user.info as HTTP basic auth; URL sends no credentials.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM, "user:password for basic auth.")
            .define(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.LOW,
                    "Alternative name of basic.auth.user.info.")
            .define(KEY_SUBJECT_NAME_STRATEGY, Type.STRING, SubjectNameStrategy.TOPIC_NAME.confluentClassName(),
                    STRATEGY, Importance.MEDIUM, "Subject naming for keys: TopicName, RecordName or TopicRecordName.")
            .define(VALUE_SUBJECT_NAME_STRATEGY, Type.STRING, SubjectNameStrategy.TOPIC_NAME.confluentClassName(),
                    STRATEGY, Importance.MEDIUM, "Subject naming for values: TopicName, RecordName or TopicRecordName.")
            .define(MAX_PAYLOAD_BYTES, Type.INT, 16 * 1024 * 1024, ConfigDef.Range.atLeast(5), Importance.MEDIUM,
                    "Largest payload the deserializer accepts; larger ones are bad records of kind TOO_LARGE.")
            .define(REGISTRY_MAX_RETRIES, Type.INT, RegistryClientConfig.DEFAULT_MAX_RETRIES, ConfigDef.Range.atLeast(0),
                    Importance.LOW, "Retries of a registry request after a 5xx answer or a connection failure.")
            .define(REGISTRY_RETRY_BACKOFF_MS, Type.LONG, RegistryClientConfig.DEFAULT_INITIAL_BACKOFF.toMillis(),
                    ConfigDef.Range.atLeast(0), Importance.LOW, "First back-off between registry retries.")
            .define(REGISTRY_RETRY_BACKOFF_MAX_MS, Type.LONG, RegistryClientConfig.DEFAULT_MAX_BACKOFF.toMillis(),
                    ConfigDef.Range.atLeast(0), Importance.LOW, "Longest back-off between registry retries.")
            .define(REGISTRY_REQUEST_TIMEOUT_MS, Type.LONG, RegistryClientConfig.DEFAULT_REQUEST_TIMEOUT.toMillis(),
                    ConfigDef.Range.atLeast(1), Importance.LOW, "Connect and response timeout of one registry request.");

    /**
     * Parses {@code settings}; unknown keys are ignored, so a whole producer or Streams configuration may be passed.
     *
     * @throws ConfigException when a value is invalid
     */
    public SerdeConfig(Map<String, ?> settings) {
        super(DEFINITION, settings, false);
        if (USER_INFO_SOURCE.equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE)) && userInfo() == null) {
            throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]",
                    "must be set to user:password when " + BASIC_AUTH_CREDENTIALS_SOURCE + " is USER_INFO");
        }
    }

    /** The declared settings, for documentation. */
    public static ConfigDef definition() {
        return new ConfigDef(DEFINITION);
    }

    /**
     * Connection settings for a {@link dev.ballast.registry.RestSchemaRegistryClient}.
     *
     * @throws ConfigException when {@link #SCHEMA_REGISTRY_URL} is empty or invalid
     */
    public RegistryClientConfig registryClientConfig() {
        String urls = String.join(",", getList(SCHEMA_REGISTRY_URL));
        if (urls.isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, urls, "must name at least one Schema Registry URL");
        }
        RegistryClientConfig client;
        try {
            client = RegistryClientConfig.forUrls(urls);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, urls, e.getMessage());
        }
        client = client.withMaxRetries(getInt(REGISTRY_MAX_RETRIES))
                .withBackoff(Duration.ofMillis(getLong(REGISTRY_RETRY_BACKOFF_MS)),
                        Duration.ofMillis(Math.max(getLong(REGISTRY_RETRY_BACKOFF_MS), getLong(REGISTRY_RETRY_BACKOFF_MAX_MS))))
                .withRequestTimeout(Duration.ofMillis(getLong(REGISTRY_REQUEST_TIMEOUT_MS)));
        if (USER_INFO_SOURCE.equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE))) {
            try {
                client = client.withBasicAuth(userInfo());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", e.getMessage());
            }
        }
        return client;
    }

    /** Whether the serializer registers schemas. */
    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    /** Whether the serializer writes with the subject's latest schema. */
    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    /** The subject naming strategy for keys ({@code isKey}) or values. */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return SubjectNameStrategy.parse(getString(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY));
    }

    /** Largest payload the deserializer accepts, in bytes. */
    public int maxPayloadBytes() {
        return getInt(MAX_PAYLOAD_BYTES);
    }

    private String userInfo() {
        Password password = getPassword(BASIC_AUTH_USER_INFO);
        if (password == null) {
            password = getPassword(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO);
        }
        return password == null ? null : password.value();
    }
}
