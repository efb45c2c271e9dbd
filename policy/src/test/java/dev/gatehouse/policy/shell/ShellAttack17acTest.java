package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ac on the shell judge (after 17ab). Each BashWitness case asserts the secure
 * outcome against real bash; the only command the texts run is {@code touch} of a file in a
 * temporary directory (also HOME and the working directory). Every case is allowed by the exec and
 * the typed judgement without {@code touch} in its commands. Programs used: psql and PostgreSQL
 * 15.18 (Debian), apt 2.6.1, GnuPG 2.2.40 ({@code gpg-agent}).
 *
 * <p><b>psql: the server runs a program through its own catalog.</b> {@link PsqlClient} allows
 * {@code INSERT}, {@code UPDATE}, {@code MERGE} and {@code WITH} as plain statements whatever table
 * they change, and a superuser (psql's usual {@code postgres} role on a trust or peer login) may
 * change the system catalogs with them (no {@code allow_system_table_mods} needed for rows). An
 * {@code UPDATE pg_proc} gives a built-in SQL-language function ({@code pg_sleep_for(interval)},
 * returning void; {@code quote_literal(anyelement)} or {@code bit_length(text)} with {@code
 * provolatile = 'v'} and a matching last statement or return type) the body {@code COPY (SELECT 1)
 * TO PROGRAM 'CMD'} ({@code prosqlbody = NULL} so that {@code prosrc} is read); the next plain
 * {@code SELECT pg_sleep_for('0')} (same {@code -c} string or a later {@code -c}) runs the body, and
 * the server runs CMD with {@code sh -c}. The COPY is inside a string literal, which the SQL
 * reading does not look into; no {@code copy} word, {@code DO}, {@code EXECUTE}, {@code CREATE
 * FUNCTION} or function of {@code RUNS_TEXT} appears. The catalog may be named {@code
 * pg_catalog.pg_proc} or {@code "pg_proc"}, changed through a data-modifying {@code WITH} or
 * {@code MERGE}, or given a new row by {@code INSERT INTO pg_proc SELECT …} from an existing one.
 * These cases only assert the judgement (there is no server in the policy unit tests); each was run
 * exactly as written, with {@code id} replaced by {@code touch} of a witness file, with psql 15.18
 * against a private PostgreSQL 15.18 server started as the {@code postgres} user ({@code initdb
 * --auth=trust}, {@code -k DIR -p 55931 -c listen_addresses=''}, {@code PGHOST=DIR PGPORT=55931
 * PGUSER=postgres}, a fresh database per case), and the witness file was created.
 *
 * <p><b>apt's hooks.</b> {@code apt-get update} (also {@code apt update}) is not a package change
 * and is allowed; {@code -o APT::Update::Pre-Invoke::=CMD} (also {@code Post-Invoke}, {@code
 * --option}, attached {@code -oNAME=CMD}, after the verb) has apt run CMD with {@code sh -c} before
 * (after) the update, and so does the same setting in a configuration file the text writes, given
 * by {@code -c FILE} or {@code APT_CONFIG=FILE}. The other {@code -o} settings in the cases only
 * keep apt's state and cache in the working directory and its sources empty (no network, no write
 * outside the temporary directory); {@code apt-get -o APT::Update::Pre-Invoke::=CMD update} runs
 * CMD alike. Not running: {@code APT::Update::Post-Invoke-Success} with no source read (apt warns,
 * so it is not a success).
 *
 * <p><b>apt's dpkg.</b> apt's library asks dpkg for the foreign architectures when it starts
 * ({@code dpkg --print-foreign-architectures}), in read-only commands too: {@code apt-cache policy}
 * and {@code show}, {@code apt list}, {@code apt-get check} and {@code -s upgrade}, {@code apt-mark
 * showhold}, even {@code apt-config dump}. The program is {@code Dir::Bin::dpkg} and its first
 * arguments are the {@code DPkg::Options} list, both settable by {@code -o}: {@code -o
 * Dir::Bin::dpkg=/bin/sh -o DPkg::Options::=-c -o DPkg::Options::=CMD} runs {@code sh -c CMD
 * --print-foreign-architectures}. The judge lists only the apt command.
 *
 * <p><b>cmake -P of CMake code on its input.</b> A here-document fed to {@code cmake -P /dev/stdin}
 * is refused, a here-string, a pipe or a process substitution is not. CMake 3.25 reads a script's
 * byte-order mark first and seeks back to the start when there is none, which fails on a pipe
 * ("File not seekable?", so the plain forms do not run); code that starts with a UTF-8 BOM ({@code
 * $'\xef\xbb\xbf…'}, {@code $'\uFEFF…'}, the character itself in quotes, {@code printf
 * '\357\273\277…'}, {@code echo -e}) needs no seek, and {@code cmake -P /dev/stdin} (also {@code
 * /dev/fd/0}, {@code /proc/self/fd/0}, {@code <(…)}) runs its {@code execute_process}: inline code
 * on the command line, not a file brought in. Not running: {@code cmake -P -}; without the BOM, a
 * here-string shorter than the pipe buffer (bash 5.2 uses a pipe). Refused: {@code ctest -S
 * /dev/stdin <<<}. Also allowed and running: {@code cmake -P /dev/stdin < f} of a file the text
 * writes (listed as refused in 17aa, allowed here), {@code cmake -P f}, {@code /dev/fd/3 3< f},
 * {@code /proc/self/cwd/f}, a symlink to it; all refused since, as {@code ctest -S} of them is.
 *
 * <p><b>Debian's tools run commands.</b> {@code start-stop-daemon --start --exec PROG -- ARGS}
 * (also {@code -S -x}, {@code --startas}/{@code -a} with {@code --name}) runs PROG ARGS in the
 * foreground without {@code --background}; {@code debconf [-o OWNER] PROG ARGS} runs PROG ARGS with
 * a debconf frontend (it reads {@code /var/cache/debconf} and changes nothing there);
 * {@code dpkg-buildpackage --hook-init=CMD} runs CMD with {@code sh -c} once {@code
 * debian/changelog} and {@code debian/control} are read (data the text may write; the build itself
 * then fails for want of {@code debian/rules}). The judge lists only the tool. Checked with dpkg
 * 1.21 ({@code start-stop-daemon}, {@code dpkg-buildpackage}) and debconf 1.5.82. Not running
 * without a {@code debian/} directory: {@code --hook-init}, {@code --check-command}, {@code
 * dpkg-source --before-build}.
 *
 * <p><b>prove's interpreter.</b> Perl's {@code prove -e CMD} / {@code --exec=CMD} runs each test
 * file with CMD (split at blanks, no shell, the file appended): {@code prove -e touch W} runs
 * {@code touch W} (prove from Perl 5.36). Not running: {@code --exec='sh -c "CMD"'} (the quotes
 * are not read). So does an {@code --exec} in a {@code .proverc} of the working directory the text
 * writes (prove reads it first), and ssh-copy-id's {@code -F} configuration the text writes.
 *
 * <p><b>ssh-copy-id's ssh options.</b> {@code ssh-copy-id -o OPTION} passes the option to the
 * {@code ssh} it runs; {@code ssh -o ProxyCommand=CMD} is refused, {@code ssh-copy-id -o
 * ProxyCommand=CMD} is not (OpenSSH 9.2's ssh-copy-id; ssh runs CMD with the shell when it
 * connects, before anything is sent). The key and {@code ~/.ssh} (in which ssh-copy-id makes its
 * temporary directory; every admin has one) are made by the text because HOME is the empty
 * temporary directory.
 *
 * <p><b>gpg-agent runs the command it is given.</b> {@code gpg-agent --daemon CMD ARGS…} starts the
 * agent and runs CMD ARGS (no shell) with the agent's environment, then exits with it; the judge
 * lists only {@code gpg-agent} ({@code ssh-agent CMD} is read as a wrapper and refused, gpg-agent
 * is not). The agent makes {@code ~/.gnupg} in HOME (the temporary directory).
 *
 * <p>Tried and already refused (or not running anything, or the stated limit): {@code git -c
 * diff.external=}, {@code GIT_EXTERNAL_DIFF}, {@code core.pager}, {@code core.fsmonitor}, {@code
 * core.sshCommand}, {@code alias.x=!}, {@code credential.helper=!}, {@code sequence.editor}, {@code
 * gpg.program}, {@code core.editor}, textconv and clean filters with a written {@code
 * .gitattributes}; {@code flock -c}, {@code flock F CMD}, {@code script -c}, {@code watch}, {@code
 * setsid}, {@code unshare}, {@code busybox}, {@code xargs -a}, {@code find -execdir}/{@code -ok},
 * {@code tar --checkpoint-action=exec}/{@code -I}/{@code --to-command}, {@code zip -TT}, {@code
 * rsync -e}, {@code ssh -o ProxyCommand}/{@code LocalCommand}, {@code scp -S}, {@code env -S},
 * {@code time}, {@code exec -a}, {@code command -p}, {@code coproc}, {@code trap … DEBUG}/{@code
 * EXIT}, {@code PROMPT_COMMAND} in {@code bash -i}, {@code BASH_ENV}, {@code export -f}, aliases
 * with {@code expand_aliases}, {@code a[$(…)]}, {@code ${x@P}}, {@code printf -v}, {@code read
 * <<<}, brace and backslash names, {@code man -P}/{@code MANPAGER}/{@code MANOPT}, {@code
 * LESSOPEN}, {@code systemd-run}, {@code su -c}, {@code runuser -c}, {@code split --filter},
 * {@code groff -U}/{@code nroff -U} with {@code .sy}, {@code ssh-agent CMD}, {@code
 * dbus-run-session}, {@code tmux new}, {@code taskset}, {@code chrt}, {@code prlimit}, {@code sg
 * -c}, {@code setpriv}, {@code capsh}, {@code fakeroot}, {@code ionice}, {@code strace -o '!CMD'},
 * {@code valgrind}, {@code make --eval}, {@code sqlite3 .shell}/{@code -cmd}, {@code gdb -ex
 * '!CMD'}, {@code vim -es '+!CMD'}, {@code tclsh <<<}, {@code gcc -wrapper}, {@code -fplugin},
 * {@code -specs}, {@code COMPILER_PATH}, {@code GCC_EXEC_PREFIX}, {@code ex -c '!CMD'}, {@code ed
 * <<< '!CMD'}, {@code sort --compress-program}; {@code cmake -E env CC=}. Reported as allowed by the attack and
 * refused since (the {@code namedProgramIsJudged} cases): {@code diff3}/{@code sdiff
 * --diff-program=PROG}, {@code install -s --strip-program=PROG}, {@code run-parts DIR} of a
 * directory the text writes into, {@code wget --use-askpass=PROG}. Still allowed: {@code mvn exec:exec -Dexec.executable=}
 * (needs the plugin, offline here); {@code jcmd PID VM.load}/{@code JVMTI.agent_load}
 * is allowed but loads a library, not a program; {@code gpg-connect-agent --exec}, {@code dirmngr
 * --daemon CMD} and {@code scdaemon --daemon CMD} are allowed but did not run CMD.
 */
class ShellAttack17acTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** A body for a void SQL function that has the server run {@code id}, as an SQL string in an SQL string. */
  private static final String BODY = "'COPY (SELECT 1) TO PROGRAM ''id'''";

  @ParameterizedTest(name = "psql catalog change runs a program: {0}")
  @ValueSource(strings = {
      "psql -c \"UPDATE pg_proc SET prosqlbody = NULL, prosrc = " + BODY
          + " WHERE oid = 'pg_sleep_for(interval)'::regprocedure; SELECT pg_sleep_for('0')\"",
      "psql -c \"UPDATE pg_proc SET prosqlbody = NULL, prosrc = " + BODY
          + " WHERE oid = 'pg_sleep_for(interval)'::regprocedure\" -c \"SELECT pg_sleep_for('0')\"",
      "psql -c \"UPDATE pg_catalog.pg_proc SET prosqlbody = NULL, prosrc = " + BODY
          + " WHERE proname = 'pg_sleep_for'; SELECT pg_sleep_for('0')\"",
      "psql -c \"UPDATE \\\"pg_proc\\\" SET prosqlbody = NULL, prosrc = " + BODY
          + " WHERE proname = 'pg_sleep_for'; SELECT pg_sleep_for('1 ms')\"",
      "psql -c \"WITH p AS (UPDATE pg_proc SET prosqlbody = NULL, prosrc = " + BODY
          + " WHERE proname = 'pg_sleep_for' RETURNING 1) SELECT count(*) FROM p; SELECT pg_sleep_for('0')\"",
      "psql -c \"MERGE INTO pg_proc p USING (SELECT 'pg_sleep_for'::name AS n) s ON p.proname = s.n"
          + " WHEN MATCHED THEN UPDATE SET prosqlbody = NULL, prosrc = " + BODY + "; SELECT pg_sleep_for('0')\"",
      "psql -c \"UPDATE pg_proc SET provolatile = 'v', prosrc = 'COPY (SELECT 1) TO PROGRAM ''id''; SELECT ''x''::text'"
          + " WHERE oid = 'quote_literal(anyelement)'::regprocedure\" -c \"SELECT quote_literal(1)\"",
      "psql -c \"UPDATE pg_proc SET prosqlbody = NULL, prorettype = 'void'::regtype, provolatile = 'v', prosrc = " + BODY
          + " WHERE oid = 'bit_length(text)'::regprocedure; SELECT bit_length('x')\"",
      "psql -c \"INSERT INTO pg_proc SELECT (oid::int8 + 100000)::oid, 'x' || proname, pronamespace, proowner, prolang,"
          + " procost, prorows, provariadic, prosupport, prokind, prosecdef, proleakproof, proisstrict, proretset, 'v',"
          + " proparallel, pronargs, pronargdefaults, prorettype, proargtypes, proallargtypes, proargmodes, proargnames,"
          + " proargdefaults, protrftypes, " + BODY + ", probin, NULL, proconfig, proacl FROM pg_proc"
          + " WHERE oid = 'pg_sleep_for(interval)'::regprocedure\" -c \"SELECT xpg_sleep_for('0')\""})
  void psqlCatalogChangeIsRefused(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(BashWitness.allowedWithoutTouch(j) && !j.commands().contains("id"))
          .as("%s: %s %s", text, j.verdict().label(), j.commands()).isFalse();
    }
  }

  /** apt's state, cache and sources in the working directory: nothing outside it read for writing, no network. */
  private static final String HERE = "-o Dir::State=$PWD -o Dir::Cache=$PWD -o Dir::Etc::sourcelist=/dev/null"
      + " -o Dir::Etc::sourceparts=$PWD -o Debug::NoLocking=1";
  /** An apt configuration file {@code a.conf} running {@code touch WITNESS} before an update. */
  private static final String ACONF = "printf 'APT::Update::Pre-Invoke {\"touch WITNESS\";};\\n' > a.conf && ";

  @ParameterizedTest(name = "apt hook: {0}")
  @ValueSource(strings = {
      "apt-get " + HERE + " -o APT::Update::Pre-Invoke::='touch WITNESS' update",
      "apt " + HERE + " -o APT::Update::Pre-Invoke::='touch WITNESS' update",
      "apt-get " + HERE + " -o APT::Update::Post-Invoke::='touch WITNESS' update",
      "apt-get update " + HERE + " -oAPT::Update::Pre-Invoke::='touch WITNESS'",
      "apt-get " + HERE + " --option APT::Update::Pre-Invoke::='touch WITNESS' update",
      ACONF + "apt-get -c a.conf " + HERE + " update",
      ACONF + "APT_CONFIG=a.conf apt-get " + HERE + " update"})
  void aptHookIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** apt's dpkg is {@code sh}, given {@code -c 'touch WITNESS'} by dpkg's options. */
  private static final String DPKG = " -o Dir::Bin::dpkg=/bin/sh -o DPkg::Options::=-c -o DPkg::Options::='touch WITNESS' ";

  @ParameterizedTest(name = "apt's dpkg program: {0}")
  @ValueSource(strings = {
      "apt-cache " + HERE + DPKG + "policy",
      "apt-cache " + HERE + DPKG + "show bash",
      "apt-cache policy " + HERE + " -o Dir::Bin::dpkg=sh -oDPkg::Options::=-c -oDPkg::Options::='touch WITNESS'",
      "apt " + HERE + DPKG + "list",
      "apt-get " + HERE + DPKG + "check",
      "apt-get " + HERE + DPKG + "-s upgrade",
      "apt-mark " + HERE + DPKG + "showhold",
      "apt-config" + DPKG + "dump"})
  void aptDpkgProgramIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "cmake -P of its input: {0}")
  @ValueSource(strings = {
      "cmake -P /dev/stdin <<< $'\\xef\\xbb\\xbfexecute_process(COMMAND touch WITNESS)'",
      "cmake -P /dev/stdin <<< $'\\uFEFFexecute_process(COMMAND touch WITNESS)'",
      "cmake -P /dev/stdin <<< '\uFEFFexecute_process(COMMAND touch WITNESS)'",
      "cmake -P /dev/fd/0 <<< $'\\xef\\xbb\\xbfexecute_process(COMMAND touch WITNESS)'",
      "printf '\\xef\\xbb\\xbfexecute_process(COMMAND touch WITNESS)\\n' | cmake -P /dev/stdin",
      "printf '\\357\\273\\277execute_process(COMMAND touch WITNESS)\\n' | cmake -P /dev/stdin",
      "echo -e '\\xef\\xbb\\xbfexecute_process(COMMAND touch WITNESS)' | cmake -P /dev/stdin",
      "printf '\\xef\\xbb\\xbfexecute_process(COMMAND touch WITNESS)\\n' | cmake -P /proc/self/fd/0",
      "cmake -P <(printf '\\357\\273\\277execute_process(COMMAND touch WITNESS)\\n')",
      "echo 'execute_process(COMMAND touch WITNESS)' > f && cmake -P /dev/stdin < f",
      "echo 'execute_process(COMMAND touch WITNESS)' > f && cmake -P f"})
  void cmakeScriptOnItsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A source tree {@code d} with a changelog and control file: dpkg-buildpackage 1.21 runs {@code -R}/{@code --rules-file} (split at blanks, {@code clean} appended) and {@code -r} (before the rules) there. */
  private static final String DEBIAN = "mkdir -p d/debian && printf 'x (1.0) unstable; urgency=low\\n\\n  * x\\n\\n -- A <a@b.c>  Mon, 01 Jan"
      + " 2024 00:00:00 +0000\\n' > d/debian/changelog && printf 'Source: x\\nMaintainer: A <a@b.c>\\n\\nPackage: x\\n"
      + "Architecture: all\\nDescription: x\\n x\\n' > d/debian/control && ";

  @ParameterizedTest(name = "Debian tool runs a command: {0}")
  @ValueSource(strings = {
      "start-stop-daemon --start --exec /usr/bin/touch -- WITNESS",
      "start-stop-daemon -S -x /usr/bin/touch -- WITNESS",
      "start-stop-daemon --start --oknodo --exec /usr/bin/touch -- WITNESS",
      "start-stop-daemon -S -a /usr/bin/touch -n x -- WITNESS",
      "start-stop-daemon --start --startas /bin/sh --name x -- -c 'touch WITNESS'",
      "debconf touch WITNESS",
      "debconf -o x touch WITNESS",
      "debconf sh -c 'touch WITNESS'",
      "mkdir debian && printf 'x (1.0) unstable; urgency=low\\n\\n  * x\\n\\n -- A <a@b.c>  Mon, 01 Jan 2024 00:00:00 +0000\\n'"
          + " > debian/changelog && printf 'Source: x\\nMaintainer: A <a@b.c>\\n\\nPackage: x\\nArchitecture: all\\n"
          + "Description: x\\n x\\n' > debian/control && dpkg-buildpackage --hook-init='touch WITNESS' -us -uc",
      DEBIAN + "cd d && dpkg-buildpackage --rules-file='touch WITNESS' -us -uc -b",
      DEBIAN + "cd d && dpkg-buildpackage -r'touch WITNESS' -us -uc -b"})
  void debianToolCommandIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "prove's interpreter: {0}")
  @ValueSource(strings = {
      "prove -e touch WITNESS",
      "prove --exec 'touch WITNESS' /dev/null",
      "prove --exec=touch WITNESS",
      "prove -vetouch WITNESS",
      "printf -- '--exec touch\\n' > .proverc && prove WITNESS"})
  void proveExecIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A key pair {@code k}, {@code k.pub}, and the {@code .ssh} directory ssh-copy-id makes its temporary one in (HOME is the working directory). */
  private static final String KEY = "mkdir -p .ssh && ssh-keygen -q -N '' -f k && ";

  @ParameterizedTest(name = "ssh-copy-id's ssh options: {0}")
  @ValueSource(strings = {
      KEY + "ssh-copy-id -f -i k.pub -o ProxyCommand='touch WITNESS' x",
      KEY + "ssh-copy-id -f -i k -o 'ProxyCommand touch WITNESS' x",
      KEY + "ssh-copy-id -i k.pub -o ProxyCommand='touch WITNESS' x",
      KEY + "ssh-copy-id -o ProxyCommand='touch WITNESS' -i k.pub -p 2222 root@x",
      KEY + "ssh-copy-id -f -i k.pub -foProxyCommand='touch WITNESS' x",
      KEY + "printf 'ProxyCommand touch WITNESS\\n' > c && ssh-copy-id -f -i k.pub -F c x"})
  void sshCopyIdOptionsAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** An executable script {@code p} running {@code touch WITNESS}, and files for the diff programs. */
  private static final String PROG = "printf '#!/bin/sh\\ntouch WITNESS\\n' > p && chmod +x p && echo a > a && echo b > b && ";

  @ParameterizedTest(name = "program named by an option: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' > s && install -s --strip-program=sh s s2",
      "printf 'touch WITNESS\\n' > s && install --strip-prog sh -s s s2",
      "printf 'touch WITNESS\\n' > s && ginstall -s --strip-program=/bin/bash s s2",
      PROG + "install -s --strip-program=./p a a2",
      PROG + "diff3 --diff-program=./p a b a",
      PROG + "diff3 --diff-p ./p a b a",
      PROG + "sdiff --diff-program=./p a b",
      PROG + "wget --use-askpass=./p http://127.0.0.1:9/",
      PROG + "wget --use-a=./p --user=u http://127.0.0.1:9/",
      PROG + "wget -e use_askpass=./p http://127.0.0.1:9/",
      PROG + "wget -e useAskPass=./p http://127.0.0.1:9/",
      "mkdir d && printf '#!/bin/sh\\ntouch WITNESS\\n' > d/x && chmod +x d/x && run-parts d",
      "mkdir -p d && printf '#!/bin/sh\\ntouch WITNESS\\n' > x && install -m 755 x d/ && run-parts --report d/",
      "mkdir d && cd d && printf '#!/bin/sh\\ntouch WITNESS\\n' > x && chmod +x x && run-parts ."})
  void namedProgramIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "gpg-agent command: {0}")
  @ValueSource(strings = {
      "gpg-agent --daemon touch WITNESS",
      "gpg-agent --daemon -- touch WITNESS",
      "gpg-agent -q --daemon sh -c 'touch WITNESS'",
      "gpg-agent --homedir . --daemon bash -c 'touch WITNESS'"})
  void gpgAgentCommandIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * A policy as the default one without its {@code no-ssh-hop} rule, which blocks every ssh: the
   * class rule has to hold ssh's own command options on its own (found by the 17ac fixers: an
   * {@code -o} in a bundle, after the destination, a written or descriptor {@code -F}).
   */
  static final ShellJudge WITHOUT_SSH_RULE;

  static {
    java.util.Map<String, Object> p = new java.util.HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("rules", java.util.List.of(java.util.Map.of("name", "kubectl-delete", "commands", java.util.List.of("kubectl"),
        "args", "(?i)^delete\\b", "verdict", "review")));
    WITHOUT_SSH_RULE = ShellJudgeTest.judge(p);
  }

  @ParameterizedTest(name = "ssh's own command options: {0}")
  @ValueSource(strings = {
      "ssh -4oProxyCommand='touch WITNESS' x true",
      "ssh -qoProxyCommand='touch WITNESS' x true",
      "ssh x -oProxyCommand='touch WITNESS' true",
      "printf 'Host x\\n ProxyCommand touch WITNESS\\n' > c; ssh -F c x true",
      "printf 'Host x\\n ProxyCommand touch WITNESS\\n' > c; ssh -qF c x true",
      "ssh -F /dev/stdin x true <<< 'ProxyCommand touch WITNESS'",
      "ssh -qF /dev/stdin x true <<< 'ProxyCommand touch WITNESS'"})
  void sshCommandOptionsAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WITHOUT_SSH_RULE, template, tmp, false);
  }

  @org.junit.jupiter.api.Test
  void everydaySshStaysAllowedWithoutTheSshRule() {
    for (String t : java.util.List.of("ssh host uptime", "ssh -i ~/.ssh/id_ed25519 -p 2222 deploy@host 'systemctl status nginx'",
        "ssh host grep -F x /etc/passwd", "ssh -F /etc/ssh/ssh_config host uptime", "ssh host ls -o foo",
        "ssh -v -o ConnectTimeout=5 host uptime", "ssh-copy-id -i ~/.ssh/id_ed25519.pub root@host")) {
      assertThat(WITHOUT_SSH_RULE.judge(t).verdict().label()).as(t).isEqualTo("allow");
    }
  }
}
