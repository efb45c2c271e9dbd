package dev.gatehouse.policy.shell;

import java.util.Objects;

/**
 * One shell word as bash will pass it to a command.
 *
 * @param source the word exactly as written (quotes and escapes included)
 * @param value what bash makes of it after quote removal, when that is known without running
 *     anything; for a word that is not {@linkplain #literal literal}, the parts that are known with
 *     each unknown part (an expansion, a command substitution) as {@code \u0000}
 * @param literal true when bash passes exactly {@code value}: no parameter, command, arithmetic,
 *     tilde, brace or pathname expansion can change it or split it into several words
 */
public record Word(String source, String value, boolean literal) {
  /** Stands for a part of a word only known when it runs. */
  public static final char UNKNOWN = '\u0000';

  public Word {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(value, "value");
  }

  static Word literal(String source, String value) {
    return new Word(source, value, true);
  }

  /** The value with unknown parts shown as {@code ?} (for reasons and rule patterns). */
  public String shown() {
    return value.replace(UNKNOWN, '?');
  }
}
