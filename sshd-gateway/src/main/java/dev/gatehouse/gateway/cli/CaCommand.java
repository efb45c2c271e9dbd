package dev.gatehouse.gateway.cli;

import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.auth.OwnBindings;
import dev.gatehouse.gateway.config.Durations;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.keys.CertificateAuthority;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.PublicKeys;
import dev.gatehouse.keys.UserCertificateRequest;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.AuditLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gatehouse ca ...}: the certificate authority on this bastion. */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = "Certificate authority: init, sign, known-hosts, revoke, target-key, bindings, unbind.",
    subcommands = {
      CaCommand.Init.class,
      CaCommand.Sign.class,
      CaCommand.KnownHosts.class,
      CaCommand.Revoke.class,
      CaCommand.TargetKey.class,
      CaCommand.Bindings.class,
      CaCommand.Unbind.class
    })
final class CaCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static CertificateAuthority ca(GatewayConfig cfg) throws IOException {
    Files.createDirectories(cfg.dataDir());
    Files.setPosixFilePermissions(cfg.dataDir(), PosixFilePermissions.fromString("rwx------"));
    return CertificateAuthority.init(cfg.caDirectory(), cfg.ssh().hostNames());
  }

  /** Host names as known_hosts matches them: "[name]:port" unless the port is 22. */
  static List<String> knownHostsNames(GatewayConfig cfg) {
    int port = cfg.ssh().listenAddress().port();
    List<String> names = new ArrayList<>();
    for (String h : cfg.ssh().hostNames()) {
      names.add(port == 22 ? h : "[" + h + "]:" + port);
    }
    return names;
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Make the user CA, host CA, target CA, host key and host certificate (keeps existing keys).")
  static final class Init implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.load();
      CertificateAuthority ca = ca(cfg);
      System.out.println("CA ready in " + ca.directory());
      System.out.println("host certificate principals: " + String.join(",", cfg.ssh().hostNames()));
      System.out.println(ca.knownHostsLine(knownHostsNames(cfg)));
      return 0;
    }
  }

  @Command(name = "sign", mixinStandardHelpOptions = true,
      description = "Sign a user's public key; writes KEY-cert.pub beside it and prints its path.")
  static final class Sign implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--public-key", required = true, paramLabel = "FILE", description = "The user's OpenSSH public key (.pub).")
    Path publicKey;

    @Option(names = "--identity", required = true, description = "The person: key id and principal, e.g. alice@example.com.")
    String identity;

    @Option(names = "--groups", split = ",", description = "Groups, comma-separated.")
    List<String> groups = new ArrayList<>();

    @Option(names = "--ttl", defaultValue = "8h", description = "Lifetime (default ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--source-address", paramLabel = "CIDR", description = "Only usable from these addresses (comma-separated CIDRs).")
    String sourceAddress;

    @Option(names = "--no-pty", description = "Do not permit a terminal.")
    boolean noPty;

    @Override
    public Integer call() throws Exception {
      // The key first: a mistyped path must not leave a new CA behind.
      PublicKey key = readPublicKey(publicKey);
      GatewayConfig cfg = config.load();
      CertificateAuthority ca = ca(cfg);
      Duration lifetime = Durations.parse(ttl);
      UserCertificateRequest req = new UserCertificateRequest(
          identity, groups, lifetime, sourceAddress, !noPty, true, false, false);
      OpenSshCertificate cert;
      try (CertificateLedger ledger = CertificateLedger.open(cfg.databaseFile());
          AuditLog log = AuditLog.open(cfg.auditFile())) {
        cert = ca.signUserCertificate(key, req, ledger);
        new Audit(log).record(AuditCode.CERTIFICATE_ISSUED,
            "serial", Long.toUnsignedString(cert.getSerial()), "identity", identity,
            "groups", String.join(",", groups), "validBefore", java.time.Instant.ofEpochSecond(cert.getValidBefore()).toString(),
            "issuedBy", "ca sign", "operator", System.getProperty("user.name"));
      }
      Path out = certificatePath(publicKey);
      String line = PublicKeyEntry.toString(cert) + " " + identity + "\n";
      Files.writeString(out, line, StandardCharsets.UTF_8);
      System.out.println(out);
      return 0;
    }

    static Path certificatePath(Path pub) {
      String name = pub.getFileName().toString();
      String certName = name.endsWith(".pub") ? name.substring(0, name.length() - 4) + "-cert.pub" : name + "-cert.pub";
      return pub.resolveSibling(certName);
    }
  }

  static PublicKey readPublicKey(Path file) throws IOException {
    String text = InputFileUnusable.readText(file, "--public-key", "make a key with: ssh-keygen -t ed25519");
    try {
      return PublicKeys.parseUserKey(text);
    } catch (IOException e) {
      throw new IOException("--public-key " + file + ": " + e.getMessage(), e);
    }
  }

  @Command(name = "known-hosts", mixinStandardHelpOptions = true,
      description = "Print the @cert-authority line that makes clients trust this gateway.")
  static final class KnownHosts implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithCa();
      System.out.println(CertificateAuthority.load(cfg.caDirectory()).knownHostsLine(knownHostsNames(cfg)));
      return 0;
    }
  }

  @Command(name = "target-key", mixinStandardHelpOptions = true,
      description = "Print the target CA key: the line for a downstream host's TrustedUserCAKeys.")
  static final class TargetKey implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() throws Exception {
      System.out.println(CertificateAuthority.load(config.loadWithCa().caDirectory()).targetCaPublicKeyLine());
      return 0;
    }
  }

  @Command(name = "bindings", mixinStandardHelpOptions = true,
      description = "List plain keys bound to identities by a device login, each active, expired or revoked.")
  static final class Bindings implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--identity", description = "Only this identity's bindings.") String identity;

    @Option(names = "--format", defaultValue = "text", description = "text or json") String format;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      java.time.Instant now = java.time.Instant.now();
      List<dev.gatehouse.keys.KeyBinding> list;
      List<dev.gatehouse.keys.KeyBinding.State> states = new ArrayList<>();
      try (CertificateLedger ledger = CertificateLedger.open(cfg.databaseFile())) {
        list = ledger.bindings(identity);
        for (var b : list) {
          states.add(ledger.state(b, now));
        }
      }
      if (format.equals("json")) {
        List<java.util.Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          rows.add(OwnBindings.row(list.get(i), states.get(i)));
        }
        System.out.println(VisibleText.json(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(rows)));
        return 0;
      }
      System.out.printf("%-20s  %-8s  %-28s  %-52s  %-16s  %s%n", "SERIAL", "STATE", "IDENTITY", "KEY", "BOUND FROM",
          "VALID UNTIL");
      for (int i = 0; i < list.size(); i++) {
        var b = list.get(i);
        System.out.printf("%-20s  %-8s  %-28s  %-52s  %-16s  %s%n", Long.toUnsignedString(b.serial()),
            states.get(i).label(), VisibleText.inline(b.identity()), b.keyFingerprint(), b.boundFrom().isEmpty() ? "-" : b.boundFrom(),
            b.validBefore());
      }
      return 0;
    }
  }

  @Command(name = "unbind", mixinStandardHelpOptions = true,
      description = {"Remove a key binding: its serial is revoked (live sessions using it end within a second) "
          + "and the key may be bound again by a new device login."})
  static final class Unbind implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--fingerprint", required = true, paramLabel = "SHA256:...",
        description = "The key's fingerprint, as `ca bindings` shows it.")
    String fingerprint;

    @Option(names = "--reason", defaultValue = "", description = "Why (goes to the audit log).")
    String reason;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      String by = "operator:" + System.getProperty("user.name");
      try (CertificateLedger ledger = CertificateLedger.open(cfg.databaseFile());
          AuditLog log = AuditLog.open(cfg.auditFile())) {
        var removed = ledger.unbindKey(fingerprint.trim(), null, reason, by);
        if (removed.isEmpty()) {
          System.err.println("gatehouse: no binding for key " + fingerprint.trim() + " (see gatehouse ca bindings)");
          return 1;
        }
        var b = removed.get();
        new Audit(log).record(AuditCode.KEY_UNBOUND, "fingerprint", b.keyFingerprint(), "identity", b.identity(),
            "serial", Long.toUnsignedString(b.serial()), "boundFrom", b.boundFrom(), "by", by, "via", "ca unbind",
            "reason", reason);
        System.out.println("unbound " + b.keyFingerprint() + " of " + b.identity() + " (serial "
            + Long.toUnsignedString(b.serial()) + " revoked)");
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a certificate by serial, or every certificate of an identity; live sessions using it end within a second.")
  static final class Revoke implements Callable<Integer> {
    @Mixin ConfigOption config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
      @Option(names = "--serial", description = "Serial number (any, also one this CA never issued).")
      String serial;

      @Option(names = "--identity", description = "Every certificate issued to this identity until now.")
      String identity;
    }

    @Option(names = "--reason", defaultValue = "", description = "Why (goes to the audit log).")
    String reason;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.load();
      String by = "operator:" + System.getProperty("user.name");
      try (CertificateLedger ledger = CertificateLedger.open(cfg.databaseFile());
          AuditLog log = AuditLog.open(cfg.auditFile())) {
        if (which.serial != null) {
          long serial;
          try {
            serial = Long.parseUnsignedLong(which.serial.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--serial: '" + which.serial + "' is not a serial number");
          }
          ledger.revokeSerial(serial, reason, by);
          new Audit(log).record(AuditCode.CERTIFICATE_REVOKED, "serial", Long.toUnsignedString(serial), "reason", reason, "by", by);
          System.out.println("revoked serial " + Long.toUnsignedString(serial));
        } else {
          ledger.revokeIdentity(which.identity, reason, by);
          new Audit(log).record(AuditCode.CERTIFICATE_REVOKED, "identity", which.identity, "reason", reason, "by", by);
          System.out.println("revoked every certificate of " + which.identity + " issued until now");
        }
      }
      return 0;
    }
  }
}
