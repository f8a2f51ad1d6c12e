package dev.ballast.evaluation.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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

  private static final byte FORMAT_VERSION = 1;

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

  /** Writes the complete state, settings included; {@link #readFrom} restores it bit-exactly. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    out.writeInt(labelNames.size());
    for (String name : labelNames) {
      out.writeUTF(name);
    }
    out.writeDouble(settings.prevalenceRelativeDelta());
    out.writeDouble(settings.prevalenceThreshold());
    out.writeLong(settings.prevalenceMinEvents());
    out.writeDouble(settings.recallHalfLifePositives());
    out.writeDouble(settings.recallMinPositives());
    out.writeDouble(settings.recallDropSigmas());
    out.writeLong(settings.collapseWindowEvents());
    for (int label = 0; label < labelNames.size(); label++) {
      prevalence[label].writeTo(out);
      recallDrop[label].writeTo(out);
      collapse[label].writeTo(out);
    }
  }

  /** Reads the state written by {@link #writeTo}. */
  public static ImbalanceMonitor readFrom(DataInput in) throws IOException {
    DriftState.expectVersion(in, FORMAT_VERSION, "ImbalanceMonitor");
    int labelCount = in.readInt();
    List<String> labelNames = new ArrayList<>(labelCount);
    for (int label = 0; label < labelCount; label++) {
      labelNames.add(in.readUTF());
    }
    DetectorSettings settings = new DetectorSettings(in.readDouble(), in.readDouble(), in.readLong(),
        in.readDouble(), in.readDouble(), in.readDouble(), in.readLong());
    ImbalanceMonitor monitor = new ImbalanceMonitor(labelNames, settings);
    for (int label = 0; label < labelCount; label++) {
      monitor.prevalence[label] = PageHinkleyDetector.readFrom(in);
      monitor.recallDrop[label] = MinorityRecallDropDetector.readFrom(in);
      monitor.collapse[label] = CollapseDetector.readFrom(in);
    }
    return monitor;
  }
}
