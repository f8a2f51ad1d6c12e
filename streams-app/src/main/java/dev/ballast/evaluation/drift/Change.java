package dev.ballast.evaluation.drift;

/**
 * What a detector saw when it fired.
 *
 * @param before the monitored quantity's estimate before the change
 * @param after its estimate after the change
 */
public record Change(double before, double after) {
}
