package dev.ballast.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.evaluation.drift.AlertGate;
import dev.ballast.evaluation.drift.ImbalanceSignal;
import dev.ballast.schema.AlertKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus alerting rules shipped in docker/ agree with what Ballast exposes and with its alert records. */
class AlertRulesTest {

    private static final Path RULES = Path.of("..", "docker", "prometheus", "alerts.yml");
    private static final Pattern METRIC = Pattern.compile("\\bballast_[a-z_]+");
    private static final Pattern KIND = Pattern.compile("kind=\"([a-z_]+)\"");

    private record Rule(String name, String expr, String severity) {
    }

    private static List<Rule> rules() throws Exception {
        List<Rule> rules = new java.util.ArrayList<>();
        String name = null;
        String expr = null;
        for (String line : Files.readAllLines(RULES)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("- alert: ")) {
                name = trimmed.substring("- alert: ".length());
            } else if (trimmed.startsWith("expr: ")) {
                expr = trimmed.substring("expr: ".length());
            } else if (trimmed.startsWith("severity: ")) {
                rules.add(new Rule(name, expr, trimmed.substring("severity: ".length())));
            }
        }
        return rules;
    }

    @Test
    void shouldOnlyNameMetricsThatBallastExposes() throws Exception {
        ModelView model = new ModelView("fraud", null,
                List.of(Fixtures.metrics("fraud", 3, 1_700_000_000_000L, Map.of("spam", 0.02))), Map.of());
        Map<String, String> types = ExpositionParser.parse(
                PrometheusExposition.render(new FeedView(Map.of("fraud", model), List.of(), 0), Map.of())).types();
        List<Rule> rules = rules();
        assertFalse(rules.isEmpty());
        for (Rule rule : rules) {
            Matcher metric = METRIC.matcher(rule.expr());
            assertTrue(metric.find(), rule.toString());
            do {
                assertTrue(types.containsKey(metric.group()), rule.name() + " names " + metric.group() + ", not exposed");
            } while (metric.find());
        }
    }

    @Test
    void shouldCoverEveryAlertKindWithTheSeverityOfItsRecords() throws Exception {
        Map<String, String> severityByKind = new HashMap<>();
        for (Rule rule : rules()) {
            Matcher kind = KIND.matcher(rule.expr());
            if (kind.find()) {
                severityByKind.put(kind.group(1), rule.severity());
            }
        }
        for (AlertKind kind : AlertKind.values()) {
            if (kind == AlertKind.UNKNOWN) {
                continue;
            }
            String name = kind.name().toLowerCase(Locale.ROOT);
            assertTrue(severityByKind.containsKey(name), "no rule for " + name);
            String expected = kind == AlertKind.NON_FINITE_STEP || kind == AlertKind.MODEL_FAILED ? "critical"
                    : AlertGate.Severity.valueOf(severityOf(ImbalanceSignal.Kind.valueOf(kind.name()))).name().toLowerCase(Locale.ROOT);
            assertEquals(expected, severityByKind.get(name), name);
        }
    }

    private static String severityOf(ImbalanceSignal.Kind kind) {
        AlertGate gate = new AlertGate(List.of("l0"), new AlertGate.Settings(0, 1, 0));
        return gate.admit(List.of(new ImbalanceSignal(0, kind, "test", 0.9, 0.1)), 0).get(0).severity().name();
    }
}
