package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17af on the shell judge (after 17ae). Each case asserts the secure outcome against
 * real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is
 * {@code touch} of a file in a temporary directory (also HOME and the working directory), and
 * every case is allowed by the exec and the typed judgement without {@code touch} among its
 * commands. Each was run as written under bash 5.2 on Debian 12 (git 2.39, GCC 12.2, GNU Make
 * 4.3, OpenJDK 17) and created the witness file.
 *
 * <p><b>git writes a file the text names, but is read as a reader.</b> {@code
 * WrittenThenRun.directlyWritten} takes the words of a program in {@code GitFiles.GIT_READERS}
 * from {@code ShellClass.namedWords}, which for git keeps only {@code --o…} options and {@code
 * -o VALUE}. So {@code git mv a s} (the text's own {@code a}, renamed to {@code s}, a name on the
 * line: no derived name) is no write of {@code s}, and {@code sh s} runs the text's data
 * unjudged. git's diff options take their value as the next word too ({@code git diff --output s},
 * parse-options): the {@code --output} word itself is kept, not {@code s}, so {@code git diff
 * --no-index --output s /dev/null a} writes a diff whose added line {@code +;touch W} sh runs
 * ({@code +} is a command not found, then {@code touch}). ({@code --output=s} is counted.)
 * Found by the fixer: {@code git bundle create s REF} writes {@code s} whose header lists the ref
 * names as text lines, and a ref name may be {@code a;touch${IFS}W} ({@code sh s} runs it before
 * the pack's binary stops it); {@code java --source 17 s} runs a source file of any name.
 *
 * <p><b>The compiler and build-tool exemption, around its {@code -E} check.</b> {@code BUILDERS}
 * write no script, except that {@code gcc -E} is counted because it writes its input as text. The
 * check is the literal word {@code -E}: GCC's driver also takes {@code --preprocess} (the same
 * option, gcc --help=common), so {@code gcc -P --preprocess a.c -o s; sh s} runs the text's
 * {@code a.c} as a script unjudged; {@code gcc -save-temps -c a.c} keeps the preprocessed text
 * as {@code a.i} (the compile of {@code touch W} fails after it is written), which {@code sh a.i}
 * runs. GNU make's built-in rule {@code %: %.sh} ({@code cat $< >$@; chmod a+x $@}) copies a
 * {@code s.sh} the text writes to {@code s} with no Makefile at all: {@code make s; ./s} is the
 * docs' own {@code make hello && ./hello}, but nothing is compiled, it is {@code cp s.sh s} (which
 * is counted) by another name; also as {@code gmake}.
 *
 * <p><b>java's source-file mode.</b> Since JDK 11 {@code java A.java} (also {@code java --source
 * 17 A.java}) compiles in memory and runs the source file: the launcher is an interpreter of the
 * file the text wrote, as {@code tclsh t.tcl} is (docs/security-model.md), with no compiler or
 * build tool on the line. {@code Interpreters}/{@code scriptsRun} do not know java, so {@code
 * printf 'class A{… new ProcessBuilder("touch",…) …}' > A.java; java A.java} runs unjudged.
 *
 * <p>Tried and already refused or not a bypass: {@code cpp -P a -o s}/{@code cpp a s}, {@code c99
 * -E}, {@code objcopy -O binary}, {@code strip -o}, {@code ar p … > s}, {@code ar x}, {@code tar
 * xOf … > s}, {@code ln -s}, {@code rsync}, {@code install … ./s}, {@code git cat-file -p :a > s},
 * {@code git diff --output=s}, {@code diff … > s}; {@code git show :a --output s} (allowed, but git writes no blob there); wrappers around a shell of a written script
 * ({@code nice}, {@code timeout 5}, {@code setsid -w}, {@code stdbuf -o0}, {@code flock a}/{@code
 * flock l}, {@code env -S 'sh a'}, {@code watch -x -n1 -g}, {@code script -qc}), {@code bash --
 * a}, {@code bash -O extglob a}, {@code gdb -batch -x a}/{@code -ex 'source a'}, {@code sqlite3
 * -init a}/{@code '.read a'}, {@code psql -f a}, {@code jshell s.jsh} (all reviewed or
 * unclassified). Allowed but no script: {@code as -o s a}, {@code ld -r -b binary -o s a}
 * (objects), {@code javac A.java && java A} (compiled in the session, stated). Not kept: {@code
 * git checkout-index --prefix=s -- a; sh sa} (ran, but the name is derived by concatenation);
 * {@code clang --preprocess} and {@code rg --pre}, {@code dc}, {@code m4}, {@code go run} (not
 * installed here). Chromium: Debian's {@code /usr/bin/chromium} resets {@code CHROMIUM_FLAGS} and
 * only sources {@code /etc/chromium.d}, reading no user file or variable; the switches that start
 * a program all match the judge's pattern.
 */
class ShellAttack17afTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "git writes a named file: {0}")
  @ValueSource(strings = {
      "git init -q; echo 'touch WITNESS' > a; git add a; git mv a s; sh s",
      "git init -q && echo 'touch WITNESS' > a && git add a && git mv -f a s && bash s",
      "echo ';touch WITNESS' > a; git diff --no-index --output s /dev/null a; sh s",
      "git init -q; git -c user.name=a -c user.email=a@b commit -q --allow-empty -m x; git branch 'a;touch${IFS}WITNESS'; git bundle create s 'a;touch${IFS}WITNESS'; sh s"})
  void gitWriteIsCounted(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "builder writing the text as a script: {0}")
  @ValueSource(strings = {
      "echo 'touch WITNESS' > a.c; gcc -P --preprocess a.c -o s; sh s",
      "echo 'touch WITNESS' > a.c; gcc -save-temps -c a.c; sh a.i",
      "echo 'touch WITNESS' > s.sh; make s; ./s",
      "echo 'touch WITNESS' > s.sh && make -s s && sh s",
      "echo 'touch WITNESS' > s.sh; gmake s; . ./s",
      // Found while fixing: make's built-in rules run the compiler with the text's flags, and
      // %.out: % is cp.
      "echo 'touch WITNESS' > h.c; make CFLAGS='-P -E' h; sh h",
      "echo 'touch WITNESS' > h.c; CFLAGS='-P -E' make -e h; sh h",
      "echo 'touch WITNESS' > s; make s.out; sh s.out",
      "echo 'touch WITNESS' > a.c; gcc -save-temps -o p a.c; sh p-a.i",
      "echo 'touch WITNESS' > a.c; cc -P -E -o s a.c; sh s"})
  void builderCopyIsCounted(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A program compiled in the session stays a stated limit. */
  @ParameterizedTest(name = "everyday build: {0}")
  @ValueSource(strings = {
      "gcc -O2 -Wall -o app main.c && ./app",
      "cc -c a.c && cc -o app a.o && ./app",
      "g++ -std=c++17 -I include -o app main.cpp -Wl,-rpath,/opt/lib -L /opt/lib -lfoo && ./app",
      "gcc -g -fsanitize=address -o t t.c && ./t",
      "make && ./app",
      "./configure && make",
      "make -j4 all && ./app",
      "make hello && ./hello",
      "printf 'int main(void){return 0;}\\n' > hello.c && make hello && ./hello"})
  void compiledProgramStaysAllowed(String text) {
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judge(text).verdict()).as(text)
        .isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judgeTyped(text).verdict()).as(text)
        .isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }

  @ParameterizedTest(name = "java source launcher: {0}")
  @ValueSource(strings = {
      "printf 'class A{public static void main(String[] a)throws Exception{new ProcessBuilder(\"touch\",\"WITNESS\").start().waitFor();}}' > A.java; java A.java",
      "printf 'class A{public static void main(String[] a)throws Exception{new ProcessBuilder(\"touch\",\"WITNESS\").start().waitFor();}}' > A.java; java --source 17 A.java",
      "printf 'class A{public static void main(String[] a)throws Exception{new ProcessBuilder(\"touch\",\"WITNESS\").start().waitFor();}}' > s; java -cp . --source 17 s"})
  void javaSourceFileIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
