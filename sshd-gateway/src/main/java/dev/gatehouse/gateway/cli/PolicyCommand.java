package dev.gatehouse.gateway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.policy.Judgement;
import dev.gatehouse.gateway.postgres.PolicyGate;
import dev.gatehouse.gateway.postgres.RowLimit;
import dev.gatehouse.gateway.postgres.StatementGate;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gatehouse policy ...}: check a rule set before deploying it. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Policies: test a target's policy against statements.",
    subcommands = {PolicyCommand.Test.class})
final class PolicyCommand implements Runnable {
  /** sysexits EX_DATAERR: the documented code (docs/architecture.md) for an unknown target or a malformed request. */
  static final int EXIT_UNKNOWN_TARGET = 65;

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description = {
        "Reads JSON lines {\"sql\": \"...\"} on stdin and writes one JSON line per input:",
        "{\"sql\":..., \"verdict\":\"allow|block|review\", \"rule\":..., \"reason\":...}.",
        "For a kubernetes target the lines are {\"method\":\"DELETE\",\"path\":\"/api/v1/namespaces/prod\",",
        "\"body\":{...}} (body optional) and the answers add \"request\" and \"verb\".",
        "For a command or ssh target with a type: shell policy the lines are {\"command\":\"rm -rf /\"}",
        "and the answers add \"commands\" (the names of every command found) and \"exact\".",
        "Resolves no secrets and opens no connection. A line that is not such an object gets",
        "{\"line\": N, \"error\": ...} and the rest are still judged.",
        "Exit 65 when the target is unknown or has no policy."
      })
  static final class Test implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin ConfigOption config;

    @Option(names = "--target", required = true, paramLabel = "TARGET", description = "The target whose policy judges the statements.")
    String target;

    @Option(
        names = "--parse-time-limit",
        defaultValue = "1s",
        paramLabel = "DURATION",
        description = "How long the parser may take on one statement before it is unclassified (default: ${DEFAULT-VALUE}).")
    String parseTimeLimit;

    @Override
    public Integer call() throws ConfigException, IOException {
      GatewayConfig cfg = config.load();
      Optional<TargetConfig> t = cfg.target(target);
      if (t.isEmpty()) {
        System.err.println("gatehouse: unknown target '" + target + "'");
        return EXIT_UNKNOWN_TARGET;
      }
      if (t.get().type() == dev.gatehouse.gateway.config.TargetType.KUBERNETES) {
        return kubernetes(cfg, t.get());
      }
      String name = t.get().policy();
      if (name == null || name.isBlank()) {
        System.err.println("gatehouse: target '" + target + "' has no policy");
        return EXIT_UNKNOWN_TARGET;
      }
      if (t.get().type() == dev.gatehouse.gateway.config.TargetType.COMMAND
          || t.get().type() == dev.gatehouse.gateway.config.TargetType.SSH) {
        return shell(cfg, t.get());
      }
      SqlPolicy policy = policies(cfg).get(name);
      if (policy == null) {
        throw new ConfigException("target '" + target + "': policy '" + name + "' is not under policies");
      }
      Duration limit = dev.gatehouse.gateway.config.Durations.parse(parseTimeLimit);
      PrintStream out = System.out;
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      try (SqlJudge judge = new SqlJudge(policy, limit, 10_000)) {
        // The same gate as at the wire (rules, then masked-derivation refusal); views over masked
        // columns are found only in the database, which this command never connects to.
        PolicyGate gate = new PolicyGate(judge,
            new MaskedDerivations(MaskedDerivations.byTable(policy.mask().columns()), Map.of()));
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          // each line is a connection of its own: EXECUTE runs what PREPARE in the same line made
          out.println(VisibleText.json(JSON.writeValueAsString(judgeLine(gate.forConnection(), line, n))));
          out.flush();
        }
      }
      return 0;
    }

    /**
     * A kubernetes target: lines {@code {"method":"DELETE","path":"/api/v1/namespaces/prod","body":{...}}}
     * (body optional; the path may carry a query), read as the proxy reads requests and judged by the
     * target's policy (the built-in default when it names none).
     */
    private Integer kubernetes(GatewayConfig cfg, TargetConfig t) throws ConfigException, IOException {
      dev.gatehouse.gateway.kube.KubeTargets.checkPolicyTypes(cfg);
      dev.gatehouse.gateway.kube.KubeTargets targets =
          dev.gatehouse.gateway.kube.KubeTargets.of(cfg, new dev.gatehouse.gateway.kube.KubeProxies());
      dev.gatehouse.policy.KubeJudge judge = new dev.gatehouse.policy.KubeJudge(targets.policyFor(t));
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (!line.isBlank()) {
          System.out.println(VisibleText.json(JSON.writeValueAsString(judgeRequest(judge, line, n))));
          System.out.flush();
        }
      }
      return 0;
    }

    /** A command or ssh target: lines {@code {"command":"rm -rf /"}}, judged as an exec request is. */
    private Integer shell(GatewayConfig cfg, TargetConfig t) throws ConfigException, IOException {
      dev.gatehouse.policy.shell.ShellJudge judge = dev.gatehouse.gateway.shell.ShellTargets.of(cfg).judge(t).orElseThrow();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          node = null;
          m.put("line", n);
          m.put("error", "not JSON: " + e.getOriginalMessage());
        }
        if (node != null) {
          JsonNode command = node.get("command");
          if (!node.isObject() || command == null || !command.isTextual()) {
            m.put("line", n);
            m.put("error", "expected an object with a string \"command\"");
          } else if (command.asText().indexOf('\0') >= 0) {
            m.put("command", command.asText());
            m.put("verdict", "block");
            m.put("rule", "not-text");
            m.put("reason", "the command is not text (a NUL byte); at the gateway it exits 65");
          } else {
            dev.gatehouse.policy.shell.ShellJudgement j = judge.judge(command.asText());
            m.put("command", command.asText());
            m.put("verdict", j.verdict().label());
            m.put("rule", j.verdict().rule());
            m.put("reason", j.verdict().reason());
            m.put("commands", j.commands());
            m.put("exact", j.exact());
          }
        }
        System.out.println(VisibleText.json(JSON.writeValueAsString(m)));
        System.out.flush();
      }
      return 0;
    }

    private static Map<String, Object> judgeRequest(dev.gatehouse.policy.KubeJudge judge, String line, int n) {
      Map<String, Object> m = new LinkedHashMap<>();
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        m.put("line", n);
        m.put("error", "not JSON: " + e.getOriginalMessage());
        return m;
      }
      if (node == null || !node.isObject() || !node.path("method").isTextual() || !node.path("path").isTextual()) {
        m.put("line", n);
        m.put("error", "expected an object with string \"method\" and \"path\" (and an optional \"body\")");
        return m;
      }
      String method = node.get("method").asText();
      String target = node.get("path").asText();
      int q = target.indexOf('?');
      dev.gatehouse.policy.KubeRequest r;
      m.put("method", method);
      m.put("path", target);
      try {
        r = dev.gatehouse.kube.RequestInfoParser.parse(method, q < 0 ? target : target.substring(0, q),
            q < 0 ? null : target.substring(q + 1));
      } catch (dev.gatehouse.kube.RequestInfoParser.Unparseable e) {
        m.put("verdict", "block");
        m.put("rule", "unparseable");
        m.put("reason", e.getMessage() + " (the proxy never forwards it)");
        return m;
      }
      JsonNode body = node.get("body");
      if (body != null && !body.isNull()) {
        r = r.withBody(JSON.convertValue(body, Object.class), false);
      }
      dev.gatehouse.policy.Verdict v = judge.judge(r);
      m.put("request", r.describe());
      m.put("verb", r.verb());
      m.put("verdict", v.label());
      m.put("rule", v.rule());
      m.put("reason", v.reason());
      return m;
    }

    private static Map<String, Object> judgeLine(PolicyGate gate, String line, int n) {
      Map<String, Object> m = new LinkedHashMap<>();
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        m.put("line", n);
        m.put("error", "not JSON: " + e.getOriginalMessage());
        return m;
      }
      JsonNode sql = node == null ? null : node.get("sql");
      if (node == null || !node.isObject() || sql == null || !sql.isTextual()) {
        m.put("line", n);
        m.put("error", "expected an object with a string \"sql\"");
        return m;
      }
      StatementGate.Decision d = gate.judge(sql.asText());
      m.put("sql", sql.asText());
      m.put("verdict", d.verdict());
      m.put("rule", d.rule());
      m.put("reason", d.reason());
      if (d.allowed()) {
        RowLimit rows = gate.rowLimit(sql.asText());
        if (rows.counts()) {
          // Only the database can count rows (triggers, functions); this command never connects to it.
          m.put("rowLimit", "may change rows: at the wire the database counts them, limit "
              + RowLimit.grouped(rows.limit()) + " (maxRowsChanged); not counted here");
        }
      }
      return m;
    }

    static Map<String, SqlPolicy> policies(GatewayConfig cfg) throws ConfigException {
      return dev.gatehouse.gateway.postgres.PostgresTargets.parsePolicies(cfg.policies());
    }
  }
}
