package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bk, live through the gateway (real OpenSSH client, the gateway, bash in the sandbox of
 * the {@code command} targets {@code web-strict} (docs/policy.md's own allow-list) and {@code
 * web-default} (the deny-list default); {@link ShellLiveTargets}). Focus: fix 17bg (commit 2ddba21),
 * which keeps the terminal to bash alone while it reads a judged text: TIOCEXCL on the slave, then
 * {@code TerminalReaders.otherReader} looks through /proc for another process of the sandbox that
 * holds the terminal and could read it. The witness is a file in the session's /tmp, listed by the
 * session itself ({@code ls -1 /tmp | grep -n NAME}: the {@code N:NAME} line is text no typed line holds).
 * The split itself is 17bg's: one pasted judged {@code ls} of five ~3,850-byte physical lines whose
 * quotes hold {@code $(P)} (judged {@code GH3000I allow ["ls"]}, the only audit line); a second
 * reader takes the rest of a physical line between two of bash's 1,024-byte reads, bash glues the
 * next line on, outside the quote, and runs P.
 *
 * <p><b>Finding 1: a reader holding the terminal as {@code /dev/tty} is not seen (both targets,
 * allow-list included; in two runs P ran in the first session three times of four, once in the
 * second: when grep misses, bash read the whole text and grep takes the next line instead; each test tries up to four sessions).</b> At the prompt: {@code ls $( grep -r -m1 ''
 * /usr/share /usr/lib /dev/tty </dev/null >/dev/null 2>&1 & )} (judged allow: {@code [grep, ls]}).
 * The backgrounded grep of a command substitution is exec'd straight from the comsub's child (no
 * bash left holding fd 255), stays in bash's own process group (the foreground at the prompt), walks
 * /usr first (~1-8 s: after the hook's wall read its nonce line) and then opens {@code /dev/tty}
 * (the terminal is not exclusive at the prompt) and waits in {@code read}. Then the pasted text:
 * the gateway's check finds no reader and writes it; grep takes part of a line; P runs ({@code touch W}
 * on web-strict, {@code python3 -c} (interpreter-inline, a review) on web-default); no refusal, the
 * session goes on. Cause: {@code TerminalReaders.holds} (sshd-gateway/…/terminal/TerminalReaders.java)
 * compares each {@code /proc/PID/fd/N}'s followed file key with the key of the pty slave
 * ({@code ChildProcess.holdTerminalForShell}: {@code /proc/self/fd/<slave>}). A descriptor opened by
 * {@code /dev/tty} keeps the path {@code /dev/tty} (the kernel redirects the open to the controlling
 * tty, the file's inode is /dev/tty's: dev 0:6 ino 9 here, not the devpts node), so its key never
 * equals the slave's: every {@code /dev/tty} reader is invisible (the 17bg fix's own test,
 * {@code ShellTerminalExclusiveIT.aReaderLeftInTheShellsGroupIsRefusedWithItsReason}, is refused
 * only for the subshell's bash holding fd 255 on the pts). Fix: compare the character device
 * ({@code st_rdev}; /dev/tty is 5:0 and stands for the process's controlling terminal: count it as
 * the terminal for a process of the terminal's session, or any process of the sandbox), not the inode.
 *
 * <p><b>Finding 2: a reader whose main thread ended is not seen (web-default).</b> An earlier line
 * writes a script ({@code printf '%s\n' … > /tmp/r17bk.py}); then {@code ls $( python3
 * /tmp/r17bk.py >/dev/null & )}: a thread sleeps 4 s then {@code os.read(2, 4096)} (fd 2 is the pty
 * slave itself), while the main thread leaves with a raw {@code syscall(SYS_exit)}. The process stays
 * (its leader a zombie, state Z) in bash's foreground group, holding the slave through its other
 * thread; the pasted text is split as above, P runs (first session, both runs). Cause: {@code TerminalReaders.holds}
 * lists only {@code /proc/PID/fd}, which is empty once the thread-group leader has exited (its
 * {@code files} dropped); the descriptors are under {@code /proc/PID/task/TID/fd}. Fix: list every
 * task's fd directory (and count a process whose tasks cannot all be listed as a reader).
 *
 * <p><b>Finding 3 (session ended unexpectedly): {@code timeout 100 sleep 100 &} ends the session at
 * the next line.</b> GNU timeout puts itself in its own group and ignores SIGTTIN/SIGTTOU (so its
 * child can run in the background); it holds the terminal (stdout/stderr), so the next line,
 * {@code echo still-here-$((6*7))}, is refused ("PID … (timeout): a background job that ignores or
 * blocks SIGTTOU") and the session closed ({@code terminal-shared}). A normal workflow (a time-boxed
 * background job) ends the user's own session. {@code nohup … &} and {@code (sleep 100 &)} keep it
 * usable (passing cases). Cause: {@code TerminalReaders.readerWhy} counts every holder with SIGTTOU
 * ignored/blocked as a reader and {@code GuardedShell.send} then ends the session; ignoring SIGTTOU
 * only matters if the process also calls {@code tcsetpgrp}, which it can do at any time after the
 * check anyway (see below). A refusal of the line without ending the session, or not counting it, would do.
 * (Fix 17bk: the line is refused, the session stays, and a line runs once the job has ended:
 * {@code aBackgroundJobThatIgnoresSigttouHoldsBackTheLineOnly}; the other two jobs stay below.)
 *
 * <p>Failing tests: {@code aReaderHoldingDevTtyIsSeen} ×2, {@code aReaderWhoseMainThreadEndedIsSeen},
 * {@code aNormalBackgroundJobDoesNotEndTheSession[timeout …]}. Passing: the other two background jobs.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>:
 * <ul>
 *   <li>The stated limit, a background job (its own group, SIGTTOU default, holding fd 0) whose
 *       child calls {@code setsid} and reads the inherited descriptor after the check (python on
 *       web-default; the job polls {@code open("/dev/tty")}, EBUSY tells it the gateway set TIOCEXCL
 *       and is about to write): confirmed, P ran in 1 of 5 sessions; in the others bash had read the
 *       text first, or the child appeared before the check's /proc snapshot and the line was refused
 *       (guard-tamper, "from another session"). Waiting for FIONREAD > 0 (the text in the queue)
 *       before {@code setsid} was too late: 0 of 3. Not kept as a test (racy; a stated limit).</li>
 *   <li>A background job that ignores SIGTTOU only after the check, then {@code tcsetpgrp} to its
 *       own group and reads: ignoring it right at EBUSY was seen by the check (the scan reads
 *       /proc/PID/status after the snapshot: refused, session ended); after FIONREAD > 0 bash had
 *       read the text already (0 of 6), and once bash's group lost the foreground its next read got
 *       EIO and bash exited (the session ends, by the attacker's own doing).</li>
 *   <li>PS0's wait and the release newline: a multi-line text whose first line is a command lets
 *       PS0's {@code read} eat the next physical line (a line is removed, nothing unjudged is
 *       added); the hook's wall then drains the rest. Read in the source, not pursued further.</li>
 * </ul>
 * Not tried for lack of time: SCM_RIGHTS hand-off (stated), ptrace/gdb into bwrap's init (a skipped
 * launcher holding the pty), ssh-target one-line races, other users' sessions (separate PID
 * namespaces: a scan sees only its own sandbox's tree).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bkIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * Types {@code setup} (each line, W replaced by the witness path; R by a script path), waits
   * {@code waitMs}, pastes the 17bg text (one judged {@code ls} of quoted long lines with {@code $(P)}
   * in its quotes), then lists the witness from the session. Returns whether P ran.
   */
  private static boolean split(String target, String payload, List<String> setup, long waitMs, int tries, String tag)
      throws Exception {
    String name = ShellLiveTargets.witness("17bk");
    String w = "/tmp/" + name;
    String p = payload.replace("W", w);
    String text = ShellLiveTargets.splitText(p);
    StringBuilder seen = new StringBuilder();
    boolean ran = false;
    boolean closedUnrefused = false;
    int attempts = 0;
    try {
      for (int i = 0; i < tries && !ran; i++) {
        attempts++;
        SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("split-" + tag), List.of("dev"));
        try (InteractiveProcess ssh = gw.interactive(key, target)) {
          ssh.await("$ ", WAIT);
          Thread.sleep(500);
          int at = ssh.length();
          for (String l : setup) {
            ShellLiveTargets.typeLine(ssh, l.replace("W", w));
          }
          Thread.sleep(waitMs);
          ShellLiveTargets.Pasted pasted = ShellLiveTargets.pasteThenList(ssh, text, name, at);
          closedUnrefused |= pasted.closedUnrefused();
          seen.append("\n--- attempt ").append(i + 1).append(":\n").append(ssh.transcript().substring(at));
          ran = pasted.ran();
        }
      }
    } finally {
      ran = ran || Files.exists(Path.of("/tmp", name));
      Files.deleteIfExists(Path.of("/tmp", name));
    }
    String audit = ShellLiveTargets.auditOf(gw, name);
    System.out.println("17bk " + tag + " " + target + " ran=" + ran + " attempts=" + attempts + " audit=" + audit + "\n"
        + ShellLiveTargets.clean(seen.toString(), 4000));
    assertThat(ran).as("%s: bash ran %s from a judged `ls` text split by a reader the check missed (attempt %d; audit: %s); transcript:%n%s",
        target, p, attempts, audit, ShellLiveTargets.clean(seen.toString(), 4000)).isFalse();
    assertThat(closedUnrefused).as("%s: a session ended without the guard-tamper refusal; transcript:%n%s", target,
        ShellLiveTargets.clean(seen.toString(), 4000)).isFalse();
    return ran;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict  | touch W
      web-default | python3 -c "open(\\"W\\",\\"w\\")"
      """)
  void aReaderHoldingDevTtyIsSeen(String target, String payload) throws Exception {
    split(target, payload, List.of("ls $( grep -r -m1 '' /usr/share /usr/lib /dev/tty </dev/null >/dev/null 2>&1 & )"),
        12000, 4, "devtty");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      web-default | python3 -c "open(\\"W\\",\\"w\\")"
      """)
  void aReaderWhoseMainThreadEndedIsSeen(String target, String payload) throws Exception {
    String script = "printf '%s\\n' 'import os,threading,time,ctypes' 'def r():' ' time.sleep(4); os.read(2, 4096)'"
        + " 'threading.Thread(target=r).start()' 'ctypes.CDLL(None).syscall(60, 0)' > /tmp/r17bk.py";
    split(target, payload, List.of(script, "ls $( python3 /tmp/r17bk.py >/dev/null & )"), 8000, 4, "thread");
  }

  /**
   * Fix 17bk: a background job that ignores SIGTTOU (GNU timeout) could make itself the foreground
   * and read, so the line is not sent while it runs, but only that line is refused: the session
   * stays, and once the job has ended a line runs again.
   */
  @org.junit.jupiter.api.Test
  void aBackgroundJobThatIgnoresSigttouHoldsBackTheLineOnly() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("bgjob"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "web-default")) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      ShellLiveTargets.typeLine(ssh, "timeout 4 sleep 4 &");
      Thread.sleep(300);
      String refused = ShellLiveTargets.typeLine(ssh, "echo still-here-$((6*7))");
      String all = ShellLiveTargets.clean(ssh.transcript().substring(at), 4000);
      System.out.println("17bk BGJOB timeout\n" + all);
      assertThat(refused).as("a line while `timeout 4 sleep 4 &` runs; transcript:%n%s", all)
          .contains("gatehouse: blocked by rule terminal-shared: a background job can take the terminal (PID ")
          .contains("(timeout)").contains("the line is not sent until it ends").doesNotContain("still-here-42");
      Thread.sleep(5000); // the job has ended
      String again = ShellLiveTargets.typeLine(ssh, "echo still-here-$((6*7))");
      all = ShellLiveTargets.clean(ssh.transcript().substring(at), 4000);
      System.out.println("17bk BGJOB timeout after\n" + all);
      assertThat(again).as("the same line once the job has ended; transcript:%n%s", all).contains("still-here-42");
      assertThat(all).doesNotContain("session closed");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      nohup sleep 100 >/dev/null 2>&1 &
      (sleep 100 &)
      """)
  void aNormalBackgroundJobDoesNotEndTheSession(String job) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("bgjob"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "web-default")) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      ShellLiveTargets.typeLine(ssh, job);
      Thread.sleep(500);
      String t;
      try {
        t = ShellLiveTargets.typeLine(ssh, "echo still-here-$((6*7))");
      } catch (Exception | AssertionError e) {
        t = "(" + e + ")";
      }
      String all = ShellLiveTargets.clean(ssh.transcript().substring(at), 4000);
      System.out.println("17bk BGJOB " + job + "\n" + all);
      assertThat(all).as("`%s` then a line: the session must stay usable; transcript:%n%s", job, all)
          .contains("still-here-42").doesNotContain("session closed");
    }
  }
}
