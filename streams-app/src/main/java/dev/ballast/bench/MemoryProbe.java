package dev.ballast.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap and resident set of this process, and the trend of a series of heap samples. */
final class MemoryProbe {

    private static final Path STATUS = Path.of("/proc/self/status");

    private MemoryProbe() {
    }

    /**
     * Heap in use right after two full, stop-the-world collections (objects a cleaner kept alive through the
     * first go in the second). The app under test is stopped for both, so its timing may leave them out.
     */
    static long heapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Like {@link #heapUsedAfterGc}, with a pause between the collections: native-memory owners (ND4J's pointers)
     * are released by JavaCPP's deallocator thread after the first collection finds them unreachable. Without the
     * pause the heap before a model was created came out larger than with it. Not for use while an app is timed.
     */
    static long settledHeapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** {@code VmRSS} of {@code /proc/self/status} in bytes, or -1 where it cannot be read. */
    static long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Least-squares slope of {@code y} over {@code x}; 0 with fewer than two distinct x. */
    static double slope(double[] x, double[] y) {
        int n = x.length;
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += x[i] / n;
            meanY += y[i] / n;
        }
        double covariance = 0;
        double varianceX = 0;
        for (int i = 0; i < n; i++) {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            varianceX += (x[i] - meanX) * (x[i] - meanX);
        }
        return varianceX == 0 ? 0 : covariance / varianceX;
    }
}
