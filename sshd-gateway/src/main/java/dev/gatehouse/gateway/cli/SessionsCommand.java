package dev.gatehouse.gateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.DataDirLock;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.AuditLog;
import dev.gatehouse.recorder.ChainHead;
import dev.gatehouse.recorder.IntegrityCheck;
import dev.gatehouse.recorder.IntegrityReport;
import dev.gatehouse.recorder.RunningGateway;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.SessionQuery;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse sessions ...}: the session index, integrity, and ending a live session. */
@Command(
    name = "sessions",
    mixinStandardHelpOptions = true,
    description = "Recorded sessions: list, show, verify, kill, prune.",
    subcommands = {
      SessionsCommand.ListSessions.class,
      SessionsCommand.Show.class,
      SessionsCommand.Verify.class,
      SessionsCommand.Kill.class,
      SessionsCommand.Prune.class
    })
final class SessionsCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String STATEMENT_GUTTER = "    | ";

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  enum Format { text, json }

  static Map<String, Object> json(SessionRecord s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("identity", s.identity());
    m.put("target", s.target());
    m.put("command", s.command());
    m.put("clientAddress", s.clientAddress());
    m.put("start", s.start() == null ? null : s.start().toString());
    m.put("end", s.end() == null ? null : s.end().toString());
    m.put("state", s.state().name().toLowerCase(Locale.ROOT));
    m.put("exitStatus", s.exitStatus());
    m.put("exitSignal", s.exitSignal());
    m.put("bytes", s.bytes());
    m.put("path", s.path());
    m.put("sha256", s.sha256());
    return m;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List sessions, newest first.")
  static final class ListSessions implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--identity") String identity;

    @Option(names = "--target") String target;

    @Option(names = "--state", description = "active, closed or interrupted") String state;

    @Option(names = "--limit", defaultValue = "100") int limit;

    @Option(names = "--format", defaultValue = "text", description = "text or json") Format format;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      SessionState st = state == null ? null : SessionState.valueOf(state.toUpperCase(Locale.ROOT));
      List<SessionRecord> list;
      try (SessionIndex index = SessionIndex.open(cfg.databaseFile())) {
        list = index.list(new SessionQuery(identity, target, st, null, null, limit));
      }
      PrintStream out = System.out;
      if (format == Format.json) {
        out.println(VisibleText.json(JSON.writeValueAsString(list.stream().map(SessionsCommand::json).toList())));
        return 0;
      }
      out.printf("%-16s  %-24s  %-12s  %-20s  %-11s  %s%n", "ID", "IDENTITY", "TARGET", "START", "STATE", "EXIT");
      for (SessionRecord s : list) {
        out.printf("%-16s  %-24s  %-12s  %-20s  %-11s  %s%n", VisibleText.inline(s.id()), VisibleText.inline(s.identity()),
            VisibleText.inline(s.target()),
            s.start().toString().substring(0, 19) + "Z", s.state().name().toLowerCase(Locale.ROOT),
            exit(s));
      }
      return 0;
    }
  }

  /** How the session's program ended, as the EXIT column shows it: a status, a signal name, or -. */
  static String exit(SessionRecord s) {
    if (s.exitStatus() != null) {
      return s.exitStatus().toString();
    }
    return s.exitSignal() == null ? "-" : VisibleText.inline(s.exitSignal());
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one session.")
  static final class Show implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID") String id;

    @Option(names = "--format", defaultValue = "text", description = "text or json") Format format;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      Optional<SessionRecord> s;
      try (SessionIndex index = SessionIndex.open(cfg.databaseFile())) {
        s = index.find(id);
      }
      if (s.isEmpty()) {
        System.err.println("gatehouse: no session " + id);
        return 1;
      }
      Map<String, Object> m = json(s.get());
      m.put("recording", cfg.dataDir().resolve(s.get().path()).toString());
      List<Map<String, Object>> statements = statements(cfg, id);
      m.put("statements", statements);
      if (format == Format.json) {
        System.out.println(VisibleText.json(JSON.writeValueAsString(m)));
      } else {
        m.forEach((k, v) -> {
          if (!k.equals("statements")) {
            System.out.printf("%-14s %s%n", k + ":", v == null ? "-" : VisibleText.inline(String.valueOf(v)));
          }
        });
        if (!statements.isEmpty()) {
          // Each statement whole and exact, every line of it behind the gutter (a line end decides
          // what a -- comment hides); what came from the user made visible.
          System.out.println("statements:");
          for (Map<String, Object> st : statements) {
            // A line rebuilt from the screen says so: it is what the screen showed, not what the shell read.
            System.out.printf("  %s  %-6s %s%s%s%n", st.get("time"), VisibleText.inline(String.valueOf(st.get("verdict"))),
                "screen".equals(st.get("source")) ? "(screen) " : "",
                st.get("rule") == null ? "" : VisibleText.inline(String.valueOf(st.get("rule"))) + " ", ended(st));
            System.out.println(STATEMENT_GUTTER
                + VisibleText.indented(String.valueOf(st.get("statement")), STATEMENT_GUTTER));
          }
        }
      }
      return 0;
    }
  }

  /**
   * How a command typed at a guarded prompt ended, as its recording marker says it: {@code exit 3
   * (120 ms)}, or {@code not run} (the line was thrown away at the prompt); empty for statements and exec commands (the session's exit status is theirs).
   */
  private static String ended(Map<String, Object> st) {
    if (Boolean.FALSE.equals(st.get("ran"))) {
      return "not run";
    }
    Object status = st.get("exitStatus");
    if (status == null) {
      return "";
    }
    return "exit " + status + (st.get("durationMs") == null ? "" : " (" + st.get("durationMs") + " ms)");
  }

  /**
   * The session's statements and commands from the audit log, each with its verdict, rule, rows
   * and duration; for a command its {@code source} ({@code exact} or {@code screen}) and, for a
   * line typed at a guarded prompt, its exit status.
   */
  static List<Map<String, Object>> statements(GatewayConfig cfg, String sessionId) throws java.io.IOException {
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    if (!java.nio.file.Files.exists(cfg.auditFile())) {
      return out;
    }
    // The one reader of the audit log (lines end at '\n' only, each parsed): the lines of this
    // session are those whose parsed sessionId is its id, however their bytes are spelled.
    dev.gatehouse.recorder.AuditReader.forEach(cfg.auditFile(), l -> {
      com.fasterxml.jackson.databind.JsonNode n = l.entry();
      if (n == null || !sessionId.equals(l.sessionId()) || !n.has("verdict") || !n.has("statement")) {
        return;
      }
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("time", n.path("time").asText());
      st.put("statement", n.path("statement").asText());
      st.put("verdict", n.path("verdict").asText());
      st.put("rule", n.hasNonNull("rule") ? n.get("rule").asText() : null);
      st.put("reason", n.hasNonNull("reason") ? n.get("reason").asText() : null);
      st.put("rows", n.hasNonNull("rows") ? n.get("rows").asLong() : null);
      st.put("durationMs", n.hasNonNull("durationMs") ? n.get("durationMs").asLong() : null);
      if (n.hasNonNull("source")) {
        st.put("source", n.get("source").asText());
      }
      if (n.has("ran")) {
        st.put("ran", n.get("ran").asBoolean());
      }
      if (n.has("exitStatus")) {
        st.put("exitStatus", n.hasNonNull("exitStatus") ? n.get("exitStatus").asInt() : null);
      }
      out.add(st);
    });
    return out;
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Check the audit chain, every recording and every session's state against the chain;"
          + " exit 1 on any problem.",
          "Pass the chain heads the gateway wrote to the journal (--journal, --expect-head): a consistent"
          + " rewrite of the audit log is caught only against them."})
  static final class Verify implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--expect-head", paramLabel = "SEQ:HASH",
        description = "A chain head as logged to the journal (`audit chain head seq=SEQ hash=HASH`): the line with"
            + " that seq must have that hash. Repeatable.")
    List<String> expectHeads = new java.util.ArrayList<>();

    @Option(names = "--journal", paramLabel = "FILE",
        description = "The gateway's log as the journal keeps it, `-` for stdin (journalctl -u gatehouse -o cat |"
            + " gatehouse sessions verify --journal -): every `audit chain head seq=N hash=H` in it is checked.")
    String journal;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      List<ChainHead> heads = new java.util.ArrayList<>();
      for (String h : expectHeads) {
        heads.add(ChainHead.parse(h));
      }
      if (journal != null) {
        String text = journal.equals("-")
            ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            : InputFileUnusable.readText(java.nio.file.Path.of(journal), "--journal",
                "save the gateway's log first, e.g. journalctl -u gatehouse -o cat > FILE, or pass - for stdin");
        List<ChainHead> found = ChainHead.fromJournal(text);
        if (found.isEmpty()) {
          System.err.println("gatehouse: no `audit chain head seq=N hash=H` line in " + (journal.equals("-") ? "stdin" : journal));
          return 2;
        }
        heads.addAll(found);
      }
      IntegrityReport report;
      try (SessionIndex index = SessionIndex.open(cfg.databaseFile())) {
        RunningGateway running = DataDirLock.probe(cfg.dataDir()).orElse(null);
        report = IntegrityCheck.verify(cfg.dataDir(), cfg.auditFile(), index, heads, running);
      }
      // Problems, the summary line, then what holds but an auditor should know: a clean run's
      // output starts with "OK:".
      for (String p : report.problems()) {
        System.out.println("PROBLEM " + p);
      }
      System.out.printf("%s: %d audit lines, %d sessions checked, %d problems%n",
          report.ok() ? "OK" : "FAILED", report.auditLines(), report.sessionsChecked(), report.problems().size());
      for (String n : report.notes()) {
        System.out.println(n);
      }
      if (heads.isEmpty()) {
        System.out.println("NOTE no journal heads given: a consistent rewrite of the audit log cannot be told from the"
            + " original without them (--journal or --expect-head)");
      } else {
        System.out.printf("journal: %d of %d heads found in the chain%n", report.journalHeadsMatched(),
            heads.stream().map(ChainHead::seq).filter(q -> q > 0).distinct().count());
      }
      return report.ok() ? 0 : 1;
    }
  }

  @Command(name = "prune", mixinStandardHelpOptions = true,
      description = "Apply recording.retention now: delete finished recordings past maxAge, then the oldest while over maxBytes (audited).")
  static final class Prune implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--dry-run", description = "List what would be deleted; change nothing.") boolean dryRun;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      if (!cfg.recording().retention().policy().limitsAnything()) {
        System.out.println("recording.retention sets no limit: nothing to prune");
        return 0;
      }
      String by = "operator:" + System.getProperty("user.name");
      List<dev.gatehouse.recorder.Retention.PrunedSession> pruned;
      try (SessionIndex index = SessionIndex.open(cfg.databaseFile());
          AuditLog log = AuditLog.open(cfg.auditFile())) {
        pruned = dev.gatehouse.gateway.session.Pruning.run(cfg, index, new Audit(log), dryRun, by);
      }
      long bytes = 0;
      for (var p : pruned) {
        bytes += p.fileBytes();
        System.out.printf("%s %s  %s  %s  %d bytes  (%s)%n", dryRun ? "would prune" : "pruned",
            p.session().id(), p.session().identity(), p.session().start(), p.fileBytes(), p.why());
      }
      System.out.printf("%s %d recordings, %d bytes%n", dryRun ? "would prune" : "pruned", pruned.size(), bytes);
      return 0;
    }
  }

  @Command(name = "kill", mixinStandardHelpOptions = true,
      description = "End a live session (on any gateway sharing the store); the user sees the reason.")
  static final class Kill implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID") String id;

    @Option(names = "--reason", defaultValue = "") String reason;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      String by = "operator:" + System.getProperty("user.name");
      try (SessionIndex index = SessionIndex.open(cfg.databaseFile());
          AuditLog log = AuditLog.open(cfg.auditFile())) {
        Optional<SessionRecord> s = index.find(id);
        if (s.isEmpty()) {
          System.err.println("gatehouse: no session " + id);
          return 1;
        }
        if (s.get().state() != SessionState.ACTIVE) {
          System.err.println("gatehouse: session " + id + " is not active (" + s.get().state().name().toLowerCase(Locale.ROOT) + ")");
          return 1;
        }
        index.requestKill(id, by, reason);
        new Audit(log).record(AuditCode.SESSION_KILLED, "sessionId", id, "by", by, "reason", reason, "requestedAt", Instant.now().toString());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
          Optional<SessionRecord> now = index.find(id);
          if (now.isPresent() && now.get().state() != SessionState.ACTIVE) {
            System.out.println("session " + id + " ended");
            return 0;
          }
          Thread.sleep(100);
        }
        System.out.println("kill requested for session " + id + "; it has not ended yet (is its gateway running?)");
        return 0;
      }
    }
  }
}
