package dev.ballast.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state: schemas by global id, subjects and their versions, compatibility levels.
 *
 * <p>Every change is an event; with a data directory each event is appended to a JSON-lines journal and forced to
 * disk before it is applied, and the journal is replayed on start (a torn last line from a crash is dropped). The
 * journal is locked, so two registries cannot share a data directory.
 * All methods are synchronized: the registry is small and its writes are rare.
 */
final class RegistryStore implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOURNAL_FILE = "schemas.jsonl";
    private static final int LATEST = -1;

    record Version(String subject, int version, int id, String schema) { }

    private record StoredSchema(String canonical, Schema parsed) { }

    private record SubjectVersion(int version, int id, boolean deleted) { }

    private final Map<Integer, StoredSchema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, List<SubjectVersion>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;
    private final FileChannel journal;

    private RegistryStore(FileChannel journal) {
        this.journal = journal;
    }

    static RegistryStore inMemory() {
        return new RegistryStore(null);
    }

    static RegistryStore open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(JOURNAL_FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        RegistryStore store = new RegistryStore(channel);
        try {
            if (tryLock(channel) == null) {
                throw new IOException(file + " is in use by another Schema Registry");
            }
            byte[] content = Files.readAllBytes(file);
            int lineStart = 0;
            for (int i = 0; i < content.length; i++) {
                if (content[i] == '\n') {
                    store.apply(JSON.readTree(new String(content, lineStart, i - lineStart, StandardCharsets.UTF_8)));
                    lineStart = i + 1;
                }
            }
            channel.truncate(lineStart);
            channel.position(lineStart);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return store;
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    synchronized Version register(String subject, String schemaText) {
        StoredSchema candidate = parse(schemaText);
        List<SubjectVersion> versions = subjects.getOrDefault(subject, List.of());
        for (SubjectVersion existing : versions) {
            if (!existing.deleted() && schemasById.get(existing.id()).canonical().equals(candidate.canonical())) {
                return new Version(subject, existing.version(), existing.id(), candidate.canonical());
            }
        }
        List<Schema> live = liveSchemas(subject);
        List<String> problems = levelOf(subject).incompatibilities(candidate.parsed(), live);
        if (!problems.isEmpty()) {
            throw RegistryError.incompatible("Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\", details: " + problems);
        }
        int id = idsByCanonical.getOrDefault(candidate.canonical(), nextId);
        int version = versions.stream().mapToInt(SubjectVersion::version).max().orElse(0) + 1;
        ObjectNode event = event("SCHEMA").put("subject", subject).put("version", version).put("id", id)
                .put("schema", candidate.canonical());
        record(event);
        return new Version(subject, version, id, candidate.canonical());
    }

    synchronized Version lookup(String subject, String schemaText) {
        StoredSchema candidate = parse(schemaText);
        for (SubjectVersion version : liveVersions(subject)) {
            if (schemasById.get(version.id()).canonical().equals(candidate.canonical())) {
                return new Version(subject, version.version(), version.id(), candidate.canonical());
            }
        }
        throw RegistryError.schemaNotFound();
    }

    synchronized String schemaById(int id) {
        StoredSchema schema = schemasById.get(id);
        if (schema == null) {
            throw RegistryError.schemaNotFound(id);
        }
        return schema.canonical();
    }

    synchronized List<Version> versionsOfId(int id) {
        String schema = schemaById(id);
        List<Version> found = new ArrayList<>();
        subjects.forEach((subject, versions) -> versions.stream()
                .filter(version -> !version.deleted() && version.id() == id)
                .forEach(version -> found.add(new Version(subject, version.version(), id, schema))));
        return found;
    }

    synchronized List<String> subjects() {
        return subjects.entrySet().stream()
                .filter(entry -> entry.getValue().stream().anyMatch(version -> !version.deleted()))
                .map(Map.Entry::getKey)
                .toList();
    }

    synchronized List<Integer> versions(String subject) {
        return liveVersions(subject).stream().map(SubjectVersion::version).toList();
    }

    synchronized Version version(String subject, String versionText) {
        List<SubjectVersion> live = liveVersions(subject);
        int wanted = parseVersion(versionText);
        SubjectVersion found = wanted == LATEST
                ? live.get(live.size() - 1)
                : live.stream().filter(version -> version.version() == wanted).findFirst()
                        .orElseThrow(() -> RegistryError.versionNotFound(wanted));
        return new Version(subject, found.version(), found.id(), schemasById.get(found.id()).canonical());
    }

    synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        List<SubjectVersion> versions = subjects.get(subject);
        if (versions == null) {
            throw RegistryError.subjectNotFound(subject);
        }
        boolean anyLive = versions.stream().anyMatch(version -> !version.deleted());
        if (permanent && anyLive) {
            throw RegistryError.subjectNotSoftDeleted(subject);
        }
        if (!permanent && !anyLive) {
            throw RegistryError.subjectNotFound(subject);
        }
        List<Integer> deleted = versions.stream()
                .filter(version -> permanent || !version.deleted())
                .map(SubjectVersion::version)
                .toList();
        record(event("DELETE_SUBJECT").put("subject", subject).put("permanent", permanent));
        return deleted;
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized void setLevel(String subjectOrNull, CompatibilityLevel level) {
        record(event("CONFIG").put("subject", subjectOrNull).put("compatibility", level.name()));
    }

    /** Problems of {@code schemaText} against one version of the subject, by the subject's level; empty if none. */
    synchronized List<String> checkCompatibility(String subject, String versionText, String schemaText) {
        int wanted = parseVersion(versionText);
        StoredSchema candidate = parse(schemaText);
        List<SubjectVersion> live = subjects.getOrDefault(subject, List.of()).stream()
                .filter(version -> !version.deleted())
                .toList();
        if (live.isEmpty() && wanted == LATEST) {
            return List.of();
        }
        SubjectVersion against = wanted == LATEST
                ? live.get(live.size() - 1)
                : live.stream().filter(version -> version.version() == wanted).findFirst()
                        .orElseThrow(() -> RegistryError.versionNotFound(wanted));
        return levelOf(subject).incompatibilities(candidate.parsed(), List.of(schemasById.get(against.id()).parsed()));
    }

    @Override
    public synchronized void close() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    private CompatibilityLevel levelOf(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private List<SubjectVersion> liveVersions(String subject) {
        List<SubjectVersion> live = subjects.getOrDefault(subject, List.of()).stream()
                .filter(version -> !version.deleted())
                .toList();
        if (live.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return live;
    }

    private List<Schema> liveSchemas(String subject) {
        return subjects.getOrDefault(subject, List.of()).stream()
                .filter(version -> !version.deleted())
                .map(version -> schemasById.get(version.id()).parsed())
                .toList();
    }

    private static int parseVersion(String text) {
        if ("latest".equalsIgnoreCase(text.trim())) {
            return LATEST;
        }
        try {
            int version = Integer.parseInt(text.trim());
            if (version == LATEST || version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            throw RegistryError.invalidVersion(text);
        }
        throw RegistryError.invalidVersion(text);
    }

    private static StoredSchema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryError.invalidSchema("empty schema");
        }
        try {
            Schema parsed = new Schema.Parser().parse(schemaText);
            return new StoredSchema(parsed.toString(), parsed);
        } catch (AvroRuntimeException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private void record(ObjectNode event) {
        if (journal != null) {
            long end = -1;
            try {
                end = journal.position();
                journal.write(ByteBuffer.wrap((event + "\n").getBytes(StandardCharsets.UTF_8)));
                journal.force(false);
            } catch (IOException e) {
                discardPartialWrite(end);
                throw RegistryError.storeError("Could not write the registry journal: " + e.getMessage());
            }
        }
        apply(event);
    }

    /** Cuts a half-written line so the next event starts on a line of its own. */
    private void discardPartialWrite(long end) {
        if (end >= 0) {
            try {
                journal.truncate(end);
                journal.position(end);
            } catch (IOException e) {
                LOG.error("Could not cut a half-written line from the registry journal; restart the registry", e);
            }
        }
    }

    private void apply(JsonNode event) {
        String type = event.path("type").asText();
        String subject = event.path("subject").isNull() ? null : event.path("subject").asText();
        switch (type) {
            case "SCHEMA" -> {
                int id = event.path("id").asInt();
                String canonical = event.path("schema").asText();
                if (!schemasById.containsKey(id)) {
                    schemasById.put(id, new StoredSchema(canonical, new Schema.Parser().parse(canonical)));
                    idsByCanonical.put(canonical, id);
                    nextId = Math.max(nextId, id + 1);
                }
                subjects.computeIfAbsent(subject, unused -> new ArrayList<>())
                        .add(new SubjectVersion(event.path("version").asInt(), id, false));
            }
            case "DELETE_SUBJECT" -> {
                if (event.path("permanent").asBoolean()) {
                    subjects.remove(subject);
                    subjectLevels.remove(subject);
                } else {
                    subjects.get(subject).replaceAll(version -> new SubjectVersion(version.version(), version.id(), true));
                }
            }
            case "CONFIG" -> {
                CompatibilityLevel level = CompatibilityLevel.valueOf(event.path("compatibility").asText());
                if (subject == null) {
                    globalLevel = level;
                } else {
                    subjectLevels.put(subject, level);
                }
            }
            default -> throw new UncheckedIOException(new IOException("Unknown registry journal event " + type));
        }
    }
}
