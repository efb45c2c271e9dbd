package dev.gatehouse.gateway;

/**
 * The targets the live attack passes on the shell guard log in to: a {@code command} target running
 * bash and an {@code ssh} target (a real sshd), each under the example deny-list ({@code
 * default-shell}) and under the docs' own allow-list ({@code docs-allow-list}); and how a pass types a
 * line there or runs an attempt and checks its witness.
 */
final class ShellLiveTargets {
  private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

  private ShellLiveTargets() {}

  /** One test class's gateway in front of the four targets, and the sshd behind the ssh ones. */
  record Live(SshdProcess sshd, GatewayFixture gw) implements AutoCloseable {
    static Live start(java.nio.file.Path dir) throws Exception {
      SshdProcess sshd = SshdProcess.prepare(dir.resolve("sshd"));
      GatewayFixture gw = null;
      try {
        gw = GatewayFixture.start(dir, "", fourTargets(sshd));
        sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine(), "AcceptEnv LANG LC_*");
        return new Live(sshd, gw);
      } catch (Exception | Error e) {
        new Live(sshd, gw).close();
        throw e;
      }
    }

    @Override
    public void close() throws Exception {
      try {
        if (gw != null) {
          gw.close();
        }
      } finally {
        sshd.close();
      }
    }
  }

  /** A fresh witness file name of attack pass {@code pass} (made in the session's /tmp). */
  static String witness(String pass) {
    return "gh-" + pass + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  /** Types {@code line} at the guarded prompt, waits for the next prompt; returns the transcript from the line on. */
  static String typeLine(InteractiveProcess ssh, String line) throws Exception {
    int at = ssh.length();
    ssh.send(line + "\r");
    ssh.await("$ ", at + line.length(), WAIT);
    Thread.sleep(700); // pacing: the rest of the output and the prompt; no bound
    return ssh.transcript().substring(at);
  }

  /** The 128-hex-digit words in {@code text} (what could be the hook's nonces). */
  static java.util.Set<String> hexWords(String text) {
    java.util.Set<String> seen = new java.util.LinkedHashSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<![0-9a-f])[0-9a-f]{128}(?![0-9a-f])").matcher(text);
    while (m.find()) {
      seen.add(m.group());
    }
    return seen;
  }

  /**
   * The guarded bash's pid (cat's parent), once its memory map is found closed to the session's
   * programs: both target kinds run it from an execute-only copy (a command target's sandbox, an ssh
   * target's host), which the kernel keeps from same-user processes. Found open, a pass read the
   * heap's place from it and the prompt's nonce from the heap.
   */
  static long guardedShellWithMemoryClosed(InteractiveProcess ssh) throws Exception {
    String stat = typeLine(ssh, "cat /proc/self/stat");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+ \\(cat\\) \\S (\\d+) ").matcher(stat);
    org.assertj.core.api.Assertions.assertThat(m.find()).as("cat's stat: %s", stat).isTrue();
    long pid = Long.parseLong(m.group(1));
    String maps = typeLine(ssh, "grep heap /proc/" + pid + "/maps");
    org.assertj.core.api.Assertions.assertThat(maps).as("the guarded bash's memory map, closed to the session's programs")
        .doesNotContainPattern("[0-9a-f]+-[0-9a-f]+ rw-p .*\\[heap\\]").contains("Permission denied");
    return pid;
  }

  /**
   * Runs {@code lines} (W in them is replaced by the witness path) at the guarded prompt, one line
   * each, or as one exec request (joined with newlines), then the session's own check of /tmp;
   * asserts the witness was never made.
   */
  static void attempt(GatewayFixture gw, String pass, String target, String how, String id, java.util.List<String> lines,
      String what) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity(id + "-" + how), java.util.List.of("dev"));
    String name = witness(pass);
    java.util.List<String> typed = lines.stream().map(l -> l.replace("W", "/tmp/" + name)).toList();
    String check = "ls -1 /tmp | grep -n " + name;
    String seen = "";
    try {
      if (how.equals("prompt")) {
        try (InteractiveProcess ssh = gw.interactive(key, target)) {
          ssh.await("$ ", WAIT);
          Thread.sleep(500);
          StringBuilder b = new StringBuilder();
          for (String l : typed) {
            b.append(typeLine(ssh, l));
          }
          b.append(typeLine(ssh, check));
          seen = b.toString();
        }
      } else {
        SshResult r = gw.ssh(key, target).timeout(java.time.Duration.ofSeconds(60)).run(String.join("\n", typed) + "\n" + check);
        seen = r.toString();
      }
    } finally {
      boolean ran = seen.contains(":" + name) || java.nio.file.Files.exists(java.nio.file.Path.of("/tmp", name));
      java.nio.file.Files.deleteIfExists(java.nio.file.Path.of("/tmp", name));
      String audit = String.join("; ", gw.auditLines().stream()
          .filter(n -> n.path("statement").asText("").contains(name) && !n.path("statement").asText("").startsWith("ls -1 /tmp"))
          .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("commands"))
          .toList());
      org.assertj.core.api.Assertions.assertThat(ran).as("%s (%s): the guard allowed %s (audit: %s); %s; transcript:%n%s",
          target, how, typed, audit.isEmpty() ? "(no audit line)" : audit, what, seen).isFalse();
    }
  }


  static final String POLICIES = """
      policies:
        default-shell:
          type: shell
          block:  [recursive-delete-root, filesystem-format, raw-device-write, power, fork-bomb, history-tamper, audit-tamper]
          review: [sudo, package-change, service-change, process-kill, firewall-change, user-change, scheduler-change,
                   curl-pipe-shell, interpreter-inline, remote-copy, guard-tamper]
          unclassified: review
        docs-allow-list:
          type: shell
          mode: allow-list
          allowCommands: [ls, cat, less, grep, tail, journalctl, "systemctl status"]
          block: [recursive-delete-root]
      """;

  /** {@code web-strict}, {@code web-default} (command targets), {@code ssh-strict}, {@code ssh-default} (the sshd's host). */
  static String fourTargets(SshdProcess sshd) throws java.io.IOException {
    String command = """
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
        """;
    String host = "    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SshdProcess.TARGET_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n";
    return "targets:\n"
        + "  - name: web-strict\n" + command + "    policy: docs-allow-list\n"
        + "  - name: web-default\n" + command + "    policy: default-shell\n"
        + "  - name: ssh-strict\n" + host + "    policy: docs-allow-list\n"
        + "  - name: ssh-default\n" + host + "    policy: default-shell\n"
        + POLICIES;
  }

  /** Bracketed paste around a text, and the words that make each physical line long (bash reads 1024 bytes at a time). */
  static final String PASTE_START = "\u001b[200~";
  static final String PASTE_END = "\u001b[201~";
  static final String PAD = "-d ".repeat(1280);

  /**
   * The split text of the terminal-reader attacks: one judged {@code ls} of quoted long lines with
   * {@code $(payload)} inside its quotes, which runs only if a second reader splits what bash reads.
   */
  static String splitText(String payload) {
    String x = "$(" + payload + ") #' " + PAD + "'";
    return String.join("\r", "ls " + PAD + "'", x, x, x, "$(" + payload + ") #'");
  }

  /** What one paste of {@link #splitText} did: whether the witness is there, and whether the session ended unrefused. */
  record Pasted(boolean ran, boolean closedUnrefused) {}

  /**
   * Pastes {@code text}, then lists the witness {@code name} from the session itself (the
   * sandbox's /tmp is private). A session the gateway ended is secure only if its guard-tamper
   * refusal is what ended it (after {@code at} in the transcript).
   */
  static Pasted pasteThenList(InteractiveProcess ssh, String text, String name, int at) throws Exception {
    ssh.send(PASTE_START + text + PASTE_END + "\r");
    Thread.sleep(4000);
    int before = ssh.length();
    boolean closedUnrefused = false;
    try {
      ssh.send("ls -1 /tmp | grep -n " + name + "\r");
      Thread.sleep(3000);
    } catch (java.io.IOException closed) {
      Thread.sleep(500);
      closedUnrefused = !ssh.transcript().substring(at).contains("blocked by rule guard-tamper: another process");
    }
    boolean ran = ssh.transcript().substring(Math.min(before, ssh.length())).contains(":" + name)
        || java.nio.file.Files.exists(java.nio.file.Path.of("/tmp", name));
    return new Pasted(ran, closedUnrefused);
  }

  /** The audit lines of the statements holding {@code name}, but the listing of the witness. */
  static String auditOf(GatewayFixture gw, String name) throws Exception {
    return String.join("; ", gw.auditLines().stream()
        .filter(n -> n.path("statement").asText("").contains(name) && !n.path("statement").asText("").startsWith("ls -1 /tmp"))
        .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("commands"))
        .toList());
  }

  /** A transcript for a failure message: padding and controls shown by name, the last {@code max} chars. */
  static String clean(String s, int max) {
    String t = s.replace(PAD, "<PAD>").replace("\u001b", "<ESC>").replace("\r", "").replace("\u0007", "<BEL>");
    return t.length() > max ? t.substring(t.length() - max) : t;
  }
}
