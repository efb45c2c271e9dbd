package dev.gatehouse.policy.shell;

import dev.gatehouse.policy.Approvers;
import dev.gatehouse.policy.ContentDetectors;
import dev.gatehouse.policy.Unclassified;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code type: shell} policy: built-in classes to block or review ({@link ShellClass}), what
 * to do with a text the reading cannot follow exactly ({@code unclassified}: review or block,
 * never allow), {@code mode} ({@code deny-list}: everything not blocked or reviewed runs; {@code
 * allow-list}: only {@code allowCommands} run, with the classes and rules still applied to them),
 * operator rules, the content detectors for output ({@code mask.detectors}), and {@code readers}:
 * the site's own programs known to only read the files they are given (a log viewer), which a
 * protected file given to them does not make unclassified ({@link ProtectedOperands}).
 */
public record ShellPolicy(
    String name, List<String> block, List<String> review, Unclassified unclassified, Mode mode,
    List<List<String>> allowCommands, List<ShellRule> rules, List<String> detectors, OnGuardLost onGuardLost,
    List<String> readers) {

  /**
   * {@code policies.NAME.onGuardLost}: what an interactive session does when the gateway cannot
   * own the shell's prompt. {@code end} (the default): the session ends, the reason on screen and
   * in the audit. {@code screen}: where the shell never took the integration (an {@code ssh} host
   * whose login shell is not bash 5.1 or later, no first guarded prompt), the session goes on with
   * each line rebuilt at Enter from a terminal-screen model and judged ({@code source: screen}, a
   * guardrail, never exact). A guard lost after its first prompt (a forged or unexpected marker, a
   * broken hook) always ends the session: every such loss can be caused at will from inside the
   * session, and going on would make it a switch to the weaker mode.
   */
  public enum OnGuardLost {
    END("end"),
    SCREEN("screen");

    private final String label;

    OnGuardLost(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** {@code policies.NAME.mode}. */
  public enum Mode {
    DENY_LIST("deny-list"),
    ALLOW_LIST("allow-list");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public ShellPolicy {
    Objects.requireNonNull(name, "name");
    block = List.copyOf(block == null ? List.of() : block);
    review = List.copyOf(review == null ? List.of() : review);
    for (String b : block) {
      requireClass(b);
    }
    for (String r : review) {
      requireClass(r);
    }
    List<String> blocked = block;
    review = review.stream().filter(r -> !blocked.contains(r)).toList(); // block beats review
    unclassified = Objects.requireNonNullElse(unclassified, Unclassified.REVIEW);
    mode = Objects.requireNonNullElse(mode, Mode.DENY_LIST);
    allowCommands = (allowCommands == null ? List.<List<String>>of() : allowCommands).stream().map(List::copyOf).toList();
    rules = List.copyOf(rules == null ? List.of() : rules);
    detectors = List.copyOf(detectors == null ? List.of() : detectors);
    onGuardLost = Objects.requireNonNullElse(onGuardLost, OnGuardLost.END);
    readers = List.copyOf(readers == null ? List.of() : readers);
    ContentDetectors.of(detectors); // an unknown name fails here
  }

  private static void requireClass(String c) {
    if (ShellClass.byLabel(c).isEmpty()) {
      throw new IllegalArgumentException("'" + c + "' is no built-in shell class (" + String.join(", ", ShellClass.labels()) + ")");
    }
  }

  /** The approvers a review rule of this policy names for itself, if any. */
  public Optional<Approvers> approversOf(String rule) {
    return rules.stream().filter(r -> r.name().equals(rule) && r.approvers() != null).map(ShellRule::approvers).findFirst();
  }
}
