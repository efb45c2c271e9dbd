package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bw, live through the gateway (causes and fixes in the policy module's {@code
 * ShellAttack17bwTest}): the docs' allow-list ({@code docs-allow-list}) on {@code ssh-strict}, whose
 * people are all the host account {@code gh-target}.
 *
 * <p><b>T1/T2, another person's terminal read although 17bu's fix refuses {@code cat /dev/pts/N}</b>:
 * by a relative name from a directory the judge does not know (typed {@code cd /dev/pts}, then {@code
 * cat N} as the next line; {@code cd ../../../../../../../../.. && cat dev/pts/N}; an exec request
 * {@code cd ../../… && grep -m1 secret dev/pts/N}) and by {@code grep -r -D read --include=N '' /dev}.
 * The other person runs a program that reads the terminal (as a password prompt does) and types
 * lines; the secure outcome is that the reader never shows them.
 *
 * <p><b>W2, a file written through a descriptor an earlier typed line left open</b>: {@code : {fd}<FILE}
 * (a {@code {name}} redirection persists in the guarded shell), then {@code echo written-by-17bw
 * >/dev/fd/10} as the next line: FILE's content is replaced.
 *
 * <p><b>L4, less's history file named by a key file</b> (exec request with a terminal): {@code less
 * --lesskey-src=/dev/stdin '+/";touch W;#' /etc/hostname} fed {@code #env} / {@code LESSHISTFILE=F} by a
 * here-document; less, in secure mode, wrote F ending in {@code "";touch W;#}.
 *
 * <p>First run (at 7124e01c): all six cases fail. T1/T2: the reader showed the other person's lines
 * ({@code secret…-0}, {@code -1}, {@code -4}, {@code -5} of six for {@code cat}; grep's first match for the
 * exec request); W2: the file became {@code written-by-17bw} ({@code fd=10}); L4: F held {@code
 * .less-history-file:}, {@code .search}, {@code "";touch /tmp/…-w;#}. (L4 typed at the prompt, a
 * here-document over several lines, did not write in that run: not kept here; the policy test shows
 * the judge allows it typed.)
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bwIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String clean(String s) {
    return s.replace("\u001b", "<ESC>").replace("\r", "").replace("\u0007", "<BEL>");
  }

  private static void chown(Path p) throws Exception {
    Process pr = new ProcessBuilder("chown", SshdProcess.TARGET_USER + ":" + SshdProcess.TARGET_USER, p.toString())
        .redirectErrorStream(true).start();
    assertThat(pr.waitFor()).as("chown %s", p).isZero();
  }

  @ParameterizedTest(name = "ssh-strict, {0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      prompt | cd /dev/pts ;; cat PTS
      prompt | cd ../../../../../../../../.. && cat dev/pts/PTS
      prompt | grep -r -D read --include=PTS '' /dev
      exec   | cd ../../../../../../../../.. && grep -m1 secret dev/pts/PTS
      """)
  void anotherPersonsTerminalIsReadByAnotherName(String how, String template) throws Exception {
    SshClientKey victimKey = gw.sign(GatewayFixture.uniqueIdentity("victim-17bw"), List.of("dev"));
    SshClientKey readerKey = gw.sign(GatewayFixture.uniqueIdentity("reader-17bw-" + how), List.of("dev"));
    String secret = "secret" + ShellLiveTargets.witness("17bw").substring(9);
    String seen;
    String victimSeen;
    InteractiveProcess execReader = null;
    try (InteractiveProcess victim = gw.interactive(victimKey, "ssh-strict");
        InteractiveProcess reader = gw.interactive(readerKey, "ssh-strict")) {
      victim.await("$ ", WAIT);
      reader.await("$ ", WAIT);
      Thread.sleep(500);
      String tty = ShellLiveTargets.typeLine(victim, "ls -l /proc/self/fd/0");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("-> /dev/pts/([0-9]+)").matcher(tty);
      assertThat(m.find()).as("the victim's terminal: %s", clean(tty)).isTrue();
      List<String> lines = Arrays.asList(template.replace("PTS", m.group(1)).split(" ;; "));
      int at = reader.length();
      if (how.equals("prompt")) {
        for (String l : lines.subList(0, lines.size() - 1)) {
          ShellLiveTargets.typeLine(reader, l);
        }
        reader.send(lines.get(lines.size() - 1) + "\r");
      } else {
        List<String> argv = new ArrayList<>(gw.sshArgv(readerKey, "ssh-strict", List.of("-T")));
        argv.add(String.join("\n", lines));
        execReader = InteractiveProcess.start(argv, Map.of());
      }
      Thread.sleep(3000);
      victim.send("grep -c zzzz\r");
      Thread.sleep(2000);
      for (int i = 0; i < 6; i++) {
        victim.send(secret + "-" + i + "\r");
        Thread.sleep(700);
      }
      victim.send("\u0004");
      Thread.sleep(1500);
      seen = how.equals("prompt") ? reader.transcript().substring(at) : execReader.transcript();
      victimSeen = victim.transcript();
      reader.send("\u0003");
      Thread.sleep(500);
    } finally {
      if (execReader != null) {
        execReader.close();
      }
    }
    System.out.println("17bw PTS " + how + " " + template + " reader: " + clean(seen) + "\n17bw PTS victim: " + clean(victimSeen));
    assertThat(seen).as("%s: the reading session shows what the other person typed; reader's transcript:%n%s%nvictim's:%n%s",
        template, clean(seen), clean(victimSeen)).doesNotContain(secret);
  }

  /**
   * L4: less 590 reads a lesskey source file given by {@code --lesskey-src} in secure mode too, and
   * takes its {@code #env} variables before the environment: {@code LESSHISTFILE} set there names the
   * file its history is written to, with no shell assignment for the allow-list to refuse.
   */
  @ParameterizedTest(name = "ssh-strict, {0}")
  @CsvSource(delimiter = '|', textBlock = """
      exec
      """)
  void lessWritesItsHistoryWhereAKeyFileSays(String how) throws Exception {
    String name = ShellLiveTargets.witness("17bw");
    Path file = Path.of("/tmp", name);
    String line = "less --lesskey-src=/dev/stdin '+/\";touch /tmp/" + name + "-w;#' /etc/hostname <<'EOF'\n#env\nLESSHISTFILE="
        + file + "\nEOF";
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("lesskey-" + how), List.of("dev"));
    String seen;
    try {
      if (how.equals("prompt")) {
        try (InteractiveProcess ssh = gw.interactive(key, "ssh-strict")) {
          ssh.await("$ ", WAIT);
          Thread.sleep(500);
          int at = ssh.length();
          for (String l : line.split("\n")) {
            ssh.send(l + "\r");
            Thread.sleep(300);
          }
          Thread.sleep(2000);
          ssh.send("q");
          Thread.sleep(1500);
          seen = ssh.transcript().substring(at);
        }
      } else {
        List<String> argv = new ArrayList<>(gw.sshArgv(key, "ssh-strict", List.of("-tt")));
        argv.add(line);
        try (InteractiveProcess ssh = InteractiveProcess.start(argv, Map.of("TERM", "xterm-256color"))) {
          Thread.sleep(4000); // pacing: the gateway's check, then less; no bound
          try {
            ssh.send("q");
          } catch (java.io.IOException e) {
            // refused: nothing to type into
          }
          Thread.sleep(2000);
          seen = ssh.transcript();
        }
      }
      String content = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(none)";
      System.out.println("17bw LESSKEY " + how + " | " + content.replace("\n", "\\n"));
      assertThat(Files.exists(file)).as("ssh-strict (%s): the allow-list let `%s` through, and less (secure mode) wrote %s: [%s];"
          + " transcript:%n%s", how, line, file, content, clean(seen)).isFalse();
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(Path.of("/tmp", name + "-w"));
    }
  }

  @Test
  void aFileIsWrittenThroughADescriptorAnEarlierTypedLineLeftOpen() throws Exception {
    String name = ShellLiveTargets.witness("17bw");
    Path file = Path.of("/tmp", name);
    Files.writeString(file, "original\n");
    chown(file);
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("devfd-17bw"), List.of("dev"));
    String seen;
    try {
      try (InteractiveProcess ssh = gw.interactive(key, "ssh-strict")) {
        ssh.await("$ ", WAIT);
        Thread.sleep(500);
        String first = ShellLiveTargets.typeLine(ssh, ": {fd}<" + file + "; echo fd=$fd");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("fd=([0-9]+)").matcher(first);
        String n = m.find() ? m.group(1) : "10";
        seen = first + ShellLiveTargets.typeLine(ssh, "echo written-by-17bw >/dev/fd/" + n);
      }
      String content = Files.readString(file, StandardCharsets.UTF_8);
      System.out.println("17bw DEVFD typed | content=" + content + " | " + clean(seen));
      assertThat(content).as("ssh-strict (typed): `: {fd}<FILE` then `echo written-by-17bw >/dev/fd/N` rewrote the file;"
          + " transcript:%n%s", clean(seen)).isEqualTo("original\n");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
