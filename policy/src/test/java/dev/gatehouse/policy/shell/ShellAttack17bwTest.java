package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bw on the allow-list boundary: the docs' allow-list ({@code docs-allow-list} of
 * {@code ShellLiveTargets}, {@link ShellAttack17buTest#DOCS_LIVE}: {@code [ls, cat, less, grep, tail,
 * journalctl, "systemctl status"]}, {@code block: [recursive-delete-root]}), first against the fixes of
 * pass 17bu ({@code DescriptorNames}, {@code TerminalDevices}, the pager's secure mode, {@code
 * LESSHISTFILE}). A text of several lines written {@code A ;; B} is typed at the guarded prompt as two
 * lines, each judged alone ({@code judgeTyped}), and run by one bash as the guarded shell runs them
 * (its working directory and open descriptors carried from line to line). Every witness below ran
 * under bash 5.2.15, less 590, GNU grep 3.8, util-linux script 2.38 (Debian 12) and did what the test
 * asserts it must not (the test fails now).
 *
 * <p><b>T1, another session's terminal read by a relative name from a directory the judge does not
 * know</b> (exec and typed). {@code TerminalDevices.otherTerminalRead} takes a relative operand in
 * the directory of the text's last {@code cd}, but only when that {@code cd} went to a literal
 * absolute path (or relative to one); after any other {@code cd} the directory is "not known" and
 * relative names are then not looked at at all. At the prompt each line is judged alone, so an
 * earlier line's {@code cd} is never known. Allowed, and each reads the other terminal {@code
 * /dev/pts/N} (the test's victim is a program on a terminal {@code script} made, which does not read
 * it; what is "typed" into that terminal shows in the reader's output): {@code cd ../../../.. && grep
 * -m1 secret dev/pts/N} (a climbing {@code cd} from the home directory reaches {@code /}; the climbing
 * rule of {@code mayNameTerminal} only looks at an operand that itself starts with {@code ..}),
 * typed {@code cd /dev/pts} then {@code grep -m1 secret N} (the live R1 case in two lines), typed
 * {@code cd /dev} then {@code grep -m1 secret pts/N}, {@code cd /dev/pts; cd /; cd -; grep … N} ({@code
 * cd -} is filtered out as an option, leaving the directory unknown), and typed {@code cd /dev/pts}
 * then {@code cat N}. The first version of the 17bu fix refused {@code cd} into
 * {@code /dev/pts}, {@code /dev} or {@code /proc/PID/fd} ({@code TERMINAL_DIRECTORY}); commit f92e8b6e
 * dropped that for the directory tracking. Fix: in allow-list mode, a reader's relative operand whose
 * directory is not known (typed: always, an earlier line may have changed it; exec: after a {@code cd}
 * the reading does not follow, {@code cd -}, {@code popd}, a climbing or computed one) is read as
 * possibly in {@code /dev/pts}, {@code /dev} or {@code /proc/PID/fd} (refuse a bare number, {@code
 * pts/…}, {@code tty…}, {@code fd/…}, {@code console}), as nested-shell already does for a shell's
 * script; or bring
 * back the refusal of {@code cd} into a terminal directory (also typed, where the later line is judged alone).
 *
 * <p><b>T2, {@code grep -r -D read} walks into {@code /dev/pts}</b> (exec and typed): {@code grep -r
 * -D read --include=N -m1 secret /dev} reads {@code /dev/pts/N}. GNU grep skips devices met while
 * recursing unless {@code -D read} ({@code --devices=read}) says otherwise; {@code --include=N} keeps it
 * to that one terminal (without it grep blocks on the first terminal it meets, any session's). {@code
 * TerminalDevices} only looks at the operand {@code /dev}, which is not a terminal. Fix: a recursive
 * reader ({@code grep -r/-R} and kin, as {@code HookTamper.walksIntoProcessMemory} reads them) of a
 * directory above a terminal ({@code /}, {@code /dev}, {@code /dev/pts}, {@code /proc}, a relative or
 * unknown one) with {@code -D read}/{@code --devices=read} (any abbreviation; or an option only known
 * when it runs) is a terminal read.
 *
 * <p><b>W2, a descriptor left open by one typed line is written through its name by the next</b>
 * (typed). {@code CommandReader.writesThroughDescriptorNames} maps {@code /dev/fd/N} to the files
 * the same text opened on N; at the prompt that is the line. A redirection with a {@code {name}}
 * (bash: "the redirection persists beyond the scope of the command", {@code varredir_close} is off by
 * default) leaves the descriptor open in the guarded shell after the line: {@code : {fd}<FILE}
 * (allowed: {@code :} runs unlisted, a read redirection) opens FILE on descriptor 10, and the next
 * line {@code echo written-by-17bw >/dev/fd/10} (allowed: {@code /dev/fd/N} is among the allow-list's
 * writes, the line opened nothing on 10) reopens FILE for writing and replaces its content; {@code
 * >>} appends, so {@code echo 'touch W' >>/dev/fd/10} after {@code : {fd}<~/.bashrc} puts a command
 * into the account's startup file (the next interactive bash runs it: shown). Fix: at the prompt, a
 * write to {@code /dev/fd/N} (or {@code /dev/stdout}, {@code /dev/stderr}) of a descriptor the line did
 * not open on the terminal itself is refused in allow-list mode (only 0, 1, 2 as inherited are the
 * terminal); and/or a {@code {name}} redirection typed at the prompt is refused (or the integration
 * sets {@code shopt -s varredir_close}, which {@code HookTamper} then guards).
 *
 * <p><b>L4, the history file named by a key file</b> (exec and typed): {@code less --lesskey-src=/dev/stdin
 * '+/";touch W;#' F <<'EOF'} with {@code #env} / {@code LESSHISTFILE=.bashrc} as the here-document. less
 * 590's {@code lgetenv} takes a lesskey file's {@code #env} variables before the environment, and
 * {@code lesskey_src} (the {@code --lesskey-src} option) has no secure-mode check (binary {@code
 * lesskey}, {@code -k}, has one: held below). The allow-list refuses {@code LESSHISTFILE} only as a
 * shell assignment; {@code -k}/{@code --lesskey-src} are only known to {@code interpreter-inline}, which
 * the live list does not name. Shown: less (LESSSECURE=1) wrote {@code ~/.bashrc} ending in {@code
 * "";touch W;#}, which the next interactive bash ran. Fix: in allow-list mode refuse less's {@code
 * -k}/{@code --lesskey-src} (any spelling less takes: abbreviation, any case, the {@code \x01} letter),
 * whatever the classes, as the 17bu fix did for {@code pagerSecureDropped}; the gateway could also
 * export {@code LESSKEYIN=/dev/null}-style defaults, but the option wins.
 *
 * <p><b>L5, the history file's directory chosen by {@code XDG_DATA_HOME}</b> (exec and typed; also
 * {@code export}): less 590 writes {@code $XDG_DATA_HOME/lesshst} (else {@code $HOME/.lesshst}) when
 * {@code LESSHISTFILE} is unset, in secure mode too. Neither variable is in {@code
 * ShellJudge.LOOKUP_VARS}. Any directory the account can write gets a {@code lesshst} whose last line
 * the text chooses; where the account's {@code .bashrc} sources a directory (Fedora's and RHEL's
 * {@code /etc/skel/.bashrc} sources {@code ~/.bashrc.d/*}) it runs in the next session (shown with
 * that loop in the test's {@code .bashrc}). {@code XDG_STATE_HOME} is not read by less 590 (held).
 * Fix: add {@code XDG_DATA_HOME}, {@code XDG_STATE_HOME}, {@code XDG_CONFIG_HOME} (where less 590 finds
 * its default lesskey source) and {@code HOME} (for less's command) to the variables the allow-list
 * refuses, or have the gateway export {@code LESSHISTFILE=-} read-only with the secure mode.
 *
 * <p>Tried and refused (passing cases below): the pager's secure mode taken away by the other ways
 * bash unexports or empties a variable (an array: {@code read -aLESSSECURE}, {@code LESSSECURE+=(x)},
 * {@code : ${LESSSECURE[1]:=x}}, {@code $(( LESSSECURE[1]=1 ))}, {@code printf -v 'LESSSECURE[1]'},
 * {@code wait -p 'LESSSECURE[1]'}, a nameref's element; {@code unset 'LESSSECURE[0]'}, {@code unset
 * -n}/{@code -v}; {@code for}/{@code select LESSSECURE}; {@code builtin}/{@code command}/{@code eval}
 * forms; {@code exec -cl}, {@code exec -a N -c}); one exec text that opens and writes a named
 * descriptor ({@code : {fd}<F; echo x >/dev/fd/10}); {@code >/dev/fd/$fd}; {@code ls / {fd}<F} then
 * {@code ls / >/dev/fd/10}; the 17bu terminal names ({@code /dev/pts/N}, {@code cd /dev/pts && … N},
 * {@code ../../dev/pts/N}); {@code cd /dev/pts && grep … /proc/self/cwd/N} (not allowed, or not read);
 * {@code less -k /dev/stdin} (binary lesskey: secure mode ignores it); less's own commands in secure
 * mode ({@code s FILE}, {@code -o FILE}, {@code |}, {@code !}, {@code :e}, {@code v}); {@code systemctl
 * --message status restart} and {@code -M u@} (refused by the operand tables);
 * {@code less --lesskey-src=<(…)} (unclassified). Not findings, or not proven: {@code journalctl
 * --cursor-file=FILE} is allowed and would overwrite FILE with a cursor, but this machine has no
 * journal to prove it with; {@code HOME=DIR less} writes {@code DIR/.lesshst} only (a dot name no
 * startup loop takes); {@code cat /proc/PID/environ} shows no secret of the gateway (the session's
 * environment holds none).
 *
 * <p>At 7124e01c: 59 cases, 21 failing (every finding case), 38 held. Live ({@code ShellLiveAttack17bwIT}, 6 failing): T1/T2 across two people of {@code ssh-strict}, W2 and L4 on
 * {@code ssh-strict}.
 */
class ShellAttack17bwTest {
  static final ShellJudge DOCS_LIVE = ShellAttack17buTest.DOCS_LIVE;

  private static boolean allowed(ShellJudgement j) {
    return j.verdict() instanceof dev.gatehouse.policy.Verdict.Allow;
  }

  private static List<String> lines(String text) {
    return Arrays.asList(text.split(" ;; "));
  }

  /** Exec: the lines as one text; typed: each line alone at the prompt. Whether all were allowed, and the verdicts. */
  private static String verdicts(String how, List<String> lines, boolean[] allowed) {
    StringBuilder sb = new StringBuilder();
    allowed[0] = true;
    if (how.equals("exec")) {
      ShellJudgement j = DOCS_LIVE.judge(String.join("\n", lines));
      allowed[0] = allowed(j);
      sb.append(j.verdict().label()).append(' ').append(j.verdict().rule()).append(' ').append(j.commands());
    } else {
      for (String l : lines) {
        ShellJudgement j = DOCS_LIVE.judgeTyped(l);
        allowed[0] &= allowed(j);
        sb.append('[').append(l).append(": ").append(j.verdict().label()).append(' ').append(j.verdict().rule()).append("] ");
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- T1, T2: another session's terminal

  /**
   * A victim: a program on a terminal of its own ({@code script} makes it) that does not read it,
   * as a person's bash between prompts or a program that will read a password; what this test
   * "types" into that terminal must not show in the reader's output. {@code PTS} in the template is
   * the terminal's number.
   */
  static void assertOtherTerminalNotRead(String how, String template, Path tmp) throws Exception {
    Path ttyFile = tmp.resolve("tty");
    ProcessBuilder vpb = new ProcessBuilder("script", "-qfec", "tty > " + ttyFile + "; exec sleep 40", "/dev/null")
        .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("victim.out").toFile());
    vpb.environment().put("SHELL", "/bin/bash");
    Process victim = vpb.start();
    Process reader = null;
    try {
      String tty = "";
      for (int i = 0; i < 100 && !tty.startsWith("/dev/pts/"); i++) {
        Thread.sleep(100);
        tty = Files.exists(ttyFile) ? Files.readString(ttyFile).strip() : "";
      }
      assertThat(tty).as("the victim's terminal").startsWith("/dev/pts/");
      String n = tty.substring("/dev/pts/".length());
      List<String> lines = lines(template.replace("PTS", n));
      boolean[] ok = new boolean[1];
      String v = verdicts(how, lines, ok);
      if (!ok[0]) {
        return;
      }
      Path out = tmp.resolve("reader.out");
      reader = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", String.join("\n", lines))
          .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      Thread.sleep(1500);
      var typed = victim.getOutputStream();
      for (int i = 0; i < 6 && reader.isAlive(); i++) {
        typed.write(("secret-17bw-" + i + "\n").getBytes(StandardCharsets.UTF_8));
        typed.flush();
        Thread.sleep(400);
      }
      reader.waitFor(3, TimeUnit.SECONDS);
      reader.descendants().forEach(ProcessHandle::destroyForcibly);
      reader.destroyForcibly();
      reader.waitFor(3, TimeUnit.SECONDS);
      String got = Files.readString(out, StandardCharsets.ISO_8859_1);
      assertThat(got).as("the guard allowed %s (%s: %s); run in another session it read what was typed into %s: %s",
          lines, how, v, tty, got).doesNotContain("secret-17bw");
    } finally {
      if (reader != null) {
        reader.descendants().forEach(ProcessHandle::destroyForcibly);
        reader.destroyForcibly();
      }
      victim.descendants().forEach(ProcessHandle::destroyForcibly);
      victim.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "T1 {0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      exec  | cd ../../../.. && grep -m1 secret dev/pts/PTS
      typed | cd ../../../.. && grep -m1 secret dev/pts/PTS
      typed | cd /dev/pts ;; grep -m1 secret PTS
      typed | cd /dev ;; grep -m1 secret pts/PTS
      typed | cd /dev/pts ;; cat PTS
      exec  | cd /dev/pts; cd /; cd - >/dev/null; grep -m1 secret PTS
      """)
  void anotherTerminalReadFromADirectoryTheJudgeDoesNotKnow(String how, String template, @TempDir Path tmp) throws Exception {
    assertOtherTerminalNotRead(how, template, tmp);
  }

  @ParameterizedTest(name = "T2 {0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      exec  | grep -r -D read --include=PTS -m1 secret /dev
      typed | grep -r -D read --include=PTS -m1 secret /dev
      typed | grep -rDread --include=PTS -m1 secret /dev
      exec  | cd /dev && grep -r --devices=read --include=PTS -m1 secret .
      """)
  void grepRecursesIntoAnotherTerminal(String how, String template, @TempDir Path tmp) throws Exception {
    assertOtherTerminalNotRead(how, template, tmp);
  }

  /** The 17bu forms stay refused (the control: the victim's terminal by its own name). */
  @ParameterizedTest(name = "still refused {0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      exec  | grep -m1 secret /dev/pts/PTS
      typed | grep -m1 secret /dev/pts/PTS
      exec  | cd /dev/pts && grep -m1 secret PTS
      exec  | grep -m1 secret ../../../../dev/pts/PTS
      exec  | grep -R -m1 secret /dev/pts
      exec  | cd /dev/pts && grep -m1 secret /proc/self/cwd/PTS
      typed | cd /dev/pts && grep -m1 secret /proc/self/cwd/PTS
      """)
  void namedTerminalStaysRefused(String how, String template, @TempDir Path tmp) throws Exception {
    assertOtherTerminalNotRead(how, template, tmp);
  }

  /**
   * A name whose start is only known when it runs: a variable set on the same line or an earlier
   * one, or read from input, may hold another session's terminal. Refused under the allow-list
   * wherever a listed program reads a file by it ({@code cat -- "$f"} too); a program that only
   * prints or lists the name ({@code ls "$x"}, {@code echo}) is not refused.
   */
  @ParameterizedTest(name = "variable {0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      exec  | x=/dev/pts/PTS; grep -m1 secret $x
      typed | x=/dev/pts/PTS ;; grep -m1 secret -- "$x"
      typed | x=/dev/pts/PTS ;; cat < "$x"
      exec  | x=/dev/pts/PTS; tail --follow=name --lines=1 --retry --file="$x" 2>/dev/null; cat -- $x
      exec  | read -r x <<< /dev/pts/PTS; grep -m1 secret "$x"
      """)
  void aNameOnlyKnownWhenItRunsMayBeAnotherTerminal(String how, String template, @TempDir Path tmp) throws Exception {
    assertOtherTerminalNotRead(how, template, tmp);
  }

  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {"ls -l \"$x\"", "echo \"$x\"", "cat /etc/hostname", "grep -e root -- /etc/passwd"})
  void aNameOnlyKnownWhenItRunsIsStillListedAndPrinted(String text) {
    assertThat(allowed(DOCS_LIVE.judge(text))).as("%s under the allow-list", text).isTrue();
  }

  /**
   * {@code journalctl --cursor-file=FILE} writes the last shown entry's cursor into FILE (systemd
   * 252's journalctl; not run here: this machine has no journal to show an entry from). Refused by
   * any prefix getopt_long takes, and for a word only known when it runs where journalctl reads
   * options; the everyday forms stay allowed.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"journalctl --cursor-file=/home/u/.bashrc -n 1", "journalctl -n1 --cursor-file ~/.profile",
      "journalctl --cursor-f=x", "journalctl --cursor-=x -u ssh", "journalctl \"$o\" -n 1"})
  void journalctlsCursorFileIsAWrite(String text) {
    assertThat(allowed(DOCS_LIVE.judge(text))).as("exec %s", text).isFalse();
    assertThat(allowed(DOCS_LIVE.judgeTyped(text))).as("typed %s", text).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"journalctl -u ssh -n 50 --no-pager", "journalctl --cursor=s=abc -n 5", "journalctl --show-cursor -n 1",
      "journalctl --after-cursor=s=abc"})
  void journalctlsReadingFormsStayAllowed(String text) {
    assertThat(allowed(DOCS_LIVE.judge(text))).as("exec %s", text).isTrue();
  }

  // ---------------------------------------------------------------- W2: a descriptor left open by an earlier line

  private static final String ORIGINAL = "original content\n";

  @ParameterizedTest(name = "W2 {0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      typed | : {fd}<VICTIM ;; echo written-by-17bw >/dev/fd/10
      typed | : {fd}<VICTIM ;; echo written-by-17bw >>/dev/fd/10
      typed | : {fd}<VICTIM ;; : >/dev/fd/10
      typed | : {fd}<VICTIM ;; ls / 1<&10 >/dev/stdout
      """)
  void aDescriptorLeftOpenByAnEarlierLineIsWrittenThroughItsName(String how, String template, @TempDir Path tmp)
      throws Exception {
    Path victim = tmp.resolve("victim");
    Files.writeString(victim, ORIGINAL);
    List<String> lines = lines(template.replace("VICTIM", victim.toString()));
    boolean[] ok = new boolean[1];
    String v = verdicts(how, lines, ok);
    if (!ok[0]) {
      return;
    }
    String out = BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", String.join("\n", lines)), "");
    assertThat(Files.readString(victim, StandardCharsets.UTF_8)).as("the guard allowed %s (%s: %s), which writes no file;"
        + " bash wrote the file a line opened for reading: %s", lines, how, v, out).isEqualTo(ORIGINAL);
  }

  @ParameterizedTest(name = "held {0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      typed | ls / {fd}<VICTIM ;; ls / >/dev/fd/10
      exec  | : {fd}<VICTIM; echo written-by-17bw >/dev/fd/10
      typed | : {fd}<VICTIM ;; echo written-by-17bw >/dev/fd/$fd
      """)
  void descriptorWritesStillRefused(String how, String template, @TempDir Path tmp) throws Exception {
    aDescriptorLeftOpenByAnEarlierLineIsWrittenThroughItsName(how, template, tmp);
  }

  /** The account's startup file, opened for reading by one typed line and appended to by the next; the next session runs it. */
  @org.junit.jupiter.api.Test
  void aTypedLinePutsACommandInTheStartupFileThroughADescriptorAnEarlierLineOpened(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve(".bashrc"), "# ~/.bashrc\n");
    Path w = tmp.resolve("w");
    List<String> lines = List.of(": {fd}<~/.bashrc", "echo 'touch " + w + "' >>/dev/fd/10");
    boolean[] ok = new boolean[1];
    String v = verdicts("typed", lines, ok);
    if (!ok[0]) {
      return;
    }
    BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", String.join("\n", lines)), "");
    String out = BashWitness.run(tmp, List.of("bash", "-ic", "true"), "");
    assertThat(Files.exists(w)).as("typed %s (%s); ~/.bashrc became [%s] and the next interactive bash ran touch: %s",
        lines, v, Files.readString(tmp.resolve(".bashrc")), out).isFalse();
  }

  // ---------------------------------------------------------------- L2 cousin: the history file named by a lesskey file

  /**
   * less's {@code lgetenv} takes a lesskey file's {@code #env} variables before the environment: a
   * {@code --lesskey-src} given on the line (here a here-document, as {@code /dev/stdin}) could name
   * the history file without any shell assignment, if less reads the key file in secure mode.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      exec  | less --lesskey-src=/dev/stdin '+/";touch WITNESS;#' /etc/hostname <<'EOF' NL #env NL LESSHISTFILE=.bashrc NL EOF
      typed | less --lesskey-src=/dev/stdin '+/";touch WITNESS;#' /etc/hostname <<'EOF' NL #env NL LESSHISTFILE=.bashrc NL EOF
      exec  | less --lesskey-src /dev/stdin '+/";touch WITNESS;#' /etc/hostname <<< $'#env\\nLESSHISTFILE=.bashrc'
      """)
  void aKeyFileNamesTheHistoryFile(String how, String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString()).replace(" NL ", "\n");
    boolean typed = how.equals("typed");
    ShellJudgement j = typed ? DOCS_LIVE.judgeTyped(text) : DOCS_LIVE.judge(text);
    if (!allowed(j)) {
      return;
    }
    Files.writeString(tmp.resolve("t.sh"), text);
    String out = BashWitness.run(tmp, List.of("script", "-qec",
        "env LESSSECURE=1 SYSTEMD_PAGERSECURE=1 bash --norc --noprofile -c \"$(cat t.sh)\"", "/dev/null"), "q\nq\n");
    assertThat(Files.exists(w)).as("less itself ran nothing").isFalse();
    out += BashWitness.run(tmp, List.of("bash", "-ic", "true"), "");
    assertThat(Files.exists(w)).as("the guard allowed %s (%s: %s %s); less, in secure mode, wrote its history where the"
        + " key file said, ~/.bashrc [%s], and the next interactive bash ran it: %s", text, how, j.verdict().label(),
        j.commands(), Files.exists(tmp.resolve(".bashrc")) ? Files.readString(tmp.resolve(".bashrc")) : "", out).isFalse();
  }

  /**
   * The directory less 590 puts its history file in when {@code LESSHISTFILE} is not set: {@code
   * $XDG_DATA_HOME/lesshst} (or {@code $XDG_STATE_HOME}), else {@code $HOME/.lesshst}. Fedora's and RHEL's
   * {@code /etc/skel/.bashrc} sources every file in {@code ~/.bashrc.d}: a {@code lesshst} there runs
   * in the account's next session (the test's {@code .bashrc} holds that loop, as Fedora's does).
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      exec  | XDG_DATA_HOME=~/.bashrc.d less '+/";touch WITNESS;#' /etc/hostname
      typed | XDG_DATA_HOME=~/.bashrc.d less '+/";touch WITNESS;#' /etc/hostname
      exec  | export XDG_DATA_HOME=~/.bashrc.d; less '+/";touch WITNESS;#' /etc/hostname
      """)
  void theHistoryFilesDirectoryIsChosenByAnotherVariable(String how, String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString());
    boolean typed = how.equals("typed");
    ShellJudgement j = typed ? DOCS_LIVE.judgeTyped(text) : DOCS_LIVE.judge(text);
    if (!allowed(j)) {
      return;
    }
    Files.createDirectories(tmp.resolve(".bashrc.d"));
    Files.writeString(tmp.resolve(".bashrc"), "# Fedora's /etc/skel/.bashrc\nif [ -d ~/.bashrc.d ]; then\n"
        + "  for rc in ~/.bashrc.d/*; do\n    if [ -f \"$rc\" ]; then\n      . \"$rc\"\n    fi\n  done\nfi\nunset rc\n");
    Files.writeString(tmp.resolve("t.sh"), text);
    String out = BashWitness.run(tmp, List.of("script", "-qec",
        "env LESSSECURE=1 SYSTEMD_PAGERSECURE=1 bash --norc --noprofile -c \"$(cat t.sh)\"", "/dev/null"), "q\nq\n");
    assertThat(Files.exists(w)).as("less itself ran nothing").isFalse();
    out += BashWitness.run(tmp, List.of("bash", "-ic", "true"), "");
    String[] made = tmp.resolve(".bashrc.d").toFile().list();
    assertThat(Files.exists(w)).as("the guard allowed %s (%s: %s %s); less, in secure mode, wrote its history into"
        + " ~/.bashrc.d %s and the next interactive bash sourced it: %s", text, how, j.verdict().label(), j.commands(),
        Arrays.toString(made), out).isFalse();
  }

  /** Held: the binary key file ({@code -k}) is ignored in secure mode; less 590 does not read {@code XDG_STATE_HOME}. */
  @org.junit.jupiter.api.Test
  void heldKeyFileAndStateHome(@TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("a"));
    Files.createDirectories(tmp.resolve("b"));
    aKeyFileNamesTheHistoryFile("exec", "less -k /dev/stdin '+/\";touch WITNESS;#' /etc/hostname <<'EOF' NL #env NL LESSHISTFILE=.bashrc NL EOF", tmp.resolve("a"));
    theHistoryFilesDirectoryIsChosenByAnotherVariable("exec", "XDG_STATE_HOME=~/.bashrc.d less '+/\";touch WITNESS;#' /etc/hostname", tmp.resolve("b"));
  }

  /** less's own commands typed at its prompt, in secure mode (held: less refuses them). */
  @ParameterizedTest(name = "{0} then keys {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      cat /etc/hostname | less => sWITNESS NL q
      cat /etc/hostname | less => -oWITNESS NL q
      cat /etc/hostname | less => |.touch WITNESS NL  NL q
      less /etc/hostname => !touch WITNESS NL  NL q
      less /etc/hostname => :e WITNESS NL q
      less /etc/hostname => vq
      """)
  void lessCommandsInSecureMode(String text, String keys, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    assertThat(allowed(DOCS_LIVE.judge(text))).as(text).isTrue();
    Files.writeString(tmp.resolve("t.sh"), text);
    String out = BashWitness.run(tmp, List.of("script", "-qec",
        "env LESSSECURE=1 SYSTEMD_PAGERSECURE=1 EDITOR='touch " + w + "' VISUAL='touch " + w
            + "' bash --norc --noprofile -c \"$(cat t.sh)\"", "/dev/null"),
        keys.replace("WITNESS", w.toString()).replace(" NL ", "\n") + "\nq\n");
    assertThat(Files.exists(w)).as("less in secure mode wrote or ran: %s", out).isFalse();
  }

  // ---------------------------------------------------------------- L1 cousins: the secure mode taken away otherwise (held)

  @ParameterizedTest(name = "exec: {0}")
  @ValueSource(strings = {
      "read -aLESSSECURE <<< 1; less /etc/hostname",
      "read -raLESSSECURE <<< 1; less /etc/hostname",
      "read 'LESSSECURE[1]' <<< 1; less /etc/hostname",
      "LESSSECURE+=(x); less /etc/hostname",
      ": ${LESSSECURE[1]:=x}; less /etc/hostname",
      ": ${LESSSECURE[1]=x}; less /etc/hostname",
      ": $(( LESSSECURE[1] = 1 )); less /etc/hostname",
      "printf -v 'LESSSECURE[1]' x; less /etc/hostname",
      "unset 'LESSSECURE[0]'; less /etc/hostname",
      "for LESSSECURE in ''; do less /etc/hostname; done",
      "builtin export -n LESSSECURE; less /etc/hostname",
      "command declare +x LESSSECURE; less /etc/hostname",
      "eval 'export -n LESSSECURE'; less /etc/hostname",
      "declare -n r=LESSSECURE; r[1]=x; less /etc/hostname",
      "getopts a 'LESSSECURE[1]' -a; less /etc/hostname",
      "select LESSSECURE in x; do less /etc/hostname; break; done <<< 9",
      "unset -n LESSSECURE; less /etc/hostname",
      "unset -v LESSSECURE; less /etc/hostname",
      "(exec -cl less /etc/hostname)",
      "(exec -a pager -c less /etc/hostname)",
      "wait -p 'LESSSECURE[1]'; less /etc/hostname"})
  void thePagersSecureModeStaysOn(String text, @TempDir Path tmp) throws Exception {
    ShellAttack17buTest.assertPagerRunsNothing(DOCS_LIVE, text, tmp, false);
  }
}
