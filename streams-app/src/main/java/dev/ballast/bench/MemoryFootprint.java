package dev.ballast.bench;

/**
 * Memory of the process with one warmed-up trainer alive.
 *
 * @param shape            the trainer's model shape
 * @param heapBytes        heap in use after a full GC (the whole process)
 * @param modelHeapBytes   of which the trainer accounts for (difference with a GC'd heap before it existed)
 * @param residentSetBytes the process's resident set ({@code VmRSS}: heap, ND4J's native buffers, code), or -1
 *                         where {@code /proc} is absent
 */
public record MemoryFootprint(LearnerShape shape, long heapBytes, long modelHeapBytes, long residentSetBytes) {
}
