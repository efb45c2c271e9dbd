package dev.gatehouse.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the ITs of the guarded prompt share: a gateway with one {@code command} target {@code web-1}
 * (interactive bash as nobody, PS1 {@code "gh-test$ "} so the tests know the prompt, group dev,
 * reviews approved by ops-leads) under a shell policy {@code default-shell}, and the real OpenSSH
 * client in a tmux terminal at that prompt.
 *
 * <pre>
 *  ShellPromptFixture shell = ShellPromptFixture.setup().policies(MY_POLICIES).terminal(160, 40).start(dir);
 *  try (Tmux t = shell.shell(tmp, key)) { t.type("echo hi"); t.awaitScreen("^hi\\n" + PROMPT + "$", WAIT); }
 * </pre>
 */
final class ShellPromptFixture implements AutoCloseable {
  /** How long a test waits for the screen (generous: the machine is shared). */
  static final Duration WAIT = Duration.ofSeconds(20);
  /** web-1's prompt as a screen regex: capture-pane drops trailing blanks. */
  static final String PROMPT = "gh-test\\$ ?";
  /** The target; its policy {@code default-shell} comes from {@link Setup#policies}. */
  static final String TARGET = """
      targets:
        - name: web-1
          type: command
          command: ["/bin/bash", "--noprofile", "--norc", "-i"]
          exec: ["/bin/bash", "-c"]
          env: { PATH: "/usr/bin:/bin", PS1: "gh-test$ " }
          runAs: nobody
          allow: { groups: [dev] }
          policy: default-shell
          approvers: { groups: [ops-leads], min: 1 }
      """;

  final GatewayFixture gw;
  private final int columns;
  private final int rows;

  private ShellPromptFixture(GatewayFixture gw, int columns, int rows) {
    this.gw = gw;
    this.columns = columns;
    this.rows = rows;
  }

  static Setup setup() {
    return new Setup();
  }

  /** What differs between the ITs: the policies, the terminal's size, other top-level config. */
  static final class Setup {
    private String policies = ShellGuardIT.POLICIES;
    private String topLevel = "";
    private int columns = 120;
    private int rows = 30;

    /** The {@code policies:} block, with a shell policy named default-shell (default: {@link ShellGuardIT#POLICIES}). */
    Setup policies(String yaml) {
      policies = yaml;
      return this;
    }

    /** The tmux window's size (default 120x30). */
    Setup terminal(int columns, int rows) {
      this.columns = columns;
      this.rows = rows;
      return this;
    }

    /** More top-level YAML of the gateway's config (e.g. {@code approvals: { ttl: 2s }}). */
    Setup config(String yaml) {
      topLevel = yaml.endsWith("\n") ? yaml : yaml + "\n";
      return this;
    }

    /** Starts the gateway with its config and data in {@code dir}. */
    ShellPromptFixture start(Path dir) throws Exception {
      Files.createDirectories(dir);
      return new ShellPromptFixture(GatewayFixture.start(dir, "", topLevel + TARGET + policies), columns, rows);
    }
  }

  /** {@code ssh -t web-1@gw} as {@code key} in a tmux terminal of its own under {@code tmp}, at the first prompt. */
  Tmux shell(Path tmp, SshClientKey key) throws Exception {
    Tmux t = Tmux.start(tmp, columns, rows, gw.sshArgv(key, "web-1", List.of("-t")));
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    return t;
  }

  /** tmux key names (Up, C-r, Enter, Escape), each pressed once. */
  static void keys(Tmux t, String... keys) throws Exception {
    String[] args = new String[keys.length + 3];
    args[0] = "send-keys";
    args[1] = "-t";
    args[2] = "gh";
    System.arraycopy(keys, 0, args, 3, keys.length);
    t.run(args);
  }

  /**
   * After a line was held for approval or blocked: withdraws a held one with Ctrl-C and waits for
   * the fresh prompt after the outcome either way. (A Ctrl-C sent to a prompt already back, after a
   * refusal, races with the next typing: the editor may clear what was typed.)
   */
  static void backAtPrompt(Tmux t, String prompt) throws Exception {
    java.util.regex.Matcher m = t.awaitScreen("gatehouse: (waiting for approval|blocked by rule)", WAIT);
    if (m.group(1).startsWith("waiting")) {
      t.run("send-keys", "-t", "gh", "C-c");
      t.awaitScreen("cancelled\\n(\\^C)?" + prompt + "$", WAIT);
    } else {
      t.awaitScreen("blocked by rule[\\s\\S]*\\n" + prompt + "$", WAIT);
    }
  }

  /** {@code text} typed as it is, without Enter. */
  static void literal(Tmux t, String text) throws Exception {
    t.run("send-keys", "-t", "gh", "-l", text);
  }

  @Override
  public void close() {
    gw.close();
  }
}
