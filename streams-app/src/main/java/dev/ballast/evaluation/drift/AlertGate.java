package dev.ballast.evaluation.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns detector signals into alerts an operator can act on, and keeps them rare:
 * <ul>
 *   <li><b>hysteresis</b>: a prevalence shift is raised only when the prevalence moved by at least
 *       {@code minPrevalenceRatio} (either way), a recall drop only when recall fell by at least {@code minRecallDrop};
 *       a raised recall drop or collapse stays open, and is not raised again, until it clears (a drop: the
 *       recall-drop detector's recall of the new regime is within half of {@code minRecallDrop} of where it was; a
 *       collapse: the model predicts the label positive again), when a resolution is published;</li>
 *   <li><b>cool-down</b>: at most one alert per label and kind per {@code cooldownMs};</li>
 *   <li><b>severity</b>: a prevalence shift is INFO (the weights follow it by themselves), a recall drop WARNING,
 *       a collapse CRITICAL;</li>
 *   <li><b>message</b>: names the quantity, the values, and what to do.</li>
 * </ul>
 * The gate lives as long as its model's task on one instance: after a restart a condition still present is raised
 * once more.
 *
 * <p>Not thread-safe.
 */
public final class AlertGate {

  /** How urgent an alert is. */
  public enum Severity { INFO, WARNING, CRITICAL }

  /**
   * @param cooldownMs least time between two alerts of one label and kind, at least 0
   * @param minPrevalenceRatio least ratio between the larger and the smaller prevalence of a shift, at least 1
   * @param minRecallDrop least fall of recall (absolute, 0 to 1) of a recall drop
   */
  public record Settings(long cooldownMs, double minPrevalenceRatio, double minRecallDrop) {
    public Settings {
      if (cooldownMs < 0) {
        throw new IllegalArgumentException("cooldownMs must be at least 0, got " + cooldownMs);
      }
      if (!(minPrevalenceRatio >= 1 && minPrevalenceRatio < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("minPrevalenceRatio must be at least 1, got " + minPrevalenceRatio);
      }
      if (!(minRecallDrop >= 0 && minRecallDrop <= 1)) {
        throw new IllegalArgumentException("minRecallDrop must be within [0, 1], got " + minRecallDrop);
      }
    }
  }

  /**
   * An alert to publish, or the resolution of an earlier one.
   *
   * @param label index of the label
   * @param kind what happened
   * @param severity how urgent
   * @param detector the detector's name, or {@code "recovery"} for a resolution
   * @param before the quantity before (see {@link ImbalanceSignal})
   * @param after the quantity after
   * @param resolved whether this closes an earlier alert of the same label and kind
   * @param message one readable sentence with the quantity, the values and the suggested action
   */
  public record Alert(int label, ImbalanceSignal.Kind kind, Severity severity, String detector, double before,
                      double after, boolean resolved, String message) {
  }

  private static final int KINDS = ImbalanceSignal.Kind.values().length;

  private final List<String> labelNames;
  private final Settings settings;
  /** Per label and kind: when the last alert was raised, {@link Long#MIN_VALUE} for never. */
  private final long[] lastRaisedMs;
  /** Per label and kind: the recall at which an open recall drop clears (0 for a collapse); NaN when none is open. */
  private final double[] clearsAtRecall;

  public AlertGate(List<String> labelNames, Settings settings) {
    this.labelNames = List.copyOf(labelNames);
    this.settings = settings;
    this.lastRaisedMs = new long[labelNames.size() * KINDS];
    this.clearsAtRecall = new double[labelNames.size() * KINDS];
    java.util.Arrays.fill(lastRaisedMs, Long.MIN_VALUE);
    java.util.Arrays.fill(clearsAtRecall, Double.NaN);
  }

  /**
   * The alerts to raise for a batch's signals: those that pass the hysteresis and the cool-down, at most one per
   * label and kind.
   */
  public List<Alert> admit(List<ImbalanceSignal> signals, long nowMs) {
    List<Alert> alerts = new ArrayList<>(0);
    for (ImbalanceSignal signal : signals) {
      int slot = signal.label() * KINDS + signal.kind().ordinal();
      boolean coolingDown = lastRaisedMs[slot] != Long.MIN_VALUE && nowMs - lastRaisedMs[slot] < settings.cooldownMs();
      if (coolingDown || !Double.isNaN(clearsAtRecall[slot]) || !significant(signal)) {
        continue;
      }
      lastRaisedMs[slot] = nowMs;
      switch (signal.kind()) {
        case MINORITY_RECALL_DROP -> clearsAtRecall[slot] = Math.max(0, signal.before() - settings.minRecallDrop() / 2);
        // Any number marks it open; a collapse clears when the model predicts the label positive again.
        case COLLAPSE_TO_NEGATIVE -> clearsAtRecall[slot] = 0;
        case PREVALENCE_SHIFT -> { }
      }
      alerts.add(new Alert(signal.label(), signal.kind(), severity(signal.kind()), signal.detector(), signal.before(),
          signal.after(), false, message(signal)));
    }
    return alerts;
  }

  /** Whether a recall drop or collapse is open, that is, whether {@link #resolve} may have anything to say. */
  public boolean hasOpenConditions() {
    for (double clears : clearsAtRecall) {
      if (!Double.isNaN(clears)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Resolutions of the open recall drops and collapses that the monitor's detectors see cleared: a collapse when the
   * model has predicted the label positive again, a recall drop when the detector's recall of the new regime is back
   * at the level set when it was raised.
   */
  public List<Alert> resolve(ImbalanceMonitor monitor, long nowMs) {
    double[] recall = new double[labelNames.size()];
    boolean[] collapsed = new boolean[labelNames.size()];
    for (int label = 0; label < recall.length; label++) {
      recall[label] = monitor.recall(label);
      collapsed[label] = monitor.collapsed(label);
    }
    return resolve(recall, collapsed, nowMs);
  }

  /**
   * @param recall per label, the recall of the current regime; NaN while unknown
   * @param collapsed per label, whether the model still never predicts it positive
   */
  List<Alert> resolve(double[] recall, boolean[] collapsed, long nowMs) {
    List<Alert> resolutions = new ArrayList<>(0);
    for (int slot = 0; slot < clearsAtRecall.length; slot++) {
      if (Double.isNaN(clearsAtRecall[slot])) {
        continue;
      }
      int label = slot / KINDS;
      ImbalanceSignal.Kind kind = ImbalanceSignal.Kind.values()[slot % KINDS];
      String name = labelNames.get(label);
      if (kind == ImbalanceSignal.Kind.COLLAPSE_TO_NEGATIVE && !collapsed[label]) {
        resolutions.add(new Alert(label, kind, Severity.INFO, "recovery", 0, 1, true,
            "resolved: collapse of label '" + name + "', the model predicts it positive again"));
        clearsAtRecall[slot] = Double.NaN;
      } else if (kind == ImbalanceSignal.Kind.MINORITY_RECALL_DROP && recall[label] >= clearsAtRecall[slot]) {
        resolutions.add(new Alert(label, kind, Severity.INFO, "recovery", clearsAtRecall[slot], recall[label], true,
            String.format(Locale.ROOT, "resolved: recall drop of label '%s', recall is %.2f again (cleared at %.2f)",
                name, recall[label], clearsAtRecall[slot])));
        clearsAtRecall[slot] = Double.NaN;
      }
    }
    return resolutions;
  }

  private boolean significant(ImbalanceSignal signal) {
    return switch (signal.kind()) {
      case PREVALENCE_SHIFT -> ratio(signal.before(), signal.after()) >= settings.minPrevalenceRatio();
      case MINORITY_RECALL_DROP -> signal.before() - signal.after() >= settings.minRecallDrop();
      case COLLAPSE_TO_NEGATIVE -> true;
    };
  }

  private static double ratio(double before, double after) {
    double low = Math.min(before, after);
    double high = Math.max(before, after);
    return low <= 0 ? Double.POSITIVE_INFINITY : high / low;
  }

  static Severity severity(ImbalanceSignal.Kind kind) {
    return switch (kind) {
      case PREVALENCE_SHIFT -> Severity.INFO;
      case MINORITY_RECALL_DROP -> Severity.WARNING;
      case COLLAPSE_TO_NEGATIVE -> Severity.CRITICAL;
    };
  }

  private String message(ImbalanceSignal signal) {
    String label = labelNames.get(signal.label());
    return switch (signal.kind()) {
      case PREVALENCE_SHIFT -> String.format(Locale.ROOT,
          "prevalence of label '%s' moved from %.2f%% to %.2f%% (x%.1f, %s); the class weights follow by themselves, "
              + "check the producer if the move is unexpected", label, 100 * signal.before(), 100 * signal.after(),
          ratio(signal.before(), signal.after()), signal.detector());
      case MINORITY_RECALL_DROP -> String.format(Locale.ROOT,
          "recall of label '%s' dropped from %.2f to %.2f (%s): the model misses more of its positives; if it does not "
              + "recover, try a shorter ballast.weighting.half.life.events or a stronger ballast.weighting.policy",
          label, signal.before(), signal.after(), signal.detector());
      case COLLAPSE_TO_NEGATIVE -> String.format(Locale.ROOT,
          "label '%s' collapsed: the model predicted it negative for every event of the window and missed its "
              + "%.0f positives (%s); check its weight (ballast.weighting.policy, ballast.weighting.max) and "
              + "threshold", label, signal.before(), signal.detector());
    };
  }
}
