package dev.ballast.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled example, as read from a file or generated. Compares by content.
 *
 * @param id             identifies the example in logs and dead letters
 * @param eventTime      epoch milliseconds; sources without a clock use the row index, so that file order is
 *                       time order
 * @param features       the input vector
 * @param positiveLabels indices into the source's {@link ExampleSource#labelNames()} of the labels that are
 *                       positive, strictly ascending; every other label is negative
 * @param importance     the example's weight in training (1 unless the source says otherwise); passed through
 *                       as read, so the service can reject a negative or non-finite one with a reason
 */
public record Example(String id, long eventTime, Features features, int[] positiveLabels, float importance) {

    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(positiveLabels, "positiveLabels");
        for (int i = 0; i < positiveLabels.length; i++) {
            if (positiveLabels[i] < 0 || (i > 0 && positiveLabels[i] <= positiveLabels[i - 1])) {
                throw new IllegalArgumentException(
                        "positiveLabels must be non-negative and strictly ascending: " + Arrays.toString(positiveLabels));
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Example example
                && id.equals(example.id)
                && eventTime == example.eventTime
                && features.equals(example.features)
                && Arrays.equals(positiveLabels, example.positiveLabels)
                && Float.compare(importance, example.importance) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, eventTime, features, Arrays.hashCode(positiveLabels), importance);
    }

    @Override
    public String toString() {
        return "Example{id=" + id + ", eventTime=" + eventTime + ", features=" + features
                + ", positiveLabels=" + Arrays.toString(positiveLabels) + ", importance=" + importance + "}";
    }
}
