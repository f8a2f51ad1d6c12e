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
    assertTrue(gate.resolve(new double[] {0.69, 0.0}, 130_000).isEmpty(), "0.69 is below 0.80 - 0.2 / 2");
    List<AlertGate.Alert> resolved = gate.resolve(new double[] {0.71, 0.0}, 140_000);
    assertEquals(1, resolved.size());
    assertTrue(resolved.get(0).resolved());
    assertEquals(Kind.MINORITY_RECALL_DROP, resolved.get(0).kind());
    assertEquals("resolved: recall drop on label 'l0', recall is 0.71 again (cleared at 0.70)", resolved.get(0).message());
    assertFalse(gate.hasOpenConditions());
    assertTrue(gate.resolve(new double[] {0.9, 0.9}, 150_000).isEmpty());
    assertEquals(1, gate.admit(List.of(drop), 150_000).size(), "raised again after it cleared and the cool-down passed");
  }

  @Test
  void shouldResolveACollapseWhenRecallReachesTheMinimumDrop() {
    gate.admit(List.of(new ImbalanceSignal(1, Kind.COLLAPSE_TO_NEGATIVE, "collapse", 5, 0)), 0);
    assertTrue(gate.resolve(new double[] {Double.NaN, 0.1}, 1).isEmpty());
    List<AlertGate.Alert> resolved = gate.resolve(new double[] {Double.NaN, 0.25}, 2);
    assertEquals(1, resolved.size());
    assertEquals(1, resolved.get(0).label());
    assertEquals(Kind.COLLAPSE_TO_NEGATIVE, resolved.get(0).kind());
  }
}
