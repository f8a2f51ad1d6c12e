package dev.ballast.bench;

import dev.ballast.config.BallastConfig;
import dev.ballast.embedded.EventPublisher;
import dev.ballast.embedded.Events;
import dev.ballast.io.DriftingStream;
import dev.ballast.io.DriftingStreamSpec;
import dev.ballast.topology.BallastApp;
import dev.ballast.cluster.BallastSerdes;
import dev.ballast.topology.StreamsSettings;
import dev.ballast.topology.TopicProvisioner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka half of the bench, on a running broker and registry: produces the events once; then, per round, runs
 * the pass-through app over them and Ballast over the same events, each round as new applications; after the last
 * (timed) round, measures event-to-snapshot latency on live events, then runs Ballast once more over as many events
 * of which a share comes unlabelled, their labels following on the labels topic (scoring + joining).
 */
final class StreamsBenchmark {

    private static final String COUNTS_TOPIC = "ballast-bench.pass-through-counts";
    private static final int HEAP_SAMPLES = 10;
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String LATE_LABELLED_EVENTS_TOPIC = "ballast-bench.late-labelled-events";
    /** Share of the scoring + joining round's events sent unlabelled. */
    static final double UNLABELLED_FRACTION = 0.5;
    /** Their labels follow after a delay drawn uniformly from this range, in ms. */
    static final long MIN_LABEL_DELAY_MS = 0;
    static final long MAX_LABEL_DELAY_MS = 1000;

    /** The Kafka figures. */
    record Result(AppThroughput passThrough, AppThroughput training, SnapshotLatency latency,
            AppThroughput scoringJoining) {
    }

    private final BallastConfig config;
    private final BenchSettings settings;
    private final Path workDir;
    private final PrintStream progress;
    private final BallastSerdes serdes;
    private final String modelId;
    private final List<String> labels;
    private final DriftingStreamSpec spec;
    private final long reportEvery;

    /**
     * @param config      Ballast's settings, Kafka client settings included; {@code application.id} is the
     *                    training app's
     * @param reportEvery events per snapshot of the training app (batch size x snapshot interval in steps): the
     *                    pass-through app reports its count as often
     */
    StreamsBenchmark(BallastConfig config, BenchSettings settings, Path workDir, PrintStream progress, long reportEvery) {
        this.config = config;
        this.settings = settings;
        this.workDir = workDir;
        this.progress = progress;
        this.serdes = BallastSerdes.fromConfig(config.nonBallastProperties());
        this.modelId = config.getList(BallastConfig.MODELS).get(0);
        BallastConfig model = config.forModel(modelId);
        this.labels = model.getList(BallastConfig.MODEL_LABELS);
        DriftingStreamSpec demo = DriftingStreamSpec.demo();
        this.spec = new DriftingStreamSpec(model.getInt(BallastConfig.MODEL_FEATURES), labels.size(), demo.seed(),
                demo.driftPeriodEvents(), demo.minPrevalence(), demo.maxPrevalence(), demo.labelNoise(), false, 0);
        this.reportEvery = reportEvery;
    }

    Result run(long events) throws Exception {
        createTopics();
        String eventsTopic = config.getString(BallastConfig.EVENTS_TOPIC);
        try (EventPublisher publisher = new EventPublisher(config.nonBallastProperties(), serdes.events().serializer(),
                eventsTopic)) {
            progress.printf(Locale.ROOT, "bench: producing %,d events (%d features, %d labels) to %s%n", events,
                    spec.featureCount(), spec.labelCount(), eventsTopic);
            try (DriftingStream stream = new DriftingStream(spec, events)) {
                publisher.publish(stream, labels, modelId, events, 0, 0, spec.seed());
            }
            for (int round = 1; ; round++) {
                boolean last = round == settings.rounds();
                String name = last ? "timed round" : "warm-up round " + round;
                AppThroughput passThrough = runPassThrough(eventsTopic, events, round);
                progress.printf(Locale.ROOT, "bench: %s: pass-through %,.0f events/s%n", name,
                        passThrough.eventsPerSecond());
                // Each round is a new application with its own state; the reader starts at the topic's end, so
                // it sees only this round's snapshots.
                BallastConfig roundConfig = last ? config : warmUpConfig(round);
                AppThroughput training;
                SnapshotLatency latency = null;
                try (ProgressReader snapshots = new ProgressReader(config.nonBallastProperties(),
                        config.getString(BallastConfig.MODEL_UPDATES_TOPIC), this::eventsTrained);
                     BallastApp app = BallastApp.start(roundConfig)) {
                    training = followTraining(app, snapshots, events, last);
                    progress.printf(Locale.ROOT, "bench: %s: training %,.0f events/s, ratio %.2f%n", name,
                            training.eventsPerSecond(), training.eventsPerSecond() / passThrough.eventsPerSecond());
                    if (last) {
                        latency = measureLatency(app, snapshots, publisher, events);
                        progress.printf(Locale.ROOT, "bench: event-to-snapshot latency p50 %.0f ms, p99 %.0f ms%n",
                                latency.p50Ms(), latency.p99Ms());
                    }
                }
                if (last) {
                    AppThroughput scoringJoining = runScoringJoining(events);
                    progress.printf(Locale.ROOT, "bench: scoring + joining %,.0f events/s%n",
                            scoringJoining.eventsPerSecond());
                    return new Result(passThrough, training, latency, scoringJoining);
                }
            }
        }
    }

    /**
     * Produces {@code events} events of the same stream to a topic of their own, {@link #UNLABELLED_FRACTION} of
     * them unlabelled with their labels following on the labels topic ({@link EventPublisher#lateLabels}), then
     * runs Ballast over them as a new application: each unlabelled event is scored, waits in the join store, joins
     * its label and trains. Timed, as the training app, by the events trained its snapshots report.
     */
    private AppThroughput runScoringJoining(long events) throws Exception {
        Map<String, String> properties = new HashMap<>(config.originalStrings());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG,
                config.originalStrings().get(StreamsConfig.APPLICATION_ID_CONFIG) + "-scoring-joining");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, workDir.resolve("scoring-joining").toString());
        properties.put(BallastConfig.EVENTS_TOPIC, LATE_LABELLED_EVENTS_TOPIC);
        BallastConfig joinConfig = new BallastConfig(properties);
        try (Admin admin = admin()) {
            // Before producing, so that the events topic is co-partitioned with the labels topic.
            TopicProvisioner.ensureTopics(admin, joinConfig);
        }
        long unlabelled;
        try (EventPublisher publisher = new EventPublisher(joinConfig.nonBallastProperties(),
                serdes.events().serializer(), LATE_LABELLED_EVENTS_TOPIC).lateLabels(
                joinConfig.getString(BallastConfig.LABELS_TOPIC), serdes.labels().serializer(), UNLABELLED_FRACTION,
                MIN_LABEL_DELAY_MS, MAX_LABEL_DELAY_MS, spec.seed());
             DriftingStream stream = new DriftingStream(spec, events)) {
            progress.printf(Locale.ROOT, "bench: producing %,d events to %s, %.0f%% unlabelled, their labels %d-%d ms "
                    + "later%n", events, LATE_LABELLED_EVENTS_TOPIC, 100 * UNLABELLED_FRACTION, MIN_LABEL_DELAY_MS,
                    MAX_LABEL_DELAY_MS);
            publisher.publish(stream, labels, modelId, events, 0, 0, spec.seed());
            unlabelled = publisher.unlabelled();
        }
        progress.printf(Locale.ROOT, "bench: Ballast scoring + joining app over %,d events and %,d late labels%n",
                events, unlabelled);
        try (ProgressReader snapshots = new ProgressReader(config.nonBallastProperties(),
                config.getString(BallastConfig.MODEL_UPDATES_TOPIC), this::eventsTrained);
             BallastApp app = BallastApp.start(joinConfig)) {
            return follow(snapshots, events, events + unlabelled, app::state, app::metrics);
        }
    }

    /** The training app's settings for a warm-up round: its own application id and state directory. */
    private BallastConfig warmUpConfig(int round) {
        Map<String, String> properties = new HashMap<>(config.originalStrings());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG,
                config.originalStrings().get(StreamsConfig.APPLICATION_ID_CONFIG) + "-warm-up-" + round);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, workDir.resolve("training-warm-up-" + round).toString());
        return new BallastConfig(properties);
    }

    private void createTopics() throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            TopicProvisioner.ensureTopics(admin, config);
            admin.createTopics(List.of(new NewTopic(COUNTS_TOPIC, Optional.of(1), Optional.empty()))).all().get();
        }
    }

    private Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.nonBallastProperties().get("bootstrap.servers"));
        return Admin.create(properties);
    }

    private AppThroughput runPassThrough(String eventsTopic, long events, int round) throws InterruptedException {
        Properties properties = StreamsSettings.of(config);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG,
                properties.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-pass-through-" + round);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, workDir.resolve("pass-through-" + round).toString());
        progress.printf(Locale.ROOT, "bench: pass-through app (%s) over %,d events%n",
                properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), events);
        try (KafkaStreams streams = new KafkaStreams(
                PassThroughTopology.build(eventsTopic, COUNTS_TOPIC, serdes.events(), reportEvery, events),
                properties);
             ProgressReader counts = new ProgressReader(config.nonBallastProperties(), COUNTS_TOPIC,
                     value -> ByteBuffer.wrap(value).getLong())) {
            streams.start();
            return follow(counts, events, events, streams::state, streams::metrics);
        }
    }

    private AppThroughput followTraining(BallastApp app, ProgressReader snapshots, long events, boolean record)
            throws IOException, ParseException, InterruptedException {
        progress.printf(Locale.ROOT, "bench: Ballast training app over the same %,d events%n", events);
        if (settings.jfrRecording() == null || !record) {
            return follow(snapshots, events, events, app::state, app::metrics);
        }
        try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
            recording.setDestination(settings.jfrRecording());
            recording.start();
            AppThroughput training = follow(snapshots, events, events, app::state, app::metrics);
            recording.stop();
            progress.println("bench: flight recording of the training app in " + settings.jfrRecording());
            return training;
        }
    }

    private long eventsTrained(byte[] snapshot) {
        return serdes.snapshots().deserializer().deserialize(config.getString(BallastConfig.MODEL_UPDATES_TOPIC), snapshot)
                .getEventsTrained();
    }

    /**
     * Waits until the app has processed {@code target} events, taking heap samples on the way; times the window
     * from the first progress seen at or after a tenth of the events to the first at or after the target, less
     * the time spent in the heap samples' full GCs.
     *
     * @param records the input records the app processes for the {@code target} events (the events, and the late
     *                labels of those that came unlabelled): the CPU window is bracketed by these
     */
    private AppThroughput follow(ProgressReader reader, long target, long records, Supplier<KafkaStreams.State> state,
            Supplier<Map<MetricName, ? extends Metric>> metrics) throws InterruptedException {
        long timedFrom = Math.max(reportEvery, target / 10 / reportEvery * reportEvery);
        long sampleEvery = Math.max(reportEvery, target / HEAP_SAMPLES);
        long nextSample = timedFrom;
        List<HeapSample> heap = new ArrayList<>();
        long lastProgress = System.nanoTime();
        long seen = 0;
        long sampling = 0;
        List<long[]> pauses = new ArrayList<>();
        // Samples (nanoTime, stream-thread CPU, process CPU, events the app has processed) before and after every
        // poll; see AppThroughput#cpuWindowSeconds for the window they are read over. The app's stream threads and
        // its process counters are looked up once: listing every thread or metric for each sample would be work
        // for the measuring thread on the cores the app runs on.
        long[] streamThreads = CpuProbe.streamThreadIds();
        List<Metric> processed = processTotals(metrics.get());
        List<long[]> cpu = new ArrayList<>();
        while (seen < target) {
            cpu.add(cpuSample(streamThreads, processed));
            long events = reader.poll(POLL);
            cpu.add(cpuSample(streamThreads, processed));
            if (events > seen) {
                seen = events;
                lastProgress = System.nanoTime();
            }
            if (seen >= nextSample && seen < target) {
                long pauseStarted = System.nanoTime();
                heap.add(new HeapSample(seen, MemoryProbe.heapUsedAfterGc()));
                long pauseEnded = System.nanoTime();
                pauses.add(new long[] {pauseStarted, pauseEnded});
                if (seen >= timedFrom) {
                    sampling += pauseEnded - pauseStarted;
                }
                nextSample = (seen / sampleEvery + 1) * sampleEvery;
            }
            checkRunning(state.get(), lastProgress, seen);
        }
        heap.add(new HeapSample(seen, MemoryProbe.heapUsedAfterGc()));
        List<ProgressReader.Observation> observations = reader.observations();
        ProgressReader.Observation start = observations.stream().filter(seenAt -> seenAt.events() >= timedFrom)
                .findFirst().orElseThrow();
        ProgressReader.Observation end = observations.get(observations.size() - 1);
        if (end.events() <= start.events()) {
            throw new IllegalStateException("too few events to time: raise --events above " + target);
        }
        // A full GC stops the app too: the heap samples' pauses are not the app's time.
        double seconds = (end.nanoTime() - start.nanoTime() - sampling) / 1e9;
        long timed = end.events() - start.events();
        // The first sample comes before the app's first rebalance ends; the one after the poll that saw the target
        // had processed it.
        long recordsFrom = timedFrom * records / target;
        long[] cpuAtStart = cpu.stream().filter(sample -> sample[3] <= recordsFrom)
                .reduce((first, second) -> second).orElseThrow(() -> new IllegalStateException(
                        "the app processed a tenth of the events before it was first sampled: raise --events"));
        long[] cpuAtEnd = cpu.stream().filter(sample -> sample[3] >= records).findFirst().orElseThrow();
        // The heap samples' pauses inside the CPU window, which may end before the output shows the last events.
        long paused = 0;
        for (long[] pause : pauses) {
            paused += Math.max(0, Math.min(pause[1], cpuAtEnd[0]) - Math.max(pause[0], cpuAtStart[0]));
        }
        double cpuWindow = (cpuAtEnd[0] - cpuAtStart[0] - paused) / 1e9;
        // Per event: an event's late label is counted with it.
        long cpuEvents = (cpuAtEnd[3] - cpuAtStart[3]) * target / records;
        return new AppThroughput(timed / seconds, timed, seconds, heap, (cpuAtEnd[1] - cpuAtStart[1]) / 1e9,
                (cpuAtEnd[2] - cpuAtStart[2]) / 1e9, cpuWindow, cpuEvents);
    }

    /** The app's stream threads' counts of processed records ({@code stream-thread-metrics}, {@code process-total}). */
    private static List<Metric> processTotals(Map<MetricName, ? extends Metric> metrics) {
        List<Metric> totals = metrics.entrySet().stream()
                .filter(entry -> entry.getKey().group().equals("stream-thread-metrics")
                        && entry.getKey().name().equals("process-total"))
                .map(entry -> (Metric) entry.getValue())
                .toList();
        if (totals.isEmpty()) {
            throw new IllegalStateException("Kafka Streams reports no process-total metric for the app's threads");
        }
        return totals;
    }

    private static long[] cpuSample(long[] streamThreads, List<Metric> processed) {
        long events = 0;
        for (Metric total : processed) {
            events += (long) ((Number) total.metricValue()).doubleValue();
        }
        return new long[] {System.nanoTime(), CpuProbe.threadNanos(streamThreads), CpuProbe.processNanos(), events};
    }

    private static void checkRunning(KafkaStreams.State state, long lastProgressNanos, long seen) {
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                || state == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException("the app stopped (" + state + ") after " + seen + " events; see the log");
        }
        if (System.nanoTime() - lastProgressNanos > STALL_TIMEOUT.toNanos()) {
            throw new IllegalStateException("no progress for " + STALL_TIMEOUT.toSeconds() + " s after " + seen
                    + " events (state " + state + ")");
        }
    }

    /**
     * Produces events at a steady rate after the {@code firstEvent} already trained, and for each of the first
     * {@code rate x duration} of them finds the first snapshot that covers it. Production goes on until that
     * snapshot is seen, so the last timed events are not left waiting for a time-triggered snapshot.
     */
    private SnapshotLatency measureLatency(BallastApp app, ProgressReader snapshots, EventPublisher publisher,
            long firstEvent) throws InterruptedException, ExecutionException {
        double rate = settings.liveEventsPerSecond();
        int timed = (int) Math.max(1, Math.round(rate * settings.liveDuration().toMillis() / 1000.0));
        progress.printf(Locale.ROOT, "bench: %,d live events at %,.0f/s for snapshot latency%n", timed, rate);
        long[] sentAt = new long[timed];
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService producing = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "ballast-bench-live"));
        Future<?> produced = producing.submit(() -> {
            produceLive(publisher, firstEvent, rate, sentAt, stop);
            return null;
        });
        producing.shutdown();
        try {
            long lastProgress = System.nanoTime();
            long seen = snapshots.events();
            while (seen < firstEvent + timed) {
                long events = snapshots.poll(POLL);
                if (events > seen) {
                    seen = events;
                    lastProgress = System.nanoTime();
                }
                if (produced.isDone()) {
                    produced.get();
                }
                checkRunning(app.state(), lastProgress, seen);
            }
        } finally {
            stop.set(true);
        }
        produced.get();
        double[] latencies = new double[timed];
        List<ProgressReader.Observation> observations = snapshots.observations();
        int covering = 0;
        for (int i = 0; i < timed; i++) {
            long needed = firstEvent + i + 1;
            while (observations.get(covering).events() < needed) {
                covering++;
            }
            latencies[i] = (observations.get(covering).nanoTime() - sentAt[i]) / 1e6;
        }
        Arrays.sort(latencies);
        return new SnapshotLatency(timed, rate, percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies[timed - 1]);
    }

    private void produceLive(EventPublisher publisher, long firstEvent, double rate, long[] sentAt, AtomicBoolean stop)
            throws InterruptedException {
        try (DriftingStream stream = new DriftingStream(spec, Long.MAX_VALUE)) {
            long started = System.nanoTime();
            for (long i = 0; !stop.get(); i++) {
                var event = Events.of(stream.next(), labels, modelId, firstEvent + i);
                if (i < sentAt.length) {
                    sentAt[(int) i] = System.nanoTime();
                }
                publisher.send(event);
                long wait = started + (long) ((i + 1) * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
