package dev.gatehouse.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** The kinds of target. */
public enum TargetType {
  COMMAND,
  SSH,
  POSTGRES,
  KUBERNETES;

  @JsonCreator
  public static TargetType of(String text) {
    for (TargetType t : values()) {
      if (t.name().toLowerCase(Locale.ROOT).equals(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a target type (command, ssh, postgres, kubernetes)");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
