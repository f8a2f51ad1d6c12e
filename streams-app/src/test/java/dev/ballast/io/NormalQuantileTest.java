package dev.ballast.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NormalQuantileTest {

    @ParameterizedTest
    @CsvSource({
        "0.5, 0.0",
        "0.975, 1.959963984540054",
        "0.025, -1.959963984540054",
        "0.8413447460685429, 1.0",
        "0.995, 2.5758293035489004",
        "0.001, -3.090232306167813",
        "0.999, 3.090232306167813",
        "1e-9, -5.997807015007686",
        "0.3, -0.5244005127080407",
    })
    void shouldMatchReferenceQuantilesWithinAcklamsError(double p, double expected) {
        assertEquals(expected, NormalQuantile.of(p), 1.2e-9 * Math.max(1, Math.abs(expected)));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 1, -0.1, 1.5, Double.NaN})
    void shouldRejectProbabilitiesOutsideTheOpenUnitInterval(double p) {
        assertThrows(IllegalArgumentException.class, () -> NormalQuantile.of(p));
    }
}
