package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17al on the shell judge (after 74f5137: a computed name counts as written only as a
 * program's output option or output operand; 6b0f662: derived names of decompressors and
 * archivers; d7fb9c6: pgbench, PostgreSQL servers, node inspect). Each case asserts the secure
 * outcome against real bash: the only command the texts run is {@code touch} of a file in a
 * temporary directory (also HOME and the working directory), and every case is allowed by the exec
 * or the typed judgement without {@code touch} among its commands. Each was run as written under
 * bash 5.2 on Debian 12 (less 590, coreutils 9.1, GNU tar, unzip 6.0, OpenJDK 17's jar,
 * python3.11, util-linux setpriv, iconv) and created the witness. Policies: the docs' deny-list
 * ({@link ShellJudgeTest#DEFAULT}) and 17ai's wide allow-list ({@link
 * ShellAttack17aiTest#WIDE_ALLOW_LIST}: with tar, gzip, sed, curl, less).
 *
 * <p><b>Group 1: names split and csplit make from a literal prefix and a suffix, and an output
 * option glued to a path.</b> {@code ReadAtStart.outputOptionWords} returns csplit's/split's
 * prefix, and {@code unknownStartupName} then drops every literal word: a literal prefix {@code
 * .lessk} is no startup file by name, yet csplit appends its {@code -b}/{@code --suffix-format}
 * ({@code 'ey%.0d'}: piece 0 prints as {@code ey}) and split appends its generated suffix and
 * {@code --additional-suffix} ({@code -a 1}, the fifth piece {@code e}, then {@code y}), so both
 * write {@code ~/.lesskey}. The name is never put together from the literal prefix and the
 * literal suffix (a suffix format only known when it runs is refused). A glued output option is only taken when the
 * unknown part starts right after {@code -o} ({@code v.indexOf(Word.UNKNOWN) == 2}): {@code iconv
 * -o./"$n"} (getopt takes the rest of the word) is read as no output at all.
 *
 * <p><b>Group 2: archives that are the text's own bytes, from a file it writes or a process
 * substitution.</b> {@code ReadAtStart.derivedNames} reads tar only when it extracts its input
 * with no {@code f} or {@code f -} and that input is a pipe from printf/echo/base64/xxd or a
 * here-string ({@code tarReadsTextBytes}), and reads no other extractor at all. The same printf
 * octal data written to {@code a.tgz}/{@code a.zip} first and then extracted ({@code tar xzf},
 * {@code tar -xz < a.tgz}, {@code cat a.tgz | tar -xz}, {@code gzip -dc a.tgz | tar -x},
 * {@code unzip}, {@code jar xf}, {@code python3 -m zipfile -e}), or handed over as {@code <(printf
 * …)} ({@code tar -xzf <(…)}, {@code tar -xz < <(…)}: allowed by the wide allow-list too), writes
 * a member named {@code .lesskey} whose name is only in octal escapes. Not an archive brought in
 * (the stated limit): its bytes are the text's own. The same derived names escape {@code
 * WrittenThenRun}: a member {@code ks} ({@code touch w}) extracted from such an archive and run by
 * {@code sh ks}.
 *
 * <p><b>Group 3: a pager started without secure mode by routes {@code
 * CommandPrompts.pagerSecureDropped} does not read.</b> It reads {@code env} (-u, -i, -,
 * --ignore-environment), declaration builtins with {@code +x}/{@code export -n}; but bash's
 * {@code exec -c} starts the program with an empty environment (allowed by the exec judgement,
 * both policies); {@code declare -a}/{@code -A LESSSECURE} and {@code LESSSECURE[1]=x} turn the
 * variable into an array, which bash does not export (on a command target, where it is not
 * read-only); env's {@code -S'-i'} and {@code --split-string='-i …'} hide {@code -i} in a split
 * string, and {@code env -C / -i} puts it after {@code -C}'s value (the loop stops at the first
 * non-option word, {@code /}); {@code setpriv --reset-env} clears the environment. Each was run
 * under {@code script} with {@code LESSSECURE=1 SYSTEMD_PAGERSECURE=1} exported (as the gateway
 * does) and the keys {@code !touch W}: less ran it; plain {@code less} refuses (checked below).
 *
 * <p>Tried and already refused (or not a bypass here): {@code zstd -qdo "$n"}, {@code zstd -qd
 * a.zst -o./"$n"} (zstd takes no glued {@code -o}), {@code iconv --output-fi=} (iconv refuses
 * it), {@code gpg -o./"$n"}, csplit/split with a computed prefix, csplit's {@code -b "$k%.0d"} ({@code k=key}) and {@code -b
 * "${n#.less}%.0d"}, {@code split … "./$n"}, {@code
 * patch -p0}/{@code git apply} of a printf'd diff naming {@code \056lesskey}, {@code zipnote -w
 * < c}, {@code zipnote --w}, {@code ar x} of a printf'd archive, {@code ln -sr}, {@code cp -T},
 * {@code install -D}, {@code base64 -d | dd of=}, {@code pigz -d}, {@code gzip --decompress
 * [--no-name]}, {@code gzip -d -f}/{@code -fd}/{@code -kd}, {@code xz --format=}, {@code unzstd
 * --format=gzip}, {@code gzip -d *.gz}, {@code find -exec gzip -d}, {@code xargs gzip -d}; tar of
 * printf's pipe by {@code -f /dev/stdin}, {@code /proc/self/fd/0}, {@code --file=/dev/stdin},
 * through {@code cat}/{@code dd}, in {@code { }}/{@code ( )}, {@code -C .}, {@code --get}, {@code
 * -k}, {@code bsdtar}. Pager: {@code env -S '-i …'}, {@code env -S '-u LESSSECURE'}, {@code env
 * -0i}/{@code -i0}/{@code -C/ -i}, a nameref ({@code declare -n r=LESSSECURE; unset r}/{@code
 * r=}), {@code read}/{@code printf -v}/{@code for}/{@code mapfile}/{@code getopts}/{@code select}
 * of {@code LESSSECURE}, {@code unset -v}, {@code unset "$v"}, {@code unset ${!LESSSEC*}}, {@code
 * builtin declare +x}, {@code command export -n}, {@code declare -x +x}, {@code readonly -n},
 * {@code declare -u …; LESSSECURE=}, {@code ${LESSSECURE#1}} and the like, {@code setsid}/{@code
 * nohup}/{@code timeout env -i}, su, runuser, sudo, systemd-run ({@code declare -l} and {@code exec
 * -c systemctl} are allowed but ran nothing: the value stays {@code 1}; systemctl without TERM
 * pages nothing). PostgreSQL and node: pgbench {@code -f /dev/fd/0}, glued {@code -f/dev/stdin},
 * {@code --file /dev/stdin}, {@code -f <(…)}; {@code psql -f <(…)}, {@code psql < <(…)}; {@code
 * postgres --single} fed {@code COPY … TO PROGRAM}; glued {@code -carchive_command=}, {@code
 * --archive_command=}, upper case, {@code archive-command}, {@code -o} repeated, {@code --options=},
 * {@code recovery_end_command}, {@code pg_ctlcluster … -- -c}/{@code -o}; {@code node inspect}
 * as {@code nodejs}, {@code node18}, {@code /usr/bin/node}, under {@code env}, {@code node debug},
 * {@code --port=}, {@code --}, {@code < <(…)}, {@code repl}: all refused.
 */
class ShellAttack17alTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17aiTest.WIDE_ALLOW_LIST;

  /** A stored zip of one member, {@code .lesskey}, holding {@code #env / LESSOPEN=|touch w %s}, as printf octal escapes. */
  static final String ZIP_OF_LESSKEY = "\\120\\113\\003\\004\\012\\000\\000\\000\\000\\000\\262\\150\\205\\135\\355\\054\\054\\132\\032\\000\\000\\000\\032\\000\\000\\000\\010\\000\\000\\000\\056\\154\\145\\163\\163\\153\\145\\171\\043\\145\\156\\166\\012\\114\\105\\123\\123\\117\\120\\105\\116\\075\\174\\164\\157\\165\\143\\150\\040\\167\\040\\045\\163\\012\\120\\113\\001\\002\\036\\003\\012\\000\\000\\000\\000\\000\\262\\150\\205\\135\\355\\054\\054\\132\\032\\000\\000\\000\\032\\000\\000\\000\\010\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\244\\201\\000\\000\\000\\000\\056\\154\\145\\163\\163\\153\\145\\171\\120\\113\\005\\006\\000\\000\\000\\000\\001\\000\\001\\000\\066\\000\\000\\000\\100\\000\\000\\000\\000\\000";

  /** A stored zip of one member, {@code ks}, holding {@code touch w}, as printf octal escapes. */
  static final String ZIP_OF_SCRIPT = "\\120\\113\\003\\004\\012\\000\\000\\000\\000\\000\\305\\150\\205\\135\\303\\162\\317\\363\\010\\000\\000\\000\\010\\000\\000\\000\\002\\000\\000\\000\\153\\163\\164\\157\\165\\143\\150\\040\\167\\012\\120\\113\\001\\002\\036\\003\\012\\000\\000\\000\\000\\000\\305\\150\\205\\135\\303\\162\\317\\363\\010\\000\\000\\000\\010\\000\\000\\000\\002\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\244\\201\\000\\000\\000\\000\\153\\163\\120\\113\\005\\006\\000\\000\\000\\000\\001\\000\\001\\000\\060\\000\\000\\000\\050\\000\\000\\000\\000\\000";

  /** A gzip-compressed ustar archive of one member, {@code ks}, holding {@code touch w}, as printf octal escapes. */
  static final String TGZ_OF_SCRIPT = "\\037\\213\\010\\000\\000\\000\\000\\000\\000\\003\\355\\316\\061\\012\\203\\100\\020\\005\\320\\255\\163\\212\\075\\302\\010\\222\\373\\210\\115\\040\\305\\202\\256\\170\\175\\327\\124\\041\\105\\202\\205\\110\\340\\275\\346\\017\\063\\123\\374\\347\\234\\116\\027\\315\\275\\357\\137\\331\\174\\146\\104\\367\\066\\357\\373\\056\\242\\275\\347\\070\\277\\132\\112\\313\\134\\207\\051\\347\\064\\225\\122\\277\\375\\375\\272\\377\\251\\132\\226\\361\\221\\327\\333\\325\\075\\000\\000\\000\\000\\000\\000\\000\\000\\000\\070\\146\\003\\206\\177\\316\\232\\000\\050\\000\\000";

  static String archives(String template) {
    return template.replace("ZIP", ZIP_OF_LESSKEY).replace("TGZ", ShellAttack17akTest.TGZ_OF_LESSKEY)
        .replace("'ZK'", "'" + ZIP_OF_SCRIPT + "'").replace("'GK'", "'" + TGZ_OF_SCRIPT + "'");
  }

  /** Group 1, deny-list: csplit/split write ~/.lesskey from a literal prefix and a suffix; iconv -o./"$n". */
  @ParameterizedTest(name = "deny-list: a literal prefix plus a suffix, or a glued output path, writes ~/.lesskey: {0}")
  @ValueSource(strings = {
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; csplit -z -s -f .lessk -b 'ey%.0d' x 1; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | csplit -z -s -f .lessk -b 'ey%.0d' - 1; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | csplit -z -s --prefix=.lessk --suffix-format='ey%.0d' - 1; less /etc/hostname",
      "printf 'a\\nb\\nc\\nd\\ne\\nf\\ng\\nh\\n#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; split -l 2 -a 1 --additional-suffix=y x .lessk; less /etc/hostname",
      "printf 'a\\nb\\nc\\nd\\ne\\nf\\ng\\nh\\n#env\\nLESSOPEN=|touch WITNESS %%s\\n' | split -l 2 -a 1 --additional-suffix=y - .lessk; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; iconv -f utf-8 -t utf-8 -o./\"$n\" x; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | iconv -o./\"$n\"; less /etc/hostname"})
  void aSplitPrefixOrGluedOutputWritesALesskeyFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Group 2, deny-list: an archive of the text's own bytes, written to a file first, extracts ~/.lesskey. */
  @ParameterizedTest(name = "deny-list: an archive the text writes extracts ~/.lesskey: {0}")
  @ValueSource(strings = {
      "printf 'ZIP' > a.zip; unzip -q a.zip; less /etc/hostname",
      "printf 'ZIP' > a.zip; jar xf a.zip; less /etc/hostname",
      "printf 'ZIP' > a.zip; python3 -m zipfile -e a.zip .; less /etc/hostname",
      "printf 'TGZ' > a.tgz; tar -xzf a.tgz; less /etc/hostname",
      "printf 'TGZ' > a.tgz; tar xzf a.tgz; less /etc/hostname",
      "printf 'TGZ' > a.tgz; tar -xz < a.tgz; less /etc/hostname",
      "printf 'TGZ' > a.tgz; cat a.tgz | tar -xz; less /etc/hostname",
      "printf 'TGZ' > a.tgz; gzip -dc a.tgz | tar -x; less /etc/hostname",
      "printf 'TGZ' | gzip -d > a.tar; tar -xf a.tar; less /etc/hostname"})
  void anArchiveTheTextWritesExtractsALesskeyFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, archives(template), tmp, false);
  }

  /** Group 2, both policies: tar extracts printf's bytes given as a process substitution. */
  @ParameterizedTest(name = "tar extracts a process substitution's archive holding ~/.lesskey: {0}")
  @ValueSource(strings = {
      "tar -xz < <(printf 'TGZ'); less /etc/hostname",
      "tar -xzf <(printf 'TGZ'); less /etc/hostname"})
  void tarExtractsAProcessSubstitutionHoldingALesskeyFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, archives(template), tmp, false);
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, archives(template), tmp, false);
  }

  /** Group 2, deny-list: a script extracted from an archive the text writes is run. */
  @ParameterizedTest(name = "deny-list: a script extracted from the text's own archive is run: {0}")
  @ValueSource(strings = {
      "printf 'ZK' > a.zip; unzip -q a.zip; sh ks",
      "printf 'ZK' > a.zip; unzip -q a.zip && bash ks",
      "printf 'ZK' > a.zip; jar xf a.zip; sh ks",
      "printf 'GK' > a.tgz; tar xzf a.tgz; sh ks",
      "tar -xz < <(printf 'GK'); sh ks"})
  void aScriptExtractedFromTheTextsArchiveIsRun(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, archives(template), tmp, false);
  }

  /**
   * The text (no {@code WITNESS}: the keys carry it) refused by both judgements, or listing
   * {@code touch}: else run on a terminal ({@code script}) with the gateway's {@code LESSSECURE=1}
   * and {@code SYSTEMD_PAGERSECURE=1} exported and the keys {@code !touch W}, then {@code q}, it
   * must not create the witness.
   */
  static void assertPagerRunsNoUnjudgedTouch(ShellJudge judge, String text, Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    ShellJudgement exec = judge.judge(text);
    ShellJudgement typed = judge.judgeTyped(text);
    if (!BashWitness.allowedWithoutTouch(exec) && !BashWitness.allowedWithoutTouch(typed)) {
      return;
    }
    String out = BashWitness.run(tmp, List.of("env", "LESSSECURE=1", "SYSTEMD_PAGERSECURE=1", "TERM=xterm", "script",
        "-qec", text, "/dev/null"), "!touch " + w + "\nq\nq\n");
    assertThat(Files.exists(w)).as("the guard allowed %s (exec: %s %s, typed: %s %s); less ran !touch W: %s", text,
        exec.verdict().label(), exec.commands(), typed.verdict().label(), typed.commands(), out).isFalse();
  }

  /** Group 3, both policies: exec -c and an array LESSSECURE start less without secure mode. */
  @ParameterizedTest(name = "less without secure mode: {0}")
  @ValueSource(strings = {
      "exec -c less /etc/hostname",
      "(exec -c less /etc/hostname)",
      "exec -c -a less less /etc/hostname",
      "declare -a LESSSECURE; less /etc/hostname",
      "declare -A LESSSECURE; less /etc/hostname",
      "typeset -A LESSSECURE; less /etc/hostname",
      "declare -g -a LESSSECURE; less /etc/hostname",
      "exec -ca less less /etc/hostname"})
  void lessStartedWithoutSecureModeBothPolicies(String text, @TempDir Path tmp) throws Exception {
    assertPagerRunsNoUnjudgedTouch(DEFAULT, text, tmp);
    assertPagerRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, text, tmp);
  }

  /** Group 3, deny-list: env's split string, -i after -C's value, setpriv --reset-env, an array element. */
  @ParameterizedTest(name = "deny-list: less without secure mode: {0}")
  @ValueSource(strings = {
      "LESSSECURE[1]=x; less /etc/hostname",
      "LESSSECURE[0]=1; less /etc/hostname",
      "declare LESSSECURE[0]=1; less /etc/hostname",
      "env -S'-i' less /etc/hostname",
      "env --split-string='-i less /etc/hostname'",
      "env -C / -i less /etc/hostname",
      "setpriv --reset-env less /etc/hostname"})
  void lessStartedWithoutSecureMode(String text, @TempDir Path tmp) throws Exception {
    assertPagerRunsNoUnjudgedTouch(DEFAULT, text, tmp);
  }

  /** Control for group 3 (passes): with secure mode the same keys run nothing. */
  @Test
  void plainLessKeepsSecureMode(@TempDir Path tmp) throws Exception {
    BashWitness.run(tmp, List.of("env", "LESSSECURE=1", "SYSTEMD_PAGERSECURE=1", "TERM=xterm", "script", "-qec",
        "less /etc/hostname", "/dev/null"), "!touch " + tmp.resolve("w") + "\nq\nq\n");
    assertThat(Files.exists(tmp.resolve("w"))).isFalse();
  }
}
