package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bz, live: the allow-list findings of {@code ShellAttack17bzTest} on {@code ssh-strict}
 * (the docs' allow-list, {@code docs-allow-list}), two people as the same host account. A1: {@code
 * grep -m1 secret /dev/fd/../../PID/fd/0} ({@code /dev/fd/..} is {@code /proc/PID} to the kernel, {@code
 * /dev} to the judge's {@code normalize}), PID being the program the other person runs on their terminal (their guarded bash is made undumpable, so its own {@code /proc/PID/fd} is refused by the kernel; what it starts is not);
 * A2: {@code { grep -m1 secret /dev/f?/3/pts/N; } 3</dev} (a pattern before the descriptor's name; the
 * judge does not resolve it, and {@code /dev/f} is no start of a terminal's name). Each read what the
 * other person typed into their program (the test fails now).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bzIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String clean(String s) {
    return s.replace("\u001b", "<ESC>").replace("\r", "").replace("\u0007", "<BEL>");
  }

  /** The highest pid of a grep of the target account whose descriptor 0 is {@code tty}, or null. */
  private static String victimProgram(String tty) throws Exception {
    try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
      return procs.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]+")).filter(n -> {
        try {
          return java.nio.file.Files.getOwner(java.nio.file.Path.of("/proc", n)).getName().equals(SshdProcess.TARGET_USER)
              && java.nio.file.Files.readString(java.nio.file.Path.of("/proc", n, "comm")).strip().equals("grep")
              && java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc", n, "fd", "0")).toString().equals(tty);
        } catch (Exception e) {
          return false;
        }
      }).max(java.util.Comparator.comparingLong(Long::parseLong)).orElse(null);
    }
  }

  @ParameterizedTest(name = "ssh-strict, {0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      exec   | grep -m1 secret /dev/fd/../../VPID/fd/0
      prompt | grep -m1 secret /dev/fd/../../VPID/fd/0
      exec   | { grep -m1 secret /dev/f?/3/pts/PTS; } 3</dev
      prompt | { grep -m1 secret /dev/f?/3/pts/PTS; } 3</dev
      """)
  void anotherPersonsTerminalIsReadThroughAMagicLink(String how, String template) throws Exception {
    SshClientKey victimKey = gw.sign(GatewayFixture.uniqueIdentity("victim-17bz"), List.of("dev"));
    SshClientKey readerKey = gw.sign(GatewayFixture.uniqueIdentity("reader-17bz-" + how), List.of("dev"));
    String secret = "secret" + ShellLiveTargets.witness("17bz").substring(9);
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
      // The guarded bash is not dumpable (its /proc/PID/fd is root's); the program the victim runs is:
      // the victim starts it first, and a reader finds it with `ls -l /proc/[0-9]*/fd/0` (allowed); the test looks itself.
      String vpid = "none";
      boolean early = template.contains("VPID");
      if (early) {
        victim.send("grep -c zzzz\r");
        Thread.sleep(2000);
        vpid = victimProgram("/dev/pts/" + m.group(1));
        assertThat(vpid).as("the victim's grep on /dev/pts/%s", m.group(1)).isNotNull();
      }
      List<String> lines = Arrays.asList(template.replace("PTS", m.group(1)).replace("VPID", vpid).split(" ;; "));
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
      if (!early) {
        victim.send("grep -c zzzz\r");
        Thread.sleep(2000);
      }
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
    System.out.println("17bz " + how + " " + template + " reader: " + clean(seen) + "\n17bz victim: " + clean(victimSeen));
    assertThat(seen).as("%s: the reading session shows what the other person typed; reader's transcript:%n%s%nvictim's:%n%s",
        template, clean(seen), clean(victimSeen)).doesNotContain(secret);
  }
}
