package dev.gatehouse.gateway.cli;

import dev.gatehouse.keys.login.Login;
import dev.gatehouse.keys.login.LoginFailed;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse login}: OIDC login that leaves a short-lived SSH certificate for plain {@code ssh}. */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Log in with the company's identity provider and get a short-lived SSH certificate.",
      "Afterwards plain 'ssh <target>@<alias>' works (an Include line is added to ~/.ssh/config).",
      "With --status: show the stored certificate (exit 0 while valid, 1 when missing or expired)."
    })
final class LoginCommand implements Callable<Integer> {
  @Option(names = "--gateway", paramLabel = "URL", description = "The gateway's web address, e.g. https://bastion.example.com.")
  String gateway;

  @Option(names = "--device", description = "Device authorization grant: open the printed URL on any device (remote or headless terminals).")
  boolean device;

  @Option(names = "--no-browser", description = "Only print the login URL; do not open a browser.")
  boolean noBrowser;

  @Option(names = "--home", paramLabel = "DIR", description = "Where the key, certificate and ssh_config live (default ~/.gatehouse).")
  Path home;

  @Option(names = "--alias", paramLabel = "NAME", defaultValue = "gatehouse", description = "Host alias in the ssh_config snippet (default ${DEFAULT-VALUE}).")
  String alias;

  @Option(names = "--no-ssh-config", description = "Do not add the Include line to ~/.ssh/config.")
  boolean noSshConfig;

  @Option(names = "--status", description = "Show identity, groups and expiry of the stored certificate.")
  boolean status;

  @Override
  public Integer call() {
    Path userHome = Path.of(System.getProperty("user.home"));
    Path dir = home != null ? home : userHome.resolve(".gatehouse");
    try {
      if (status) {
        return Login.status(dir, System.out, Clock.systemUTC()) ? 0 : 1;
      }
      if (gateway == null || gateway.isBlank()) {
        throw new LoginFailed("--gateway URL is required (the gateway's web address)");
      }
      URI url;
      try {
        url = new URI(gateway.trim());
      } catch (URISyntaxException e) {
        throw new LoginFailed("--gateway '" + gateway + "' is not a URL");
      }
      Login.Options options = new Login.Options(url, device, !noBrowser, dir, alias,
          noSshConfig ? null : userHome.resolve(".ssh").resolve("config"), System.getenv(), null);
      new Login(options, System.out, Clock.systemUTC()).run();
      return 0;
    } catch (LoginFailed e) {
      System.out.flush();
      System.err.println("gatehouse: " + (status ? "" : "login failed: ") + e.getMessage());
      return 1;
    }
  }
}
