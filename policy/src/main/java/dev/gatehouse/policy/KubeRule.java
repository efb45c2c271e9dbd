package dev.gatehouse.policy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An operator-written rule of a {@code type: kubernetes} policy ({@code policies.NAME.rules[i]}):
 * it matches a request when each selector it gives matches. {@code verbs} are API verbs (get,
 * list, watch, create, update, patch, delete, deletecollection, proxy); {@code resources} name
 * resources as RBAC does ({@code secrets}, {@code deployments/scale}, {@code pods/*}, {@code *}), in
 * any API group; a resource without a subresource does not match its subresources. {@code
 * namespaces} also matches a request across all namespaces or with none (a list with {@code -A}
 * reads every namespace's objects): rules only tighten, so they err on the side of matching.
 */
public record KubeRule(
    String name, List<String> verbs, List<String> resources, List<String> namespaces, Rule.Outcome verdict,
    Approvers approvers) {

  public KubeRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(verdict, "verdict");
    verbs = lower(verbs);
    resources = lower(resources);
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    if (verbs.isEmpty() && resources.isEmpty() && namespaces.isEmpty()) {
      throw new IllegalArgumentException("rule '" + name + "' has no selector (verbs, resources or namespaces)");
    }
  }

  private static List<String> lower(List<String> l) {
    return l == null ? List.of() : l.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  boolean matches(KubeRequest r) {
    if (!r.resourceRequest()) {
      return false;
    }
    if (!verbs.isEmpty() && !verbs.contains("*") && !verbs.contains(r.verb())) {
      return false;
    }
    if (!resources.isEmpty() && resources.stream().noneMatch(s -> resourceMatches(s, r))) {
      return false;
    }
    return namespaces.isEmpty() || r.namespace().isEmpty() || namespaces.contains(r.namespace());
  }

  private static boolean resourceMatches(String selector, KubeRequest r) {
    if (selector.equals("*")) {
      return true;
    }
    int slash = selector.indexOf('/');
    if (slash < 0) {
      return r.subresource().isEmpty() && selector.equals(r.resource());
    }
    String res = selector.substring(0, slash);
    String sub = selector.substring(slash + 1);
    return (res.equals("*") || res.equals(r.resource())) && (sub.equals("*") ? !r.subresource().isEmpty() : sub.equals(r.subresource()));
  }
}
