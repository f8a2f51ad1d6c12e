package dev.ballast.evaluation.drift;

/**
 * One detector firing for one label, to be published as an imbalance alert (or, from the shift detector, to cut a
 * label's memory).
 *
 * @param label index of the label in the monitor's label list
 * @param kind what changed
 * @param detector the detector's name: {@code "page-hinkley"}, {@code "ddm-oci"} or {@code "collapse"}; or
 *     {@code "cusum"} for {@link PrevalenceCusum}'s shifts, which cut the trainer's memory and are not published
 * @param before the detector's estimate before the change (see {@link Change})
 * @param after its estimate after the change
 */
public record ImbalanceSignal(int label, Kind kind, String detector, double before, double after) {

  /** What changed. */
  public enum Kind {
    /** The label's prevalence shifted; before and after are prevalences. */
    PREVALENCE_SHIFT,
    /** Recall on the label's positives dropped; before and after are recalls. */
    MINORITY_RECALL_DROP,
    /** The model stopped predicting the label positive; before is positives missed, after is 0. */
    COLLAPSE_TO_NEGATIVE
  }
}
