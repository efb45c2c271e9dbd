package dev.gatehouse.web.login;

import java.util.regex.Pattern;

/**
 * Where to send the browser after login: only a path on this site. Anything that a browser could
 * read as another origin ({@code //host}, {@code /\host}, a scheme, control characters) becomes
 * {@code /}.
 */
public final class ReturnPath {
  private static final Pattern SAFE = Pattern.compile("/(?![/\\\\])[A-Za-z0-9\\-._~!$&'()*+,;=:@/%?]*");

  private ReturnPath() {}

  public static String of(String requested) {
    if (requested == null || requested.length() > 2000 || !SAFE.matcher(requested).matches()
        || requested.contains("\\")) {
      return "/";
    }
    return requested;
  }
}
