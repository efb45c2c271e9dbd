package dev.gatehouse.policy;

/**
 * The session's {@code standard_conforming_strings} as the server will read a text: it decides
 * whether a backslash escapes in a plain {@code '...'} string (and so where that string ends) and
 * whether {@code U&'...'} is allowed. {@link #UNKNOWN} when the caller cannot be sure (no session,
 * or a change may still be on its way): the judge then reads the text both ways.
 */
public enum StandardConformingStrings {
  ON,
  OFF,
  UNKNOWN;

  /** The value a ParameterStatus reports ({@code on}/{@code off}); anything else is unknown. */
  public static StandardConformingStrings reported(String value) {
    if ("on".equalsIgnoreCase(value)) {
      return ON;
    }
    return "off".equalsIgnoreCase(value) ? OFF : UNKNOWN;
  }
}
