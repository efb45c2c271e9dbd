package dev.gatehouse.web.login;

/**
 * A browser login, a browser session or a bearer token was refused; {@link #slug()} goes to the
 * audit log and the answer, {@link #identity()} (when known) to the audit log.
 */
public final class LoginRefused extends Exception {
  private static final long serialVersionUID = 1L;
  private final String slug;
  private final String identity;

  public LoginRefused(String slug, String message) {
    this(slug, message, null);
  }

  public LoginRefused(String slug, String message, String identity) {
    super(message);
    this.slug = slug;
    this.identity = identity;
  }

  public String slug() {
    return slug;
  }

  public String identity() {
    return identity;
  }
}
