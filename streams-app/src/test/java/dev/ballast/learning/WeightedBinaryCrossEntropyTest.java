package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Every case of the shared golden file golden/weighted-bce.json, evaluated on float32 logits through the batch
 * evaluation the training step runs.
 */
class WeightedBinaryCrossEntropyTest {

    private static final Objective OBJECTIVE = ObjectiveSettings.defaults().create();

    @Test
    void shouldMatchGoldenLossAndGradientWithoutNonFiniteValues() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/golden/weighted-bce.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
        assertTrue(cases.size() > 0);
        for (JsonNode c : cases) {
            float logit = (float) c.get("logit").asDouble();
            float target = (float) c.get("target").asDouble();
            float posWeight = (float) c.get("posWeight").asDouble();
            float negWeight = (float) c.get("negWeight").asDouble();
            double loss = OBJECTIVE.loss(logit, target, posWeight, negWeight);
            double gradient = OBJECTIVE.gradient(logit, target, posWeight, negWeight);
            assertClose(c.get("loss").asDouble(), loss, c + " loss");
            assertClose(c.get("dLossDLogit").asDouble(), gradient, c + " gradient");
        }
    }

    private static void assertClose(double expected, double actual, String message) {
        assertTrue(Double.isFinite(actual), message);
        assertEquals(expected, actual, Math.max(1e-6, 1e-5 * Math.abs(expected)), message);
    }
}
