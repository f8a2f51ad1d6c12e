package dev.ballast.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Numeric ranges with open or closed ends, for the settings whose domain excludes a bound (a learning rate of 0, a
 * smoothing of 0): Kafka's {@link ConfigDef.Range} only has closed ends. Each range here is the one the class that
 * takes the value checks in its constructor, so a value that passes start-up never throws later.
 */
final class Bounds implements ConfigDef.Validator {

    private final double lower;
    private final boolean lowerOpen;
    private final double upper;
    private final boolean upperOpen;

    private Bounds(double lower, boolean lowerOpen, double upper, boolean upperOpen) {
        this.lower = lower;
        this.lowerOpen = lowerOpen;
        this.upper = upper;
        this.upperOpen = upperOpen;
    }

    /** (0, +inf): positive and finite. */
    static Bounds positive() {
        return new Bounds(0, true, Double.POSITIVE_INFINITY, true);
    }

    /** [0, +inf): non-negative and finite. */
    static Bounds nonNegative() {
        return new Bounds(0, false, Double.POSITIVE_INFINITY, true);
    }

    /** (lower, upper]. */
    static Bounds aboveAtMost(double lower, double upper) {
        return new Bounds(lower, true, upper, false);
    }

    /** (lower, upper). */
    static Bounds strictlyBetween(double lower, double upper) {
        return new Bounds(lower, true, upper, true);
    }

    /** [lower, upper). */
    static Bounds atLeastBelow(double lower, double upper) {
        return new Bounds(lower, false, upper, true);
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            throw new ConfigException(name, null, "a value in " + this + " is required");
        }
        double number = ((Number) value).doubleValue();
        boolean aboveLower = lowerOpen ? number > lower : number >= lower;
        boolean belowUpper = upperOpen ? number < upper : number <= upper;
        if (!(aboveLower && belowUpper)) {
            throw new ConfigException(name, value, "must be in " + this);
        }
    }

    @Override
    public String toString() {
        return (lowerOpen ? "(" : "[") + format(lower) + ", " + format(upper) + (upperOpen ? ")" : "]");
    }

    private static String format(double bound) {
        if (Double.isInfinite(bound)) {
            return bound > 0 ? "+inf" : "-inf";
        }
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
}
