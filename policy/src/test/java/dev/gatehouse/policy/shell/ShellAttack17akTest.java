package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ak on the shell judge (after 1410b03, the rule for a file written under a name
 * only known when it runs, and e93a0b1, jdb/gpg-connect-agent). Each case asserts the secure
 * outcome against real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}): the only command the
 * texts run is {@code touch} of a file in a temporary directory (also HOME and the working
 * directory), and every case is allowed by the exec or the typed judgement without {@code touch}
 * among its commands. Each was run as written under bash 5.2 on Debian 12 (less 590, GNU gzip,
 * xz, bzip2, zstd, zip/zipnote/unzip, coreutils 9.1, OpenSSL 3, xxd, node 18, pgbench 15) and
 * created the witness. Policies: the docs' deny-list ({@link ShellJudgeTest#DEFAULT}) and 17ai's
 * wide allow-list ({@link ShellAttack17aiTest#WIDE_ALLOW_LIST}, with gzip, sed, curl, less).
 *
 * <p><b>Group 1: writers of a computed name that {@code ReadAtStart.outputWords} does not list.</b>
 * {@code ReadAtStart.writesUnknownStartupName} only looks at redirections and at the words {@code
 * outputWords} picks (tee, cp/mv/install/ln's target, {@code dd of=}, curl/sort/shuf {@code -o},
 * wget {@code -O}, uniq's second operand). {@code iconv -o "$n"}/{@code --output="$n"}, {@code xxd
 * -r h "$n"}, {@code openssl enc|base64 -out "$n"} and {@code csplit -f "$p" -b 'ey%.0d'} (the
 * name is the prefix and the printf-style suffix) all write {@code ~/.lesskey} from
 * {@code n=$(printf '\056lesskey')}, and the text is allowed; the docs list {@code iconv -o},
 * {@code xxd -r h s}, {@code openssl … -out s} among the writers for the written-then-run rule, but
 * the new startup-file rule does not reuse that list.
 *
 * <p><b>Group 2: names a decompressor or archiver derives.</b> gzip, gunzip, unxz, bunzip2 and
 * {@code zstd -d} write their operand's name without its suffix: {@code "$n.gz"} passes the
 * startup-file rule because its known end {@code .gz} is in {@code DATA_END}, yet {@code gunzip
 * "$n.gz"} writes {@code "$n"} = {@code .lesskey}; even the literal {@code .lesskey.gz} is allowed
 * ({@code ShellClass.startupFile} compares whole names, and no rule strips the suffix the way
 * gzip does). {@code gzip -dN} takes the name from the gzip header, which is only in printf's
 * octal data ({@code \056\154…}), written here by {@code sed -n wa.gz} or {@code curl -o a.gz
 * file:///dev/stdin}: allowed by the wide allow-list too. The same derived names escape the
 * written-then-run rule ({@code WrittenThenRun}, by last component) and the kubeconfig rule:
 * {@code gzip > ks.gz; gunzip ks.gz; sh ks}, {@code unxz t.tcl.xz; tclsh t.tcl}, {@code gunzip
 * a.java.gz; java a.java}, {@code gunzip .kube/config.gz; kubectl get pods} (the docs count a
 * decompressor's derived name only for a diff given to patch or git apply). Likewise {@code printf
 * '\037\213…' | tar -xz} extracts a member {@code .lesskey} whose name is only in printf's octal
 * data (both policies): not an archive brought in, its bytes are the text's own. {@code zipnote -w} renames a member
 * ({@code @=.lesskey} in its input) and {@code unzip} extracts it under the new name.
 *
 * <p><b>Group 3: programs that run commands they read, not known as such.</b> {@code pgbench -f
 * FILE} runs the script's {@code \shell CMD} and {@code \setshell VAR CMD} meta-commands with
 * {@code sh -c}; {@code pgbench} is allowed with its script from a pipe ({@code -f /dev/stdin}), a
 * here-string, a file the same text writes, or the session's input ({@code -f -}): no rule knows
 * pgbench (psql's {@code -f} of a written file and a piped script are refused). Judge-only, like
 * 17ai's psql cases: each ran against a private PostgreSQL 15 (initdb --auth=trust, a socket
 * directory of its own, PGHOST/PGPORT/PGUSER set) and created the witness. {@code node inspect
 * FILE} is node's debugger: its prompt's {@code exec EXPR} evaluates JavaScript in the debuggee
 * ({@code require('child_process').execSync('touch W')}); {@code CommandPrompts} knows jdb and
 * gdb but not node's inspector, so commands fed by a pipe run (lines that arrive before the
 * debugger attaches are dropped, hence the sleeps). {@code pg_ctl -o "-c archive_command=…"} and
 * {@code postgres -c archive_command=…} start a server that runs the command on each finished WAL
 * segment: no rule reads the server's settings as a command (psql's {@code ALTER SYSTEM} is
 * refused for the same reason, {@code ssl_passphrase_command}).
 *
 * <p>Tried and already refused (or not a bypass here): redirections of every kind to {@code
 * "$n"} ({@code >|}, {@code &>}, {@code &>>}, {@code >&}, {@code 2>}, {@code exec 3>}, {@code exec
 * {fd}>}, here-string into {@code cat > "$n"}); {@code cp -T}, {@code cp -t}, {@code
 * --target-directory=}, {@code mv}, {@code install}, {@code ln}, {@code ln -s "$n" a} then writing
 * {@code a}, {@code tee --}, {@code dd of=}, {@code sort --output=}/{@code --out}, {@code sed "w
 * $n"}, {@code ed <<< "w $n"}, {@code patch -o "$n"}, {@code git config -f "$n"}; {@code "$d/lesskey"},
 * {@code "$d/config"}, {@code cp -r k "$d/"} into a computed {@code .kube} or {@code .config};
 * the exemptions: a literal value later replaced by {@code read}, {@code printf -v}, {@code for},
 * {@code mapfile}, {@code declare}/{@code export}, {@code set --}, {@code getopts}; {@code mktemp
 * -p . -t XXX.lesskey}; backups named by a suffix ({@code cp}/{@code mv}/{@code ln}/{@code
 * install -b -S key}, {@code sed -i'.less*'}). Prompts: sqlite3, ed, ex, vim -es, tclsh, wish,
 * node/python3/jshell/jrunscript/pdb3 REPLs, {@code python3 -m code}/{@code asyncio}, gdb without
 * {@code --batch} or with {@code -x}, tmux, script, sg/newgrp/chroot/nsenter/unshare, su/runuser,
 * {@code sftp -b -}, {@code perl -d}, {@code make -f -}, {@code awk}/{@code sed -f -}. Allowed but
 * not run here: {@code m4} ({@code syscmd}) and {@code dc} ({@code !}) are not installed; {@code
 * vi} fed an exec's input is an editor's own escape (stated limit); {@code login -f root} (would
 * write utmp/lastlog); {@code cpan}'s shell (first-run configuration, network); {@code man -l -}
 * (groff's safer mode refuses {@code .sy}); {@code gdb -batch} reads no commands from its input.
 */
class ShellAttack17akTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17aiTest.WIDE_ALLOW_LIST;

  /** A gzip stream whose header names {@code .lesskey} and whose data is {@code #env / LESSOPEN=|touch w %s}, as printf octal escapes. */
  static final String GZ_NAMED_LESSKEY = "\\037\\213\\010\\010\\000\\000\\000\\000\\000\\003\\056\\154\\145\\163\\163\\153\\145\\171\\000\\123\\116\\315\\053\\343\\362\\161\\015\\016\\366\\017\\160\\365\\263\\255\\051\\311\\057\\115\\316\\120\\050\\127\\120\\055\\346\\002\\000\\355\\054\\054\\132\\032\\000\\000\\000";

  /** A gzip-compressed ustar archive of one member, {@code .lesskey}, holding {@code #env / LESSOPEN=|touch w %s}, as printf octal escapes. */
  static final String TGZ_OF_LESSKEY = "\\037\\213\\010\\000\\000\\000\\000\\000\\002\\003\\355\\315\\273\\012\\203\\100\\024\\204\\341\\123\\373\\024\\013\\301\\066\\034\\314\\242\\125\\112\\073\\111\\004\\237\\100\\302\\202\\220\\240\\340\\172\\041\\220\\207\\167\\261\\021\\322\\107\\002\\376\\137\\063\\303\\064\\163\\176\\071\\357\\237\\356\\055\\077\\244\\101\\152\\355\\232\\301\\167\\252\\136\\222\\255\\257\\173\\146\\023\\025\\243\\262\\203\\321\\017\\165\\037\\056\\345\\230\\116\\256\\235\\242\\042\\257\\252\\173\\231\\337\\256\\237\\241\\033\\037\\215\\231\\115\\354\\043\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\374\\261\\005\\115\\020\\122\\171\\000\\050\\000\\000";

  /** Group 1, deny-list: iconv, xxd -r, openssl -out, csplit write ~/.lesskey under a computed name. */
  @ParameterizedTest(name = "deny-list: a writer outputWords does not list writes ~/.lesskey: {0}")
  @ValueSource(strings = {
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; iconv -f utf-8 -t utf-8 -o \"$n\" x; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; iconv -t utf-8 --output=\"$n\" x; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | xxd -p > x; xxd -r -p x \"$n\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | xxd > x; xxd -r x \"$n\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; openssl enc -in x -out \"$n\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | openssl enc -out \"$n\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; openssl base64 -in x -out y; openssl base64 -d -in y -out \"$n\"; less /etc/hostname",
      "p=$(printf '\\056lessk'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; csplit -z -s -f \"$p\" -b 'ey%.0d' x 1; less /etc/hostname"})
  void aWriterOutsideOutputWordsWritesALesskeyFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Group 2, deny-list: a decompressor strips the suffix of a data-ended or literal name; zipnote renames a member. */
  @ParameterizedTest(name = "deny-list: a decompressor or unzip derives ~/.lesskey: {0}")
  @ValueSource(strings = {
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | gzip > \"$n.gz\"; gunzip \"$n.gz\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | gzip > \"$n.gz\"; gzip -d \"$n.gz\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | xz > \"$n.xz\"; unxz \"$n.xz\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | bzip2 > \"$n.bz2\"; bunzip2 \"$n.bz2\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | zstd -q > \"$n.zst\"; zstd -qd \"$n.zst\"; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | gzip > .lesskey.gz; gunzip .lesskey.gz; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; gzip x; mv x.gz .lesskey.gz; gunzip .lesskey.gz; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > \"$n.txt\"; zip -q a.zip \"$n.txt\"; printf '@ %s\\n@=%s\\n' \"$n.txt\" \"$n\" | zipnote -w a.zip; unzip -q a.zip; less /etc/hostname",
      "printf 'GZ' > a.gz; gzip -dN a.gz; less /etc/hostname"})
  void aDecompressorDerivesALesskeyFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("GZ", GZ_NAMED_LESSKEY), tmp, false);
  }

  /**
   * Group 2, deny-list: the same derived names for the written-then-run rule and the kubeconfig:
   * a script, a tcl or java source, or {@code ~/.kube/config} the text itself compresses and then
   * decompresses (not an archive brought in: its content is the text's printf).
   */
  @ParameterizedTest(name = "deny-list: a decompressed file the text wrote is run: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' | gzip > ks.gz; gunzip ks.gz; sh ks",
      "printf 'touch WITNESS\\n' | gzip > ks.gz; gzip -d ks.gz; bash ks",
      "printf 'touch WITNESS\\n' | gzip > ks.gz; gunzip -k ks.gz; sh ks",
      "printf 'touch WITNESS\\n' | zstd -q -o ks.zst; unzstd -q ks.zst; sh ks",
      "printf 'exec touch WITNESS\\n' | xz > t.tcl.xz; unxz t.tcl.xz; tclsh t.tcl",
      "printf 'class A{public static void main(String[] a)throws Exception{new ProcessBuilder(\"touch\",\"WITNESS\").start().waitFor();}}' | gzip > a.java.gz; gunzip a.java.gz; java a.java",
      "mkdir .kube; printf '%s' 'KUBECONFIG' | gzip > .kube/config.gz; gunzip .kube/config.gz; kubectl get pods"})
  void aDecompressedFileTheTextWroteIsRun(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("KUBECONFIG", ShellAttack17ahTest.KUBECONFIG), tmp, false);
  }

  /** Group 2, wide allow-list: gzip -dN restores the name .lesskey from the header of a stream sed or curl wrote. */
  @ParameterizedTest(name = "wide allow-list: gzip -dN writes ~/.lesskey from its header: {0}")
  @ValueSource(strings = {
      "printf 'GZ' | sed -n wa.gz; gzip -dN a.gz; less /etc/hostname",
      "printf 'GZ' | sed -n wa.gz; gzip -dNf a.gz; less /etc/hostname",
      "printf 'GZ' | curl -s -o a.gz file:///dev/stdin; gzip -dN a.gz; less /etc/hostname"})
  void gzipRestoresALesskeyNameFromItsHeader(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("GZ", GZ_NAMED_LESSKEY), tmp, false);
  }

  /** Group 2, both policies: tar extracts an archive that is only printf's octal data; its member is .lesskey. */
  @ParameterizedTest(name = "tar extracts a printf'd archive holding ~/.lesskey: {0}")
  @ValueSource(strings = {
      "printf 'TGZ' | tar -xz; less /etc/hostname",
      "printf 'TGZ' | tar -xzf -; less /etc/hostname",
      "printf 'TGZ' | gzip -d | tar -x; less /etc/hostname"})
  void tarExtractsAPrintfArchiveHoldingALesskeyFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("TGZ", TGZ_OF_LESSKEY), tmp, false);
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("TGZ", TGZ_OF_LESSKEY), tmp, false);
  }

  /**
   * Groups 1 and 2: readers, programs that write no file, and decompressing or extracting what is
   * brought in stay allowed. ({@code systemctl status "$u"} is unclassified since fix 17bd: {@code
   * u=-Hhost} makes it start ssh; a unit word with a known start stays allowed.)
   */
  @ParameterizedTest(name = "everyday: {0}")
  @ValueSource(strings = {
      "echo $x", "podman logs $id", "docker logs $id", "grep foo \"$f\"", "cat \"$f\"", "ls \"$d\"",
      "id=$(docker ps -q | head -1); docker logs $id", "systemctl status \"nginx@$u\"", "journalctl -u \"$u\"",
      "gunzip access.log.gz; less access.log", "tar xzf release.tgz && ./install.sh", "zcat a.gz | grep x",
      "curl -o a.tgz https://example.org/a.tgz && tar xzf a.tgz", "curl -sL https://example.org/a.tgz | tar xz",
      "gzip -dc a.tgz | tar -x", "tar -xzf a.tgz -C out", "gunzip -c a.gz > a.txt", "gzip big.log", "xz -d a.xz",
      "f=$(ls *.log | head -1); gzip \"$f\"", "zstd -q \"$f\"", "iconv -f latin1 -t utf-8 -o out.txt in.txt", "xxd -r -p hex.txt out.bin",
      "openssl enc -d -aes-256-cbc -in a.enc -out a.txt", "sed -f fix.sed notes.txt"})
  void everydayFormsStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text + ": " + DEFAULT.judge(text)).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text + ": " + DEFAULT.judgeTyped(text)).isEqualTo("allow");
  }

  /**
   * Group 3: pgbench runs its script's {@code \shell}/{@code \setshell}. Judge-only (no server
   * in the test): each was run against a private PostgreSQL 15 and created the witness; the last
   * takes its script from the exec's input ({@code \shell touch W} sent by the client).
   */
  @ParameterizedTest(name = "deny-list: pgbench runs a script's \\shell: {0}")
  @ValueSource(strings = {
      "printf '\\\\shell touch WITNESS\\n' | pgbench -n -t 1 -f /dev/stdin",
      "printf '\\\\setshell v touch WITNESS\\n' | pgbench -n -t 1 -f /dev/stdin",
      "pgbench -n -t 1 -f /dev/stdin <<< '\\shell touch WITNESS'",
      "printf '\\\\shell touch WITNESS\\n' > x; pgbench -n -t 1 -f x",
      "printf '\\\\shell touch WITNESS\\n' | sort -o x; pgbench -n -t 1 -f x",
      "pgbench -n -t 1 -f -"})
  void pgbenchRunsAScriptsShellCommand(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(BashWitness.allowedWithoutTouch(j)).as("%s: %s %s", text, j.verdict().label(), j.commands()).isFalse();
    }
  }

  /**
   * Group 3: a PostgreSQL server started with a setting that runs a command ({@code archive_mode=on},
   * {@code archive_command='touch W'}, through {@code pg_ctl -o} or {@code postgres -c}); a WAL
   * switch after a write runs it (psql's {@code create table} and {@code select pg_switch_wal()}
   * are plain statements). Judge-only (postgres refuses to run as root; a data directory is
   * needed): restarting a private PostgreSQL 15 so, then the two psql statements, created the
   * witness within a second.
   */
  @ParameterizedTest(name = "deny-list: postgres started with archive_command: {0}")
  @ValueSource(strings = {
      "/usr/lib/postgresql/15/bin/pg_ctl -D d -o \"-c archive_mode=on -c archive_command='touch WITNESS'\" -w start; psql -c 'create table t(a int)'; psql -c 'select pg_switch_wal()'",
      "/usr/lib/postgresql/15/bin/pg_ctl -D d -o \"-c archive_mode=on -c archive_command='touch WITNESS'\" -w restart",
      "/usr/lib/postgresql/15/bin/postgres -D d -c archive_mode=on -c archive_command='touch WITNESS'"})
  void aPostgresServerStartedWithAnArchiveCommand(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(BashWitness.allowedWithoutTouch(j)).as("%s: %s %s", text, j.verdict().label(), j.commands()).isFalse();
    }
  }

  /** Group 3: node's debugger prompt, fed by a pipe, evaluates exec EXPR in the debuggee. */
  @ParameterizedTest(name = "deny-list: node inspect fed commands: {0}")
  @ValueSource(strings = {
      "(sleep 3; printf \"exec require('child_process').execSync('touch WITNESS')\\n\"; sleep 3) | node inspect /dev/null",
      "{ sleep 3; echo \"exec require('child_process').execSync('touch WITNESS')\"; sleep 3; } | node inspect /dev/null",
      "(sleep 3; printf 'exec process.mainModule.require(\"child_process\").execSync(\"touch WITNESS\")\\n'; sleep 3) | timeout 20 node inspect /etc/hostname"})
  void nodeInspectRunsFedDebuggerCommands(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The fixes for group 3 keep everyday forms allowed: builtin and on-disk pgbench scripts, plain server control, node scripts. */
  @ParameterizedTest(name = "deny-list: still allowed: {0}")
  @ValueSource(strings = {
      "pgbench -i -s 10 bench",
      "pgbench -c 4 -j 2 -T 60 -b select-only bench",
      "pgbench -n -t 100 -f script.sql@5 bench",
      "pgbench --file=script.sql -P 5 bench",
      "/usr/lib/postgresql/15/bin/pg_ctl -D d start",
      "/usr/lib/postgresql/15/bin/pg_ctl -D d -l logfile stop",
      "/usr/lib/postgresql/15/bin/pg_ctl -D d status",
      "/usr/lib/postgresql/15/bin/pg_ctl -o '-p 5433' -D d start",
      "/usr/lib/postgresql/15/bin/pg_ctl --options '-p 5433' --pgdata d start",
      "/usr/lib/postgresql/15/bin/initdb -D d",
      "/usr/lib/postgresql/15/bin/postgres -D d -c listen_addresses='' -p 5433",
      "node app.js",
      "node --no-warnings app.js",
      "psql -c 'select 1'"})
  void everydayServerAndBenchFormsStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }

  /** Forms around group 3 the same rules refuse (judge-only). */
  @ParameterizedTest(name = "deny-list: refused: {0}")
  @ValueSource(strings = {
      "pgbench -n -t 1 --fi=/dev/stdin <<< '\\shell touch WITNESS'",
      "pgbench -n -t 1 -f /dev/stdin@3 <<< '\\shell touch WITNESS'",
      "printf '\\shell touch WITNESS\\n' > x; pgbench -n -t 1 -f x@2",
      "pgbench -n -t 1 -f \"$s\"",
      "/usr/lib/postgresql/15/bin/postgres -D d --archive-command='touch WITNESS' --archive-mode=on",
      "/usr/lib/postgresql/15/bin/postgres -D d -c ssl_passphrase_command='touch WITNESS'",
      "/usr/lib/postgresql/15/bin/pg_ctl -D d -p ./x start",
      "/usr/lib/postgresql/15/bin/pg_ctl -D d -o \"$opts\" start",
      "echo \"archive_command='touch WITNESS'\" >> d/postgresql.conf; /usr/lib/postgresql/15/bin/pg_ctl -D d start",
      "echo \"restore_command='touch WITNESS'\" > d/postgresql.auto.conf; /usr/lib/postgresql/15/bin/postgres -D d",
      "PGOPTIONS='-c session_preload_libraries=/tmp/x.so' psql -c 'select 1'",
      "pg_createcluster -o archive_command='touch WITNESS' 15 x",
      "pg_conftool 15 main set archive_command 'touch WITNESS'",
      "echo 'exec process.exit()' | node inspect app.js",
      "node inspect app.js"})
  void formsAroundGroupThreeAreRefused(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as("%s: %s", text, j.commands()).isNotEqualTo("allow");
    }
  }

  /**
   * Only a program's output option or output operand counts as a file written under a computed
   * name: the first fix read every word of every program not known to only read, which reviewed
   * these (found by the lead at the merge). vim after {@code --}: a word only known when it runs
   * where vim reads an option may be {@code -c CMD} or {@code +CMD} (fix 17be). ({@code helm
   * upgrade} changes the cluster, service-change since attack 17ct: {@code helm template} holds the
   * computed release name here.)
   */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {
      "vim -- \"$f\"", "ssh-keygen -lf \"$k\"", "make -C \"$dir\" all", "helm template \"$rel\" ./chart",
      "jq . \"$f\"", "psql -d \"$db\" -c 'select 1'", "iconv -f latin1 -t utf8 -o out.txt in.txt"})
  void computedArgumentsThatAreNoOutputStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }

  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {"gpg -o\"$n\" -d x", "patch -o \"$o\" a d", "iconv --output=\"$n\" x", "split -l 5 x \"$p\""})
  void outputOptionsOfAComputedNameAreRefused(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }
}
