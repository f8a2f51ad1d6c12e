package dev.ballast.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * An enum-valued setting: its allowed values come from the enum (each constant's configuration name), and the same
 * object validates the value at start-up and parses it afterwards, case-insensitively, as Kafka's
 * {@code CaseInsensitiveValidString.in(Utils.enumOptions(X.class))} does.
 */
public final class EnumSetting<E extends Enum<E>> implements ConfigDef.Validator {

    private final Class<E> type;
    private final Function<E, String> configName;

    private EnumSetting(Class<E> type, Function<E, String> configName) {
        this.type = type;
        this.configName = configName;
    }

    /** @param configName the name a constant has in configuration (e.g. {@code "inverse-prevalence"}) */
    public static <E extends Enum<E>> EnumSetting<E> of(Class<E> type, Function<E, String> configName) {
        return new EnumSetting<>(type, configName);
    }

    /** The configuration names, in declaration order. */
    public List<String> names() {
        return Arrays.stream(type.getEnumConstants()).map(configName).toList();
    }

    /** The configuration name of a constant, e.g. for a default value. */
    public String nameOf(E constant) {
        return configName.apply(constant);
    }

    /** @throws ConfigException naming {@code key} when {@code value} is none of the names */
    public E parse(String key, Object value) {
        String text = value == null ? "" : value.toString().trim();
        for (E constant : type.getEnumConstants()) {
            if (configName.apply(constant).equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw new ConfigException(key, value, "expected one of " + String.join(", ", names()));
    }

    @Override
    public void ensureValid(String name, Object value) {
        parse(name, value);
    }

    @Override
    public String toString() {
        return "[" + String.join(", ", names()) + "] (case-insensitive)";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EnumSetting<?> that && that.type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }
}
