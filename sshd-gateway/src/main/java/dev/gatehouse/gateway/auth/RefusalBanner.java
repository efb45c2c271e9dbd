package dev.gatehouse.gateway.auth;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerSession;

/**
 * The one line a refused person reads on their terminal (SSH_MSG_USERAUTH_BANNER, which OpenSSH
 * prints on stderr unless LogLevel is QUIET or ERROR): why the gateway refused a certificate it
 * issued, or, without {@code oidc}, that a plain key has no certificate.
 *
 * <p>At most one per connection, so a client offering a hundred keys gets one line. Only a
 * certificate whose CA is trusted here and whose CA signature verified is told anything ({@link
 * dev.gatehouse.keys.CertificateCheck.Rejected#ourCertificate}): a certificate of another CA learns
 * no more than "Permission denied". The text is built here from the slug, the certificate's
 * validity and the connection's address, never from certificate fields, and is printable text
 * only.
 */
final class RefusalBanner {
  static final String PLAIN_KEY = "gatehouse: this key has no Gatehouse certificate — run gatehouse login or ask for one";

  /** Set once a refusal banner went to this connection. */
  private static final AttributeKey<Boolean> SENT = new AttributeKey<>();
  /** Without oidc: a plain key was refused; told only if the client runs out of keys (see PlainKeyBannerAuth). */
  static final AttributeKey<Boolean> PLAIN_KEY_REFUSED = new AttributeKey<>();
  /** A certificate not known as ours was refused: this connection is told nothing. */
  static final AttributeKey<Boolean> FOREIGN_CERTIFICATE = new AttributeKey<>();

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private RefusalBanner() {}

  /**
   * The line for a refused certificate of ours, or null when the refusal is not one a person can
   * act on (the gateway's own fault, or a certificate no Gatehouse CA would issue).
   */
  static String forCertificate(String reason, OpenSshCertificate cert, InetAddress client, Instant now) {
    return switch (reason) {
      case "cert-expired" -> "gatehouse: certificate expired at " + when(cert.getValidBefore(), now)
          + " — run gatehouse login";
      case "cert-not-yet-valid" -> "gatehouse: certificate not valid before " + when(cert.getValidAfter(), now)
          + " — check the clocks, or run gatehouse login";
      case "revoked" -> "gatehouse: certificate revoked — run gatehouse login";
      case "no-principals", "principal-mismatch" ->
          "gatehouse: certificate does not name its identity as a principal — run gatehouse login";
      case "source-address" -> "gatehouse: certificate not valid from "
          + (client == null ? "this address" : client.getHostAddress()) + " (source-address) — run gatehouse login";
      default -> null;
    };
  }

  /** Sends {@code line} unless this connection already had its banner; true if sent now. */
  static boolean send(ServerSession session, String line) {
    if (line == null || !session.isOpen() || session.setAttribute(SENT, Boolean.TRUE) != null) {
      return false;
    }
    try {
      Buffer banner = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_BANNER);
      banner.putString(printable(line) + "\r\n");
      banner.putString(""); // language
      session.writePacket(banner);
      return true;
    } catch (IOException | RuntimeException e) {
      return false; // the client is gone; the refusal and its audit line stand
    }
  }

  /** One line of text: control characters (C0, DEL, C1) and line or paragraph separators become '?'. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(c -> out.appendCodePoint(
        Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT ? '?' : c));
    return out.toString();
  }

  /** "14:02 UTC" on the same UTC day as now, else with the date. */
  private static String when(long epochSecondUnsigned, Instant now) {
    if (epochSecondUnsigned < 0 || epochSecondUnsigned > Instant.MAX.getEpochSecond()) {
      return "the end of time";
    }
    Instant t = Instant.ofEpochSecond(epochSecondUnsigned);
    boolean sameDay = t.atZone(ZoneOffset.UTC).toLocalDate().equals(now.atZone(ZoneOffset.UTC).toLocalDate());
    return (sameDay ? TIME : DAY_TIME).format(t);
  }
}
