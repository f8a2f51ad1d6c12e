package dev.ballast.feedback;

/**
 * @param maxDelayMs    how long, in record time, an unlabelled event waits for its labels and a label for its event
 * @param missing       what becomes of an event whose labels never came
 * @param scoreLabelled whether labelled events get a prediction too
 */
public record FeedbackSettings(long maxDelayMs, MissingLabels missing, boolean scoreLabelled) {
}
