package dev.ballast.learning;

/**
 * Outcome of one {@link MultiLabelModel#learn} call.
 *
 * @param weightedLoss   batch loss with class and importance weights: sum over rows and labels divided by rows
 * @param unweightedLoss the same reduction with every weight 1, for comparison across weight policies
 * @param skipped        true when the loss or an update was not finite and the model was left unchanged
 * @param skipReason     why the step was skipped, or null
 */
public record StepResult(double weightedLoss, double unweightedLoss, boolean skipped, String skipReason) {
}
