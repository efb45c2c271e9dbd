package dev.gatehouse.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's three ed25519 CAs and its host key, as plain OpenSSH files in one directory so
 * that {@code ssh-keygen} can use them in an emergency:
 *
 * <ul>
 *   <li>{@code user_ca}: signs users' certificates; the gateway trusts it (and {@code
 *       trusted_user_ca_keys}, for rotation).
 *   <li>{@code host_ca}: signs the gateway's host certificate; clients trust it via {@code
 *       @cert-authority} in known_hosts.
 *   <li>{@code target_ca}: signs the short per-session certificates with which the gateway logs in
 *       to ssh targets; targets trust it via {@code TrustedUserCAKeys}. Separate from {@code
 *       user_ca} so that a target never accepts a user's own certificate directly.
 *   <li>{@code host_key} and {@code host_key-cert.pub}: the gateway's host key and certificate.
 * </ul>
 */
public final class CertificateAuthority {
  private static final Logger log = LoggerFactory.getLogger(CertificateAuthority.class);

  static final String USER_CA = "user_ca";
  static final String HOST_CA = "host_ca";
  static final String TARGET_CA = "target_ca";
  static final String HOST_KEY = "host_key";
  static final String HOST_CERTIFICATE = "host_key-cert.pub";
  static final String TRUSTED_USER_CA_KEYS = "trusted_user_ca_keys";
  static final Duration HOST_CERTIFICATE_VALIDITY = Duration.ofDays(365);
  static final Duration HOST_CERTIFICATE_RENEWAL = Duration.ofDays(30);
  static final String ISSUED_BY_CA_SIGN = "ca sign";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final KeyPair userCa;
  private final KeyPair hostCa;
  private final KeyPair targetCa;
  private final KeyPair hostKey;
  private final OpenSshCertificate hostCertificate;
  private final Clock clock;

  private record TrustedKeys(FileTime modified, long size, List<PublicKey> keys) {}

  private TrustedKeys trustedKeysCache; // guarded by this

  private CertificateAuthority(
      Path directory, KeyPair userCa, KeyPair hostCa, KeyPair targetCa, KeyPair hostKey,
      OpenSshCertificate hostCertificate, Clock clock) {
    this.directory = directory;
    this.userCa = userCa;
    this.hostCa = hostCa;
    this.targetCa = targetCa;
    this.hostKey = hostKey;
    this.hostCertificate = hostCertificate;
    this.clock = clock;
  }

  /**
   * Makes whatever is missing, never overwriting a key; (re)issues the host certificate when it is
   * missing, names other hosts, expires within 30 days, or no longer matches host_key / host_ca.
   */
  public static CertificateAuthority init(Path caDir, List<String> hostNames) throws IOException {
    return init(caDir, hostNames, Clock.systemUTC());
  }

  static CertificateAuthority init(Path caDir, List<String> hostNames, Clock clock) throws IOException {
    List<String> names = validHostNames(hostNames);
    makeDirectory(caDir);
    ensureKeyPair(caDir, USER_CA, "gatehouse-user-ca");
    KeyPair hostCa = ensureKeyPair(caDir, HOST_CA, "gatehouse-host-ca");
    ensureKeyPair(caDir, TARGET_CA, "gatehouse-target-ca");
    KeyPair hostKey = ensureKeyPair(caDir, HOST_KEY, "gatehouse-host-key");

    Path certFile = caDir.resolve(HOST_CERTIFICATE);
    String why = hostCertificateRenewalReason(certFile, names, hostCa, hostKey, clock.instant());
    if (why != null) {
      Instant now = clock.instant();
      OpenSshCertificate cert =
          OpenSshCertificateSigner.sign(
              new OpenSshCertificateSigner.Body(
                  OpenSshCertificate.Type.HOST,
                  hostKey.getPublic(),
                  randomSerial(),
                  "gatehouse-host",
                  names,
                  now.minus(Duration.ofMinutes(1)).getEpochSecond(),
                  now.plus(HOST_CERTIFICATE_VALIDITY).getEpochSecond(),
                  Map.of(),
                  Map.of()),
              hostCa);
      OpenSshKeyFiles.replaceFile(
          certFile, OpenSshKeyFiles.publicKeyLine(cert, "gatehouse-host-key") + "\n", OpenSshKeyFiles.PUBLIC);
      log.info("Issued host certificate {} for {} ({})", certFile, names, why);
    }
    return load(caDir, clock);
  }

  public static CertificateAuthority load(Path caDir) throws IOException {
    return load(caDir, Clock.systemUTC());
  }

  static CertificateAuthority load(Path caDir, Clock clock) throws IOException {
    if (!Files.isDirectory(caDir)) {
      throw new IOException("CA directory " + caDir + " does not exist (run `gatehouse ca init`)");
    }
    KeyPair userCa = loadKeyPair(caDir, USER_CA);
    KeyPair hostCa = loadKeyPair(caDir, HOST_CA);
    KeyPair targetCa = loadKeyPair(caDir, TARGET_CA);
    KeyPair hostKey = loadKeyPair(caDir, HOST_KEY);
    Path certFile = caDir.resolve(HOST_CERTIFICATE);
    PublicKey read = OpenSshKeyFiles.readPublicKey(certFile);
    if (!(read instanceof OpenSshCertificate cert) || cert.getType() != OpenSshCertificate.Type.HOST) {
      throw new IOException(certFile + " is not an OpenSSH host certificate");
    }
    if (!KeyUtils.compareKeys(cert.getCertPubKey(), hostKey.getPublic())) {
      throw new IOException(certFile + " certifies a different key than " + caDir.resolve(HOST_KEY));
    }
    if (!KeyUtils.compareKeys(cert.getCaPubKey(), hostCa.getPublic()) || !OpenSshCertificateSigner.signatureIsValid(cert)) {
      throw new IOException(certFile + " is not signed by " + caDir.resolve(HOST_CA));
    }
    return new CertificateAuthority(caDir, userCa, hostCa, targetCa, hostKey, cert, clock);
  }

  public Path directory() {
    return directory;
  }

  public PublicKey userCaPublicKey() {
    return userCa.getPublic();
  }

  /**
   * user_ca.pub plus each key in {@code trusted_user_ca_keys} (optional; one OpenSSH public key a
   * line, '#' comments). The file is re-read when its mtime or size changes, so adding a CA for a
   * rotation needs no restart.
   */
  public List<PublicKey> trustedUserCaKeys() throws IOException {
    Path file = directory.resolve(TRUSTED_USER_CA_KEYS);
    List<PublicKey> keys = new ArrayList<>();
    keys.add(userCa.getPublic());
    if (!Files.exists(file)) {
      return List.copyOf(keys);
    }
    FileTime modified = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    synchronized (this) {
      TrustedKeys cached = trustedKeysCache;
      if (cached == null || !cached.modified().equals(modified) || cached.size() != size) {
        cached = new TrustedKeys(modified, size, readTrustedKeys(file));
        trustedKeysCache = cached;
      }
      keys.addAll(cached.keys());
    }
    return List.copyOf(keys);
  }

  private static List<PublicKey> readTrustedKeys(Path file) throws IOException {
    List<PublicKey> keys = new ArrayList<>();
    List<String> lines = OpenSshKeyFiles.lines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        PublicKey key = OpenSshKeyFiles.parsePublicKeyLine(line);
        if (key instanceof OpenSshCertificate) {
          throw new IOException("a certificate is not a CA key");
        }
        keys.add(key);
      } catch (IOException e) {
        throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return keys;
  }

  public KeyPair hostKeyPair() {
    return hostKey;
  }

  public OpenSshCertificate hostCertificate() {
    return hostCertificate;
  }

  public Path hostKeyFile() {
    return directory.resolve(HOST_KEY);
  }

  public Path hostCertificateFile() {
    return directory.resolve(HOST_CERTIFICATE);
  }

  /** "@cert-authority a,b ssh-ed25519 AAAA..." for clients' known_hosts. */
  public String knownHostsLine(List<String> hostNames) {
    return "@cert-authority " + String.join(",", validHostNames(hostNames)) + " "
        + OpenSshKeyFiles.publicKeyLine(hostCa.getPublic(), null);
  }

  /** "ssh-ed25519 AAAA... gatehouse-target-ca" for a target's TrustedUserCAKeys file. */
  public String targetCaPublicKeyLine() {
    return OpenSshKeyFiles.publicKeyLine(targetCa.getPublic(), "gatehouse-target-ca");
  }

  /** Signs with user_ca; the serial comes from the ledger and the certificate is recorded there. */
  public OpenSshCertificate signUserCertificate(
      PublicKey subjectKey, UserCertificateRequest request, CertificateLedger ledger) throws IOException {
    return signUserCertificate(subjectKey, request, ledger, ISSUED_BY_CA_SIGN);
  }

  /** As above, naming the issuing path for the ledger ("ca sign", "api", ...). */
  public OpenSshCertificate signUserCertificate(
      PublicKey subjectKey, UserCertificateRequest request, CertificateLedger ledger, String issuedBy)
      throws IOException {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(ledger, "ledger");
    requireCertifiable(subjectKey);
    long serial = ledger.nextSerial();
    // Not backdated: identity revocation compares valid-after with the revocation time, and a
    // backdated certificate issued just after a revocation would be caught by it.
    Instant validAfter = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Instant validBefore = validAfter.plus(request.ttl());

    Map<String, String> critical = new LinkedHashMap<>();
    if (request.sourceAddress() != null) {
      critical.put("source-address", request.sourceAddress());
    }
    Map<String, String> extensions = new LinkedHashMap<>();
    if (!request.groups().isEmpty()) {
      extensions.put(UserCertificateChecker.GROUPS_EXTENSION, String.join(",", request.groups()));
    }
    flag(extensions, "permit-pty", request.permitPty());
    flag(extensions, "permit-port-forwarding", request.permitPortForwarding());
    flag(extensions, "permit-agent-forwarding", request.permitAgentForwarding());
    flag(extensions, "permit-X11-forwarding", request.permitX11Forwarding());

    OpenSshCertificate cert =
        OpenSshCertificateSigner.sign(
            new OpenSshCertificateSigner.Body(
                OpenSshCertificate.Type.USER,
                subjectKey,
                serial,
                request.identity(),
                List.of(request.identity()),
                validAfter.getEpochSecond(),
                validBefore.getEpochSecond(),
                critical,
                extensions),
            userCa);
    String fingerprint = KeyUtils.getFingerPrint(subjectKey);
    ledger.recordIssued(
        new IssuedCertificate(serial, request.identity(), request.groups(), fingerprint, validAfter, validBefore, issuedBy));
    log.info("Signed user certificate serial={} identity={} groups={} key={} valid until {}",
        Long.toUnsignedString(serial), request.identity(), request.groups(), fingerprint, validBefore);
    return cert;
  }

  /**
   * A per-session certificate for an ssh target, signed by target_ca: key id = identity (so the
   * target's log names the person), principals = [principal] (the account on the target), valid
   * from a minute ago (targets' clocks drift) for {@code validity}, permit-pty only. Not recorded:
   * it lives as long as the session and is never handed to the user.
   */
  public OpenSshCertificate signTargetCertificate(
      PublicKey subjectKey, String identity, String principal, Duration validity) throws IOException {
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, was " + validity);
    }
    return signTargetCertificate(subjectKey, identity, principal, clock.instant().plus(validity));
  }

  /**
   * The same, valid until {@code validBefore} (rounded down to the second, as certificates count):
   * the session's end, and never later than the person's own certificate or key binding.
   */
  public OpenSshCertificate signTargetCertificate(
      PublicKey subjectKey, String identity, String principal, Instant validBefore) throws IOException {
    requireCertifiable(subjectKey);
    if (identity == null || identity.isBlank()) {
      throw new IllegalArgumentException("identity must not be blank");
    }
    if (principal == null || principal.isBlank() || principal.contains(",")) {
      throw new IllegalArgumentException("principal must be one non-blank name without ','");
    }
    Instant now = clock.instant();
    if (validBefore == null || !validBefore.isAfter(now)) {
      throw new IllegalArgumentException("validBefore must be in the future, was " + validBefore);
    }
    return OpenSshCertificateSigner.sign(
        new OpenSshCertificateSigner.Body(
            OpenSshCertificate.Type.USER,
            subjectKey,
            randomSerial(),
            identity,
            List.of(principal),
            now.minus(Duration.ofMinutes(1)).getEpochSecond(),
            validBefore.getEpochSecond(),
            Map.of(),
            Map.of("permit-pty", "")),
        targetCa);
  }

  private static void flag(Map<String, String> extensions, String name, boolean on) {
    if (on) {
      extensions.put(name, "");
    }
  }

  private static void requireCertifiable(PublicKey subjectKey) {
    Objects.requireNonNull(subjectKey, "subjectKey");
    if (subjectKey instanceof OpenSshCertificate) {
      throw new IllegalArgumentException("subjectKey is already a certificate; pass the plain public key");
    }
  }

  private static long randomSerial() {
    return RANDOM.nextLong() & Long.MAX_VALUE;
  }

  private static List<String> validHostNames(List<String> hostNames) {
    if (hostNames == null || hostNames.isEmpty()) {
      throw new IllegalArgumentException("hostNames must not be empty");
    }
    for (String name : hostNames) {
      if (name == null || name.isBlank() || name.chars().anyMatch(c -> c == ',' || Character.isWhitespace(c))) {
        throw new IllegalArgumentException("hostNames: '" + name + "' must be non-blank without ',' or whitespace");
      }
    }
    return List.copyOf(hostNames);
  }

  private static void makeDirectory(Path caDir) throws IOException {
    if (!Files.isDirectory(caDir)) {
      Path parent = caDir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createDirectory(caDir, OpenSshKeyFiles.attributes(parent, OpenSshKeyFiles.DIRECTORY));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // made by a concurrent init
      }
    }
    if (OpenSshKeyFiles.posix(caDir)) {
      Files.setPosixFilePermissions(caDir, OpenSshKeyFiles.DIRECTORY);
    }
  }

  /** Loads name (and checks name.pub), generating both if neither exists. */
  private static KeyPair ensureKeyPair(Path caDir, String name, String comment) throws IOException {
    Path privateFile = caDir.resolve(name);
    Path publicFile = caDir.resolve(name + ".pub");
    if (!Files.exists(privateFile)) {
      if (Files.exists(publicFile)) {
        // The .pub may already be trusted somewhere; a fresh key would silently break that.
        throw new IOException(publicFile + " exists but " + privateFile
            + " is missing; restore the private key or remove the .pub to make a new key");
      }
      KeyPair generated = OpenSshKeyFiles.generateEd25519();
      if (OpenSshKeyFiles.createFile(
          privateFile, OpenSshKeyFiles.privateKeyText(generated, comment), OpenSshKeyFiles.PRIVATE)) {
        log.info("Generated {} ({})", privateFile, KeyUtils.getFingerPrint(generated.getPublic()));
      }
    }
    KeyPair keyPair = OpenSshKeyFiles.readKeyPair(privateFile);
    if (!Files.exists(publicFile)) {
      OpenSshKeyFiles.createFile(
          publicFile, OpenSshKeyFiles.publicKeyLine(keyPair.getPublic(), comment) + "\n", OpenSshKeyFiles.PUBLIC);
    }
    return keyPair;
  }

  private static KeyPair loadKeyPair(Path caDir, String name) throws IOException {
    Path privateFile = caDir.resolve(name);
    Path publicFile = caDir.resolve(name + ".pub");
    KeyPair keyPair = OpenSshKeyFiles.readKeyPair(privateFile);
    PublicKey published = OpenSshKeyFiles.readPublicKey(publicFile);
    if (!KeyUtils.compareKeys(published, keyPair.getPublic())) {
      throw new IOException(publicFile + " does not match " + privateFile);
    }
    return keyPair;
  }

  /** Why the host certificate must be (re)issued, or null if the current one is good. */
  private static String hostCertificateRenewalReason(
      Path certFile, List<String> hostNames, KeyPair hostCa, KeyPair hostKey, Instant now) {
    if (!Files.exists(certFile)) {
      return "missing";
    }
    PublicKey read;
    try {
      read = OpenSshKeyFiles.readPublicKey(certFile);
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
    if (!(read instanceof OpenSshCertificate cert) || cert.getType() != OpenSshCertificate.Type.HOST) {
      return "not a host certificate";
    }
    if (!new HashSet<>(OpenSshCertificateSigner.principals(cert)).equals(new HashSet<>(hostNames))) {
      return "host names changed from " + OpenSshCertificateSigner.principals(cert);
    }
    if (!KeyUtils.compareKeys(cert.getCertPubKey(), hostKey.getPublic())
        || !KeyUtils.compareKeys(cert.getCaPubKey(), hostCa.getPublic())
        || !OpenSshCertificateSigner.signatureIsValid(cert)) {
      return "does not match host_key/host_ca";
    }
    if (Long.compareUnsigned(cert.getValidBefore(), now.plus(HOST_CERTIFICATE_RENEWAL).getEpochSecond()) <= 0) {
      return "expires " + UserCertificateChecker.instant(cert.getValidBefore());
    }
    return null;
  }
}
