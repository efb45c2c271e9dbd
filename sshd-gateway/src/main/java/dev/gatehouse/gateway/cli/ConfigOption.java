package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command that reads the gateway's state. */
final class ConfigOption {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: $GATEHOUSE_CONFIG, else /etc/gatehouse/gatehouse.yaml, else embedded defaults with data in ./var/gatehouse).")
  Path file;

  GatewayConfig load() throws ConfigException {
    return ConfigLoader.loadOrDefaults(file);
  }
}
