package dev.ballast.evaluation.drift;

import dev.ballast.schema.state.SavedDetectors;
import dev.ballast.schema.state.SavedLabelDetectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a prevalence-shift, a minority-recall-drop and a collapse detector on every label of one model.
 * Call {@link #update} once per mini-batch with the prequential decisions, that is, with the
 * probabilities and thresholds used before the model learnt the batch.
 *
 * <p>Not thread-safe.
 */
public final class ImbalanceMonitor {

  private final List<String> labelNames;
  private final DetectorSettings settings;
  private final PageHinkleyDetector[] prevalence;
  private final MinorityRecallDropDetector[] recallDrop;
  private final CollapseDetector[] collapse;

  public ImbalanceMonitor(List<String> labelNames, DetectorSettings settings) {
    this.labelNames = List.copyOf(labelNames);
    this.settings = settings;
    int labelCount = this.labelNames.size();
    this.prevalence = new PageHinkleyDetector[labelCount];
    this.recallDrop = new MinorityRecallDropDetector[labelCount];
    this.collapse = new CollapseDetector[labelCount];
    for (int label = 0; label < labelCount; label++) {
      prevalence[label] = settings.newPrevalenceDetector();
      recallDrop[label] = settings.newRecallDropDetector();
      collapse[label] = settings.newCollapseDetector();
    }
  }

  /**
   * Feeds a mini-batch of prequential decisions to every detector.
   *
   * @param probabilities row-major {@code [row * labelCount + label]}
   * @param targets row-major like {@code probabilities}: 1 positive, 0 negative (0.5 or more is positive)
   * @param rows number of rows to read from the arrays
   * @param thresholds per label: a probability at or above it was a positive prediction
   * @return the signals raised, in row order; empty when nothing fired
   */
  public List<ImbalanceSignal> update(float[] probabilities, float[] targets, int rows, float[] thresholds) {
    List<ImbalanceSignal> signals = new ArrayList<>(0);
    int labelCount = labelNames.size();
    for (int row = 0; row < rows; row++) {
      for (int label = 0; label < labelCount; label++) {
        int index = row * labelCount + label;
        boolean positive = targets[index] >= 0.5f;
        boolean predictedPositive = probabilities[index] >= thresholds[label];
        collect(signals, label, ImbalanceSignal.Kind.PREVALENCE_SHIFT, "page-hinkley",
            prevalence[label].update(positive ? 1 : 0));
        collect(signals, label, ImbalanceSignal.Kind.MINORITY_RECALL_DROP, "ddm-oci",
            recallDrop[label].update(positive, predictedPositive));
        collect(signals, label, ImbalanceSignal.Kind.COLLAPSE_TO_NEGATIVE, "collapse",
            collapse[label].update(positive, predictedPositive));
      }
    }
    return signals;
  }

  /** The label's recall as the recall-drop detector sees it now ({@link MinorityRecallDropDetector#settledRecall}). */
  public double recall(int label) {
    return recallDrop[label].settledRecall();
  }

  /** Whether the label's collapse detector fired and the model has not predicted the label positive since. */
  public boolean collapsed(int label) {
    return collapse[label].collapsed();
  }

  public List<String> labelNames() {
    return labelNames;
  }

  public DetectorSettings settings() {
    return settings;
  }

  private static void collect(List<ImbalanceSignal> signals, int label, ImbalanceSignal.Kind kind, String detector,
                              Optional<Change> change) {
    // Not ifPresent with a lambda: capturing four values, it was allocated on every call, three per event and label.
    if (change.isPresent()) {
      Change fired = change.get();
      signals.add(new ImbalanceSignal(label, kind, detector, fired.before(), fired.after()));
    }
  }

  /**
   * The complete state as a saved-state record, settings included (the label names are the caller's to save);
   * {@link #fromSaved} restores it bit-exactly.
   */
  public SavedDetectors toSaved() {
    List<SavedLabelDetectors> labels = new ArrayList<>(labelNames.size());
    for (int label = 0; label < labelNames.size(); label++) {
      labels.add(new SavedLabelDetectors(prevalence[label].toSaved(), recallDrop[label].toSaved(),
          collapse[label].toSaved()));
    }
    return new SavedDetectors(settings.prevalenceRelativeDelta(), settings.prevalenceThreshold(),
        settings.prevalenceMinEvents(), settings.recallHalfLifePositives(), settings.recallMinPositives(),
        settings.recallDropSigmas(), settings.collapseWindowEvents(), labels);
  }

  /**
   * The detectors of {@link #toSaved}'s record, for the labels it was saved with.
   *
   * @throws IllegalArgumentException when the record holds detectors for another number of labels
   */
  public static ImbalanceMonitor fromSaved(SavedDetectors saved, List<String> labelNames) {
    if (saved.getLabels().size() != labelNames.size()) {
      throw new IllegalArgumentException("saved detectors of " + saved.getLabels().size() + " labels, expected "
          + labelNames.size());
    }
    DetectorSettings settings = new DetectorSettings(saved.getPrevalenceRelativeDelta(),
        saved.getPrevalenceThreshold(), saved.getPrevalenceMinEvents(), saved.getRecallHalfLifePositives(),
        saved.getRecallMinPositives(), saved.getRecallDropSigmas(), saved.getCollapseWindowEvents());
    ImbalanceMonitor monitor = new ImbalanceMonitor(labelNames, settings);
    for (int label = 0; label < labelNames.size(); label++) {
      SavedLabelDetectors detectors = saved.getLabels().get(label);
      monitor.prevalence[label].restore(detectors.getPrevalence());
      monitor.recallDrop[label].restore(detectors.getRecallDrop());
      monitor.collapse[label].restore(detectors.getCollapse());
    }
    return monitor;
  }
}
