package dev.gatehouse.keys;

/**
 * What an identity may look like. An identity becomes a certificate's key id and its only
 * principal, a field of every audit line, the owner of recordings and approvals and the argument of
 * {@code ca revoke --identity}, so it must survive each of those unchanged and unambiguous:
 *
 * <ul>
 *   <li>1 to {@value #MAX_LENGTH} characters;
 *   <li>no {@code ,}: principals are a comma list in {@code ssh-keygen -n}, {@code principals=} in
 *       authorized_keys and the certificate tools, so {@code alice,root} would read as two;
 *   <li>no white space or separator of any kind (Unicode Zs, Zl, Zp, and the ASCII white space);
 *   <li>no control (Cc) or format (Cf) character: no escape sequences, no bidirectional overrides
 *       or zero-width characters that make two identities look alike on a screen;
 *   <li>no lone surrogate, private-use or unassigned code point: a lone surrogate cannot be
 *       encoded in UTF-8 (two different ones would both become {@code ?} in the certificate).
 * </ul>
 *
 * Everything else is allowed (e-mail addresses, including internationalised ones, {@code
 * DOMAIN\\user}, user names with {@code +}, {@code '} or {@code =}).
 */
public final class IdentityName {
  public static final int MAX_LENGTH = 256;

  private IdentityName() {}

  /** Null when {@code identity} is usable; otherwise why not, in one line that does not quote it. */
  public static String problem(String identity) {
    if (identity == null || identity.isEmpty()) {
      return "is empty";
    }
    if (identity.length() > MAX_LENGTH) {
      return "is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < identity.length(); ) {
      int cp = identity.codePointAt(i);
      String what = forbidden(cp);
      if (what != null) {
        return "contains " + what + " (U+" + String.format("%04X", cp) + " at index " + i + ")";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  public static boolean usable(String identity) {
    return problem(identity) == null;
  }

  private static String forbidden(int cp) {
    if (cp == ',') {
      return "a comma";
    }
    if (Character.isWhitespace(cp)) {
      return "white space";
    }
    return switch (Character.getType(cp)) {
      case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> "a separator";
      case Character.CONTROL -> "a control character";
      case Character.FORMAT -> "a format character";
      case Character.SURROGATE -> "a lone surrogate";
      case Character.PRIVATE_USE -> "a private-use character";
      case Character.UNASSIGNED -> "an unassigned code point";
      default -> null;
    };
  }
}
