package dev.gatehouse.policy;

import java.util.List;
import java.util.Objects;

/**
 * One policy from configuration ({@code policies.NAME}), immutable; built by {@link
 * PolicyConfig#parse}. {@code block} and {@code review} name {@link BuiltInRule}s (a rule in both
 * blocks); {@code version} changes whenever the content does, and keys the judge's cache. {@code
 * maxRowsChanged} is how many rows one statement may change, as the database counts them (0: no
 * limit).
 */
public record SqlPolicy(
    String name,
    List<String> block,
    List<String> review,
    Unclassified unclassified,
    List<Rule> rules,
    MaskSpec mask,
    long version,
    long maxRowsChanged) {

  /** {@code maxRowsChanged} when a policy does not set it. */
  public static final long DEFAULT_MAX_ROWS_CHANGED = 1000;

  /** A policy with the default row limit. */
  public SqlPolicy(
      String name, List<String> block, List<String> review, Unclassified unclassified, List<Rule> rules, MaskSpec mask, long version) {
    this(name, block, review, unclassified, rules, mask, version, DEFAULT_MAX_ROWS_CHANGED);
  }

  public SqlPolicy {
    if (maxRowsChanged < 0) {
      throw new IllegalArgumentException("maxRowsChanged must be 0 (off) or more, not " + maxRowsChanged);
    }
    Objects.requireNonNull(name, "name");
    block = List.copyOf(block == null ? List.of() : block);
    review = List.copyOf(review == null ? List.of() : review);
    for (String r : block) {
      requireBuiltIn(r);
    }
    for (String r : review) {
      requireBuiltIn(r);
    }
    unclassified = Objects.requireNonNullElse(unclassified, Unclassified.REVIEW);
    rules = List.copyOf(rules == null ? List.of() : rules);
    mask = Objects.requireNonNullElse(mask, MaskSpec.none());
  }

  private static void requireBuiltIn(String r) {
    if (BuiltInRule.byLabel(r).isEmpty()) {
      throw new IllegalArgumentException(
          "'" + r + "' is no built-in rule (" + String.join(", ", BuiltInRule.labels()) + ")");
    }
  }

  /** The approvers a rule of this policy names for itself, if it names any. */
  public java.util.Optional<Approvers> approversOf(String rule) {
    return rules.stream().filter(r -> r.name().equals(rule) && r.approvers() != null).map(Rule::approvers).findFirst();
  }

  /** Whether this policy blocks or reviews the built-in rule {@code rule}. */
  boolean names(String rule) {
    return block.contains(rule) || review.contains(rule);
  }

  /** The verdict this policy gives a built-in finding, or allow when the policy does not list it. */
  Verdict onBuiltIn(String rule, String reason) {
    if (block.contains(rule)) {
      return new Verdict.Block(rule, reason);
    }
    if (review.contains(rule)) {
      return new Verdict.Review(rule, reason);
    }
    return Verdict.ALLOW;
  }
}
