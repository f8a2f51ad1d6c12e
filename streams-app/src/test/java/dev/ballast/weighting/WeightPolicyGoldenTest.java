package dev.ballast.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code golden/weight-policies.json} against every policy it lists. */
class WeightPolicyGoldenTest {

  private static final double RELATIVE_TOLERANCE = 1e-9;
  /**
   * The reference semantics the golden file states (smoothing 1, clip [1, 1000], mu 0.15, beta 0.999), fixed whatever
   * the product's defaults; the policy type is set per case.
   */
  private static final WeightPolicySettings REFERENCE =
      new WeightPolicySettings(WeightPolicyType.NONE, 1.0, 1.0, 1000.0, 0.15, 0.999);

  private static JsonNode golden() throws IOException {
    try (InputStream in = WeightPolicyGoldenTest.class.getResourceAsStream("/golden/weight-policies.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static Stream<Arguments> goldenCases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode goldenCase : golden().get("cases")) {
      for (Map.Entry<String, JsonNode> policy : goldenCase.get("weights").properties()) {
        cases.add(Arguments.of(policy.getKey(), goldenCase.get("positives").asDouble(),
            goldenCase.get("total").asDouble(), policy.getValue().get("posWeight").asDouble(),
            policy.getValue().get("negWeight").asDouble()));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} positives={1} total={2}")
  @MethodSource("goldenCases")
  void shouldMatchGoldenWeightsWhenUsingReferenceSettings(String policy, double positives, double total,
                                                          double expectedPositive, double expectedNegative) {
    WeightPolicy weightPolicy = new WeightPolicy(
        REFERENCE.withType(WeightPolicyType.fromConfigName(policy)));

    LabelWeight weight = weightPolicy.weight(positives, total);

    assertRelativelyEquals(expectedPositive, weight.positive());
    assertRelativelyEquals(expectedNegative, weight.negative());
  }

  @Test
  void shouldHaveGoldenValuesForEveryPolicyTypeInEveryCase() throws IOException {
    Set<String> allPolicies = Stream.of(WeightPolicyType.values()).map(WeightPolicyType::configName)
        .collect(Collectors.toSet());
    for (JsonNode goldenCase : golden().get("cases")) {
      Set<String> covered = new HashSet<>();
      goldenCase.get("weights").fieldNames().forEachRemaining(covered::add);
      assertEquals(allPolicies, covered);
    }
  }

  private static void assertRelativelyEquals(double expected, double actual) {
    assertEquals(expected, actual, Math.abs(expected) * RELATIVE_TOLERANCE);
  }
}
