package dev.ballast.feedback;

import dev.ballast.schema.state.SavedJoinCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * One model's join figures: events waiting, joined, expired, orphan labels, and a histogram of label delays for
 * their quantiles. Kept in the join store (changelogged), so a restart neither loses nor double-counts them.
 *
 * <p>Delays go into quarter-octave buckets of {@code 1 + delayMs} (bucket {@code floor(4 log2(1 + delayMs))}, so a
 * quantile is exact to within a factor 2^(1/4), about 19%), from 0 ms to beyond a year: 160 counters whatever the
 * traffic.
 */
final class JoinCounters {

    private static final int BUCKETS_PER_OCTAVE = 4;
    static final int BUCKETS = 40 * BUCKETS_PER_OCTAVE;

    long waiting;
    long joined;
    long expired;
    long orphanLabels;
    private final long[] delayBuckets = new long[BUCKETS];

    void recordDelay(long delayMs) {
        double octaves = Math.log1p(Math.max(0, delayMs)) / Math.log(2);
        delayBuckets[Math.min(BUCKETS - 1, (int) (octaves * BUCKETS_PER_OCTAVE))]++;
    }

    /** The delay below which a fraction {@code q} of the joined events' delays lie (bucket midpoint), or null if none. */
    Double delayQuantileMs(double q) {
        long total = 0;
        for (long count : delayBuckets) {
            total += count;
        }
        if (total == 0) {
            return null;
        }
        double rank = q * total;
        long below = 0;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            below += delayBuckets[bucket];
            if (below >= rank && delayBuckets[bucket] > 0) {
                return Math.pow(2, (bucket + 0.5) / BUCKETS_PER_OCTAVE) - 1;
            }
        }
        return Math.pow(2, (BUCKETS - 0.5) / BUCKETS_PER_OCTAVE) - 1;
    }

    SavedJoinCounters toSaved() {
        List<Long> buckets = new ArrayList<>(BUCKETS);
        for (long count : delayBuckets) {
            buckets.add(count);
        }
        return new SavedJoinCounters(waiting, joined, expired, orphanLabels, buckets);
    }

    /**
     * The counters of {@link #toSaved}'s record.
     *
     * @throws IllegalArgumentException when it holds another number of delay buckets
     */
    static JoinCounters fromSaved(SavedJoinCounters saved) {
        if (saved.getDelayBuckets().size() != BUCKETS) {
            throw new IllegalArgumentException("saved join counters hold " + saved.getDelayBuckets().size()
                    + " delay buckets, expected " + BUCKETS);
        }
        JoinCounters counters = new JoinCounters();
        counters.waiting = saved.getWaiting();
        counters.joined = saved.getJoined();
        counters.expired = saved.getExpired();
        counters.orphanLabels = saved.getOrphanLabels();
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            counters.delayBuckets[bucket] = saved.getDelayBuckets().get(bucket);
        }
        return counters;
    }
}
