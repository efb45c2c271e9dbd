package dev.gatehouse.policy;

/**
 * Judges Kubernetes API requests by a {@link KubePolicy}: the strictest of the built-in classes the
 * policy lists and its rules; a request the API server would not read as an API call of a known
 * verb (an unknown method, a non-resource path that is no discovery or health check) is {@code
 * unclassified}. Pure and thread-safe: one judge serves every session of a policy.
 */
public final class KubeJudge {
  private final KubePolicy policy;

  public KubeJudge(KubePolicy policy) {
    this.policy = policy;
  }

  public KubePolicy policy() {
    return policy;
  }

  public Verdict judge(KubeRequest r) {
    String what = r.describe();
    if (!r.resourceRequest()) {
      if (r.discovery() || r.health()) {
        return Verdict.ALLOW;
      }
      return policy.unclassified().verdict(what + ": not an API resource request the policy can judge");
    }
    if (r.verb().isEmpty() || r.resource().isEmpty()) {
      return policy.unclassified().verdict(what + ": no API verb for this method");
    }
    Verdict v = Verdict.ALLOW;
    for (String b : policy.block()) {
      if (KubeBuiltIn.byLabel(b).orElseThrow().matches(r)) {
        return new Verdict.Block(b, what);
      }
    }
    for (KubeRule rule : policy.rules()) {
      if (rule.verdict() == Rule.Outcome.BLOCK && rule.matches(r)) {
        return new Verdict.Block(rule.name(), what);
      }
    }
    for (String b : policy.review()) {
      if (KubeBuiltIn.byLabel(b).orElseThrow().matches(r)) {
        v = v.strictest(new Verdict.Review(b, what));
        break;
      }
    }
    for (KubeRule rule : policy.rules()) {
      if (rule.verdict() == Rule.Outcome.REVIEW && rule.matches(r)) {
        v = v.strictest(new Verdict.Review(rule.name(), what));
        break;
      }
    }
    return v;
  }
}
