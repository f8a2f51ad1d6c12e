package dev.ballast.weighting;

/**
 * One label's class weights for weighted binary cross-entropy.
 *
 * @param positive weight of the loss on events where the label is positive
 * @param negative weight of the loss on events where the label is negative
 */
public record LabelWeight(double positive, double negative) {
}
