package dev.gatehouse.gateway.shell;

import dev.gatehouse.gateway.approval.ApprovalGate;
import dev.gatehouse.gateway.postgres.StatementGate.Decision;
import dev.gatehouse.gateway.postgres.StatementGate.Hold;
import dev.gatehouse.policy.Verdict;
import dev.gatehouse.policy.shell.ShellJudgement;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns the judgement of an exec command into what happens: run it, refuse it (77), or hold it for
 * approval (approved: run; denied or expired: 75; {@code GATEHOUSE_NOWAIT=1}: 76; nobody can
 * approve: 77). The approval is bound to the command's exact text.
 */
public final class ExecGuard {
  public static final int EXIT_NOT_TEXT = 65;
  public static final int EXIT_BLOCKED = 77;
  public static final int EXIT_APPROVAL_REFUSED = 75;
  public static final int EXIT_APPROVAL_PENDING = 76;

  private ExecGuard() {}

  /** The final decision on a judged command; a review is settled by {@code gate} (which may wait). */
  public static Decision decide(ShellJudgement j, String text, ApprovalGate gate, Hold hold) {
    Verdict v = j.verdict();
    if (v instanceof Verdict.Allow) {
      return Decision.allow();
    }
    if (v instanceof Verdict.Block) {
      return new Decision(Decision.BLOCK, v.rule(), v.reason());
    }
    return gate.settle(text, key(text), new Decision(Decision.REVIEW, v.rule(), v.reason()), hold);
  }

  /** The exit code of a refusal. */
  public static int exitCode(Decision d) {
    return switch (d.verdict()) {
      case Decision.PENDING -> EXIT_APPROVAL_PENDING;
      case Decision.DENIED, Decision.EXPIRED, Decision.CANCELLED -> EXIT_APPROVAL_REFUSED;
      default -> EXIT_BLOCKED;
    };
  }

  /** What an approval of a command is bound to: its exact text (any other text is another command). */
  public static String key(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sh1:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  /** Whether an exec request's bytes are text: valid UTF-8 without NUL. */
  public static boolean isText(byte[] raw) {
    for (byte b : raw) {
      if (b == 0) {
        return false;
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
