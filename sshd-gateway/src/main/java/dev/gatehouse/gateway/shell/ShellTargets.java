package dev.gatehouse.gateway.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.policy.ContentDetectors;
import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.shell.ShellJudge;
import dev.gatehouse.policy.shell.ShellPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shell guard's view of a config: the {@code type: shell} policies and one judge per policy.
 * A {@code command} or {@code ssh} target that names a policy is guarded (the policy must be of
 * type shell); one that names none is not judged (recorded only, as before there was a guard).
 */
public final class ShellTargets {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, ShellJudge> judges;

  private ShellTargets(Map<String, ShellJudge> judges) {
    this.judges = judges;
  }

  @SuppressWarnings("unchecked")
  public static ShellTargets of(GatewayConfig config) throws ConfigException {
    JsonNode node = config.policies();
    Map<String, ShellPolicy> policies;
    Map<String, String> types;
    try {
      Map<String, Object> tree = node == null || node.isNull() ? null : JSON.convertValue(node, Map.class);
      policies = PolicyConfig.parseShell(tree);
      types = PolicyConfig.types(tree);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    List<TargetConfig> targets = config.targets();
    Map<String, ShellJudge> judges = new HashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      TargetConfig t = targets.get(i);
      if ((t.type() != TargetType.COMMAND && t.type() != TargetType.SSH) || t.policy() == null) {
        continue;
      }
      String at = "targets[" + i + "].policy";
      String have = types.get(t.policy());
      if (have == null) {
        throw new ConfigException(at + ": policy '" + t.policy() + "' of target '" + t.name() + "' is not defined under policies");
      }
      if (!have.equals(PolicyConfig.TYPE_SHELL)) {
        throw new ConfigException(at + ": policy '" + t.policy() + "' is of type " + have + ", but target '" + t.name()
            + "' is a " + t.type().label() + " target and needs a type: shell policy");
      }
      judges.put(t.name(), new ShellJudge(policies.get(t.policy())));
    }
    if (!judges.isEmpty()) {
      try {
        judges.values().iterator().next().judge("true"); // loads bash's grammar (a native library) now
      } catch (RuntimeException | LinkageError e) {
        throw new ConfigException("policies: the shell guard cannot load bash's grammar (tree-sitter native library): " + e, e);
      }
    }
    return new ShellTargets(Map.copyOf(judges));
  }

  /**
   * The content detectors that mask a guarded target's output ({@code mask.detectors} of its
   * policy); empty when it has none.
   */
  public Optional<ContentDetectors> outputDetectors(TargetConfig target) {
    return judge(target).map(j -> j.policy().detectors()).filter(d -> !d.isEmpty()).map(ContentDetectors::of);
  }

  /** The judge of a guarded target; empty for a target without a shell policy. */
  public Optional<ShellJudge> judge(TargetConfig target) {
    return Optional.ofNullable(judges.get(target.name()));
  }
}
