package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17au, live through the gateway: the real OpenSSH client, the gateway, bash in the
 * sandbox of {@code command} targets and a real OpenSSH sshd on loopback behind {@code ssh}
 * targets. {@code web-strict}/{@code ssh-strict} are in {@code mode: allow-list} with
 * docs/policy.md's own list ({@code [ls, cat, less, grep, tail, journalctl, "systemctl status"]});
 * {@code web-default}/{@code ssh-default} are under the deny-list default ({@code default-shell}
 * of 17at, no approvers, so a review is refused, 77).
 *
 * <p><b>A locale prefix on a POSIX special builtin stays in the shell, and a double-byte locale
 * makes bash read the next judged line's bytes as other characters.</b> The judge reads a line as
 * UTF-8 text. In GBK (also BIG5, BIG5-HKSCS, SHIFT_JIS, GB18030: glibc-all-langpacks on RHEL-like
 * hosts has them; a {@code localedef} away on Debian) a lead byte {@code 0x81..0xFE} takes the next
 * byte, {@code 0x40..0x7E} included, into one character, and bash's parser does not take a byte
 * inside a character for a metacharacter ({@code shell_input_line_property}, MBTEST): {@code 中} is
 * UTF-8 {@code E4 B8 AD}, GBK reads {@code E4 B8} as one character and {@code AD 5C} (the
 * backslash after it) as another. So {@code ls 中\;touch W} is judged one {@code ls} with the
 * argument {@code 中;touch} and {@code W} (allowed, commands {@code [ls]}), and bash in GBK runs
 * {@code ls 中\} and then {@code touch W}. The judge knows this: {@code ShellClass.LOCALE_VARS}
 * ({@code LC_ALL}, {@code LC_CTYPE}, {@code LANG}, {@code LOCPATH}) may only be set in the shell to
 * C/POSIX or a UTF-8 locale, and the gateway refuses a client's env request naming another
 * ({@code GatewayChannel.SAFE_LOCALE}). But {@code ShellClass.changesCharacterSet} lets any value
 * through when the assignment is {@code commandOnly}, which {@code CommandReader} (around line
 * 1446, "VAR=x cmd and env VAR=x cmd set VAR for cmd alone, unless what cmd runs is code the
 * reading read") sets for every prefix assignment of a command that reads no code. In POSIX mode
 * bash keeps the prefix assignments of a special builtin ({@code :}, {@code export}, {@code set},
 * {@code eval}, …) in the shell after it returns, and calls setlocale for them. {@code set -o posix}
 * is allowed (the hook restores only what it turns on itself and puts the user's POSIX mode back),
 * so:
 * <ul>
 *   <li>{@code set -o posix; LC_ALL=zh_CN.GBK :} (allowed: {@code set} and {@code :} are harmless
 *       builtins, the assignment "for {@code :} alone"), then {@code ls 中\;touch W} (allowed,
 *       {@code [ls]}): bash runs {@code touch W}, never judged. At the guarded prompt and on an
 *       exec request (a second line of the same request: {@code bash -c} parses and runs one
 *       top-level command at a time), on {@code command} targets and {@code ssh} targets, in
 *       allow-list mode and under the deny-list default ({@code echo 中\;touch W}) alike;</li>
 *   <li>{@code set -o posix; LC_ALL=zh_CN.GBK export X} the same ({@code export} is special too);</li>
 *   <li>on an allow-list exec request {@code POSIXLY_CORRECT=1 LC_ALL=zh_CN.GBK :} alone does it
 *       (POSIX mode for the one builtin is enough): the allow-list's exec judgement does not
 *       refuse the {@code POSIXLY_CORRECT} prefix, which the deny-list and the prompt refuse as
 *       guard-tamper.</li>
 * </ul>
 * bash's C marker comes for the line the gateway sent, so the guard sees nothing wrong. The host
 * needs the locale installed; this machine (Debian 12) has only C.utf8, so the class installs
 * {@code zh_CN.GBK} into /usr/lib/locale with {@code localedef --no-archive} (as a host that has it;
 * the sandbox of a {@code command} target binds /usr/lib/locale) and removes it again when it made
 * it. Fix direction: a locale assignment is never {@code commandOnly} when the command is a special
 * builtin (or POSIX mode can be on), or refuse a non-UTF-8 locale value in any position.
 *
 * <p>The witness is {@code touch} of a file in the session's /tmp (a {@code command} target's is the
 * sandbox's private tmpfs): the session itself lists /tmp afterwards through a judged command whose
 * output holds text the typed lines do not ({@code grep -n} prefixes the line number); on an
 * {@code ssh} target (sshd on loopback) the test also looks at the host's /tmp itself.
 *
 * <p>Each test asserts the secure outcome (the witness never exists) and fails on the current code.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>: the client's own locale ({@code ssh -o
 * SetEnv=LC_ALL=zh_CN.GBK}, which the gateway would pass to a {@code command} target's bash and an
 * {@code ssh} target's host): refused by {@code GatewayChannel.acceptedEnvValue} (C/POSIX or
 * {@code *.UTF-8} only), bash stayed in UTF-8 and ran only {@code ls} (live, both target kinds,
 * prompt and exec); a locale given as a path ({@code LC_ALL=/tmp/x/gbk} with a compiled locale
 * there): glibc 2.36 looks it up under /usr/lib/locale and {@code valid_locale_name} refuses
 * {@code /../}, and {@code LOCPATH} is refused; {@code LC_ALL=zh_CN.GBK set -o posix} (the
 * assignment is not kept: POSIX mode was off when {@code set} started); {@code LC_ALL=x readonly Y}
 * without POSIX mode (not kept); {@code POSIXLY_CORRECT=1 LC_ALL=zh_CN.GBK :} at the guarded
 * prompt and on a deny-list exec request (guard-tamper). Terminal answerbacks ({@code ESC[6n},
 * {@code ESC]11;?}, {@code ESC[c}, DECRQSS, {@code ESC]52;c;?}) printed by a listed program: the
 * client's terminal answers into the same input stream the user types into, so they are input
 * like any key and give nothing typing does not: while a command runs they go raw to it and what
 * it leaves is read away by the hook's wall (which waits for the nonce line the gateway writes only
 * after the D/A markers, after any raw input), and from the D marker on they are held and handed to
 * the line editor, where a line is judged (read in the source, not run live for lack of time).
 * Keys typed while a line is SENT are held and written to bash's terminal only after its C marker,
 * ahead of the hook's nonce reply, so the wall reads them away. The client's pty modes on
 * {@code ssh} targets: ICANON/ISIG and the input rewrites are fixed by GuardedPtyModes ({@code
 * -icanon} would have let bash's 128-byte getc buffer take more than one line past the wall).
 * Not tried for lack of time: Ctrl-Z/fg job-control timing, {@code -N -L/-R/-D}, {@code -A},
 * {@code -X}, sftp, window-size changes, TERM values.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17auIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String LOCALE = "zh_CN.GBK";
  private static final Path LOCALE_DIR = Path.of("/usr/lib/locale/zh_CN.gbk");
  /** UTF-8 E4 B8 AD: GBK reads E4 B8 as one character and AD with the next byte (here a backslash) as another. */
  private static final String ZHONG = "中";

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;
  static boolean madeLocale;


  @BeforeAll
  static void start() throws Exception {
    if (!Files.isDirectory(LOCALE_DIR)) {
      // A host with a GBK locale installed (RHEL's glibc-all-langpacks has it; here it is made).
      Process p = new ProcessBuilder("localedef", "--no-archive", "-c", "-i", "zh_CN", "-f", "GBK", LOCALE)
          .redirectErrorStream(true).redirectOutput(dir.resolve("localedef.out").toFile()).start();
      p.waitFor();
      madeLocale = Files.isDirectory(LOCALE_DIR);
    }
    assertThat(LOCALE_DIR).as("the GBK locale is installed").isDirectory();
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    String targets = ShellLiveTargets.fourTargets(sshd);
    gw = GatewayFixture.start(dir, "", targets);
    // Debian's default sshd_config has this line.
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine(), "AcceptEnv LANG LC_*");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (gw != null) {
        gw.close();
      }
      if (sshd != null) {
        sshd.close();
      }
    } finally {
      if (madeLocale) {
        new ProcessBuilder("rm", "-rf", LOCALE_DIR.toString()).start().waitFor();
      }
    }
  }

  /** Types {@code line} at the guarded prompt, waits for the next prompt; returns the transcript from the line on. */
  private static String typeLine(InteractiveProcess ssh, String line) throws Exception {
    int at = ssh.length();
    ssh.send(line + "\r");
    ssh.await("$ ", at + line.length(), WAIT);
    Thread.sleep(700); // pacing: the rest of the output and the prompt; no bound
    return ssh.transcript().substring(at);
  }

  private static String witness() {
    return "gh-17au-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * {@code setup} (typed as its own line at the guarded prompt, or as the first line of an exec
   * request) switches bash's locale to GBK; then {@code command 中\;touch /tmp/W}, then the
   * session's own check of /tmp.
   */
  @ParameterizedTest(name = "{0} {1}: `{2}`, then `{3} 中\\;touch W`")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict  | prompt | set -o posix; LC_ALL=zh_CN.GBK :        | ls
      web-strict  | exec   | POSIXLY_CORRECT=1 LC_ALL=zh_CN.GBK :    | ls
      web-strict  | exec   | set -o posix; LC_ALL=zh_CN.GBK :        | ls
      ssh-strict  | prompt | set -o posix; LC_ALL=zh_CN.GBK :        | ls
      ssh-strict  | exec   | POSIXLY_CORRECT=1 LC_ALL=zh_CN.GBK :    | ls
      web-default | prompt | set -o posix; LC_ALL=zh_CN.GBK :        | echo
      web-default | exec   | set -o posix; LC_ALL=zh_CN.GBK export X | echo
      ssh-default | prompt | set -o posix; LC_ALL=zh_CN.GBK :        | echo
      ssh-default | exec   | set -o posix; LC_ALL=zh_CN.GBK :        | echo
      """)
  void aLocaleKeptByAPosixSpecialBuiltinMakesBashReadTheNextLineOtherwise(String target, String how, String setup,
      String command) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("gbk-" + how), List.of("dev"));
    String name = witness();
    String line = command + " " + ZHONG + "\\;touch /tmp/" + name;
    String check = "ls -1 /tmp | grep -n " + name;
    String seen = "";
    try {
      if (how.equals("prompt")) {
        try (InteractiveProcess ssh = gw.interactive(key, target)) {
          ssh.await("$ ", WAIT);
          Thread.sleep(500);
          seen = typeLine(ssh, setup) + typeLine(ssh, line) + typeLine(ssh, check);
        }
      } else {
        SshResult r = gw.ssh(key, target).timeout(Duration.ofSeconds(60)).run(setup + "\n" + line + "\n" + check);
        seen = r.toString();
      }
    } finally {
      boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
      Files.deleteIfExists(Path.of("/tmp", name));
      String audit = gw.auditLines().stream()
          .filter(n -> n.path("statement").asText("").contains(name) && !n.path("statement").asText("").contains("grep"))
          .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("commands"))
          .findFirst().orElse("(no audit line)");
      assertThat(ran).as("%s (%s): the guard allowed `%s` and then `%s` (audit: %s), judged as one %s whose argument is"
          + " `%s;touch`; bash, switched to GBK by the first (a prefix assignment kept by a special builtin in POSIX"
          + " mode), read the backslash as half of a character and ran `touch /tmp/%s`, which the guard never judged;"
          + " transcript:%n%s", target, how, setup, line, audit, command, ZHONG, name, seen).isFalse();
    }
  }
}
