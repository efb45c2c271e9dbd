package dev.gatehouse.keys.oidc;

/**
 * An ID token was refused. {@link #reason()} is a stable slug for the audit log and the HTTP answer;
 * the message is one line for an operator and never contains the token.
 */
public final class TokenRejected extends Exception {
  public static final String MALFORMED = "malformed";
  public static final String UNSUPPORTED_ALGORITHM = "unsupported-algorithm";
  public static final String UNKNOWN_KEY = "unknown-key";
  public static final String BAD_SIGNATURE = "bad-signature";
  public static final String WRONG_ISSUER = "wrong-issuer";
  public static final String WRONG_AUDIENCE = "wrong-audience";
  public static final String EXPIRED = "expired";
  public static final String NOT_YET_VALID = "not-yet-valid";
  public static final String STALE = "stale";
  public static final String REPLAYED = "replayed";
  public static final String MISSING_IDENTITY = "missing-identity";
  /** The identity claim holds a value no certificate can carry ({@link dev.gatehouse.keys.IdentityName}). */
  public static final String IDENTITY_UNUSABLE = "identity-unusable";
  /** The identity is an e-mail address the provider does not vouch for: {@code email_verified} not {@code true}. */
  public static final String EMAIL_UNVERIFIED = "email-unverified";
  /** Issued no later than a {@code ca revoke --identity} of its identity (checked by the gateway). */
  public static final String REVOKED = "revoked";
  /** An ID token sent where an access token belongs ({@link AccessTokenType}). */
  public static final String ID_TOKEN_AS_BEARER = "id-token-as-bearer";
  /** A JWT of the issuer that is neither an access token nor an ID token (refresh, logout, ...). */
  public static final String NOT_AN_ACCESS_TOKEN = "not-an-access-token";
  /** Discovery or the JWKS could not be fetched: no token is accepted (fail closed). */
  public static final String PROVIDER_UNAVAILABLE = "provider-unavailable";
  /** The replay guard could not record the token: refused rather than risk a second use. */
  public static final String REPLAY_CHECK_FAILED = "replay-check-failed";

  private final String reason;

  public TokenRejected(String reason, String detail) {
    this(reason, detail, null);
  }

  public TokenRejected(String reason, String detail, Throwable cause) {
    super(oneLine(reason + ": " + detail), cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\p{Cntrl}", " ");
  }
}
