package dev.ballast.processor;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a model stands since its last save, as the {@link ModelStore} keeps it: what a restore must take in again on
 * top of that save (the cycle's range of the events topic, then its journal), and the input offsets of the events
 * taken in but not yet trained. Not saved itself: a restore rebuilds it while it replays the cycle.
 */
final class SaveCycle {

    private final String modelId;
    /** The store key of {@link #sourceRange}. */
    final String sourceRangeKey;
    /** Journal entries written since the last save (the next entry's slot). */
    int journalLength;
    /** Mini-batches trained since the last save. */
    int batchesSinceSave;
    /** This cycle's events taken straight from the events topic and not journalled, or null if there are none. */
    EventJournal.SourceRange sourceRange;
    /** The next offset after the last event this cycle took from {@link #sourceRange}'s partition. */
    long sourceNext;
    /** Whether every event of this cycle is journalled from now on: an event from elsewhere has arrived in it. */
    boolean journalling;
    private String[] journalKeys = new String[64];
    /** Per "topic-partition", the next offset after the last pending (not yet trained) event. */
    private final Map<String, Long> pendingOffsets = new TreeMap<>();
    /** The partition of the last pending event and the next offset after it, not yet in {@link #pendingOffsets}. */
    private String pendingPartition;
    private long pendingNext;

    SaveCycle(String modelId) {
        this.modelId = modelId;
        this.sourceRangeKey = EventJournal.sourceRangeKey(modelId);
    }

    /** The model was saved: a new cycle starts, with nothing to take in again yet. */
    void restart() {
        journalLength = 0;
        batchesSinceSave = 0;
        sourceRange = null;
        journalling = false;
    }

    /** The store key of a journal slot (the keys are built once and reused). */
    String journalKey(int slot) {
        if (slot >= journalKeys.length) {
            journalKeys = Arrays.copyOf(journalKeys, Math.max(slot + 1, 2 * journalKeys.length));
        }
        String key = journalKeys[slot];
        if (key == null) {
            key = EventJournal.key(modelId, slot);
            journalKeys[slot] = key;
        }
        return key;
    }

    /**
     * An event of {@code topicPartition} at {@code offset} is pending. The partition of the last pending event is
     * kept in two fields and folded into {@link #pendingOffsets} only when another partition comes: events mostly
     * come from one partition, and this runs for every event.
     */
    void notePending(String topicPartition, long offset) {
        if (!topicPartition.equals(pendingPartition)) {
            foldPending();
            pendingPartition = topicPartition;
        }
        pendingNext = Math.max(pendingNext, offset + 1);
    }

    /** The pending events were trained as one mini-batch: their offsets are now reflected by the model. */
    void trained(Map<String, Long> reflectedOffsets) {
        foldPending();
        pendingOffsets.forEach((partition, next) -> reflectedOffsets.merge(partition, next, Math::max));
        pendingOffsets.clear();
        batchesSinceSave++;
    }

    private void foldPending() {
        if (pendingPartition != null) {
            pendingOffsets.merge(pendingPartition, pendingNext, Math::max);
            pendingPartition = null;
            pendingNext = 0;
        }
    }
}
