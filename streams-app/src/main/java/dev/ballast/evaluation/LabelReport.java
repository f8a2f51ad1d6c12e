package dev.ballast.evaluation;

/**
 * One label's prequential figures. Counts are decayed, hence fractional. Precision is 0 when nothing was
 * predicted positive, recall 0 when no positive was seen, F1 0 when both are 0.
 *
 * @param name the label's name
 * @param support decayed count of positives seen ({@code truePositives + falseNegatives})
 * @param truePositives decayed count of positives predicted positive
 * @param falsePositives decayed count of negatives predicted positive
 * @param falseNegatives decayed count of positives predicted negative
 * @param precision {@code tp / (tp + fp)}
 * @param recall {@code tp / (tp + fn)}
 * @param f1 {@code 2 tp / (2 tp + fp + fn)}
 * @param auprc streaming PR-AUC estimate, see {@link ScoreHistograms#auprc}
 * @param collapsed the model has seen at least one (decayed) positive but made less than one (decayed)
 *     positive prediction: it has learnt to answer "no" for this label
 */
public record LabelReport(String name, double support, double truePositives, double falsePositives,
                          double falseNegatives, double precision, double recall, double f1, double auprc,
                          boolean collapsed) {
}
