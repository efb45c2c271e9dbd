package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The integration's hook in a real bash, under every shell option a user can set from a line the
 * guard allows. bash runs interactive on a pseudo-terminal of {@code script(1)} without echo; this
 * test plays the gateway: it answers each {@code A} with its nonce and reads the
 * markers with {@link PromptMarkers}.
 *
 * <p>For each option: the line that sets it runs ({@code C}), the hook then reports it done
 * ({@code D;0}), brings a fresh prompt ({@code A}, {@code P}, {@code B}) and never {@code X}; a
 * line typed while the command ran is thrown away by the hook, never run; no nonce is ever printed
 * as text (xtrace would trace the hook); and the option is still set for the user's next line,
 * exactly as the line left it ({@code $-}, {@code $SHELLOPTS}, {@code $BASHOPTS}, {@code IFS}).
 */
class BashIntegrationOptionsTest {
  /** What each user line prints of the shell's state; compared before and after a prompt. */
  private static final String STATE = "builtin printf 'state:%s|%s|%s|%q\\n' \"$-\" \"$SHELLOPTS\" \"$BASHOPTS\" \"$IFS\"";
  /** Typed while a command runs and never read by it: bash must not run it ({@code raw-42} is its output). */
  private static final String RAW = "echo raw-$((6*7))";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "set -u", "set -e", "set -x", "set -v", "set -xv", "set -f", "set -C", "set -o pipefail", "set -o errtrace",
      "set -o functrace", "set -k", "set -a", "set -o posix", "set -euxo pipefail", "set +B",
      "shopt -s failglob", "shopt -s nullglob", "shopt -s extglob", "shopt -s nocasematch", "shopt -s nocaseglob",
      "shopt -s lastpipe", "shopt -s xpg_echo", "shopt -s extdebug", "shopt -s localvar_inherit",
      "shopt -s localvar_unset", "shopt -s dotglob", "shopt -s globstar", "shopt -u globasciiranges",
      "IFS=0", "IFS=_x-", "IFS=", "set -u; shopt -s failglob nullglob extglob; IFS=0123456789abcdef"})
  void theHookRunsUnderTheOptionAndLeavesItSet(String option, @TempDir Path home) throws Exception {
    try (Bash bash = Bash.start(home)) {
      bash.firstPrompt();
      bash.line(option + "; " + STATE + "; sleep 1");
      bash.typeAhead(RAW);
      String before = bash.promptAfterCommand();
      bash.line(STATE);
      String after = bash.promptAfterCommand();
      List<String> states = bash.states();
      assertThat(states).as("the state each line printed; output:%n%s", bash.text()).hasSize(2);
      assertThat(states.get(1)).as("the option as the user set it, after the hook ran").isEqualTo(states.get(0));
      assertThat(before + after).as("no X marker").doesNotContain("X:");
      assertThat(bash.text()).as("the typed-ahead line was run").doesNotContain("raw-42");
      List<String> n = bash.nonces;
      assertThat(n).hasSize(6);
      assertThat(n.get(2)).as("each prompt's nonce is the one the prompt before announced").isEqualTo(n.get(1));
      assertThat(n.get(4)).as("each prompt's nonce is the one the prompt before announced").isEqualTo(n.get(3));
      assertThat(java.util.Set.copyOf(List.of(n.get(0), n.get(1), n.get(3), n.get(5)))).as("fresh nonces").hasSize(4);
      for (String nonce : bash.nonces) {
        assertThat(bash.text()).as("a nonce shown as text").doesNotContain(nonce);
      }
    }
  }

  /**
   * The hook's A reports the options that change how the next line's patterns expand, and POSIX
   * mode, a compatibility level and brace expansion off, which change how it is read, as the user's line left them ({@code <nonce>;<next nonce>;<options>}, each option after a comma).
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
      true                                                      | (defaults)
      shopt -s nullglob                                         | nullglob
      shopt -s failglob dotglob extglob globstar nocaseglob     | dotglob,extglob,failglob,globstar,nocaseglob
      set -f                                                    | noglob
      GLOBIGNORE=x                                              | globignore
      GLOBIGNORE=                                               | (defaults)
      shopt -s nullglob; shopt -u nullglob                      | (defaults)
      set -u; shopt -s nullglob nocasematch; set -f             | noglob,nullglob
      set -o posix                                              | posix
      POSIXLY_CORRECT=1                                         | posix
      set -o posix; set +o posix                                | (defaults)
      shopt -s compat41                                         | compat
      BASH_COMPAT=44; shopt -u nullglob                         | compat
      set +B                                                    | nobraceexpand
      set +o braceexpand; shopt -s nullglob                     | nobraceexpand,nullglob
      set +B; set -B                                            | (defaults)
      """)
  void theHookReportsThePatternOptions(String line, String reported, @TempDir Path home) throws Exception {
    try (Bash bash = Bash.start(home)) {
      bash.firstPrompt();
      bash.line(line);
      bash.promptAfterCommand();
      assertThat(bash.options).as("output:%n%s", bash.text()).hasSize(2);
      assertThat(bash.options.get(0)).as("the first prompt: bash's defaults").isEqualTo("(defaults)");
      assertThat(bash.options.get(1)).isEqualTo(reported);
    }
  }

  /** The hook's own commands never change {@code $?} for the user's next line. */
  @Test
  void theLastExitStatusReachesTheNextLine(@TempDir Path home) throws Exception {
    try (Bash bash = Bash.start(home)) {
      bash.firstPrompt();
      bash.line("set -u; (exit 7)");
      assertThat(bash.promptAfterCommand()).contains("D:7");
      bash.line("builtin printf 'status:%s\\n' $?");
      bash.promptAfterCommand();
      assertThat(bash.text()).contains("status:7");
    }
  }

  /**
   * The integration exports less's and systemd's pager secure mode read-only: programs see both
   * set to 1, and bash refuses to assign either (the program still runs with 1), or to unset it.
   */
  @Test
  void pagerSecureModeIsExportedReadOnly(@TempDir Path home) throws Exception {
    try (Bash bash = Bash.start(home)) {
      bash.firstPrompt();
      bash.line("builtin printf 'env:%s\\n' \"$(printenv LESSSECURE SYSTEMD_PAGERSECURE | tr '\\n' ,)\"");
      bash.promptAfterCommand();
      bash.line("LESSSECURE= SYSTEMD_PAGERSECURE=0 printenv LESSSECURE SYSTEMD_PAGERSECURE | sed 's/^/tmp:/'");
      bash.promptAfterCommand();
      bash.line("unset LESSSECURE SYSTEMD_PAGERSECURE; builtin printf 'after:%s,%s\\n' \"$LESSSECURE\" \"$SYSTEMD_PAGERSECURE\"");
      bash.promptAfterCommand();
      assertThat(bash.text()).as("output:%n%s", bash.text())
          .contains("env:1,1,", "tmp:1", "LESSSECURE: readonly variable", "after:1,1")
          .doesNotContain("tmp:0", "tmp:\r", "tmp:\n");
    }
  }

  /** bash with the integration, on a terminal, driven like the gateway drives it. */
  private static final class Bash implements AutoCloseable {
    /** The setup's token (any 32 hex digits; the gateway draws one per session). */
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private final Process p;
    private final OutputStream in;
    private final PromptMarkers markers = new PromptMarkers();
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    /** Markers as "K:payload" in order, with text between them. */
    private final List<String> events = new ArrayList<>();
    final List<String> nonces = new ArrayList<>();
    /** The options each A reported ({@code ShellState.toString}), in order. */
    final List<String> options = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread reader;

    private Bash(Process p) {
      this.p = p;
      this.in = p.getOutputStream();
      this.reader = new Thread(this::read, "bash-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Bash start(Path home) throws IOException {
      // On a terminal of its own, as the gateway runs it (the hook ends bash when descriptors 0-2
      // are not one terminal): script(1) gives it a pseudo-terminal, without echo, as the
      // gateway's client side is not echoed back either.
      ProcessBuilder pb = new ProcessBuilder("script", "-qfec",
          "stty -echo; exec " + String.join(" ", BashIntegration.argv(List.of("bash", "--norc", "--noprofile", "-i"))),
          "/dev/null").redirectErrorStream(true);
      pb.environment().put("HOME", home.toString());
      pb.environment().put("PS1", "gh-test$ ");
      pb.environment().remove("BASH_ENV");
      Bash b = new Bash(pb.start());
      b.write(BashIntegration.firstPart(TOKEN));
      return b;
    }

    private void read() {
      byte[] buf = new byte[8192];
      PromptMarkers.Sink sink = new PromptMarkers.Sink() {
        @Override
        public void text(byte[] b, int off, int len) {
          text.write(b, off, len);
        }

        @Override
        public void marker(char kind, String payload) throws IOException {
          events.add(kind + ":" + payload);
          if (kind == 'S' && payload.equals(TOKEN)) {
            write(BashIntegration.secondPart(false)); // as the gateway answers the first part
          }
          if (kind == 'A') {
            String[] fields = payload.split(";", -1);
            nonces.addAll(List.of(fields).subList(0, Math.min(2, fields.length)));
            options.add(fields.length == 6
                ? dev.gatehouse.policy.shell.ShellState.fromHook(fields[2], fields[3], fields[4], fields[5]).map(Object::toString)
                    .orElse("(not the hook's form: " + payload + ")")
                : "(no options fields: " + payload + ")");
            write((fields[0] + "\n").getBytes(StandardCharsets.US_ASCII)); // as the gateway answers
          }
          synchronized (events) {
            events.notifyAll();
          }
        }
      };
      try (InputStream s = p.getInputStream()) {
        int n;
        while ((n = s.read(buf)) > 0) {
          synchronized (events) {
            markers.feed(buf, 0, n, sink);
            events.notifyAll();
          }
        }
      } catch (IOException e) {
        // bash ended
      } finally {
        synchronized (events) {
          events.add("EOF:");
          events.notifyAll();
        }
      }
    }

    private synchronized void write(byte[] b) throws IOException {
      in.write(b);
      in.flush();
    }

    /** Waits for the next B marker; returns the markers since {@code from}. */
    private String awaitPrompt(int from) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // generous: no bound is asserted
      synchronized (events) {
        while (true) {
          List<String> since = events.subList(from, events.size());
          if (since.stream().anyMatch(e -> e.startsWith("B:") || e.startsWith("X:")) || since.contains("EOF:")) {
            return String.join(" ", since);
          }
          long left = deadline - System.nanoTime();
          assertThat(left).as("no prompt came; markers %s; output:%n%s", since, text()).isPositive();
          events.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
      }
    }

    private int mark;

    void firstPrompt() throws InterruptedException {
      String m = awaitPrompt(0);
      assertThat(m).as("output:%n%s", text()).matches("(.* )?A:[0-9a-f]{128};([0-9a-f]{128});[a-z0-9_:]*;[A-Za-z]*;1?;y? P:\\2 B:\\2");
      mark = events.size();
    }

    void line(String l) throws IOException {
      write((l + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Types {@code l} once the running command started (its C marker), as the gateway passes keys
     * raw only then. The command sleeps a second: the line is there long before
     * the hook's wall (no bound is asserted; a slow host would at worst run it, failing the test
     * toward "unsafe", never passing it falsely).
     */
    void typeAhead(String l) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      synchronized (events) {
        while (events.subList(mark, events.size()).stream().noneMatch(e -> e.startsWith("C:"))) {
          long left = deadline - System.nanoTime();
          assertThat(left).as("the command did not start; output:%n%s", text()).isPositive();
          events.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
      }
      line(l);
    }

    /**
     * The markers of one command and the prompt after it: C, D with its status, A, P, B. C and D carry
     * the next nonce the prompt before announced (this A's nonce), P and B the one this A announces.
     */
    String promptAfterCommand() throws InterruptedException {
      String m = awaitPrompt(mark);
      synchronized (events) {
        mark = events.size();
      }
      assertThat(m).as("output:%n%s", text()).matches("C:([0-9a-f]{128}) D:\\d+;\\1 A:\\1;([0-9a-f]{128});[a-z0-9_:]*;[A-Za-z]*;1?;y? P:\\2 B:\\2");
      return m;
    }

    String text() {
      synchronized (events) {
        return text.toString(StandardCharsets.UTF_8);
      }
    }

    List<String> states() {
      List<String> s = new ArrayList<>();
      Matcher m = Pattern.compile("state:([^%\\n][^\\n]*)").matcher(text());
      while (m.find()) {
        s.add(m.group(1).strip());
      }
      return s;
    }

    @Override
    public void close() throws Exception {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
