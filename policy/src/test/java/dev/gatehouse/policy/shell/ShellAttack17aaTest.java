package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17aa on the shell judge (after the 17z fixes: {@link PsqlClient}, {@link
 * PackageScripts}, the written build files of {@link WrittenThenRun}). Each BashWitness case
 * asserts the secure outcome against real bash; the only command the texts run is {@code touch}
 * of a file in a temporary directory (also HOME and the working directory). Every case is allowed
 * by the exec and the typed judgement without {@code touch} in its commands. Programs used: CMake
 * 3.25 ({@code ctest}), npm 11.19 on node 20, OpenJDK 17 ({@code java}, {@code javac}, {@code
 * keytool}), psql 15.
 *
 * <p><b>psql: SQL that has the server run a program, built at run time.</b> {@code
 * PsqlClient.copiesToProgram} looks for the words {@code copy} and {@code program} in the literal
 * {@code -c} text. PL/pgSQL's {@code EXECUTE} runs a string the server builds: {@code 'CO'||'PY …
 * PROGRAM …'}, {@code 'COPY … TO PRO'||'GRAM …'}, an escape string ({@code E'PROGR\x41M'},
 * {@code U&'PROGR\0041M'}), in a {@code DO} block or a function the same {@code -c} creates and
 * calls: the server runs the program (as its own user, on the database host, which for a socket
 * connection is this host). <b>psql reading a file the text wrote on its input.</b> {@code psql -f
 * f} of a written {@code f} is refused ({@code ReadAtStart}/{@link WrittenThenRun}), but the same
 * file given as its standard input ({@code psql < f}, {@code 0<f}, with {@code -X}, {@code -1},
 * {@code -d}/{@code -U}) is read as "a file brought in" ({@code ShellClass}'s {@code fed &&
 * PsqlClient.readsInput}, which counts only a pipe or here-document as fed): psql runs its {@code
 * \!} lines. There is no server in the policy unit tests, so these cases only assert the judgement;
 * each was run exactly as written, with {@code id} replaced by {@code touch} of a witness file, under psql 15.18 (Debian's pg_wrapper)
 * against a private PostgreSQL 15 server started as the {@code postgres} user ({@code initdb
 * --auth=trust}, {@code postgres -k DIR -p 55998 -c listen_addresses=''}, {@code PGHOST=DIR
 * PGPORT=55998 PGUSER=postgres}), and the witness file was created.
 *
 * <p><b>ctest reads CMake code.</b> {@link WrittenThenRun} refuses {@code cmake -P}/{@code -C} and
 * {@code cpack --config}/{@code CPackConfig.cmake} of a written file, but not {@code ctest -S}/
 * {@code --script}/{@code -SP}/{@code -SR} (a CTest dashboard script, CMake language: {@code
 * execute_process}), nor a written {@code CTestTestfile.cmake} that every {@code ctest} (even
 * {@code -N}/{@code --show-only}, {@code --test-dir}, after {@code cd}, through {@code subdirs()})
 * reads as CMake code in its directory, and {@code add_test()} in it runs its command. {@code
 * ctest --build-and-test … --test-command CMD…} runs CMD, which is not judged.
 *
 * <p><b>npm's global configuration moved.</b> {@link PackageScripts} reads {@code --userconfig}/
 * {@code --globalconfig} and {@code npm_config_(user|global)config} of a written file, and a written
 * {@code .npmrc}. npm's global configuration defaults to {@code PREFIX/etc/npmrc} where the global
 * prefix comes from the {@code PREFIX} variable, {@code npm_config_prefix}/{@code NPM_CONFIG_PREFIX},
 * or {@code --prefix} with {@code -g}: a written {@code g/etc/npmrc} (named {@code npmrc}, not in
 * {@code NPM_PACKAGE_FILES}) sets {@code script-shell} (run by {@code npm exec -c}/{@code npx -c})
 * or {@code editor} (run by {@code npm config edit}).
 *
 * <p><b>The JVM's own error commands.</b> {@code -XX:OnError=CMD} and {@code
 * -XX:OnOutOfMemoryError=CMD} run CMD with {@code /bin/sh -c}. The judge reads them in {@code
 * JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS}/{@code _JAVA_OPTIONS}, but not on java's command line,
 * in an {@code @argfile} it reads, or as {@code -J-XX:…} of a JDK tool ({@code javac}, {@code
 * keytool}). The diagnostic {@code -XX:AbortVMOnException=java.lang.ClassNotFoundException} makes
 * the VM abort (and run OnError) when a main class is missing.
 *
 * <p><b>Editors and sed reading commands from a written file.</b> The same gap as psql's: {@code
 * echo '!CMD' | ed} is refused (fed input), but a file the text wrote given on standard input is
 * "a file brought in", so {@code ed}, {@code ex -s} and {@code vim -es} run its {@code !CMD}
 * lines; {@code sed -f} of a written script runs GNU sed's {@code e CMD} (refused when inline),
 * and {@code awk -f} of a written program its {@code system()} (refused inline; perhaps the stated
 * limit of a script brought in, but {@link WrittenThenRun} refuses the like of it for psql, sqlite3
 * and cmake).
 *
 * <p>Tried and already refused (or not running anything): {@code POSIXLY_CORRECT=1 psql db user -c
 * …} (guard-tamper); {@code psql -f /dev/fd/0}, {@code /proc/self/fd/0}, {@code -f <(…)}, {@code
 * < <(…)}, {@code 3<<<… -f /dev/fd/3}; {@code psql -f f} of a file written by {@code dd}, {@code
 * sort -o}, {@code uniq}, {@code split}, {@code csplit}, {@code sed w}, {@code awk >}, {@code
 * tee -a}, {@code sponge}, {@code install}, {@code cp}, {@code gunzip}, {@code psql -o}; {@code
 * -c '\i f'}/{@code \ir}; several {@code -c} with one running; {@code -c '\x\\ \! id'}; {@code
 * -c '\set x `id`'}; {@code PSQL_PAGER=…}; {@code PERL5OPT=-d PERL5DB=…}/{@code PERL5LIB=.} on
 * psql (pg_wrapper is Perl). Not running: {@code -v x='`id`' -c '\echo :x'} (an interpolated value
 * is not lexed again), {@code -c '\d!'} (invalid command), {@code psql -c 'select 1' -- -c '\! id'},
 * {@code query_to_xml('CO'||'PY …')} (COPY is refused in a non-volatile function), {@code psql -L
 * f} then {@code bash f} (the log's header is not shell). Refused: {@code cmake -P /dev/stdin < f},
 * {@code cpack --config}, {@code CPackConfig.cmake}, {@code CMAKE_PROJECT_INCLUDE}; make/ninja
 * build files however named or placed, {@code MAKEFILES}, {@code --eval}, {@code MAKEFLAGS}, {@code
 * -E}; sqlite3 {@code .read}/{@code -init}/{@code -cmd}/{@code .once |}; {@code sort
 * --compress-program}, {@code split --filter}; {@code PATH}/{@code env -P}/{@code hash -p}/{@code
 * BASH_CMDS} to a written program; tar {@code -I}/{@code --to-command}/{@code --checkpoint-action};
 * {@code zip -TT}; {@code gdb -ex run}; {@code env npm_config_script_shell=…}; package.json written by
 * {@code dd}/{@code tee}/{@code cp}/{@code mv}; {@code JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS}/
 * {@code _JAVA_OPTIONS} with OnError. Judged (touch listed): {@code git difftool -x}, {@code
 * flock -c}, {@code watch}, {@code xargs -a}, {@code cmake -E env}. A written script run by path
 * ({@code sdiff --diff-program=./p}, {@code diff3 --diff-program=./p}, {@code timeout ./x}) is the
 * stated limit of docs/security-model.md; {@code sdiff}/{@code diff3} pass {@code -y}/{@code
 * --horizon-lines} first, so a program name alone ({@code touch}, {@code sh}) runs nothing.
 * {@code ~/.sqliterc} with {@code .shell} did not run under sqlite3 with SQL arguments. Refused:
 * {@code vim -S f}, {@code vim -u f}, {@code vim -c 'so f'}, {@code vim -s f}, {@code ex -S f}, {@code
 * git -c include.path=f}; not running: {@code gdb -batch < f}, {@code bc < f}, {@code rvim -es < f}.
 */
class ShellAttack17aaTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** A script {@code s} that touches the witness. */
  private static final String S = "printf '#!/bin/sh\\ntouch WITNESS\\n' > s && chmod +x s && ";
  /** npm's global configuration under {@code g}. */
  private static final String G = "mkdir -p g/etc && printf 'script-shell=./s\\n' > g/etc/npmrc && ";
  /** The JVM aborts (and runs -XX:OnError) when the main class is missing. */
  private static final String ABORT = "-XX:+UnlockDiagnosticVMOptions -XX:AbortVMOnException=java.lang.ClassNotFoundException";

  @ParameterizedTest(name = "psql runs a program: {0}")
  @ValueSource(strings = {
      "psql -c \"DO \\$\\$BEGIN EXECUTE 'COPY (select 1) TO PRO'||'GRAM ''id'''; END\\$\\$\"",
      "psql -c \"DO \\$\\$BEGIN EXECUTE 'CO'||'PY (select 1) TO PROGRAM ''id'''; END\\$\\$\"",
      "psql -c \"DO \\$\\$BEGIN EXECUTE E'COPY (select 1) TO PROGR\\\\x41M ''id'''; END\\$\\$\"",
      "psql -c \"DO \\$\\$BEGIN EXECUTE U&'COPY (select 1) TO PROGR\\\\0041M ''id'''; END\\$\\$\"",
      "psql -c \"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS 'BEGIN EXECUTE ''CO''||''PY (select 1) TO PROGRAM ''''id''''''; END'; SELECT f()\"",
      "printf '\\\\! id\\n' > f; psql < f",
      "echo '\\! id' > f && psql -X 0<f",
      "echo '\\! id' > f && psql -1 < f",
      "echo '\\! id' > f && psql -d postgres -U postgres < f",
      "echo '\\! id' | tee q.sql >/dev/null; psql -v ON_ERROR_STOP=1 < q.sql",
      // Found by the fixer: dblink runs a query string on a connection (as the superuser, to the
      // same private server by its socket: the witness was created).
      "psql -c \"CREATE EXTENSION IF NOT EXISTS dblink; SELECT dblink_exec('host=/tmp/pg port=55998 dbname=postgres', 'CO'||'PY (select 1) TO PROGRAM ''id''')\""})
  void psqlRunningAProgramIsRefused(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(BashWitness.allowedWithoutTouch(j) && !j.commands().contains("id"))
          .as("%s: %s %s", text, j.verdict().label(), j.commands()).isFalse();
    }
  }

  @ParameterizedTest(name = "ctest reads CMake code: {0}")
  @ValueSource(strings = {
      "printf 'execute_process(COMMAND touch WITNESS)\\n' > c.cmake && ctest -S c.cmake",
      "printf 'execute_process(COMMAND touch WITNESS)\\n' > c.cmake && ctest --script c.cmake",
      "printf 'execute_process(COMMAND touch WITNESS)\\n' > c.cmake && ctest -SP c.cmake",
      "printf 'execute_process(COMMAND touch WITNESS)\\n' > c.cmake && ctest -S ./c.cmake,x",
      "printf 'execute_process(COMMAND touch WITNESS)\\n' > CTestTestfile.cmake && ctest",
      "printf 'execute_process(COMMAND touch WITNESS)\\n' > CTestTestfile.cmake && ctest -N",
      "printf 'add_test(t touch WITNESS)\\n' > CTestTestfile.cmake && ctest",
      "mkdir b && printf 'execute_process(COMMAND touch WITNESS)\\n' > b/CTestTestfile.cmake && ctest --test-dir b",
      "mkdir b && printf 'execute_process(COMMAND touch WITNESS)\\n' > b/CTestTestfile.cmake && cd b && ctest",
      "printf 'subdirs(d)\\n' > CTestTestfile.cmake && mkdir d && printf 'execute_process(COMMAND touch WITNESS)\\n' > d/CTestTestfile.cmake && ctest",
      "printf 'project(p NONE)\\nenable_testing()\\n' > CMakeLists.txt && ctest --build-and-test . b --build-generator 'Unix Makefiles' --test-command touch WITNESS"})
  void ctestCMakeCodeIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "npm global config moved: {0}")
  @ValueSource(strings = {
      G + S + "PREFIX=g npm exec --offline -c ls",
      G + S + "export PREFIX=$PWD/g; npm exec --offline -c ls",
      G + S + "PREFIX=g npx --offline -c ls",
      G + S + "npm_config_prefix=g npm exec --offline -c ls",
      G + S + "NPM_CONFIG_PREFIX=g npm exec --offline -c ls",
      G + S + "npm --global --prefix g exec --offline -c ls",
      G + S + "npm --prefix=g -g exec --offline -c ls",
      "mkdir -p g/etc && printf 'editor=touch WITNESS\\n' > g/etc/npmrc && PREFIX=g npm config edit"})
  void npmGlobalConfigOfAWrittenPrefixIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "JVM error command: {0}")
  @ValueSource(strings = {
      "java " + ABORT + " -XX:OnError='touch WITNESS' NoSuch",
      "java " + ABORT + " '-XX:OnError=touch WITNESS' -Duser.home=. NoSuch",
      "printf -- '\"-XX:OnError=touch WITNESS\"\\n' > a && java " + ABORT + " @a NoSuch",
      "javac -J-XX:+UnlockDiagnosticVMOptions -J-XX:AbortVMOnException=java.lang.ClassNotFoundException '-J-XX:OnError=touch WITNESS' -version",
      "keytool -J-XX:+UnlockDiagnosticVMOptions -J-XX:AbortVMOnException=java.lang.ClassNotFoundException '-J-XX:OnError=touch WITNESS' -help"})
  void jvmErrorCommandIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "commands from a written file: {0}")
  @ValueSource(strings = {
      "printf '!touch WITNESS\\nq\\n' > e; ed -s < e",
      "printf '!touch WITNESS\\nq\\n' > e; ed -s /dev/null < e",
      "printf '!touch WITNESS\\nq\\n' > e; ed -p: 0<e",
      "printf '!touch WITNESS\\nq!\\n' > e; ex -s < e",
      "printf '!touch WITNESS\\nq!\\n' > e; vim -es < e",
      "printf '1e touch WITNESS\\n' > s; sed -f s /etc/hostname",
      "printf '1e touch WITNESS\\n' > s; sed -nf s /etc/hostname",
      "printf '!touch WITNESS\\nq!\\n' > e; vim -Es < e",
      "printf '!touch WITNESS\\nq!\\n' > e; vi -es < e",
      "printf '!touch WITNESS\\nq!\\n' > e; view -es < e",
      "printf 'e touch WITNESS\\n' > s; echo x | sed --file=s",
      "printf '#\\n' > f; printf '1e touch WITNESS\\n' > s; sed -i -f s f",
      "printf 'BEGIN{system(\\\"touch WITNESS\\\")}\\n' > a; awk -f a",
      "printf 'BEGIN{system(\\\"touch WITNESS\\\")}\\n' > a; mawk -f a"})
  void commandsFromAWrittenFileAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same programs on files the text does not write: a script brought in (docs/security-model.md). */
  @ParameterizedTest(name = "stays allowed: {0}")
  @ValueSource(strings = {
      "sed -f fix.sed notes.txt",
      "sed -i -f fix.sed notes.txt",
      "awk -f report.awk access.log",
      "printf 'x\\n' > notes.txt && sed -f fix.sed notes.txt",
      "awk -f report.awk access.log > report.txt",
      "ed -s notes.txt < edits.ed",
      "vim -es < cmds.vim",
      "sqlite3 app.db < schema.sql",
      "sqlite3 app.db 'select 1' > out.txt",
      "psql < dump.sql",
      "psql -c 'select 1' > out.txt && psql -c \"insert into t values (1) on conflict do nothing\""})
  void commandsFromAFileNotWrittenStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
