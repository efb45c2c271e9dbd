package dev.gatehouse.gateway.postgres;

/**
 * Where the policy plugs in: judges the whole text of a simple Query or of an extended-protocol
 * Parse (and, again, of each Execute of a remembered statement). Anything but {@code allow} keeps
 * the statement from the server: {@code review} blocks too until approvals exist (fail closed),
 * and so does an unknown verdict or an exception.
 */
public interface StatementGate {
  Decision judge(String sql);

  /** {@code verdict} is allow, block or review; {@code rule} and {@code reason} name why. */
  record Decision(String verdict, String rule, String reason) {
    public static final String ALLOW = "allow";
    public static final String BLOCK = "block";
    public static final String REVIEW = "review";

    public static Decision allow() {
      return new Decision(ALLOW, null, null);
    }

    public boolean allowed() {
      return ALLOW.equals(verdict);
    }
  }
}
