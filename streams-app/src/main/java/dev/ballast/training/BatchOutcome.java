package dev.ballast.training;

import dev.ballast.evaluation.drift.ImbalanceSignal;
import dev.ballast.learning.StepResult;
import java.util.List;

/**
 * What one trained mini-batch produced.
 *
 * @param rows events in the batch
 * @param step the optimiser step (possibly skipped for a non-finite loss or gradient)
 * @param scored false when the model's predictions for the batch were not finite, so the batch was left out of
 *     the metrics, the threshold tuner and the detectors (a diverged model; the processor raises an alert)
 * @param signals drift detectors that fired on this batch's prequential scores
 */
public record BatchOutcome(int rows, StepResult step, boolean scored, List<ImbalanceSignal> signals) {
}
