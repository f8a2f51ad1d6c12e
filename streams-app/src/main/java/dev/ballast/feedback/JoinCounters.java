package dev.ballast.feedback;

import java.nio.ByteBuffer;

/**
 * One model's join figures: events waiting, joined, expired, orphan labels, and a histogram of label delays for
 * their quantiles. Kept in the join store (changelogged), so a restart neither loses nor double-counts them.
 *
 * <p>Delays go into quarter-octave buckets of {@code 1 + delayMs} (bucket {@code floor(4 log2(1 + delayMs))}, so a
 * quantile is exact to within a factor 2^(1/4), about 19%), from 0 ms to beyond a year: 160 counters whatever the
 * traffic.
 */
final class JoinCounters {

    private static final byte FORMAT = 1;
    private static final int BUCKETS_PER_OCTAVE = 4;
    private static final int BUCKETS = 40 * BUCKETS_PER_OCTAVE;

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

    byte[] encode() {
        int used = 0;
        for (long count : delayBuckets) {
            used += count > 0 ? 1 : 0;
        }
        ByteBuffer out = ByteBuffer.allocate(1 + 4 * 8 + 4 + used * (4 + 8));
        out.put(FORMAT).putLong(waiting).putLong(joined).putLong(expired).putLong(orphanLabels).putInt(used);
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            if (delayBuckets[bucket] > 0) {
                out.putInt(bucket).putLong(delayBuckets[bucket]);
            }
        }
        return out.array();
    }

    static JoinCounters decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.get() != FORMAT) {
            throw new IllegalStateException("join counters of an unknown format " + bytes[0]);
        }
        JoinCounters counters = new JoinCounters();
        counters.waiting = in.getLong();
        counters.joined = in.getLong();
        counters.expired = in.getLong();
        counters.orphanLabels = in.getLong();
        int used = in.getInt();
        for (int i = 0; i < used; i++) {
            counters.delayBuckets[in.getInt()] = in.getLong();
        }
        return counters;
    }
}
