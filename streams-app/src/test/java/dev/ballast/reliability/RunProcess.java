package dev.ballast.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ballast run} in a child JVM on this test's class path, as a user would start it: settings as
 * {@code --set} options, output appended to a log file.
 */
final class RunProcess {

    private final Process process;
    private final Path log;

    /** Where this process's output starts in the log, which earlier processes of the test share. */
    private final long logStart;

    private RunProcess(Process process, Path log, long logStart) {
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    static RunProcess start(Map<String, String> settings, Path log) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.ballast",
                "-cp", System.getProperty("java.class.path"),
                "dev.ballast.cli.Ballast", "run"));
        settings.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        try {
            long logStart = Files.exists(log) ? Files.size(log) : 0;
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new RunProcess(process, log, logStart);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ballast run", e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: no shutdown hook, no commit, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * SIGTERM, as a user's Ctrl-C or an orchestrator's stop; waits up to a minute for the graceful shutdown. A child
     * still alive after that has its threads dumped into the log (for the failure message) and is killed.
     *
     * @return how long the child took to exit, and how it exited
     */
    String stop() throws InterruptedException {
        long start = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            dumpThreads();
            process.destroyForcibly().waitFor();
            return "still running 60 s after SIGTERM: thread dump above, then killed";
        }
        return "exited " + process.exitValue() + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                + " ms";
    }

    private void dumpThreads() throws InterruptedException {
        try {
            Files.writeString(log, threadDump(), StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The failure message has the log without the dump.
        }
    }

    /** jstack of the child: every thread's stack. */
    private String threadDump() throws InterruptedException {
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        try {
            Process dump = new ProcessBuilder(jstack.toString(), Long.toString(process.pid())).redirectErrorStream(true)
                    .start();
            String all = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor(20, TimeUnit.SECONDS);
            return all;
        } catch (IOException e) {
            return "(no jstack: " + e.getMessage() + ")\n";
        }
    }

    /** The stacks of the child's Kafka Streams threads (jstack), for a failure message when it makes no progress. */
    String streamThreadStacks() throws InterruptedException {
        String all = threadDump();
        StringBuilder threads = new StringBuilder();
        for (String thread : all.split("\n\n")) {
            if (thread.contains("StreamThread") || thread.contains("StateUpdater")) {
                threads.append(thread).append("\n\n");
            }
        }
        return threads.length() == 0 ? all : threads.toString();
    }

    /** What this process has written so far (not the earlier processes sharing the log). */
    String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Waits until this process has written {@code text}; fails with its log if it exits or the time runs out. */
    void awaitLogged(String text, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logSinceStart().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the app did not log '" + text + "' (" + (process.isAlive() ? "timed out"
                        : "it exited") + "):\n" + logSinceStart());
            }
            Thread.sleep(100);
        }
    }

    /** The last lines the process wrote, for failure messages. */
    String logTail() {
        return logTail(30);
    }

    String logTail(int count) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
