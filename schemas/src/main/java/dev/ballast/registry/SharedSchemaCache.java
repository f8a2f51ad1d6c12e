package dev.ballast.registry;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/**
 * What one Schema Registry has answered this process: ids by (subject, schema), schemas by id, and the latest version
 * of a subject as first fetched. Every {@link RestSchemaRegistryClient} of the same registry shares one, because
 * Kafka Streams builds serdes and error handlers from properties, each with a client of its own: an id one of them
 * resolved (at start-up above all) serves them all, also while the registry is down.
 *
 * <p>A registry is its set of URLs and the basic-auth user, so an answer never crosses to another registry, nor to
 * another user whom the registry's access control may answer differently. An id never changes its schema, so ids and
 * schemas never go stale, and the latest version is fixed on purpose ({@link SchemaRegistryClient#pinnedLatest}); a
 * process knows few schemas, so everything is kept for its life. Thread-safe.
 */
final class SharedSchemaCache {

    private static final Map<Registry, SharedSchemaCache> BY_REGISTRY = new ConcurrentHashMap<>();

    private record Registry(Set<URI> urls, String user) { }

    private record SubjectSchema(String subject, Schema schema) { }

    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> pinnedLatestBySubject = new ConcurrentHashMap<>();

    private SharedSchemaCache() {
    }

    /** The cache of the registry that {@code config} reaches. */
    static SharedSchemaCache of(RegistryClientConfig config) {
        String user = config.basicAuthUserInfo()
                .map(userInfo -> userInfo.substring(0, userInfo.indexOf(':')))
                .orElse(null);
        return BY_REGISTRY.computeIfAbsent(new Registry(Set.copyOf(config.urls()), user),
                unused -> new SharedSchemaCache());
    }

    /**
     * The id of {@code schema} under {@code subject}, asking {@code registry} only when no client of this registry
     * has had it yet.
     */
    int id(String subject, Schema schema, IntSupplier registry) {
        return cached(idsBySubjectSchema, new SubjectSchema(subject, schema), () -> {
            int id = registry.getAsInt();
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** The schema of {@code id}, asking {@code registry} only when no client of this registry has had it yet. */
    Schema schema(int id, Supplier<Schema> registry) {
        return cached(schemasById, id, registry);
    }

    /**
     * The latest version of {@code subject} as a client of this registry first fetched it from {@code registry},
     * fetching it now when none has.
     */
    RegisteredSchema pinnedLatest(String subject, Supplier<RegisteredSchema> registry) {
        return cached(pinnedLatestBySubject, subject, registry);
    }

    /**
     * The answer cached under {@code key}, else {@code registry}'s, cached; the registry is not called under a lock,
     * so a slow answer holds up no other key, and when two threads ask at once the first answer stored wins.
     */
    private static <K, V> V cached(Map<K, V> cache, K key, Supplier<V> registry) {
        V cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        V answer = registry.get();
        V previous = cache.putIfAbsent(key, answer);
        return previous != null ? previous : answer;
    }
}
