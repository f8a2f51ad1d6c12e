package dev.ballast.bench;

/** Heap in use right after a full GC, taken once an app had processed {@code events} input events. */
public record HeapSample(long events, long heapBytes) {
}
