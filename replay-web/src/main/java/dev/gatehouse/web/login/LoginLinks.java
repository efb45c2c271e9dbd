package dev.gatehouse.web.login;

import dev.gatehouse.recorder.SqliteFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One-time operator login links ({@code web.localLogin}), kept in the gateway's store so that any
 * process with the store ({@code gatehouse serve}, {@code gatehouse web login-link}) can make one
 * that the running gateway accepts.
 *
 * <p>A link carries 256 random bits; the store keeps only their SHA-256 (the row cannot be turned
 * back into a link, and a slow hash buys nothing against 256 bits). A link works once, within
 * {@link #TTL} of being made: the redeeming UPDATE is the one statement that decides, so two
 * browsers racing with one link cannot both get in. Used and expired rows stay a day, so a late
 * second use is told {@code token-used} or {@code token-expired} rather than {@code
 * token-unknown}; older rows are removed whenever a link is made.
 *
 * <p>Each call opens its own connection: links are made and used a few times a day.
 */
public final class LoginLinks {
  /** How long a link works after it is made. */
  public static final Duration TTL = Duration.ofMinutes(10);
  /** Who a link logs in: the bastion's operator, with every web role. */
  public static final String OPERATOR = "operator@local";
  /** Refusal slugs, as audited and answered. */
  public static final String UNKNOWN = "token-unknown";
  public static final String USED = "token-used";
  public static final String EXPIRED = "token-expired";

  static final Duration KEEP = Duration.ofDays(1);
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SCHEMA =
      "CREATE TABLE IF NOT EXISTS web_login_links (token_sha256 TEXT PRIMARY KEY, created_ms INTEGER NOT NULL,"
          + " expires_ms INTEGER NOT NULL, used_ms INTEGER, issued_by TEXT NOT NULL)";

  /**
   * A link as made: {@code token} goes into the URL and nowhere else (never a log or the audit);
   * {@code linkId}, a prefix of its hash, names it in audit lines so that making and using it can
   * be matched.
   */
  public record Link(String token, String linkId, Instant expiresAt) {
    @Override
    public String toString() {
      return "Link[" + linkId + ", expires " + expiresAt + "]";
    }
  }

  /** A link that let someone in: which one, and who made it. */
  public record Redeemed(String linkId, String issuedBy) {}

  private final Path databaseFile;
  private final Clock clock;

  public LoginLinks(Path databaseFile, Clock clock) {
    this.databaseFile = databaseFile;
    this.clock = clock;
  }

  /** A new link, not yet stored: audit that it is made, then {@link #store} it. */
  public Link mint() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    return new Link(token, linkIdOf(token), clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(TTL));
  }

  /** Stores a minted link; from now on the gateway accepts it once, until its expiry. */
  public void store(Link link, String issuedBy) throws IOException {
    try (Connection db = open()) {
      long now = clock.millis();
      try (PreparedStatement purge = db.prepareStatement("DELETE FROM web_login_links WHERE expires_ms < ?");
          PreparedStatement insert = db.prepareStatement(
              "INSERT INTO web_login_links (token_sha256, created_ms, expires_ms, used_ms, issued_by)"
                  + " VALUES (?, ?, ?, NULL, ?)")) {
        purge.setLong(1, now - KEEP.toMillis());
        purge.executeUpdate();
        insert.setString(1, sha256(link.token()));
        insert.setLong(2, now);
        insert.setLong(3, link.expiresAt().toEpochMilli());
        insert.setString(4, issuedBy);
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IOException("login links in " + databaseFile + ": cannot store a link: " + e.getMessage(), e);
    }
  }

  /**
   * Uses a link up.
   *
   * @throws LoginRefused {@value #UNKNOWN} (never made, malformed, or long gone), {@value #USED},
   *     {@value #EXPIRED}
   */
  public Redeemed redeem(String token) throws LoginRefused, IOException {
    if (!wellFormed(token)) {
      throw new LoginRefused(UNKNOWN, "this login link is not one this gateway made");
    }
    String hash = sha256(token);
    long now = clock.millis();
    try (Connection db = open()) {
      try (PreparedStatement use = db.prepareStatement(
          "UPDATE web_login_links SET used_ms = ? WHERE token_sha256 = ? AND used_ms IS NULL AND expires_ms > ?")) {
        use.setLong(1, now);
        use.setString(2, hash);
        use.setLong(3, now);
        if (use.executeUpdate() == 1) {
          return new Redeemed(linkIdOf(token), issuedBy(db, hash));
        }
      }
      // Not redeemed: say why, from the row as it is now.
      try (PreparedStatement q = db.prepareStatement(
          "SELECT used_ms, expires_ms FROM web_login_links WHERE token_sha256 = ?")) {
        q.setString(1, hash);
        try (ResultSet r = q.executeQuery()) {
          if (!r.next()) {
            throw new LoginRefused(UNKNOWN, "this login link is not one this gateway made (or it is more than a day old)");
          }
          r.getLong(1);
          if (!r.wasNull()) {
            throw new LoginRefused(USED, "this login link has been used already; a link works once");
          }
          throw new LoginRefused(EXPIRED, "this login link expired at " + Instant.ofEpochMilli(r.getLong(2))
              + "; a link works for " + TTL.toMinutes() + " minutes");
        }
      }
    } catch (SQLException e) {
      throw new IOException("login links in " + databaseFile + ": cannot use a link: " + e.getMessage(), e);
    }
  }

  private static String issuedBy(Connection db, String hash) throws SQLException {
    try (PreparedStatement q = db.prepareStatement("SELECT issued_by FROM web_login_links WHERE token_sha256 = ?")) {
      q.setString(1, hash);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  private Connection open() throws IOException {
    if (!Files.isDirectory(databaseFile.toAbsolutePath().getParent())) {
      // The store's directory is the gateway's dataDir: never made here (a typo in --config would
      // otherwise leave a stray store that no gateway reads).
      throw new IOException("no Gatehouse store at " + databaseFile);
    }
    return SqliteFile.open(databaseFile, "login links", db -> {
      try (Statement s = db.createStatement()) {
        s.execute(SCHEMA);
      }
    });
  }

  /** Whether {@code token} could be one of ours: 43 base64url characters (256 bits). */
  public static boolean wellFormed(String token) {
    return token != null && TOKEN.matcher(token).matches();
  }

  /** The first 12 hex digits of the token's SHA-256: names a link in the audit log. */
  public static String linkIdOf(String token) {
    return sha256(token).substring(0, 12);
  }

  static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
