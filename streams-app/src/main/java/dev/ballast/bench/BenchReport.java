package dev.ballast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one {@code ballast bench} run, as a table or one JSON object.
 *
 * @param machine             the machine, with the load average at the start
 * @param loadAverageAtEnd    one-minute load average at the end
 * @param events              events each Kafka Streams app processed
 * @param batchSize           the Ballast app's mini-batch size
 * @param processingGuarantee of both Kafka Streams apps
 * @param passThrough         the pass-through app
 * @param training            the Ballast app
 * @param latency             event-to-snapshot latency of the Ballast app
 * @param scoringJoining      the Ballast app over as many events, a share of them unlabelled with their labels
 *                            following later: scoring, joining and training
 * @param learner             the learner alone, per shape and batch size
 * @param footprint           memory with one warmed-up model
 * @param seconds             wall-clock time of the whole run
 */
public record BenchReport(Machine machine, double loadAverageAtEnd, long events, int batchSize,
        String processingGuarantee, AppThroughput passThrough, AppThroughput training, SnapshotLatency latency,
        AppThroughput scoringJoining, List<LearnerThroughput> learner, MemoryFootprint footprint, double seconds) {

    /** Training throughput at least half the pass-through's (2 cores, default model). */
    public static final double RATIO_TARGET = 0.5;
    /** The learner alone on the default model's shape, batch 256. */
    public static final double DENSE_LEARNER_TARGET = 500_000;
    /** The learner alone on the IMDB-like sparse shape, batch 256. */
    public static final double SPARSE_LEARNER_TARGET = 200_000;

    private static final LearnerShape DEFAULT_SHAPE = LearnerShape.dense(30, 10);
    private static final LearnerShape IMDB_LIKE_SHAPE = LearnerShape.sparse(1001, 28, 20);
    private static final int TARGET_BATCH = 256;

    /** A performance target and whether this run met it. */
    public record Target(String name, double measured, double goal, boolean met) {
    }

    public BenchReport {
        learner = List.copyOf(learner);
    }

    /** Training throughput over pass-through throughput: regressions show up here first. */
    public double ratio() {
        return training.eventsPerSecond() / passThrough.eventsPerSecond();
    }

    /** The targets this run has the figures for. */
    public List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("training / pass-through", ratio(), RATIO_TARGET, ratio() >= RATIO_TARGET));
        for (LearnerThroughput result : learner) {
            if (result.batch() != TARGET_BATCH) {
                continue;
            }
            if (result.shape().equals(DEFAULT_SHAPE)) {
                targets.add(learnerTarget("learner dense 30x10, batch 256, events/s", result, DENSE_LEARNER_TARGET));
            } else if (result.shape().equals(IMDB_LIKE_SHAPE)) {
                targets.add(learnerTarget("learner sparse IMDB-like, batch 256, events/s", result, SPARSE_LEARNER_TARGET));
            }
        }
        return targets;
    }

    private void printLearner(PrintStream out, String unit, Set<LearnerShape> shapes, Set<Integer> batches,
            ToDoubleFunction<LearnerThroughput> figure) {
        out.println("Learner alone (OnlineTrainer: predict, metrics, thresholds, weights, one optimiser step), " + unit);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-36s", "shape"));
        batches.forEach(batch -> header.append(String.format(Locale.ROOT, " %12s", "batch " + batch)));
        out.println(header);
        for (LearnerShape shape : shapes) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-36s", shape));
            for (int batch : batches) {
                double value = learner.stream()
                        .filter(result -> result.shape().equals(shape) && result.batch() == batch)
                        .mapToDouble(figure).findFirst().orElse(Double.NaN);
                row.append(String.format(Locale.ROOT, " %,12.0f", value));
            }
            out.println(row);
        }
    }

    private static Target learnerTarget(String name, LearnerThroughput result, double goal) {
        return new Target(name, result.eventsPerSecond(), goal, result.eventsPerSecond() >= goal);
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("passThroughEventsPerSecond", passThrough.eventsPerSecond());
        root.put("trainingEventsPerSecond", training.eventsPerSecond());
        root.put("ratio", ratio());
        putCpu(root.putObject("passThroughCpu"), passThrough);
        putCpu(root.putObject("trainingCpu"), training);
        root.put("scoringJoiningEventsPerSecond", scoringJoining.eventsPerSecond());
        root.put("scoringJoiningUnlabelledFraction", StreamsBenchmark.UNLABELLED_FRACTION);
        root.put("scoringJoiningLabelDelayMsMin", StreamsBenchmark.MIN_LABEL_DELAY_MS);
        root.put("scoringJoiningLabelDelayMsMax", StreamsBenchmark.MAX_LABEL_DELAY_MS);
        putCpu(root.putObject("scoringJoiningCpu"), scoringJoining);
        ArrayNode learnerNode = root.putArray("learner");
        for (LearnerThroughput result : learner) {
            learnerNode.addObject()
                    .put("features", result.shape().features())
                    .put("labels", result.shape().labels())
                    .put("nonZeros", result.shape().nonZeros())
                    .put("batch", result.batch())
                    .put("eventsPerSecond", result.eventsPerSecond())
                    .put("eventsPerCpuSecond", result.eventsPerCpuSecond());
        }
        root.put("heapMb", footprint.heapBytes() / 1e6);
        root.put("modelHeapMb", footprint.modelHeapBytes() / 1e6);
        if (footprint.residentSetBytes() >= 0) {
            root.put("rssMb", footprint.residentSetBytes() / 1e6);
        } else {
            root.putNull("rssMb");
        }
        root.put("footprintModel", footprint.shape().toString());
        root.put("snapshotLatencyMsP50", latency.p50Ms());
        root.put("snapshotLatencyMsP99", latency.p99Ms());
        root.put("snapshotLatencyMsMax", latency.maxMs());
        root.put("latencyEvents", latency.events());
        root.put("latencyEventsPerSecond", latency.eventsPerSecond());
        root.put("trainingHeapSlopeMbPerMillionEvents", training.heapSlopeMbPerMillionEvents());
        root.put("passThroughHeapSlopeMbPerMillionEvents", passThrough.heapSlopeMbPerMillionEvents());
        putHeapSamples(root.putArray("trainingHeapSamples"), training);
        putHeapSamples(root.putArray("passThroughHeapSamples"), passThrough);
        root.put("events", events);
        root.put("batchSize", batchSize);
        root.put("processingGuarantee", processingGuarantee);
        ArrayNode targetsNode = root.putArray("targets");
        for (Target target : targets()) {
            targetsNode.addObject().put("name", target.name()).put("measured", target.measured())
                    .put("goal", target.goal()).put("met", target.met());
        }
        root.putObject("machine")
                .put("cpus", machine.cpus())
                .put("cpuModel", machine.cpuModel())
                .put("loadAverageAtStart", machine.loadAverage1())
                .put("loadAverageAtEnd", loadAverageAtEnd)
                .put("java", machine.javaVersion());
        root.put("seconds", seconds);
        return root;
    }

    private static void putCpu(ObjectNode node, AppThroughput app) {
        node.put("streamThreadMicrosPerEvent", app.streamThreadMicrosPerEvent())
                .put("streamThreadBusy", app.streamThreadBusy())
                .put("processMicrosPerEvent", app.processMicrosPerEvent());
    }

    private static void putHeapSamples(ArrayNode samples, AppThroughput app) {
        for (HeapSample sample : app.heap()) {
            samples.addObject().put("events", sample.events()).put("heapMb", sample.heapBytes() / 1e6);
        }
    }

    private static void printCpu(PrintStream out, String name, AppThroughput app) {
        out.printf(Locale.ROOT, "  %-28s stream thread %.1f us per event, on a CPU %.0f%% of the time; "
                + "whole process %.1f us per event%n", name, app.streamThreadMicrosPerEvent(),
                100 * app.streamThreadBusy(), app.processMicrosPerEvent());
    }

    private static void printHeap(PrintStream out, String name, AppThroughput app) {
        LongSummaryStatistics heap = app.heap().stream().mapToLong(HeapSample::heapBytes).summaryStatistics();
        out.printf(Locale.ROOT, "  %-28s %.1f to %.1f MB from event %,d to %,d: trend %+.1f MB per million events%n",
                name, heap.getMin() / 1e6, heap.getMax() / 1e6, app.heap().get(0).events(),
                app.heap().get(app.heap().size() - 1).events(), app.heapSlopeMbPerMillionEvents());
    }

    public void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "Ballast bench: %d CPUs (%s), load average %.2f at the start and %.2f at the end, Java %s%n%n",
                machine.cpus(), machine.cpuModel(), machine.loadAverage1(), loadAverageAtEnd, machine.javaVersion());
        out.printf(Locale.ROOT, "Kafka Streams (%s, one partition, in-process broker), %,d events each%n",
                processingGuarantee, events);
        out.printf(Locale.ROOT, "  %-28s %,12.0f events/s%n", "pass-through (deserialise)", passThrough.eventsPerSecond());
        out.printf(Locale.ROOT, "  %-28s %,12.0f events/s   ratio %.2f%n", "Ballast training", training.eventsPerSecond(),
                ratio());
        out.printf(Locale.ROOT, "  %-28s %,12.0f events/s   (%.0f%% unlabelled, labels %d-%d ms later)%n",
                "Ballast scoring + joining", scoringJoining.eventsPerSecond(), 100 * StreamsBenchmark.UNLABELLED_FRACTION,
                StreamsBenchmark.MIN_LABEL_DELAY_MS, StreamsBenchmark.MAX_LABEL_DELAY_MS);
        printCpu(out, "CPU, pass-through", passThrough);
        printCpu(out, "CPU, training", training);
        printCpu(out, "CPU, scoring + joining", scoringJoining);
        printHeap(out, "heap after GC, pass-through", passThrough);
        printHeap(out, "heap after GC, training", training);
        out.printf(Locale.ROOT, "  %-28s p50 %,.0f ms, p99 %,.0f ms, max %,.0f ms (%,d events at %,.0f/s)%n%n",
                "event-to-snapshot latency", latency.p50Ms(), latency.p99Ms(), latency.maxMs(), latency.events(),
                latency.eventsPerSecond());

        Set<Integer> batches = new LinkedHashSet<>();
        Set<LearnerShape> shapes = new LinkedHashSet<>();
        learner.forEach(result -> {
            batches.add(result.batch());
            shapes.add(result.shape());
        });
        printLearner(out, "events/s", shapes, batches, LearnerThroughput::eventsPerSecond);
        printLearner(out, "events per second of its thread's CPU time", shapes, batches,
                LearnerThroughput::eventsPerCpuSecond);
        out.printf(Locale.ROOT, "%nMemory with a warmed-up %s model: heap %.1f MB after GC (the model's share %.1f MB), "
                        + "resident set %s%n%n", footprint.shape(), footprint.heapBytes() / 1e6,
                footprint.modelHeapBytes() / 1e6,
                footprint.residentSetBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", footprint.residentSetBytes() / 1e6));
        out.println("Targets");
        for (Target target : targets()) {
            out.printf(Locale.ROOT, "  %-48s %,12.2f  goal %,.2f  %s%n", target.name(), target.measured(), target.goal(),
                    target.met() ? "met" : "NOT met");
        }
        out.printf(Locale.ROOT, "%nTotal %.0f s%n", seconds);
    }
}
