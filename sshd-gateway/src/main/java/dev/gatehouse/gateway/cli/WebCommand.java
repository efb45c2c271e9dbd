package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.web.OperatorLinks;
import dev.gatehouse.web.login.LoginLinks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gatehouse web login-link}: the replay web's side of the command line. */
@Command(
    name = "web",
    mixinStandardHelpOptions = true,
    description = "The replay web: one-time operator login links.",
    subcommands = {WebCommand.LoginLink.class})
final class WebCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * Prints a new one-time link (only the URL on stdout, for scripts) that logs the operator in to
   * the replay web of the gateway using this store. Anyone who can run this with the store is the
   * bastion's operator already; the link is audited ({@code GH1005I}, via {@code cli:<login>}).
   */
  @Command(
      name = "login-link",
      mixinStandardHelpOptions = true,
      description = "Print a one-time link that logs the operator in to the replay web (web.localLogin):"
          + " it works once, for 10 minutes, on the gateway that uses this store.")
  static final class LoginLink implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() throws Exception {
      Path file = ConfigLoader.locate(config.file);
      GatewayConfig cfg = config.load();
      String source = file == null ? "the embedded defaults" : file.toString();
      if (cfg.web() == null || !cfg.web().localLogin()) {
        throw new ConfigException(source + ": web.localLogin is off; set web.localLogin: true (and restart the gateway)"
            + " to log in with a link");
      }
      int port = cfg.web().listenAddress().port();
      if (port == 0 && cfg.web().publicUrl() == null) {
        throw new ConfigException(source + ": web.listen " + cfg.web().listen() + " has no fixed port; set web.publicUrl"
            + " so that a link can name the gateway");
      }
      if (!Files.isRegularFile(cfg.databaseFile())) {
        throw ConfigOption.noData(cfg);
      }
      OperatorLinks.OperatorLink link = OperatorLinks.issue(cfg, port, "cli:" + System.getProperty("user.name"));
      System.out.println(link.url());
      System.err.println("gatehouse: logs in as " + LoginLinks.OPERATOR + "; works once, until "
          + link.expiresAt().truncatedTo(ChronoUnit.SECONDS) + " (config: " + source + ")");
      return 0;
    }
  }
}
