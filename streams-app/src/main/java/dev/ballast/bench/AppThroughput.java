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
 */
public record AppThroughput(double eventsPerSecond, long timedEvents, double seconds, List<HeapSample> heap) {

    public AppThroughput {
        heap = List.copyOf(heap);
    }

    /** Least-squares trend of the heap samples, in MB per million events: about 0 when the heap stays flat. */
    public double heapSlopeMbPerMillionEvents() {
        double[] events = heap.stream().mapToDouble(sample -> sample.events() / 1e6).toArray();
        double[] megabytes = heap.stream().mapToDouble(sample -> sample.heapBytes() / 1e6).toArray();
        return MemoryProbe.slope(events, megabytes);
    }
}
