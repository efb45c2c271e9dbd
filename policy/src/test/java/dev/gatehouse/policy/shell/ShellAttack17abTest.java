package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ab on the shell judge (after the 17aa fixes: {@link JvmOptions}, the JVM's error
 * commands in {@link Wrappers}, ctest's CMake code and the build files of {@link WrittenThenRun},
 * npm's global configuration in {@link PackageScripts}, {@link PsqlClient}'s dynamic SQL and the
 * readers of a written file on their input). Each BashWitness case asserts the secure outcome
 * against real bash; the only command the texts run is {@code touch} of a file in a temporary
 * directory (also HOME and the working directory). Every case is allowed by the exec and the typed
 * judgement without {@code touch} in its commands. Programs used: OpenJDK 17, CMake 3.25 ({@code
 * ctest}, {@code cmake}), psql 15.
 *
 * <p><b>The JVM's debugger agent runs a command.</b> JDWP's {@code launch=CMD} option ({@code
 * -agentlib:jdwp=…,launch=CMD}, the old {@code -Xrunjdwp:…}) has the VM run CMD (split at blanks,
 * the transport name and address appended, no shell) when the agent starts, before any class is
 * loaded: {@code java '-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,launch=touch W'
 * -version} creates W (and listens on a loopback port meanwhile). The judge reads {@code -XX:OnError}
 * on java's command line and a JDK tool's {@code -J}, but not this option, so neither {@code java}
 * nor {@code -J-agentlib:jdwp=…} of {@code javac}, {@code keytool}, {@code jar}, {@code javadoc},
 * {@code jlink}, {@code jdb}, {@code javap}, {@code jdeps}, {@code jps}, {@code serialver}, {@code
 * jshell}, {@code jimage}, {@code jmod}, {@code jarsigner}, {@code jfr} (also {@code jcmd}, {@code
 * jstat}, {@code jinfo}, {@code jpackage}, {@code jdeprscan}). ({@code JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS}/{@code _JAVA_OPTIONS} with it are
 * already refused.)
 *
 * <p><b>ctest's dashboard configuration.</b> {@code ctest -T STEP} (also {@code -D ExperimentalSTEP},
 * {@code -M Experimental -T STEP}, {@code --test-action}) reads {@code DartConfiguration.tcl} in its
 * directory (not CMake code, not a {@code *.cmake} name) and runs the commands it names: {@code
 * MakeCommand} for {@code build}, {@code ConfigureCommand} for {@code configure} (through a shell),
 * {@code UpdateCommand} with {@code UpdateOptions} for {@code update}; {@link WrittenThenRun} does
 * not count a written {@code DartConfiguration.tcl} (however written: redirection, {@code tee},
 * {@code cp}, {@code mv}). Refused already: the same under {@code --test-dir b} (a written
 * directory), and {@code cmake --build} of a written {@code CMakeCache.txt} ({@code
 * CMAKE_MAKE_PROGRAM}), also in the working directory.
 *
 * <p><b>cmake's toolchain file from the environment.</b> CMake (3.21+) takes {@code
 * CMAKE_TOOLCHAIN_FILE} from the environment and reads it as CMake code at the first {@code
 * project()}; {@code cmake --system-information} configures a project of its own, so a written
 * toolchain file, named anything ({@code t}, {@code t.txt}), runs its {@code execute_process}. A
 * prefix assignment or {@code export} is allowed ({@code env CMAKE_TOOLCHAIN_FILE=…} is refused);
 * {@code CC='touch W' cmake --system-information} is refused. Not running under {@code
 * --system-information} (the project does not see them): {@code -DCMAKE_TOOLCHAIN_FILE=}, {@code
 * --toolchain}, {@code -DCMAKE_USER_MAKE_RULES_OVERRIDE=}, {@code -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES=},
 * {@code -DCMAKE_PROJECT_INCLUDE=}, {@code -DCMAKE_C_COMPILER='touch;W'}.
 *
 * <p><b>cmake's internal {@code -E} commands.</b> {@link Wrappers} reads {@code cmake -E env},
 * {@code time} and {@code chdir}; the generators' own helpers are as reachable: {@code cmake -E
 * __run_co_compile} runs each co-compiler it is given ({@code --iwyu=}, {@code --tidy=}, {@code
 * --cppcheck=}, {@code --cpplint=}, {@code --lwyu=}, and {@code --launcher=}, each a {@code
 * ;}-list: program and arguments, no shell) and then the command after {@code --}; {@code cmake -E
 * cmake_llvm_rc SRC TMP CMD… ++ RC…} runs CMD (the preprocessor); {@code cmake -E cmake_link_script
 * FILE} runs each line of FILE as a command (a file the text writes, as {@code cmake -P} of one,
 * which is refused). Not running: {@code
 * __run_co_compile} without a co-compiler, the command after {@code --} with only {@code --lwyu=},
 * the part after {@code ++} of {@code cmake_llvm_rc} when the first part writes nothing.
 *
 * <p><b>Maven's JVM options.</b> The {@code mvn} script passes {@code MAVEN_OPTS} (from the
 * environment: a prefix assignment or {@code export}) and the contents of {@code .mvn/jvm.config}
 * (in the project directory, found from the working directory up) to java's command line, where
 * {@code -XX:VMOptionsFile=o} or {@code @o} makes the VM read its options from {@code o}: a file
 * the text writes, holding {@code -XX:OnError="touch W"} (with {@code AbortVMOnException}, which
 * Maven's class loading triggers) or a JDWP {@code launch=}. {@link JvmOptions} reads those options
 * on java's own command line only; a written {@code .mvn/jvm.config} is not counted ({@code .mavenrc}
 * is). The script also runs {@code $JAVA_HOME/bin/java}: a {@code JAVA_HOME} whose {@code bin/java}
 * the text writes (found by the fixer, Maven 3.8.7).
 *
 * <p><b>psql: the server runs a program without COPY or built code.</b> file_fdw (a contrib
 * extension shipped with the server) reads a foreign table from {@code OPTIONS (program 'CMD')},
 * which the server runs with {@code sh -c} on each scan: no {@code copy} word, no {@code DO},
 * {@code EXECUTE} or function; the option name may also be quoted ({@code "program"}) or a
 * Unicode-escaped identifier ({@code U&"progr\0061m"}), and set by {@code ALTER FOREIGN TABLE …
 * OPTIONS (ADD program …)}. xml2's {@code xpath_table(key, doc, relname, xpaths, criteria)}
 * pastes {@code relname} into the query it runs through SPI, which allows several statements, among
 * them a COPY the server builds from pieces ({@code 'CO'||'PY …'}, {@code chr(67)||'OPY'}, {@code
 * convert_from('\x434f5059', …)}): a volatile function, so COPY is not refused as in {@code
 * query_to_xml}. {@code ALTER SYSTEM SET ssl_passphrase_command = 'CMD'} with {@code
 * ssl_passphrase_command_supports_reload} and {@code ssl = on}, then {@code pg_reload_conf()}: the
 * server runs CMD with {@code sh -c} on the reload to decrypt its key (verified with a
 * passphrase-encrypted key and its certificate, made by {@code openssl req -x509 -newkey … -passout},
 * readable by the server at the paths named; in the second case set by an earlier request). These cases only assert the judgement (there is no server in the policy unit
 * tests); each was run exactly as written, with {@code id} replaced by {@code touch} of a witness
 * file, with psql 15.18 (Debian's pg_wrapper) against a private PostgreSQL 15.18 server started as
 * the {@code postgres} user ({@code initdb --auth=trust}, {@code -k DIR -p 55917 -c
 * listen_addresses=''}, {@code PGHOST=DIR PGPORT=55917 PGUSER=postgres}, a fresh database per case),
 * and the witness file was created.
 *
 * <p>Tried and already refused (or not running anything): readers of a written file on their input
 * under every spelling tried ({@code { ed -s; } < e}, {@code (ed -s) < e}, {@code ed -s <> e},
 * {@code exec < e; ed -s}, {@code ed - < e}, {@code ed < e}, {@code ed -s < "$PWD/e"}, a function
 * {@code f < e}, {@code cat e - | ed}, {@code vim -e -s}, {@code -Nes}, {@code -E -s}, {@code ex <
 * e}, {@code ex -s -}, {@code gdb -q < g}, {@code gdb -nx < g}, {@code tclsh < t}, {@code perl <
 * p}); {@code awk -f ./a}, {@code -fa}, {@code --file=a}, {@code mawk -W exec a}, {@code -Wexec},
 * {@code nawk -f}; {@code sed -fs}, {@code -nfs}, {@code --fil=s}, {@code --file s}, {@code -s -f};
 * {@code gdb -batch -x g}, {@code --command=g}, {@code -ix}, {@code -init-command=}; sqlite3
 * {@code .import '|CMD'}, {@code .imp}, {@code .read '|CMD'}; npm's global configuration by every
 * route tried ({@code --pref g -g}, {@code --loc global}, {@code npm_config_global=true}, {@code
 * NPM_CONFIG_LOCATION=global}, {@code --glob}, {@code --globalc=}, {@code NPM_CONFIG_GLOBALCONFIG},
 * {@code cd g && PREFIX=.}, an {@code npmrc} by {@code ln}, {@code ln -s}, {@code cp}, {@code mv},
 * a symlinked {@code g/etc}); {@code npx -c}, {@code npm exec --call}, {@code EDITOR=… npm config
 * edit}, {@code npx touch} (touch judged); {@code LD_LIBRARY_PATH=. java -agentlib:x}; {@code
 * jshell < s.jsh}; {@code jshell -R-agentlib:jdwp…} with input, {@code jrunscript -J…}. Not
 * running: {@code gdb -batch < g}, {@code awk -- -f a}, {@code sqlite3 ".open '|CMD'"}, {@code
 * jrunscript -e} (no script engine in JDK 17), {@code jshell -R-agentlib:jdwp=… --help} (no remote
 * VM), jdwp {@code onuncaught=y} with a missing main class, {@code ctest -T configure -N}, {@code
 * ctest -D NightlyConfigure} (no nightly start time), {@code -T memcheck} (needs a written
 * CTestTestfile.cmake: refused). Not reported, the stated limit of a program compiled or written in
 * the session: {@code gcc -shared … && java -agentpath:./a.so}, {@code javac M.java && java M},
 * {@code java M.java}, {@code java --source 17 M.java}, {@code jar cfe m.jar M … && java -jar m.jar},
 * {@code jshell s.jsh}, {@code tclsh t}.
 */
class ShellAttack17abTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** JDWP options that run {@code touch WITNESS} when the agent starts. */
  private static final String JDWP = "transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,launch=touch WITNESS";
  /** ctest's dashboard configuration naming {@code touch WITNESS} as its build and configure commands. */
  private static final String DART = "printf 'MakeCommand: touch WITNESS\\nConfigureCommand: touch WITNESS\\n"
      + "SourceDirectory: .\\nBuildDirectory: .\\n' > DartConfiguration.tcl && ";
  /** CMake code that touches the witness, in {@code t}. */
  private static final String T = "printf 'execute_process(COMMAND touch WITNESS)\\n' > t; ";

  @ParameterizedTest(name = "JDWP launch: {0}")
  @ValueSource(strings = {
      "java '-agentlib:jdwp=" + JDWP + "' -version",
      "java -agentlib:jdwp='" + JDWP + "' -version",
      "java '-Xrunjdwp:" + JDWP + "' -version",
      "java -Xdebug '-Xrunjdwp:" + JDWP + "' -version",
      "java -showversion '-agentlib:jdwp=" + JDWP + "' -version",
      "java '-agentlib:jdwp=" + JDWP + "' -cp /nonexistent NoSuch",
      "java '-agentlib:jdwp=server=y,suspend=n,transport=dt_socket,launch=touch WITNESS' -cp . -version",
      "javac '-J-agentlib:jdwp=" + JDWP + "' -version",
      "keytool '-J-agentlib:jdwp=" + JDWP + "' -help",
      "jar '-J-agentlib:jdwp=" + JDWP + "' --version",
      "jar '-J-Xrunjdwp:" + JDWP + "' --version",
      "javadoc '-J-agentlib:jdwp=" + JDWP + "' --version",
      "jlink '-J-agentlib:jdwp=" + JDWP + "' --version",
      "jdb '-J-agentlib:jdwp=" + JDWP + "' -version",
      "javap '-J-agentlib:jdwp=" + JDWP + "' -version",
      "jdeps '-J-agentlib:jdwp=" + JDWP + "' -version",
      "jps '-J-agentlib:jdwp=" + JDWP + "'",
      "serialver '-J-agentlib:jdwp=" + JDWP + "' -show",
      "jshell '-J-agentlib:jdwp=" + JDWP + "' --version",
      "jimage '-J-agentlib:jdwp=" + JDWP + "' --version",
      "jmod '-J-agentlib:jdwp=" + JDWP + "' --version",
      "jarsigner '-J-agentlib:jdwp=" + JDWP + "' -help",
      "jfr '-J-agentlib:jdwp=" + JDWP + "' version"})
  void jdwpLaunchCommandIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "ctest dashboard configuration: {0}")
  @ValueSource(strings = {
      DART + "ctest -T build",
      DART + "ctest -T Build",
      DART + "ctest -T configure",
      DART + "ctest -D ExperimentalBuild",
      DART + "ctest -D ExperimentalConfigure",
      DART + "ctest -M Experimental -T configure",
      DART + "ctest --test-action build",
      DART + "ctest -T build -T configure",
      "printf 'MakeCommand: touch WITNESS\\nBuildDirectory: .\\n' > DartConfiguration.tcl && ctest -T build -j2",
      "printf 'MakeCommand: touch WITNESS\\nBuildDirectory: .\\n' | tee DartConfiguration.tcl >/dev/null && ctest -T build",
      "printf 'MakeCommand: touch WITNESS\\nBuildDirectory: .\\n' > x && cp x DartConfiguration.tcl && ctest -T build",
      "printf 'MakeCommand: touch WITNESS\\nBuildDirectory: .\\n' > x && mv x DartConfiguration.tcl && ctest -T build",
      "echo 'ConfigureCommand: touch WITNESS' > DartConfiguration.tcl && echo 'BuildDirectory: .' >> DartConfiguration.tcl && ctest -T configure",
      "printf 'UpdateCommand: touch\\nUpdateType: git\\nUpdateOptions: WITNESS\\nSourceDirectory: .\\nBuildDirectory: .\\n' > DartConfiguration.tcl && ctest -T update"})
  void ctestDashboardConfigurationIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "cmake toolchain from the environment: {0}")
  @ValueSource(strings = {
      T + "CMAKE_TOOLCHAIN_FILE=$PWD/t cmake --system-information x.txt",
      T + "export CMAKE_TOOLCHAIN_FILE=$PWD/t; cmake --system-information x.txt",
      "printf 'execute_process(COMMAND touch WITNESS)\\n' > t.txt; CMAKE_TOOLCHAIN_FILE=$PWD/t.txt cmake --system-information"})
  void cmakeToolchainFileFromTheEnvironmentIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "cmake -E internal command: {0}")
  @ValueSource(strings = {
      "cmake -E __run_co_compile '--iwyu=touch;WITNESS' --source=x.c -- true",
      "cmake -E __run_co_compile '--tidy=touch;WITNESS' --source=x.c -- true",
      "cmake -E __run_co_compile \"--tidy=touch;WITNESS\" --source=x.c -- true",
      "cmake -E __run_co_compile '--cppcheck=touch;WITNESS' --source=x.c -- true",
      "cmake -E __run_co_compile '--cpplint=touch;WITNESS' --source=x.c -- true",
      "cmake -E __run_co_compile '--lwyu=touch;WITNESS' -- true",
      "cmake -E __run_co_compile --iwyu=true '--launcher=touch;WITNESS' --source=x.c -- true",
      "cmake -E __run_co_compile --iwyu=true --source=x.c -- touch WITNESS",
      "cmake -E __run_co_compile --tidy=true --source=x.c -- sh -c 'touch WITNESS'",
      "cmake -E cmake_llvm_rc x.rc x.tmp touch WITNESS ++ true",
      "printf 'touch WITNESS\\n' > l && cmake -E cmake_link_script l",
      "printf 'touch WITNESS\\n' > l.txt && cmake -E cmake_link_script l.txt --verbose=1"})
  void cmakeInternalCommandIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** VM options in {@code o}: abort on a missing class and run {@code touch WITNESS} then. */
  private static final String ONERR = "printf -- '-XX:+UnlockDiagnosticVMOptions\\n"
      + "-XX:AbortVMOnException=java.lang.ClassNotFoundException\\n\"-XX:OnError=touch WITNESS\"\\n' > o && ";
  /** VM options in {@code o}: the JDWP agent launching {@code touch WITNESS}. */
  private static final String OJDWP = "printf -- '\"-agentlib:jdwp=" + JDWP + "\"\\n' > o && ";

  @ParameterizedTest(name = "Maven's JVM options: {0}")
  @ValueSource(strings = {
      ONERR + "MAVEN_OPTS=-XX:VMOptionsFile=o mvn -v",
      ONERR + "MAVEN_OPTS=@o mvn -v",
      ONERR + "mkdir .mvn && echo @o > .mvn/jvm.config && mvn -v",
      OJDWP + "MAVEN_OPTS=-XX:VMOptionsFile=o mvn -v",
      OJDWP + "export MAVEN_OPTS=-XX:VMOptionsFile=o; mvn -v",
      OJDWP + "MAVEN_OPTS=@o mvn --version",
      OJDWP + "mkdir .mvn && echo @o > .mvn/jvm.config && mvn -v",
      OJDWP + "mkdir .mvn && echo -XX:VMOptionsFile=o > .mvn/jvm.config && mvn -q -v",
      // The mvn script runs $JAVA_HOME/bin/java.
      "mkdir -p j/bin && printf '#!/bin/sh\\ntouch WITNESS\\n' > j/bin/java && chmod +x j/bin/java && JAVA_HOME=$PWD/j mvn -v"})
  void mavenJvmOptionsFromAWrittenFileAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "psql server runs a program: {0}")
  @ValueSource(strings = {
      "psql -c \"CREATE EXTENSION IF NOT EXISTS file_fdw; CREATE SERVER s FOREIGN DATA WRAPPER file_fdw; CREATE FOREIGN TABLE t1 (a text) SERVER s OPTIONS (program 'id'); SELECT * FROM t1\"",
      "psql -c \"CREATE EXTENSION file_fdw; CREATE SERVER s FOREIGN DATA WRAPPER file_fdw; CREATE FOREIGN TABLE t (a text) SERVER s OPTIONS (U&\\\"progr\\\\0061m\\\" 'id'); SELECT * FROM t\"",
      "psql -c \"CREATE EXTENSION file_fdw; CREATE SERVER s FOREIGN DATA WRAPPER file_fdw; CREATE FOREIGN TABLE t (a text) SERVER s OPTIONS (\\\"program\\\" 'id'); TABLE t\"",
      "psql -c \"CREATE EXTENSION file_fdw; CREATE SERVER s FOREIGN DATA WRAPPER file_fdw; CREATE FOREIGN TABLE t (a text) SERVER s OPTIONS (filename '/dev/null'); ALTER FOREIGN TABLE t OPTIONS (DROP filename, ADD program 'id'); SELECT count(*) FROM t\"",
      "psql -c \"CREATE EXTENSION file_fdw\" -c \"CREATE SERVER s FOREIGN DATA WRAPPER file_fdw\" -c \"CREATE FOREIGN TABLE t (a text) SERVER s OPTIONS (program 'id')\" -c \"SELECT * FROM t\"",
      "psql -c \"CREATE EXTENSION IF NOT EXISTS xml2; SELECT * FROM xpath_table('a','b','(select 1 a, 1 b) x; CO'||'PY (select 1) TO PRO'||'GRAM ''id''; --','/x','true') AS t(a int, b text)\"",
      "psql -c \"CREATE EXTENSION xml2\" -c \"SELECT * FROM xpath_table('a','b','(select 1 a, 1 b) x; '||chr(67)||'OPY (select 1) TO PROGRAM ''id''; --','/x','true') AS t(a int, b text)\"",
      "psql -c \"ALTER SYSTEM SET ssl_passphrase_command = 'id'\" -c \"ALTER SYSTEM SET ssl_passphrase_command_supports_reload = on\" -c \"ALTER SYSTEM SET ssl_cert_file = '/tmp/pg/c.pem'\" -c \"ALTER SYSTEM SET ssl_key_file = '/tmp/pg/k.pem'\" -c \"ALTER SYSTEM SET ssl = on\" -c \"SELECT pg_reload_conf()\"",
      "psql -c \"ALTER SYSTEM SET ssl_passphrase_command TO 'id'\" -c \"ALTER SYSTEM SET ssl_passphrase_command_supports_reload TO true\" -c \"ALTER SYSTEM SET ssl TO on\" -c \"SELECT pg_reload_conf()\"",
      "psql -c \"CREATE EXTENSION xml2; SELECT * FROM xpath_table('a','b','(select 1 a, 1 b) x; '||convert_from('\\\\x434f5059','UTF8')||' (select 1) TO PROGRAM ''id''; --','/x','true') AS t(a int, b text)\""})
  void psqlServerProgramIsRefused(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(BashWitness.allowedWithoutTouch(j) && !j.commands().contains("id"))
          .as("%s: %s %s", text, j.verdict().label(), j.commands()).isFalse();
    }
  }
}
