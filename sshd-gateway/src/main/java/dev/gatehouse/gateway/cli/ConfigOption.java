package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, shared by every command that reads the gateway's state. The file is found
 * as {@code serve} finds it ({@link ConfigLoader#locate}); one that was not named on the command
 * line is named on stderr, so an operator can tell which gateway's data a command touched.
 */
final class ConfigOption {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: $GATEHOUSE_CONFIG, else /etc/gatehouse/gatehouse.yaml, else embedded defaults with data in ./var/gatehouse).")
  Path file;

  /** The configuration, for commands that may make what is missing (a CA, a store). */
  GatewayConfig load() throws ConfigException {
    Path found = ConfigLoader.locate(file);
    if (file == null && found != null) {
      System.err.println("gatehouse: using " + found);
    }
    return found == null ? ConfigLoader.defaults() : ConfigLoader.load(found);
  }

  /**
   * The configuration of a gateway whose store exists: commands that only read it (or change rows
   * in it) never make a new, empty store where the operator expected the gateway's own.
   */
  GatewayConfig loadWithStore() throws ConfigException {
    GatewayConfig cfg = load();
    if (!Files.isRegularFile(cfg.databaseFile())) {
      throw noData(cfg);
    }
    return cfg;
  }

  /** The configuration of a gateway whose CA exists (never made here: see {@link #loadWithStore}). */
  GatewayConfig loadWithCa() throws ConfigException {
    GatewayConfig cfg = load();
    if (!Files.isDirectory(cfg.caDirectory())) {
      throw noData(cfg);
    }
    return cfg;
  }

  static ConfigException noData(GatewayConfig cfg) {
    return new ConfigException("no Gatehouse data at " + cfg.dataDir()
        + " (use --config, $GATEHOUSE_CONFIG or /etc/gatehouse/gatehouse.yaml)");
  }
}
