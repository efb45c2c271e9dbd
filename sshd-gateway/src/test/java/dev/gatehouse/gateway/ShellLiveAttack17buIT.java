package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bu, live through the gateway (the judge's side and the causes are in the policy
 * module's {@code ShellAttack17buTest}): the docs' allow-list ({@code docs-allow-list}: {@code [ls,
 * cat, less, grep, tail, journalctl, "systemctl status"]}, {@code block: [recursive-delete-root]}) on
 * {@code web-strict} (a command target: bash in the sandbox) and {@code ssh-strict} (the real sshd's
 * account {@code gh-target}).
 *
 * <p><b>W1, a file written through a descriptor's name</b> ({@code ssh-strict}, exec request and
 * typed line): {@code echo written-by-17bu 3<FILE >/dev/fd/3}. The allow-list lets a text write to
 * {@code /dev/fd/N}, {@code /dev/stdout} and {@code /dev/stderr}; bash opens the name with {@code
 * open(2)}, which reopens the file behind descriptor 3 for writing, truncating it. The file here is
 * one the test makes in /tmp for the account (the same reaches the account's {@code ~/.bashrc},
 * not written here: it is a real account's startup file).
 *
 * <p><b>L1, less without its secure mode</b> (both targets; exec request with a terminal, and typed):
 * {@code export -n LESSSECURE; less /etc/hostname} (exec; typed, {@code export -n} is guard-tamper, but
 * {@code declare +x LESSSECURE} and {@code typeset +x} are not), then {@code !touch /tmp/W} typed into the pager.
 * The docs' allow-list lists no {@code interpreter-inline}, which alone knows the routes that take
 * the variable out of the environment without assigning it; the integration's read-only
 * {@code LESSSECURE} does not stop {@code export -n}.
 *
 * <p><b>L3, an exec request on an {@code ssh} target gets no pager secure mode at all</b> ({@code
 * ssh-strict}, exec request with a terminal: {@code ssh -tt ssh-strict@gw 'less /etc/hostname'},
 * then {@code !touch /tmp/W}). docs/policy.md: "on every target with a shell policy the program runs
 * with LESSSECURE=1 and SYSTEMD_PAGERSECURE=1"; docs/security-model.md: a command target's program
 * starts with both, "and the integration exports both read-only in the guarded bash of an ssh
 * target". The exec path of an ssh target is neither: {@code SshTargetSession} sends {@code
 * BashOnlyExec.wrap(text)} (the bash-only line, then the text) with a remote environment of the
 * client's {@code LANG}/{@code LC_*} only, and the bash-only line sets nothing. So the listed {@code
 * less} (and journalctl's or systemctl's pager where a logind session makes systemd leave secure
 * mode off) runs its {@code !} for an exec request with a terminal; {@code ShellPagerSecureIT}
 * checks the exec path of command targets and the prompt of ssh targets only. Fix: {@code
 * BashOnlyExec.wrap} (or the line after it) exports {@code declare -rx LESSSECURE=1
 * SYSTEMD_PAGERSECURE=1} before the text, as the integration does.
 *
 * <p><b>L2, less's history file</b> ({@code ssh-strict}, exec with a terminal and typed): {@code
 * LESSHISTFILE=/tmp/F less '+/";touch W;#' /etc/hostname}, then {@code q}: less writes (makes)
 * {@code /tmp/F} ending in {@code "";touch W;#}, which as the account's {@code ~/.bashrc} would run
 * in its next session. {@code LESSHISTFILE} is only known to {@code interpreter-inline}.
 *
 * <p><b>R1, another person's session read through its terminal</b> ({@code ssh-strict}): every
 * person of the target is the same account on the host; {@code cat /dev/pts/N} reads another
 * session's terminal input (its typed lines, nonces, passwords typed into programs). Seen in the first
 * run: of six lines the other person typed into {@code grep} (as into a password prompt), the reader's
 * {@code cat} got three, and then the 128-hex-digit nonce the gateway typed for the other session's
 * next prompt wall (which also stalls that session).
 *
 * <p>Each test asserts the secure outcome: refused, or nothing written / run.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17buIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String clean(String s) {
    return s.replace("\u001b", "<ESC>").replace("\r", "").replace("\u0007", "<BEL>");
  }

  private static String auditOf(String name) throws Exception {
    return String.join("; ", gw.auditLines().stream()
        .filter(n -> n.path("statement").asText("").contains(name))
        .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("rule").asText() + " "
            + n.path("statement").asText())
        .toList());
  }

  private static void chown(Path p) throws Exception {
    Process pr = new ProcessBuilder("chown", SshdProcess.TARGET_USER + ":" + SshdProcess.TARGET_USER, p.toString())
        .redirectErrorStream(true).start();
    assertThat(pr.waitFor()).as("chown %s", p).isZero();
  }

  @ParameterizedTest(name = "ssh-strict, {0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      exec   | echo written-by-17bu 3<FILE >/dev/fd/3
      prompt | echo written-by-17bu 3<FILE >/dev/fd/3
      exec   | ls / 1<FILE >/dev/stdout
      """)
  void aFileOpenedForReadingIsWrittenThroughItsDescriptorsName(String how, String line) throws Exception {
    String name = ShellLiveTargets.witness("17bu");
    Path file = Path.of("/tmp", name);
    Files.writeString(file, "original\n");
    chown(file);
    String text = line.replace("FILE", file.toString());
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("devfd-" + how), List.of("dev"));
    String seen;
    try {
      if (how.equals("exec")) {
        seen = gw.ssh(key, "ssh-strict").timeout(WAIT).run(text).toString();
      } else {
        try (InteractiveProcess ssh = gw.interactive(key, "ssh-strict")) {
          ssh.await("$ ", WAIT);
          Thread.sleep(500);
          seen = ShellLiveTargets.typeLine(ssh, text);
        }
      }
      String content = Files.readString(file, StandardCharsets.UTF_8);
      System.out.println("17bu DEVFD " + how + " | " + text + " | audit=" + auditOf(name) + " | content=" + content);
      assertThat(content).as("ssh-strict (%s): the allow-list let %s through (audit: %s), which wrote the file it opened"
          + " for reading; transcript:%n%s", how, text, auditOf(name), clean(seen)).isEqualTo("original\n");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Keys typed to what the request started; none once the client has ended (the gateway refused the
   * exec request and closed the channel: the secure outcome, nothing to type into).
   */
  private static void key(InteractiveProcess ssh, String text) throws Exception {
    try {
      ssh.send(text);
    } catch (java.io.IOException e) {
      if (ssh.isAlive()) {
        throw e;
      }
    }
  }

  /** less's keys: the shell escape, its "press RETURN", quit. */
  private static void lessEscape(InteractiveProcess ssh, String witness) throws Exception {
    Thread.sleep(1500); // pacing: less takes the terminal; no bound
    key(ssh, "\r"); // past "WARNING: terminal is not fully functional" (exec -c: no TERM); else one line on
    Thread.sleep(500);
    key(ssh, "!touch /tmp/" + witness + "\r");
    Thread.sleep(1500);
    key(ssh, "\r");
    Thread.sleep(500);
    key(ssh, "q");
    Thread.sleep(1000);
  }

  @ParameterizedTest(name = "{0}, {1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict | prompt | declare +x LESSSECURE; less /etc/hostname
      ssh-strict | prompt | declare +x LESSSECURE; less /etc/hostname
      ssh-strict | prompt | typeset +x LESSSECURE; less /etc/hostname
      web-strict | exec   | export -n LESSSECURE; less /etc/hostname
      web-strict | exec   | (exec -c less /etc/hostname)
      ssh-strict | exec   | export -n LESSSECURE; less /etc/hostname
      ssh-strict | exec   | less /etc/hostname
      """)
  void lessRunsItsShellEscapeOnceTheExportIsTakenAway(String target, String how, String line) throws Exception {
    String name = ShellLiveTargets.witness("17bu");
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("lesssec-" + how), List.of("dev"));
    String seen;
    if (how.equals("prompt")) {
      try (InteractiveProcess ssh = gw.interactive(key, target)) {
        ssh.await("$ ", WAIT);
        Thread.sleep(500);
        int at = ssh.length();
        ssh.send(line + "\r");
        lessEscape(ssh, name);
        ssh.await("$ ", at + line.length(), WAIT);
        Thread.sleep(700);
        ShellLiveTargets.typeLine(ssh, "ls -1 /tmp | grep -n " + name);
        seen = ssh.transcript().substring(at);
      }
    } else {
      List<String> argv = new ArrayList<>(gw.sshArgv(key, target, List.of("-tt")));
      argv.add(line + "; ls -1 /tmp | grep -n " + name);
      try (InteractiveProcess ssh = InteractiveProcess.start(argv, Map.of("TERM", "xterm-256color"))) {
        Thread.sleep(3000); // pacing: the gateway's check, then less; no bound
        lessEscape(ssh, name);
        Thread.sleep(2000);
        seen = ssh.transcript();
      }
    }
    boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    String audit = how.equals("exec") ? auditOf(name) : auditOf(line);
    System.out.println("17bu LESSSECURE " + target + " " + how + " ran=" + ran + " | " + line + " | " + clean(seen));
    assertThat(ran).as("%s (%s): the allow-list let `%s` through; less then ran `!touch /tmp/%s` (audit: %s); transcript:%n%s",
        target, how, line, name, audit, clean(seen)).isFalse();
  }

  /**
   * L2: {@code LESSHISTFILE} names the file less 590 writes its history to (in secure mode too), made
   * or replaced through a rename: any file the account can write, its last line {@code "} and the
   * search typed (here a start command's). As {@code ~/.bashrc} (not written here: a real account's)
   * {@code "";touch W;#} runs in the next session.
   */
  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ssh-strict | exec
      ssh-strict | prompt
      """)
  void lessWritesItsHistoryWhereLesshistfileSays(String target, String how) throws Exception {
    String name = ShellLiveTargets.witness("17bu");
    Path file = Path.of("/tmp", name);
    String line = "LESSHISTFILE=" + file + " less '+/\";touch /tmp/" + name + "-w;#' /etc/hostname";
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("lesshist-" + how), List.of("dev"));
    String seen;
    try {
      if (how.equals("prompt")) {
        try (InteractiveProcess ssh = gw.interactive(key, target)) {
          ssh.await("$ ", WAIT);
          Thread.sleep(500);
          int at = ssh.length();
          ssh.send(line + "\r");
          Thread.sleep(2000);
          ssh.send("q");
          Thread.sleep(1500);
          seen = ssh.transcript().substring(at);
        }
      } else {
        List<String> argv = new ArrayList<>(gw.sshArgv(key, target, List.of("-tt")));
        argv.add(line);
        try (InteractiveProcess ssh = InteractiveProcess.start(argv, Map.of("TERM", "xterm-256color"))) {
          Thread.sleep(4000); // pacing: the gateway's check, then less; no bound
          key(ssh, "q");
          Thread.sleep(2000);
          seen = ssh.transcript();
        }
      }
      String content = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(none)";
      System.out.println("17bu LESSHISTFILE " + target + " " + how + " | " + content.replace("\n", "\\n"));
      assertThat(Files.exists(file)).as("%s (%s): the allow-list let `%s` through, and less wrote %s: [%s]; transcript:%n%s",
          target, how, line, file, content, clean(seen)).isFalse();
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(Path.of("/tmp", name + "-w"));
    }
  }

  /**
   * R1: two people on {@code ssh-strict} are one account on the host, and a session's terminal is
   * that account's: {@code cat /dev/pts/N} (both listed words; {@code ls -l /proc/self/fd/0}, or
   * {@code ls -l /dev/pts}, finds N) in one session reads the other's terminal input, racing its
   * bash: the lines the gateway types for that person (judged, then stolen before bash reads them),
   * the hook's nonces, and what the person types into a running program (a password prompt). The
   * secure outcome: the reading session never shows what the other typed.
   */
  @org.junit.jupiter.api.Test
  void anotherPersonsSessionIsReadThroughItsTerminal() throws Exception {
    SshClientKey victimKey = gw.sign(GatewayFixture.uniqueIdentity("victim-17bu"), List.of("dev"));
    SshClientKey readerKey = gw.sign(GatewayFixture.uniqueIdentity("reader-17bu"), List.of("dev"));
    String secret = "secret" + ShellLiveTargets.witness("17bu").substring(9);
    String seen;
    String victimSeen;
    try (InteractiveProcess victim = gw.interactive(victimKey, "ssh-strict");
        InteractiveProcess reader = gw.interactive(readerKey, "ssh-strict")) {
      victim.await("$ ", WAIT);
      reader.await("$ ", WAIT);
      Thread.sleep(500);
      String tty = ShellLiveTargets.typeLine(victim, "ls -l /proc/self/fd/0");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("-> (/dev/pts/[0-9]+)").matcher(tty);
      assertThat(m.find()).as("the victim's terminal: %s", clean(tty)).isTrue();
      int at = reader.length();
      reader.send("cat " + m.group(1) + "\r");
      Thread.sleep(2000);
      // The other person runs a program that reads the terminal (as sudo's or psql's password
      // prompt does) and types lines into it, raw.
      victim.send("grep -c zzzz\r");
      Thread.sleep(2000);
      for (int i = 0; i < 6; i++) {
        victim.send(secret + "-" + i + "\r");
        Thread.sleep(700);
      }
      victim.send("\u0004");
      Thread.sleep(1500);
      seen = reader.transcript().substring(at);
      victimSeen = victim.transcript();
      reader.send("\u0003");
      Thread.sleep(500);
    }
    System.out.println("17bu PTS reader: " + clean(seen) + "\n17bu PTS victim: " + clean(victimSeen));
    assertThat(seen).as("the reading session (cat of the other's terminal) shows what the other person typed;"
        + " reader's transcript:%n%s%nvictim's:%n%s", clean(seen), clean(victimSeen)).doesNotContain(secret);
  }
}
