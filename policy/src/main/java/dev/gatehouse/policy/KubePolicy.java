package dev.gatehouse.policy;

import java.util.List;
import java.util.Objects;

/**
 * One {@code type: kubernetes} policy: built-in classes to block or review ({@link KubeBuiltIn}),
 * operator rules ({@link KubeRule}), what to do with a request the judge cannot classify, and what
 * to mask in responses ({@code mask.secrets}: Secret values; {@code mask.detectors}: content
 * detectors over every other string).
 */
public record KubePolicy(
    String name, List<String> block, List<String> review, Unclassified unclassified, List<KubeRule> rules,
    boolean maskSecrets, List<String> detectors) {

  /**
   * The policy of a kubernetes target that names none (documented in docs/policy.md): destructive
   * and cluster-wide changes blocked, everything that reaches into a pod, RBAC, Secrets or privilege
   * reviewed, Secret values masked and keys, private keys and JWTs found in any other value masked.
   */
  public static final KubePolicy BUILT_IN_DEFAULT = new KubePolicy(
      "built-in-default-kubernetes",
      List.of("delete-namespace", "delete-node", "delete-crd", "delete-persistent-volume", "impersonate"),
      List.of("exec", "attach", "portforward", "node-proxy", "delete", "deletecollection", "rbac-write", "secrets-read",
          "privileged-workload"),
      Unclassified.REVIEW, List.of(), true, List.of("api-key", "private-key", "jwt"));

  public KubePolicy {
    Objects.requireNonNull(name, "name");
    block = List.copyOf(block == null ? List.of() : block);
    review = List.copyOf(review == null ? List.of() : review);
    for (String b : block) {
      requireBuiltIn(b);
    }
    for (String b : review) {
      requireBuiltIn(b);
    }
    List<String> blocked = block;
    review = review.stream().filter(r -> !blocked.contains(r)).toList(); // block beats review
    unclassified = Objects.requireNonNullElse(unclassified, Unclassified.REVIEW);
    rules = List.copyOf(rules == null ? List.of() : rules);
    detectors = List.copyOf(detectors == null ? List.of() : detectors);
    ContentDetectors.of(detectors); // an unknown name fails here
  }

  private static void requireBuiltIn(String r) {
    if (KubeBuiltIn.byLabel(r).isEmpty()) {
      throw new IllegalArgumentException("'" + r + "' is no built-in kubernetes class (" + String.join(", ", KubeBuiltIn.labels()) + ")");
    }
  }

  /** The approvers a review rule of this policy names for itself, if any. */
  public java.util.Optional<Approvers> approversOf(String rule) {
    return rules.stream().filter(r -> r.name().equals(rule) && r.approvers() != null).map(KubeRule::approvers).findFirst();
  }
}
