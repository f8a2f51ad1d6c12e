package dev.ballast.deploy;

import static dev.ballast.deploy.DeploymentFiles.DOCKER;
import static dev.ballast.deploy.DeploymentFiles.ROOT;
import static dev.ballast.deploy.DeploymentFiles.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.deploy.DeploymentFiles.Instruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code docker/Dockerfile} cannot be built here (no Docker): its references are checked against the repository. */
class DockerfileTest {

    private static final String LAUNCHER_IN_IMAGE = "/usr/local/bin/ballast";

    private final List<Instruction> instructions = DeploymentFiles.dockerfile();
    private final List<Instruction> runtime = DeploymentFiles.runtimeStage();

    @Test
    void shouldBuildInOneStageAndRunFromAPinnedJavaRuntimeImage() {
        List<String> bases = instructions.stream().filter(instruction -> instruction.keyword().equals("FROM"))
                .map(instruction -> instruction.arguments().split("\\s+")[0]).toList();
        assertEquals(2, bases.size(), bases.toString());
        bases.forEach(base -> assertTrue(DeploymentFiles.isPinned(base), base + " has no version tag"));
        assertTrue(bases.get(0).startsWith("maven:"), bases.get(0));
        assertTrue(bases.get(1).startsWith("eclipse-temurin:17-jre"), bases.get(1));
        assertTrue(runtime.stream().noneMatch(instruction -> instruction.arguments().contains("mvn ")),
                "the runtime stage does not run Maven");
    }

    @Test
    void shouldCopyOnlyPathsThatExistInTheRepository() {
        List<Instruction> copies = instructions.stream().filter(instruction -> instruction.keyword().equals("COPY")).toList();
        assertFalse(copies.isEmpty());
        for (Instruction copy : copies) {
            List<String> words = Arrays.stream(copy.arguments().split("\\s+")).toList();
            if (words.stream().anyMatch(word -> word.startsWith("--from="))) {
                continue;
            }
            List<String> paths = words.stream().filter(word -> !word.startsWith("--")).toList();
            for (String source : paths.subList(0, paths.size() - 1)) {
                assertTrue(Files.exists(ROOT.resolve(source)), "COPY " + source + " does not exist in the repository");
            }
        }
    }

    @Test
    void shouldEnterThroughALauncherThatRunsTheCliWithoutMaven() throws Exception {
        assertEquals("[\"ballast\"]", only("ENTRYPOINT").arguments().replace(" ", ""));
        Instruction copyLauncher = runtime.stream()
                .filter(instruction -> instruction.keyword().equals("COPY") && instruction.arguments().endsWith(" " + LAUNCHER_IN_IMAGE))
                .findFirst().orElseThrow(() -> new AssertionError("no COPY of the launcher to " + LAUNCHER_IN_IMAGE));
        assertTrue(copyLauncher.arguments().contains("--chmod=0755"), "the launcher is executable in the image");
        Path launcher = ROOT.resolve(copyLauncher.arguments().split("\\s+")[1]);
        String script = Files.readString(launcher);
        String mainClass = find(Pattern.compile("-cp \"[^\"]+\" (\\S+) \"\\$@\""), script);
        assertEquals(dev.ballast.cli.Ballast.class.getName(), mainClass);
        assertFalse(script.contains("mvn"), "the image's launcher never builds");
        String home = find(Pattern.compile("home=(\\S+)"), script);
        assertTrue(script.contains("-cp \"$home/lib/*\""), "the class path is the jars in " + home + "/lib");
        assertEquals(home + "/lib/", find(Pattern.compile("--from=build \\S+ (\\S+)"), runtimeArguments("COPY")));
    }

    @Test
    void shouldUnpackTheNativeLibrariesAtBuildTimeAsTheUserThatRunsBallast() throws Exception {
        String script = Files.readString(DOCKER.resolve("ballast"));
        String cacheDir = find(Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.cachedir=\"\\$home(/\\S+)\""), script);
        String home = find(Pattern.compile("home=(\\S+)"), script);
        assertTrue(runtimeArguments("RUN").contains(home + cacheDir), "the image creates " + home + cacheDir);

        int user = indexOf(runtime, "USER");
        int warmUp = -1;
        for (int i = 0; i < runtime.size(); i++) {
            if (runtime.get(i).keyword().equals("RUN") && runtime.get(i).arguments().contains("ballast evaluate")) {
                warmUp = i;
            }
        }
        assertTrue(warmUp > user && user > 0, "ND4J is loaded once, after switching to the runtime user");
        String runtimeUser = runtime.get(user).arguments();
        assertNotEquals("root", runtimeUser);
        assertTrue(runtimeArguments("RUN").contains("chown -R " + runtimeUser + ":" + runtimeUser + " "));
    }

    @Test
    void shouldCheckHealthOnTheMetricsPortThatComposeConfigures() {
        String composePort = DeploymentFiles.settings(DeploymentFiles.composeServices().path("ballast"))
                .get("ballast.dashboard.port");
        assertEquals(composePort, only("EXPOSE").arguments());
        String healthUrl = find(Pattern.compile("(http://\\S+)"), only("HEALTHCHECK").arguments());
        assertEquals(Integer.parseInt(composePort), DeploymentFiles.port(healthUrl));
        assertTrue(healthUrl.endsWith("/metrics"), healthUrl);
    }

    @Test
    void shouldKeepBuildOutputAndDataOutOfTheBuildContext() throws Exception {
        List<String> ignored = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore"));
        assertTrue(ignored.containsAll(List.of("**/target", "data", ".git")), ignored.toString());
    }

    private Instruction only(String keyword) {
        List<Instruction> matching = runtime.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
        assertEquals(1, matching.size(), "one " + keyword + " in the runtime stage");
        return matching.get(0);
    }

    private String runtimeArguments(String keyword) {
        return String.join("\n", runtime.stream().filter(instruction -> instruction.keyword().equals(keyword))
                .map(Instruction::arguments).toList());
    }

    private static int indexOf(List<Instruction> instructions, String keyword) {
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals(keyword)) {
                return i;
            }
        }
        throw new AssertionError("no " + keyword + " in " + instructions);
    }
}
