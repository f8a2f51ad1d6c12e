package dev.ballast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.processor.TrainingProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The top-level packages of {@code dev.ballast} depend on each other one way only: a package that uses another is
 * never used by it, directly or through others. Read from the compiled classes, whose constant pools name every class
 * they refer to (javadoc links, which compile to nothing, do not count).
 */
class PackageCycleTest {

    /** A class name as the constant pool writes it, in a descriptor or on its own: {@code dev/ballast/<package>/}. */
    private static final Pattern REFERENCE = Pattern.compile("dev/ballast/([a-z]+)/");

    @Test
    void shouldHaveNoCycleBetweenTopLevelPackages() throws IOException {
        Map<String, Set<String>> uses = dependencies(classesDirectory());
        assertTrue(uses.containsKey("processor") && uses.containsKey("topology"), "scanned " + uses.keySet());
        assertEquals(List.of(), cycles(uses), "packages that depend on each other (each group is a cycle)");
    }

    /** Per top-level package, the other top-level packages its classes refer to. */
    private static Map<String, Set<String>> dependencies(Path classes) throws IOException {
        Path root = classes.resolve("dev/ballast");
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(file -> file.toString().endsWith(".class")).forEach(file -> {
                String owner = root.relativize(file).getName(0).toString();
                Set<String> used = uses.computeIfAbsent(owner, unused -> new TreeSet<>());
                if (file.getParent().equals(root)) {
                    return;
                }
                Matcher reference = REFERENCE.matcher(read(file));
                while (reference.find()) {
                    if (!reference.group(1).equals(owner)) {
                        used.add(reference.group(1));
                    }
                }
            });
        }
        return uses;
    }

    /** The strongly connected groups of more than one package (Tarjan's algorithm), each sorted. */
    private static List<Set<String>> cycles(Map<String, Set<String>> uses) {
        return new Object() {
            final Map<String, Integer> index = new TreeMap<>();
            final Map<String, Integer> lowLink = new TreeMap<>();
            final List<String> stack = new ArrayList<>();
            final List<Set<String>> found = new ArrayList<>();

            List<Set<String>> run() {
                uses.keySet().forEach(name -> {
                    if (!index.containsKey(name)) {
                        visit(name);
                    }
                });
                return found;
            }

            void visit(String name) {
                index.put(name, index.size());
                lowLink.put(name, index.get(name));
                stack.add(name);
                for (String used : uses.getOrDefault(name, Set.of())) {
                    if (!index.containsKey(used)) {
                        visit(used);
                        lowLink.put(name, Math.min(lowLink.get(name), lowLink.get(used)));
                    } else if (stack.contains(used)) {
                        lowLink.put(name, Math.min(lowLink.get(name), index.get(used)));
                    }
                }
                if (lowLink.get(name).equals(index.get(name))) {
                    Set<String> group = new TreeSet<>();
                    String member;
                    do {
                        member = stack.remove(stack.size() - 1);
                        group.add(member);
                    } while (!member.equals(name));
                    if (group.size() > 1) {
                        found.add(group);
                    }
                }
            }
        }.run();
    }

    /** The directory the main classes were compiled to. */
    private static Path classesDirectory() {
        try {
            return Path.of(TrainingProcessor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A class file's bytes as text: class names in its constant pool are plain ASCII within it. */
    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
