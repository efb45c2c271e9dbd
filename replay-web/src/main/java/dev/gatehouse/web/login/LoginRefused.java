package dev.gatehouse.web.login;

/** A browser login or a bearer token was refused; {@link #slug()} goes to the audit log and the answer. */
public final class LoginRefused extends Exception {
  private static final long serialVersionUID = 1L;
  private final String slug;

  public LoginRefused(String slug, String message) {
    super(message);
    this.slug = slug;
  }

  public String slug() {
    return slug;
  }
}
