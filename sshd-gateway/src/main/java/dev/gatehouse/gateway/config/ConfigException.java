package dev.gatehouse.gateway.config;

/** A configuration file that cannot be used; the message names file, line and key. */
public final class ConfigException extends Exception {
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  public ConfigException(String message) {
    super(message);
  }
}
