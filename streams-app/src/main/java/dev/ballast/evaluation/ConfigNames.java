package dev.ballast.evaluation;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Looks up this package's configuration enums by their configuration names. */
final class ConfigNames {

  private ConfigNames() {
  }

  /**
   * @throws IllegalArgumentException listing the valid names when {@code name} is none of them
   */
  static <E extends Enum<E>> E parse(Class<E> type, String name, Function<E, String> configName, String what) {
    for (E constant : type.getEnumConstants()) {
      if (configName.apply(constant).equals(name)) {
        return constant;
      }
    }
    throw new IllegalArgumentException("unknown " + what + " '" + name + "', expected one of "
        + Arrays.stream(type.getEnumConstants()).map(configName).collect(Collectors.joining(", ")));
  }
}
