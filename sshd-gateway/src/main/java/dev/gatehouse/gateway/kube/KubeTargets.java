package dev.gatehouse.gateway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.kube.KubeProxy;
import dev.gatehouse.policy.KubePolicy;
import dev.gatehouse.policy.PolicyConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What the kubernetes targets of one config share: their policies ({@code type: kubernetes}; a
 * target without one gets {@link KubePolicy#BUILT_IN_DEFAULT}) and the running proxies.
 */
public final class KubeTargets {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, KubePolicy> policies;
  private final KubeProxies proxies;

  private KubeTargets(Map<String, KubePolicy> policies, KubeProxies proxies) {
    this.policies = policies;
    this.proxies = proxies;
  }

  public static KubeTargets of(GatewayConfig config, KubeProxies proxies) throws ConfigException {
    checkPolicyTypes(config);
    return new KubeTargets(parse(config.policies()), proxies);
  }

  @SuppressWarnings("unchecked")
  static Map<String, KubePolicy> parse(JsonNode node) throws ConfigException {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    try {
      return PolicyConfig.parseKubernetes(JSON.convertValue(node, Map.class));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /**
   * A target's policy must exist and be of the target's type: {@code sql} for postgres, {@code
   * kubernetes} for kubernetes. The error names the key, e.g. {@code targets[2].policy}.
   */
  @SuppressWarnings("unchecked")
  public static void checkPolicyTypes(GatewayConfig config) throws ConfigException {
    Map<String, String> types;
    try {
      JsonNode node = config.policies();
      types = node == null || node.isNull() ? Map.of() : PolicyConfig.types(JSON.convertValue(node, Map.class));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    List<TargetConfig> targets = config.targets();
    for (int i = 0; i < targets.size(); i++) {
      TargetConfig t = targets.get(i);
      String want = switch (t.type()) {
        case POSTGRES -> PolicyConfig.TYPE_SQL;
        case KUBERNETES -> PolicyConfig.TYPE_KUBERNETES;
        default -> null;
      };
      if (t.policy() == null || want == null) {
        continue;
      }
      String at = "targets[" + i + "].policy";
      String have = types.get(t.policy());
      if (have == null) {
        throw new ConfigException(at + ": policy '" + t.policy() + "' of target '" + t.name() + "' is not defined under policies");
      }
      if (!have.equals(want)) {
        throw new ConfigException(at + ": policy '" + t.policy() + "' is of type " + have + ", but target '" + t.name()
            + "' is a " + t.type().label() + " target and needs a type: " + want + " policy");
      }
    }
  }

  public KubePolicy policyFor(TargetConfig target) {
    return target.policy() == null ? KubePolicy.BUILT_IN_DEFAULT : policies.get(target.policy());
  }

  /** The target's proxy, started at first use (its secrets are read then). */
  public KubeProxy proxy(TargetConfig target) throws IOException {
    if (target.type() != TargetType.KUBERNETES) {
      throw new IllegalArgumentException("target '" + target.name() + "' is not a kubernetes target");
    }
    return proxies.proxy(target.name(), target.kubernetes());
  }
}
