package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real terminal for the ssh client: a tmux server on a private socket, one detached window. The
 * test types with send-keys, reads the screen with capture-pane and resizes the window, which
 * makes ssh send a window-change request exactly as it does for a person's terminal.
 */
public final class Tmux implements AutoCloseable {
  private final Path socket;

  private Tmux(Path socket) {
    this.socket = socket;
  }

  /** Starts {@code argv} in a new detached window of the given size. */
  public static Tmux start(Path dir, int columns, int rows, List<String> argv) throws IOException, InterruptedException {
    java.nio.file.Files.createDirectories(dir);
    Tmux t = new Tmux(dir.resolve("tmux.sock"));
    StringBuilder cmd = new StringBuilder("exec");
    for (String a : argv) {
      cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    t.run("-f", "/dev/null", "new-session", "-d", "-s", "gh", "-x", String.valueOf(columns), "-y",
        String.valueOf(rows), cmd.toString());
    t.run("set-option", "-t", "gh", "status", "off");
    t.run("set-option", "-t", "gh", "remain-on-exit", "on");
    return t;
  }

  public String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("TMUX");
    pb.environment().remove("SSH_AUTH_SOCK");
    pb.environment().put("TERM", "xterm-256color");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("tmux %s: %s", String.join(" ", args), out).isZero();
    return out;
  }

  public void type(String keys) throws IOException, InterruptedException {
    run("send-keys", "-t", "gh", "-l", keys);
    run("send-keys", "-t", "gh", "Enter");
  }

  /**
   * Waits until the pane's program (ssh) has exited, read from tmux's own pane state rather than
   * from the "Pane is dead" line drawn on the screen. Returns its exit status, or empty when tmux
   * saw the terminal close but reports no status (it does, now and then, for a program that exited
   * normally); a death by signal is an error.
   */
  public java.util.OptionalInt awaitExit(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String[] state = (run("list-panes", "-t", "gh", "-F", "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}|#{pane_pid}")
          .strip() + "||").split("\\|", -1);
      if (state[0].equals("1")) {
        if (!state[2].isEmpty()) {
          throw new AssertionError("the pane's program died of signal " + state[2] + "; screen:\n" + screen());
        }
        if (state[1].isEmpty()) {
          // No status yet: the program must at least be gone (or a zombie tmux has not reaped).
          java.nio.file.Path stat = java.nio.file.Path.of("/proc", state[3], "stat");
          String procState = java.nio.file.Files.exists(stat) ? java.nio.file.Files.readString(stat).replaceAll("^.*\\) ", "").substring(0, 1) : "gone";
          if (!procState.equals("Z") && !procState.equals("gone")) {
            if (System.nanoTime() > deadline) {
              throw new AssertionError("the pane's terminal closed but its program (pid " + state[3] + ") still runs ("
                  + procState + "); screen:\n" + screen());
            }
            Thread.sleep(50);
            continue;
          }
          return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(Integer.parseInt(state[1]));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the pane's program did not exit in " + timeout.toMillis() + " ms; screen:\n" + screen());
      }
      Thread.sleep(50);
    }
  }

  public String screen() throws IOException, InterruptedException {
    return run("capture-pane", "-p", "-t", "gh");
  }

  /** Waits until the screen matches {@code regex}; returns the match. */
  public Matcher awaitScreen(String regex, Duration timeout) throws IOException, InterruptedException {
    Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String s = screen();
      Matcher m = p.matcher(s);
      if (m.find()) {
        return m;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("screen never matched /" + regex + "/ in " + timeout.toMillis() + " ms:\n" + s);
      }
      Thread.sleep(100);
    }
  }

  void resize(int columns, int rows) throws IOException, InterruptedException {
    run("resize-window", "-t", "gh", "-x", String.valueOf(columns), "-y", String.valueOf(rows));
  }

  /** "rows columns" of the pane, as `stty size` prints them. */
  String paneSize() throws IOException, InterruptedException {
    return run("display-message", "-p", "-t", "gh", "#{pane_height} #{pane_width}").trim();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
  }
}
