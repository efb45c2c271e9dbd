package dev.gatehouse.policy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds {@link SqlPolicy}s from the {@code policies:} block as the gateway's YAML loader hands it
 * over: a tree of {@code Map}, {@code List} and scalar values, so this module needs no YAML library.
 * Every error is an {@link IllegalArgumentException} whose message starts with the key, e.g.
 * {@code policies.default-sql.block[2]: 'drop-tables' is no built-in rule (...)}.
 */
public final class PolicyConfig {
  private static final Set<String> POLICY_KEYS = Set.of("type", "block", "review", "unclassified", "rules", "mask", "maxRowsChanged");
  private static final Set<String> KUBE_POLICY_KEYS = Set.of("type", "block", "review", "unclassified", "rules", "mask");
  private static final Set<String> KUBE_RULE_KEYS = Set.of("name", "verbs", "resources", "namespaces", "verdict", "approvers");
  private static final Set<String> KUBE_MASK_KEYS = Set.of("secrets", "detectors");
  private static final Set<String> KUBE_VERBS =
      Set.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy", "*");
  /** {@code policies.NAME.type}: what a policy judges. */
  public static final String TYPE_SQL = "sql";
  public static final String TYPE_KUBERNETES = "kubernetes";
  public static final String TYPE_SHELL = "shell";
  private static final Set<String> SHELL_POLICY_KEYS =
      Set.of("type", "block", "review", "unclassified", "mode", "allowCommands", "rules", "mask", "onGuardLost",
          "readers");
  private static final Set<String> SHELL_RULE_KEYS = Set.of("name", "commands", "args", "verdict", "approvers");
  private static final Set<String> RULE_KEYS = Set.of("name", "kinds", "tables", "functions", "pattern", "verdict", "approvers");
  private static final Set<String> MASK_KEYS = Set.of("columns", "detectors", "form");
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final java.util.regex.Pattern COLUMN =
      java.util.regex.Pattern.compile("(?:[A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");

  private PolicyConfig() {}

  /**
   * Parses the {@code type: sql} policies of {@code policies:} (the default type); {@code null} or
   * empty gives no policies. Every policy's {@code type} is checked here, so a wrong one fails
   * whichever parser runs first.
   */
  public static Map<String, SqlPolicy> parse(Map<String, Object> policiesNode) {
    return ofType(policiesNode, TYPE_SQL, PolicyConfig::policy);
  }

  /** Parses the {@code type: kubernetes} policies of {@code policies:}. */
  public static Map<String, KubePolicy> parseKubernetes(Map<String, Object> policiesNode) {
    return ofType(policiesNode, TYPE_KUBERNETES, PolicyConfig::kubePolicy);
  }

  /** Parses the {@code type: shell} policies of {@code policies:}. */
  public static Map<String, dev.gatehouse.policy.shell.ShellPolicy> parseShell(Map<String, Object> policiesNode) {
    return ofType(policiesNode, TYPE_SHELL, PolicyConfig::shellPolicy);
  }

  private interface PolicyParser<P> {
    P parse(String name, Map<String, Object> m, String at);
  }

  /** The policies of one {@code type}, parsed; every policy's type is checked on the way. */
  private static <P> Map<String, P> ofType(Map<String, Object> policiesNode, String wanted, PolicyParser<P> parser) {
    Map<String, P> result = new LinkedHashMap<>();
    if (policiesNode == null) {
      return result;
    }
    for (Map.Entry<String, Object> e : policiesNode.entrySet()) {
      String name = e.getKey();
      String at = "policies." + name;
      Map<String, Object> m = named(name, e.getValue(), at);
      if (type(m, at).equals(wanted)) {
        result.put(name, parser.parse(name, m, at));
      }
    }
    return Map.copyOf(result);
  }

  /** Each policy's type ({@code sql} when unset), in file order. */
  public static Map<String, String> types(Map<String, Object> policiesNode) {
    Map<String, String> result = new LinkedHashMap<>();
    if (policiesNode == null) {
      return result;
    }
    for (Map.Entry<String, Object> e : policiesNode.entrySet()) {
      String at = "policies." + e.getKey();
      result.put(e.getKey(), type(named(e.getKey(), e.getValue(), at), at));
    }
    return result;
  }

  private static Map<String, Object> named(String name, Object node, String at) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(at + ": a policy name is letters, digits, '.', '_' or '-' (max 63)");
    }
    return map(node, at);
  }

  private static String type(Map<String, Object> m, String at) {
    if (m.get("type") == null) {
      return TYPE_SQL;
    }
    String t = scalar(m.get("type"), at + ".type");
    return switch (t) {
      case TYPE_SQL, TYPE_KUBERNETES, TYPE_SHELL -> t;
      default -> throw new IllegalArgumentException(at + ".type: '" + t + "' must be sql, kubernetes or shell");
    };
  }

  private static dev.gatehouse.policy.shell.ShellPolicy shellPolicy(String name, Map<String, Object> m, String at) {
    unknownKeys(m, SHELL_POLICY_KEYS, at);
    List<String> block = shellClasses(m.get("block"), at + ".block");
    List<String> review = shellClasses(m.get("review"), at + ".review");
    Unclassified unclassified = unclassified(m.get("unclassified"), at + ".unclassified");
    dev.gatehouse.policy.shell.ShellPolicy.Mode mode = dev.gatehouse.policy.shell.ShellPolicy.Mode.DENY_LIST;
    if (m.get("mode") != null) {
      String s = scalar(m.get("mode"), at + ".mode");
      mode = switch (s) {
        case "deny-list" -> dev.gatehouse.policy.shell.ShellPolicy.Mode.DENY_LIST;
        case "allow-list" -> dev.gatehouse.policy.shell.ShellPolicy.Mode.ALLOW_LIST;
        default -> throw new IllegalArgumentException(at + ".mode: '" + s + "' must be deny-list or allow-list");
      };
    }
    List<String> allow = strings(m.get("allowCommands"), at + ".allowCommands");
    List<List<String>> allowCommands = new ArrayList<>();
    for (int i = 0; i < allow.size(); i++) {
      List<String> words = List.of(allow.get(i).trim().split("\\s+"));
      for (String w : words) {
        if (!w.matches("[A-Za-z0-9_./:+@%=,-]+")) {
          throw new IllegalArgumentException(at + ".allowCommands[" + i + "]: '" + allow.get(i)
              + "' must be a command name, optionally followed by words its arguments start with (\"systemctl status\")");
        }
      }
      allowCommands.add(words);
    }
    if (mode == dev.gatehouse.policy.shell.ShellPolicy.Mode.ALLOW_LIST && allowCommands.isEmpty()) {
      throw new IllegalArgumentException(at + ".allowCommands: mode allow-list needs at least one allowed command");
    }
    List<dev.gatehouse.policy.shell.ShellRule> rules = new ArrayList<>();
    Set<String> ruleNames = new HashSet<>();
    List<Object> rl = list(m.get("rules"), at + ".rules");
    for (int i = 0; i < rl.size(); i++) {
      String rat = at + ".rules[" + i + "]";
      dev.gatehouse.policy.shell.ShellRule r = shellRule(map(rl.get(i), rat), rat);
      if (!ruleNames.add(r.name())) {
        throw new IllegalArgumentException(rat + ".name: '" + r.name() + "' is used by another rule");
      }
      rules.add(r);
    }
    List<String> detectors = List.of();
    if (m.get("mask") != null) {
      Map<String, Object> mask = map(m.get("mask"), at + ".mask");
      unknownKeys(mask, Set.of("detectors"), at + ".mask");
      detectors = strings(mask.get("detectors"), at + ".mask.detectors");
      for (int i = 0; i < detectors.size(); i++) {
        if (!ContentDetectors.NAMES.contains(detectors.get(i))) {
          throw new IllegalArgumentException(at + ".mask.detectors[" + i + "]: '" + detectors.get(i)
              + "' is no detector (" + String.join(", ", ContentDetectors.NAMES) + ")");
        }
      }
    }
    dev.gatehouse.policy.shell.ShellPolicy.OnGuardLost onGuardLost = dev.gatehouse.policy.shell.ShellPolicy.OnGuardLost.END;
    if (m.get("onGuardLost") != null) {
      String s = scalar(m.get("onGuardLost"), at + ".onGuardLost");
      onGuardLost = switch (s) {
        case "end" -> dev.gatehouse.policy.shell.ShellPolicy.OnGuardLost.END;
        case "screen" -> dev.gatehouse.policy.shell.ShellPolicy.OnGuardLost.SCREEN;
        default -> throw new IllegalArgumentException(at + ".onGuardLost: '" + s + "' must be end or screen");
      };
    }
    // readers: programs this site knows to only read the files they are given (lnav, goaccess)
    List<String> readers = strings(m.get("readers"), at + ".readers");
    for (int i = 0; i < readers.size(); i++) {
      if (!readers.get(i).matches("[A-Za-z0-9_.+-]+")) {
        throw new IllegalArgumentException(at + ".readers[" + i + "]: '" + readers.get(i)
            + "' must be a command name without a path (lnav, goaccess)");
      }
    }
    return new dev.gatehouse.policy.shell.ShellPolicy(name, block, review, unclassified, mode, allowCommands, rules, detectors,
        onGuardLost, readers);
  }

  private static dev.gatehouse.policy.shell.ShellRule shellRule(Map<String, Object> m, String at) {
    unknownKeys(m, SHELL_RULE_KEYS, at);
    if (m.get("name") == null) {
      throw new IllegalArgumentException(at + ".name: missing");
    }
    String name = scalar(m.get("name"), at + ".name");
    if (!NAME.matcher(name).matches() || dev.gatehouse.policy.shell.ShellClass.byLabel(name).isPresent()
        || name.equals("unclassified") || name.equals("allow-list")) {
      throw new IllegalArgumentException(
          at + ".name: '" + name + "' must be letters, digits, '.', '_' or '-' and not a built-in class's name");
    }
    List<String> commands = strings(m.get("commands"), at + ".commands");
    for (int i = 0; i < commands.size(); i++) {
      if (!commands.get(i).matches("[A-Za-z0-9_./:+@%,-]+")) {
        throw new IllegalArgumentException(at + ".commands[" + i + "]: '" + commands.get(i) + "' must be one command name");
      }
    }
    Pattern args = optionalPattern(m, "args", at);
    Rule.Outcome outcome = ruleOutcome(m, at);
    if (commands.isEmpty() && args == null) {
      throw new IllegalArgumentException(at + ": a rule needs commands, args or both");
    }
    Approvers approvers = ruleApprovers(m, outcome, at);
    return new dev.gatehouse.policy.shell.ShellRule(name, commands, args, outcome, approvers);
  }

  private static List<String> shellClasses(Object node, String at) {
    List<String> names = strings(node, at);
    for (int i = 0; i < names.size(); i++) {
      if (dev.gatehouse.policy.shell.ShellClass.byLabel(names.get(i)).isEmpty()) {
        throw new IllegalArgumentException(at + "[" + i + "]: '" + names.get(i) + "' is no built-in shell class ("
            + String.join(", ", dev.gatehouse.policy.shell.ShellClass.labels()) + ")");
      }
    }
    return names.stream().distinct().toList();
  }

  private static KubePolicy kubePolicy(String name, Map<String, Object> m, String at) {
    unknownKeys(m, KUBE_POLICY_KEYS, at);
    List<String> block = kubeBuiltIns(m.get("block"), at + ".block");
    List<String> review = kubeBuiltIns(m.get("review"), at + ".review");
    Unclassified unclassified = unclassified(m.get("unclassified"), at + ".unclassified");
    List<KubeRule> rules = new ArrayList<>();
    Set<String> ruleNames = new HashSet<>();
    List<Object> rl = list(m.get("rules"), at + ".rules");
    for (int i = 0; i < rl.size(); i++) {
      String rat = at + ".rules[" + i + "]";
      KubeRule r = kubeRule(map(rl.get(i), rat), rat);
      if (!ruleNames.add(r.name())) {
        throw new IllegalArgumentException(rat + ".name: '" + r.name() + "' is used by another rule");
      }
      rules.add(r);
    }
    boolean secrets = true;
    List<String> detectors = List.of();
    if (m.get("mask") != null) {
      Map<String, Object> mask = map(m.get("mask"), at + ".mask");
      unknownKeys(mask, KUBE_MASK_KEYS, at + ".mask");
      Object s = mask.get("secrets");
      if (s != null) {
        if (!(s instanceof Boolean b)) {
          throw new IllegalArgumentException(at + ".mask.secrets: must be true or false, not " + describe(s));
        }
        secrets = b;
      }
      detectors = strings(mask.get("detectors"), at + ".mask.detectors");
      for (int i = 0; i < detectors.size(); i++) {
        if (!ContentDetectors.NAMES.contains(detectors.get(i))) {
          throw new IllegalArgumentException(at + ".mask.detectors[" + i + "]: '" + detectors.get(i)
              + "' is no detector (" + String.join(", ", ContentDetectors.NAMES) + ")");
        }
      }
    }
    return new KubePolicy(name, block, review, unclassified, rules, secrets, detectors);
  }

  private static KubeRule kubeRule(Map<String, Object> m, String at) {
    unknownKeys(m, KUBE_RULE_KEYS, at);
    if (m.get("name") == null) {
      throw new IllegalArgumentException(at + ".name: missing");
    }
    String name = scalar(m.get("name"), at + ".name");
    if (!NAME.matcher(name).matches() || KubeBuiltIn.byLabel(name).isPresent() || name.equals("unclassified")) {
      throw new IllegalArgumentException(
          at + ".name: '" + name + "' must be letters, digits, '.', '_' or '-' and not a built-in class's name");
    }
    List<String> verbs = strings(m.get("verbs"), at + ".verbs");
    for (int i = 0; i < verbs.size(); i++) {
      if (!KUBE_VERBS.contains(verbs.get(i).toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(at + ".verbs[" + i + "]: '" + verbs.get(i) + "' is no API verb ("
            + String.join(", ", new java.util.TreeSet<>(KUBE_VERBS)) + ")");
      }
    }
    List<String> resources = strings(m.get("resources"), at + ".resources");
    for (int i = 0; i < resources.size(); i++) {
      if (!resources.get(i).matches("\\*|[a-z0-9.-]+(/([a-z0-9.-]+|\\*))?|\\*/[a-z0-9.-]+")) {
        throw new IllegalArgumentException(at + ".resources[" + i + "]: '" + resources.get(i)
            + "' must be a resource (secrets), resource/subresource (deployments/scale, pods/*) or *");
      }
    }
    List<String> namespaces = strings(m.get("namespaces"), at + ".namespaces");
    Rule.Outcome outcome = ruleOutcome(m, at);
    if (verbs.isEmpty() && resources.isEmpty() && namespaces.isEmpty()) {
      throw new IllegalArgumentException(at + ": a rule needs at least one of verbs, resources, namespaces");
    }
    Approvers approvers = ruleApprovers(m, outcome, at);
    return new KubeRule(name, verbs, resources, namespaces, outcome, approvers);
  }

  private static List<String> kubeBuiltIns(Object node, String at) {
    List<String> names = strings(node, at);
    for (int i = 0; i < names.size(); i++) {
      if (KubeBuiltIn.byLabel(names.get(i)).isEmpty()) {
        throw new IllegalArgumentException(at + "[" + i + "]: '" + names.get(i) + "' is no built-in kubernetes class ("
            + String.join(", ", KubeBuiltIn.labels()) + ")");
      }
    }
    return names.stream().distinct().toList();
  }

  private static Unclassified unclassified(Object u, String at) {
    if (u == null) {
      return Unclassified.REVIEW;
    }
    String s = scalar(u, at);
    return switch (s) {
      case "review" -> Unclassified.REVIEW;
      case "block" -> Unclassified.BLOCK;
      case "allow" -> throw new IllegalArgumentException(
          at + ": 'allow' is never allowed: what the judge cannot classify is reviewed or blocked");
      default -> throw new IllegalArgumentException(at + ": '" + s + "' must be review or block");
    };
  }

  private static SqlPolicy policy(String name, Map<String, Object> m, String at) {
    unknownKeys(m, POLICY_KEYS, at);
    List<String> block = builtIns(m.get("block"), at + ".block");
    List<String> review = builtIns(m.get("review"), at + ".review");
    review = review.stream().filter(r -> !block.contains(r)).toList(); // block beats review
    Unclassified unclassified = Unclassified.REVIEW;
    Object u = m.get("unclassified");
    if (u != null) {
      String s = scalar(u, at + ".unclassified");
      switch (s) {
        case "review" -> unclassified = Unclassified.REVIEW;
        case "block" -> unclassified = Unclassified.BLOCK;
        case "allow" -> throw new IllegalArgumentException(
            at + ".unclassified: 'allow' is never allowed: what the judge cannot classify is reviewed or blocked");
        default -> throw new IllegalArgumentException(at + ".unclassified: '" + s + "' must be review or block");
      }
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ruleNames = new HashSet<>();
    List<Object> rl = list(m.get("rules"), at + ".rules");
    for (int i = 0; i < rl.size(); i++) {
      Rule r = rule(map(rl.get(i), at + ".rules[" + i + "]"), at + ".rules[" + i + "]");
      if (!ruleNames.add(r.name())) {
        throw new IllegalArgumentException(at + ".rules[" + i + "].name: '" + r.name() + "' is used by another rule");
      }
      rules.add(r);
    }
    MaskSpec mask = mask(m.get("mask"), at + ".mask");
    long maxRows = maxRowsChanged(m.get("maxRowsChanged"), at + ".maxRowsChanged");
    SqlPolicy draft = new SqlPolicy(name, block, review, unclassified, rules, mask, 0, maxRows);
    return new SqlPolicy(name, block, review, unclassified, rules, mask, version(draft), maxRows);
  }

  private static long maxRowsChanged(Object node, String at) {
    if (node == null) {
      return SqlPolicy.DEFAULT_MAX_ROWS_CHANGED;
    }
    if (node instanceof Number n && (n instanceof Integer || n instanceof Long) && n.longValue() >= 0) {
      return n.longValue();
    }
    throw new IllegalArgumentException(at + ": must be a whole number of rows, 0 (no limit) or more, not " + describe(node));
  }

  private static Rule rule(Map<String, Object> m, String at) {
    unknownKeys(m, RULE_KEYS, at);
    Object n = m.get("name");
    if (n == null) {
      throw new IllegalArgumentException(at + ".name: missing");
    }
    String name = scalar(n, at + ".name");
    if (!NAME.matcher(name).matches() || BuiltInRule.byLabel(name).isPresent() || name.equals("unclassified")) {
      throw new IllegalArgumentException(
          at + ".name: '" + name + "' must be letters, digits, '.', '_' or '-' and not a built-in rule's name");
    }
    List<String> kinds = strings(m.get("kinds"), at + ".kinds");
    for (int i = 0; i < kinds.size(); i++) {
      String k = kinds.get(i).toLowerCase(Locale.ROOT);
      if (!StatementKinds.ALL.contains(k)) {
        throw new IllegalArgumentException(
            at + ".kinds[" + i + "]: '" + kinds.get(i) + "' is no statement kind (" + String.join(", ", new java.util.TreeSet<>(StatementKinds.ALL)) + ")");
      }
    }
    List<String> tables = strings(m.get("tables"), at + ".tables");
    List<String> functions = strings(m.get("functions"), at + ".functions");
    Pattern pattern = optionalPattern(m, "pattern", at);
    Rule.Outcome outcome = ruleOutcome(m, at);
    if (kinds.isEmpty() && tables.isEmpty() && functions.isEmpty() && pattern == null) {
      throw new IllegalArgumentException(at + ": a rule needs at least one of kinds, tables, functions, pattern");
    }
    Approvers approvers = ruleApprovers(m, outcome, at);
    return new Rule(name, kinds, tables, functions, pattern, outcome, approvers);
  }

  /** A rule's {@code verdict}: block or review, never allow (rules only tighten). */
  private static Rule.Outcome ruleOutcome(Map<String, Object> m, String at) {
    Object v = m.get("verdict");
    if (v == null) {
      throw new IllegalArgumentException(at + ".verdict: missing (block or review)");
    }
    String verdict = scalar(v, at + ".verdict");
    return switch (verdict) {
      case "block" -> Rule.Outcome.BLOCK;
      case "review" -> Rule.Outcome.REVIEW;
      default -> throw new IllegalArgumentException(
          at + ".verdict: '" + verdict + "' must be block or review (rules only tighten)");
    };
  }

  /** A rule's {@code approvers}, or null; only a rule with verdict review has them. */
  private static Approvers ruleApprovers(Map<String, Object> m, Rule.Outcome outcome, String at) {
    Approvers approvers = m.get("approvers") == null ? null : Approvers.parse(m.get("approvers"), at + ".approvers");
    if (approvers != null && outcome != Rule.Outcome.REVIEW) {
      throw new IllegalArgumentException(at + ".approvers: only a rule with verdict review has approvers");
    }
    return approvers;
  }

  /** An RE2 pattern under {@code key}, or null when the rule names none. */
  private static Pattern optionalPattern(Map<String, Object> m, String key, String at) {
    if (m.get(key) == null) {
      return null;
    }
    String p = scalar(m.get(key), at + "." + key);
    try {
      return Pattern.compile(p);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(at + "." + key + ": not an RE2 pattern: " + e.getMessage(), e);
    }
  }

  private static MaskSpec mask(Object node, String at) {
    if (node == null) {
      return MaskSpec.none();
    }
    Map<String, Object> m = map(node, at);
    unknownKeys(m, MASK_KEYS, at);
    List<String> columns = strings(m.get("columns"), at + ".columns");
    for (int i = 0; i < columns.size(); i++) {
      if (!COLUMN.matcher(columns.get(i)).matches()) {
        throw new IllegalArgumentException(
            at + ".columns[" + i + "]: '" + columns.get(i) + "' must be table.column or schema.table.column");
      }
    }
    columns = columns.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
    List<String> detectors = strings(m.get("detectors"), at + ".detectors");
    for (int i = 0; i < detectors.size(); i++) {
      if (!ContentDetectors.NAMES.contains(detectors.get(i))) {
        throw new IllegalArgumentException(
            at + ".detectors[" + i + "]: '" + detectors.get(i) + "' is no detector (" + String.join(", ", ContentDetectors.NAMES) + ")");
      }
    }
    MaskForm form = MaskForm.FULL;
    if (m.get("form") != null) {
      try {
        form = MaskForm.byLabel(scalar(m.get("form"), at + ".form"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ".form: " + e.getMessage(), e);
      }
    }
    return new MaskSpec(columns, detectors, form);
  }

  private static List<String> builtIns(Object node, String at) {
    List<String> names = strings(node, at);
    for (int i = 0; i < names.size(); i++) {
      if (BuiltInRule.byLabel(names.get(i)).isEmpty()) {
        throw new IllegalArgumentException(
            at + "[" + i + "]: '" + names.get(i) + "' is no built-in rule (" + String.join(", ", BuiltInRule.labels()) + ")");
      }
    }
    return names.stream().distinct().toList();
  }

  // ---- the Map tree ------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node, String at) {
    if (node == null) {
      return Map.of();
    }
    if (!(node instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(at + ": must be a mapping, not " + describe(node));
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw new IllegalArgumentException(at + ": key " + k + " is not a name");
      }
    }
    return (Map<String, Object>) m;
  }

  private static List<Object> list(Object node, String at) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List<?> l)) {
      throw new IllegalArgumentException(at + ": must be a list, not " + describe(node));
    }
    return new ArrayList<>(l);
  }

  private static List<String> strings(Object node, String at) {
    List<Object> l = list(node, at);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      out.add(scalar(l.get(i), at + "[" + i + "]"));
    }
    return out;
  }

  private static String scalar(Object node, String at) {
    if (node instanceof String s && !s.isBlank()) {
      return s.strip();
    }
    if (node instanceof Number || node instanceof Boolean) {
      return node.toString();
    }
    throw new IllegalArgumentException(at + ": must be a non-empty string, not " + describe(node));
  }

  private static String describe(Object node) {
    if (node == null) {
      return "nothing";
    }
    if (node instanceof Map) {
      return "a mapping";
    }
    if (node instanceof List) {
      return "a list";
    }
    return "'" + node + "'";
  }

  private static void unknownKeys(Map<String, Object> m, Set<String> known, String at) {
    for (String k : m.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(at + "." + k + ": unknown key (" + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  /** A version that changes with the content: the first 8 bytes of SHA-256 over a canonical form. */
  private static long version(SqlPolicy p) {
    StringBuilder b = new StringBuilder();
    b.append(p.name()).append('\n').append(p.block()).append('\n').append(p.review()).append('\n').append(p.unclassified()).append('\n');
    for (Rule r : p.rules()) {
      b.append(r.name()).append('|').append(r.kinds()).append('|').append(r.tables()).append('|').append(r.functions()).append('|')
          .append(r.pattern() == null ? "" : r.pattern().pattern() + "/" + r.pattern().flags()).append('|').append(r.verdict()).append('|').append(r.approvers()).append('\n');
    }
    b.append("maxRowsChanged=").append(p.maxRowsChanged()).append('\n');
    b.append(new TreeMap<>(Map.of("c", p.mask().columns().toString(), "d", p.mask().detectors().toString(), "f", p.mask().form().name())));
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (d[i] & 0xff);
      }
      return v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }
}
