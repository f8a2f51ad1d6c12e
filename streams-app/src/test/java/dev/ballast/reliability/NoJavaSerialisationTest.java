package dev.ballast.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Java serialisation anywhere in Ballast: state is written with {@code DataOutput}, records with Avro. Java
 * serialisation of untrusted bytes is a remote-code-execution door; this keeps it shut.
 */
class NoJavaSerialisationTest {

    private static final List<String> MODULES = List.of("schemas", "client", "streams-app");
    private static final Pattern SOURCE_USE = Pattern.compile(
            "\\b(ObjectInputStream|ObjectOutputStream|Serializable|Externalizable|readObject|writeObject|readResolve)\\b");
    private static final List<String> CLASS_REFERENCES = List.of("java/io/ObjectInputStream", "java/io/ObjectOutputStream");

    @Test
    void shouldUseNoJavaSerialisationInAnyMainSource() throws IOException {
        List<String> uses = new ArrayList<>();
        List<Path> sources = files("src/main/java", ".java");
        for (Path source : sources) {
            List<String> lines = Files.readAllLines(source);
            for (int line = 0; line < lines.size(); line++) {
                if (SOURCE_USE.matcher(lines.get(line)).find()) {
                    uses.add(source + ":" + (line + 1) + ": " + lines.get(line).strip());
                }
            }
        }
        assertTrue(sources.size() > 100, "found the main sources: " + sources.size());
        assertEquals(List.of(), uses);
    }

    @Test
    void shouldReferenceNoObjectStreamInAnyMainClass() throws IOException {
        List<String> uses = new ArrayList<>();
        List<Path> classes = files("target/classes", ".class");
        for (Path classFile : classes) {
            // Class names in the constant pool are modified UTF-8, which is plain ASCII for these.
            String constantPool = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            CLASS_REFERENCES.stream().filter(constantPool::contains).forEach(name -> uses.add(classFile + " uses " + name));
        }
        assertTrue(classes.size() > 100, "found the compiled main classes, generated Avro ones included: " + classes.size());
        assertEquals(List.of(), uses);
    }

    private static List<Path> files(String moduleDirectory, String suffix) throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        for (String module : MODULES) {
            Path directory = root.resolve(module).resolve(moduleDirectory);
            assertTrue(Files.isDirectory(directory), "tests run from the streams-app module: no " + directory);
            try (Stream<Path> walk = Files.walk(directory)) {
                walk.filter(path -> path.toString().endsWith(suffix)).forEach(files::add);
            }
        }
        return files;
    }
}
