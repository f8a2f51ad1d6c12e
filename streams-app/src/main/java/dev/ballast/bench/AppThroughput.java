package dev.ballast.bench;

import java.util.List;

/**
 * What one Kafka Streams app sustained, timed between two points of its progress as a read_committed consumer of
 * its output saw them (start-up and the first tenth of the events excluded).
 *
 * @param eventsPerSecond input events processed per second in the timed window
 * @param timedEvents     events in the timed window
 * @param seconds         length of the timed window, less the heap samples' GC pauses
 * @param heap            heap after a full GC at regular points of progress, at the same event counts for
 *                        every app
 * @param streamThreadCpuSeconds CPU time of the app's stream thread in the CPU window
 * @param processCpuSeconds      CPU time of the whole process in the CPU window (broker, JIT and GC included)
 * @param cpuWindowSeconds       wall-clock time the CPU figures cover, less the heap samples' GC pauses in it: from
 *                               the last sample at which the app itself (Kafka Streams' {@code process-total})
 *                               had processed at most a tenth of the events to the first at which it had
 *                               processed them all. Unlike the output its consumer sees, which lags by up to a
 *                               commit interval, this brackets the processing even when it takes less than that.
 * @param cpuEvents              events the app processed in the CPU window
 */
public record AppThroughput(double eventsPerSecond, long timedEvents, double seconds, List<HeapSample> heap,
        double streamThreadCpuSeconds, double processCpuSeconds, double cpuWindowSeconds, long cpuEvents) {

    public AppThroughput {
        heap = List.copyOf(heap);
    }

    /** Microseconds of stream-thread CPU per event. */
    public double streamThreadMicrosPerEvent() {
        return streamThreadCpuSeconds * 1e6 / cpuEvents;
    }

    /** Share of the timed window the stream thread was on a CPU (1 when it never waited). */
    public double streamThreadBusy() {
        return streamThreadCpuSeconds / cpuWindowSeconds;
    }

    /** Microseconds of process CPU (all threads) per event. */
    public double processMicrosPerEvent() {
        return processCpuSeconds * 1e6 / cpuEvents;
    }

    /** Least-squares trend of the heap samples, in MB per million events: about 0 when the heap stays flat. */
    public double heapSlopeMbPerMillionEvents() {
        double[] events = heap.stream().mapToDouble(sample -> sample.events() / 1e6).toArray();
        double[] megabytes = heap.stream().mapToDouble(sample -> sample.heapBytes() / 1e6).toArray();
        return MemoryProbe.slope(events, megabytes);
    }
}
