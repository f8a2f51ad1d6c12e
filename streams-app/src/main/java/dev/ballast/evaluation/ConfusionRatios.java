package dev.ballast.evaluation;

/** Precision, recall and F-beta from (decayed) confusion counts, defined as 0 where the ratio is 0/0. */
final class ConfusionRatios {

  private ConfusionRatios() {
  }

  static double precision(double truePositives, double falsePositives) {
    return ratioOrZero(truePositives, truePositives + falsePositives);
  }

  static double recall(double truePositives, double falseNegatives) {
    return ratioOrZero(truePositives, truePositives + falseNegatives);
  }

  /** {@code (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp)}; F1 at {@code beta = 1}. */
  static double fBeta(double truePositives, double falsePositives, double falseNegatives, double beta) {
    double betaSquared = beta * beta;
    double weightedTruePositives = (1 + betaSquared) * truePositives;
    return ratioOrZero(weightedTruePositives, weightedTruePositives + betaSquared * falseNegatives + falsePositives);
  }

  private static double ratioOrZero(double numerator, double denominator) {
    return denominator == 0 ? 0 : numerator / denominator;
  }
}
