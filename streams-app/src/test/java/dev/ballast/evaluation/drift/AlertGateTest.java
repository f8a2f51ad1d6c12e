package dev.ballast.evaluation.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.drift.ImbalanceSignal.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertGateTest {

  private static final AlertGate.Settings SETTINGS = new AlertGate.Settings(60_000, 2.0, 0.2);

  private final AlertGate gate = new AlertGate(List.of("l0", "l1"), SETTINGS);

  @Test
  void shouldRaiseOneAlertPerLabelAndKindWithinTheCooldown() {
    ImbalanceSignal shift = new ImbalanceSignal(0, Kind.PREVALENCE_SHIFT, "page-hinkley", 0.01, 0.10);
    assertEquals(1, gate.admit(List.of(shift, shift), 0).size());
    assertEquals(0, gate.admit(List.of(shift), 59_999).size());
    assertEquals(1, gate.admit(List.of(new ImbalanceSignal(1, Kind.PREVALENCE_SHIFT, "page-hinkley", 0.01, 0.10)),
        59_999).size(), "another label has its own cool-down");
    assertEquals(1, gate.admit(List.of(shift), 60_000).size());
  }

  @Test
  void shouldIgnorePrevalenceMovesAndRecallDropsBelowTheHysteresis() {
    assertTrue(gate.admit(List.of(new ImbalanceSignal(0, Kind.PREVALENCE_SHIFT, "page-hinkley", 0.10, 0.19)), 0).isEmpty());
    assertTrue(gate.admit(List.of(new ImbalanceSignal(0, Kind.MINORITY_RECALL_DROP, "ddm-oci", 0.80, 0.61)), 0).isEmpty());
    List<AlertGate.Alert> down = gate.admit(List.of(new ImbalanceSignal(0, Kind.PREVALENCE_SHIFT, "page-hinkley", 0.30, 0.15)), 0);
    assertEquals(1, down.size(), "a halving is a move of x2.0");
  }

  @Test
  void shouldNameTheQuantityTheValuesAndTheActionInTheMessage() {
    AlertGate.Alert shift = gate.admit(
        List.of(new ImbalanceSignal(1, Kind.PREVALENCE_SHIFT, "page-hinkley", 0.005, 0.30)), 0).get(0);
    assertEquals("prevalence of label 'l1' moved from 0.50% to 30.00% (x60.0, page-hinkley); the class weights follow "
        + "by themselves, check the producer if the move is unexpected", shift.message());
    assertEquals(AlertGate.Severity.INFO, shift.severity());
    AlertGate.Alert collapse = gate.admit(
        List.of(new ImbalanceSignal(0, Kind.COLLAPSE_TO_NEGATIVE, "collapse", 11, 0)), 0).get(0);
    assertEquals(AlertGate.Severity.CRITICAL, collapse.severity());
    assertTrue(collapse.message().startsWith("label 'l0' collapsed: the model predicted it negative for every event of "
        + "the window and missed its 11 positives (collapse); check"), collapse.message());
  }

  @Test
  void shouldKeepARecallDropOpenUntilRecallIsBackAndThenResolveItOnce() {
    ImbalanceSignal drop = new ImbalanceSignal(0, Kind.MINORITY_RECALL_DROP, "ddm-oci", 0.80, 0.40);
    AlertGate.Alert raised = gate.admit(List.of(drop), 0).get(0);
    assertEquals(AlertGate.Severity.WARNING, raised.severity());
    assertFalse(raised.resolved());
    assertTrue(gate.hasOpenConditions());
    assertTrue(gate.admit(List.of(drop), 120_000).isEmpty(), "not raised again while open, cool-down or not");
    boolean[] noCollapse = {false, false};
    assertTrue(gate.resolve(new double[] {Double.NaN, 0.0}, noCollapse, 125_000).isEmpty(), "recall not known yet");
    assertTrue(gate.resolve(new double[] {0.69, 0.0}, noCollapse, 130_000).isEmpty(), "0.69 is below 0.80 - 0.2 / 2");
    List<AlertGate.Alert> resolved = gate.resolve(new double[] {0.71, 0.0}, noCollapse, 140_000);
    assertEquals(1, resolved.size());
    assertTrue(resolved.get(0).resolved());
    assertEquals(Kind.MINORITY_RECALL_DROP, resolved.get(0).kind());
    assertEquals("resolved: recall drop of label 'l0', recall is 0.71 again (cleared at 0.70)", resolved.get(0).message());
    assertFalse(gate.hasOpenConditions());
    assertTrue(gate.resolve(new double[] {0.9, 0.9}, noCollapse, 150_000).isEmpty());
    assertEquals(1, gate.admit(List.of(drop), 150_000).size(), "raised again after it cleared and the cool-down passed");
  }

  @Test
  void shouldResolveACollapseOnlyWhenTheModelPredictsTheLabelPositiveAgain() {
    ImbalanceMonitor monitor = new ImbalanceMonitor(List.of("l0", "l1"), new DetectorSettings(0.25, 25, 100, 500, 50, 3, 10));
    float[] never = new float[20 * 2];
    float[] targets = new float[20 * 2];
    for (int row = 0; row < 20; row += 2) {
      targets[row * 2 + 1] = 1;
    }
    List<ImbalanceSignal> signals = monitor.update(never, targets, 20, new float[] {0.5f, 0.5f});
    List<AlertGate.Alert> raised = gate.admit(signals, 0);
    assertEquals(1, raised.stream().filter(alert -> alert.kind() == Kind.COLLAPSE_TO_NEGATIVE && alert.label() == 1).count(),
        raised.toString());
    assertTrue(gate.resolve(monitor, 1).isEmpty(), "still never predicted positive");

    float[] once = new float[2];
    once[1] = 0.9f;
    monitor.update(once, new float[] {0, 1}, 1, new float[] {0.5f, 0.5f});
    List<AlertGate.Alert> resolved = gate.resolve(monitor, 2);
    assertEquals(1, resolved.size());
    assertEquals(1, resolved.get(0).label());
    assertEquals(Kind.COLLAPSE_TO_NEGATIVE, resolved.get(0).kind());
    assertEquals("resolved: collapse of label 'l1', the model predicts it positive again", resolved.get(0).message());
  }
}
