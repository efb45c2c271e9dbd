package dev.gatehouse.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may approve a {@code review}: members of any of {@code groups}, {@code min} of them
 * (distinct people, never the requester). Given per target ({@code targets[i].approvers}) and, for
 * a rule that needs other approvers, per rule ({@code policies.P.rules[i].approvers}).
 */
public record Approvers(List<String> groups, int min) {
  private static final Set<String> KEYS = Set.of("groups", "min");

  public Approvers {
    groups = groups == null ? List.of() : List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("groups: name at least one approver group");
    }
    for (String g : groups) {
      if (g == null || g.isBlank() || g.contains(",")) {
        throw new IllegalArgumentException("groups: '" + g + "' is not a group name");
      }
    }
    if (min < 1 || min > 10) {
      throw new IllegalArgumentException("min: " + min + " must be between 1 and 10");
    }
  }

  /** From a config mapping {@code {groups: [a, b], min: 2}} ({@code min} defaults to 1); {@code at} names the key. */
  public static Approvers parse(Object node, String at) {
    if (!(node instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(at + ": must be a mapping {groups: [...], min: N}");
    }
    for (Object k : m.keySet()) {
      if (!KEYS.contains(String.valueOf(k))) {
        throw new IllegalArgumentException(at + "." + k + ": unknown key (groups, min)");
      }
    }
    Object g = m.get("groups");
    if (!(g instanceof List<?> list)) {
      throw new IllegalArgumentException(at + ".groups: must be a list of group names");
    }
    int min = 1;
    Object n = m.get("min");
    if (n != null) {
      try {
        min = Integer.parseInt(String.valueOf(n).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(at + ".min: '" + n + "' is not a number");
      }
    }
    try {
      return new Approvers(list.stream().map(String::valueOf).toList(), min);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + "." + e.getMessage()); // the whole path: loaders report the deepest message
    }
  }
}
