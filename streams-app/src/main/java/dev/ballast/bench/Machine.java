package dev.ballast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the figures were measured on.
 *
 * @param cpus         processors available to the JVM
 * @param cpuModel     {@code model name} of {@code /proc/cpuinfo}, or {@code os.arch} where it is absent
 * @param loadAverage1 one-minute load average, or -1 where {@code /proc/loadavg} is absent
 * @param javaVersion  {@code java.version}
 */
public record Machine(int cpus, String cpuModel, double loadAverage1, String javaVersion) {

    public static Machine current() {
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(), loadAverage(),
                System.getProperty("java.version"));
    }

    /** The one-minute load average now, or -1 where {@code /proc/loadavg} is absent. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String readCpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
