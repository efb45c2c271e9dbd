package dev.gatehouse.keys.login;

import dev.gatehouse.keys.oidc.ProviderMetadata;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code gatehouse login}: from a gateway URL to a certificate the plain {@code ssh} client uses.
 *
 * <pre>
 *  GET gateway/v1/config ──▶ issuer, clientId, scopes, sshHost, sshPort, knownHosts
 *  discovery(issuer) ──▶ code + PKCE on a loopback redirect, or the device grant ──▶ ID token
 *  ssh-keygen (once) ──▶ home/id_ed25519 ──POST /v1/certificates {idToken, publicKey}──▶ certificate
 *  write id_ed25519-cert.pub, known_hosts, ssh_config; ssh-add -t lifetime; Include in ~/.ssh/config
 * </pre>
 *
 * The ID token is sent only to the gateway and never printed. Nothing in a directory another user
 * can write is trusted ({@link LoginFiles}).
 */
public final class Login {
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /**
   * @param userSshConfig the user's ssh config that gets the {@code Include} line, or null to leave it alone
   * @param env the environment (SSH_AUTH_SOCK, DISPLAY)
   */
  public record Options(
      URI gateway, boolean device, boolean openBrowser, Path home, String alias, Path userSshConfig,
      Map<String, String> env, Duration browserWait) {
    public Options {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(home, "home");
      alias = alias == null ? "gatehouse" : alias;
      env = env == null ? Map.of() : Map.copyOf(env);
      browserWait = browserWait == null ? AuthorizationCodeFlow.WAIT : browserWait;
    }
  }

  /** What a login left behind. */
  public record Result(CertificateStatus certificate, boolean keyMade, boolean agentLoaded, boolean includeAdded) {}

  private final Options options;
  private final PrintStream out;
  private final Clock clock;

  public Login(Options options, PrintStream out, Clock clock) {
    this.options = options;
    this.out = out;
    this.clock = clock;
  }

  public Result run() throws LoginFailed {
    if (!ALIAS.matcher(options.alias()).matches()) {
      throw new LoginFailed("--alias '" + options.alias() + "' must be a plain host name ([A-Za-z0-9._-])");
    }
    LoginFiles files = new LoginFiles(options.home());
    // Before any login: a directory another user can change is refused, not used.
    files.requireSafe(options.userSshConfig());
    GatewayClient gateway = new GatewayClient(options.gateway());
    GatewayClient.GatewayConfig config = gateway.config();
    ProviderMetadata provider = ProviderDiscovery.discover(config.issuer(), config.clientId());

    String idToken = options.device()
        ? DeviceFlow.login(provider, config.clientId(), config.scopes(), out, clock)
        : AuthorizationCodeFlow.login(provider, config.clientId(), config.scopes(), this::show, options.browserWait());

    boolean keyMade = files.ensureKey();
    GatewayClient.Grant grant;
    try {
      grant = gateway.certificate(idToken, files.publicKeyLine());
      files.writeCertificate(grant.certificate(), grant.identity());
      files.writeKnownHosts(config.knownHosts());
      files.writeSshConfig(options.alias(), config.sshHost(), config.sshPort());
    } catch (LoginFailed e) {
      throw e;
    } catch (IOException e) {
      throw new LoginFailed("cannot write to " + files.home() + ": " + e.getMessage(), e);
    }
    CertificateStatus status = files.readCertificate();
    Duration lifetime = Duration.between(clock.instant(), status.validBefore());

    out.println((keyMade ? "Made key " : "Reused key ") + files.privateKey());
    out.println("Certificate " + files.certificate());
    out.println("  identity: " + status.identity());
    out.println("  groups:   " + (status.groups().isEmpty() ? "(none)" : String.join(", ", status.groups())));
    out.println("  valid until " + status.validBefore() + " (" + human(lifetime) + "), serial "
        + Long.toUnsignedString(status.serial()));
    boolean agent = addToAgent(files, lifetime);
    out.println("Wrote " + files.knownHosts() + " and " + files.sshConfig() + " (Host " + options.alias() + ")");
    boolean included = false;
    if (options.userSshConfig() != null) {
      try {
        included = files.includeIn(options.userSshConfig());
      } catch (IOException e) {
        throw new LoginFailed("cannot update " + options.userSshConfig() + ": " + e.getMessage(), e);
      }
      out.println(included
          ? "Added '" + files.includeLine() + "' as the first line of " + options.userSshConfig()
          : options.userSshConfig() + " already includes " + files.sshConfig());
      out.println("Connect with: ssh <target>@" + options.alias());
    } else {
      out.println("Connect with: ssh -F " + LoginFiles.quote(files.sshConfig()) + " <target>@" + options.alias()
          + " (or add '" + files.includeLine() + "' to ~/.ssh/config)");
    }
    out.flush();
    return new Result(status, keyMade, agent, included);
  }

  private void show(URI url) {
    out.println("Open this URL to log in: " + url);
    out.flush();
    if (options.openBrowser()) {
      openBrowser(url);
    }
  }

  /** xdg-open, only with a graphical session: on a bare terminal it could start a text browser in it. */
  private void openBrowser(URI url) {
    boolean graphical = nonBlank(options.env().get("DISPLAY")) || nonBlank(options.env().get("WAYLAND_DISPLAY"));
    Path opener = onPath("xdg-open");
    if (!graphical || opener == null) {
      return;
    }
    try {
      new ProcessBuilder(opener.toString(), url.toString())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      out.println("(could not open a browser: " + e.getMessage() + ")");
    }
  }

  private Path onPath(String program) {
    String path = options.env().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, program);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** ssh-add with the certificate's lifetime, when an agent runs; a failure is a warning. */
  private boolean addToAgent(LoginFiles files, Duration lifetime) {
    if (!nonBlank(options.env().get("SSH_AUTH_SOCK"))) {
      return false;
    }
    long seconds = lifetime.toSeconds();
    if (seconds <= 0) {
      return false;
    }
    try {
      LoginFiles.run("ssh-add", "-q", "-t", Long.toString(seconds), files.privateKey().toString());
      out.println("Added the key and certificate to ssh-agent for " + human(lifetime));
      return true;
    } catch (LoginFailed e) {
      out.println("warning: ssh-agent: " + e.getMessage());
      return false;
    }
  }

  /** {@code login --status}: prints the stored certificate; true when it is still valid. */
  public static boolean status(Path home, PrintStream out, Clock clock) throws LoginFailed {
    // The same checks as a login: what another user could have put there is not reported as yours.
    CertificateStatus s = new LoginFiles(home).readCertificate();
    Instant now = clock.instant();
    out.println("identity: " + s.identity());
    out.println("groups:   " + (s.groups().isEmpty() ? "(none)" : String.join(", ", s.groups())));
    out.println("serial:   " + Long.toUnsignedString(s.serial()));
    out.println("ca:       " + s.signedBy());
    if (s.validAt(now)) {
      out.println("valid until " + s.validBefore() + " (" + human(Duration.between(now, s.validBefore())) + " left)");
    } else {
      out.println("expired " + s.validBefore() + "; run gatehouse login again");
    }
    out.flush();
    return s.validAt(now);
  }

  static String human(Duration d) {
    if (d.isNegative()) {
      return "expired";
    }
    long h = d.toHours();
    long m = d.toMinutesPart();
    return h > 0 ? h + "h" + (m > 0 ? m + "m" : "") : m > 0 ? m + "m" : d.toSeconds() + "s";
  }

  private static boolean nonBlank(String s) {
    return s != null && !s.isBlank();
  }
}
