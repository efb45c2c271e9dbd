package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ag on the shell judge (after 17af), on the written-then-run rule's exemptions.
 * Each case asserts the secure outcome against real bash ({@link
 * BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is {@code touch} of a
 * file in a temporary directory (also HOME and the working directory), and every case is allowed
 * by the exec and the typed judgement without {@code touch} among its commands. Each was run as
 * written under bash 5.2 on Debian 12 (GNU Binutils 2.40, GCC 12.2.0) and created the witness file.
 *
 * <p><b>The assembler writes its input as text: a listing.</b> {@code WrittenThenRun.BUILDERS}
 * exempts {@code as} (and {@code x86_64-linux-gnu-as}) from {@code directlyWritten} entirely: a
 * compiler's output is a program compiled in the session. Only the C drivers are looked at for
 * text ({@code compilerWritesText}), and there {@code -Wa,…} already counts. But GNU as's {@code
 * -a[cdghlmns]=FILE} (also {@code -al=s}, {@code -ahl=s}, {@code -alm=s}, {@code -a=s}) writes a
 * listing whose lines are the source's lines, each behind a line number: a source {@code
 * /*\n;touch W\n*}{@code /} (a C comment, so the assembly succeeds) lists as {@code 2 ;touch W},
 * which sh runs as the command {@code 2} (not found) and then {@code touch W} (also through {@code
 * bash -c 'sh s'}). The listing's name is
 * on the line as plainly as after {@code >}, and a shell, {@code .} or {@code ./run} then runs the
 * text's own data unjudged.
 *
 * <p><b>g++ starts the module mapper the text names.</b> GCC 11+'s {@code
 * -fmodule-mapper=|PROGRAM ARGS} (with {@code -fmodules-ts}) starts PROGRAM with its ARGS as a
 * child to talk the module protocol with; it runs before any module is read, for any
 * translation unit ({@code int x;}). CC_OBJECT_OPTIONS reads every {@code -f…} not listed as a
 * dump as an object-only option, and no other check reads the value as a command, so {@code g++
 * -fmodules-ts '-fmodule-mapper=|touch W' -c a.cc} runs {@code touch} unjudged (also as {@code
 * c++}, {@code g++-12}, {@code x86_64-linux-gnu-g++-12}, {@code gcc -x c++}, and linking). The
 * same spec in the environment, {@code CXX_MODULE_MAPPER='|touch W'} (as a prefix assignment or
 * {@code export}), is read by cc1plus when the option is absent.
 *
 * <p><b>lto-wrapper runs {@code $MAKE}.</b> With {@code -flto=N} (N &gt; 1) and more than one
 * partition, GCC's lto-wrapper writes a makefile for the parallel link-time stage and runs the
 * program in {@code MAKE} (else {@code make}). So {@code MAKE=./x gcc -O2 -flto=2 a.c b.c -o p}
 * runs the text's own script {@code x} (the link then fails, its stage never made); also with
 * {@code export MAKE=./x} and {@code -flto=auto}, as {@code g++ -flto=4}, and at the link of
 * {@code -flto} objects ({@code gcc -flto=2 a.o b.o}), and as {@code MAKE=$PWD/x cc}. {@code
 * MAKE=./x} is a file the text writes, run as a command: the written-then-run rule's {@code ./x}
 * in another form, but {@code scriptsRun} only reads the command's own path and the assignment is
 * not a {@code PATH}.
 *
 * <p>Tried and already refused or not a bypass: {@code gcc @o} (an option file), {@code gcc -B.}
 * and {@code -B./} with a written {@code as}, {@code -wrapper}, {@code --ld-path=./l}, {@code
 * COMPILER_PATH=.}, {@code GCC_EXEC_PREFIX=./}, {@code -fuse-ld=bfd -B.}, {@code gcc -c a.S
 * -Wa,-al=s}, {@code gcc -x c -E -P -o s - < a.c} (all reviewed); {@code make s SHELL=./x},
 * {@code make --eval '$(file >s,…)'}, {@code MAKEFLAGS='SHELL=./x'}/{@code '-- SHELL=./x'}/{@code
 * '--eval=…'}, {@code gcc -specs=f} (reviewed); {@code javac -J-XX:OnOutOfMemoryError=…} (lists
 * the command), {@code JAVA_TOOL_OPTIONS=… javac} (reviewed); {@code sh s > s}, {@code bash s; bash s} (the
 * first run writing {@code s}), {@code sh /dev/fd/3 3<a}, {@code bash -s < a}, {@code exec 3<a; sh
 * <&3}, {@code sh <(cat a)}, {@code . <(cat a)}, {@code source /dev/stdin < a}, {@code $(<a)},
 * {@code `cat a`} (reviewed or blocked); {@code python3 -m py_compile}/{@code zipapp} then run,
 * {@code install -D}, ed's and vim's/ex's {@code w s}, sqlite3's {@code .once}/{@code .output}
 * (also in {@code -cmd}), {@code gpg --dearmor -o}, {@code openssl base64 -out}, {@code rev},
 * {@code base32 -d}, {@code fold}, {@code expand} into a redirection, {@code sort -T . -o}, {@code
 * ln -s}, {@code cp -s}, {@code patch -o}, {@code xargs -a} (all reviewed). Allowed but ran
 * nothing: {@code ld -r -Map s} (a symbol {@code x;touch W} lists, but sh stops at a syntax error
 * before it), {@code javac -h .} ({@code A.h} holds no command), {@code CMAKE_MAKE_PROGRAM=./x cmake --build b} (no cache), {@code rustc} (no toolchain
 * configured here), {@code g++ -fmodule-mapper='|sh s' -c /dev/null} (no translation unit
 * compiled). Not kept: {@code csplit -f s a 1; sh s01} (ran, but a derived name: stated).
 */
class ShellAttack17agTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "assembler listing run as a script: {0}")
  @ValueSource(strings = {
      "printf '/*\\n;touch WITNESS\\n*/\\n' > a.s; as -al=s a.s; sh s",
      "printf '/*\\n;touch WITNESS\\n*/\\n' > a.s; as -a=s a.s; sh s",
      "printf '/*\\n;touch WITNESS\\n*/\\n' > a.s; as -o a.o -alns=s a.s && sh s",
      "printf '/*\\n;touch WITNESS\\n*/\\n' > a.s; as --listing-lhs-width=2 -ahl=s -o a.o a.s; bash s",
      "printf '/*\\n;touch WITNESS\\n*/\\n' > a.s; as --MD d -alm=s -o a.o a.s; . ./s",
      "printf '/*\\n;touch WITNESS\\n*/\\n' > a.s; as -al=run a.s && chmod +x run && ./run",
      "printf '/*\\n;touch WITNESS\\n*/\\n' > a.s; x86_64-linux-gnu-as -al=s a.s; sh s",
      "printf '/*\\n;touch WITNESS\\n*/\\n' > a.s; as -al=s a.s -o a.o; bash -c 'sh s'"})
  void assemblerListingIsCounted(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * ld's map lists each input's name as {@code LOAD NAME} before the first line sh cannot parse,
   * so an object named {@code x;sh t} runs {@code t} from a map read as a script ({@code -Map s},
   * {@code -Map=s}, {@code --Map s}; gcc's {@code -Wl,-Map=s} was already counted). Found by the 17ag fixer.
   */
  @ParameterizedTest(name = "linker map run as a script: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' > t; printf '.globl x\\nx: nop\\n' > c.s; as -o 'x;sh t' c.s; ld -r -Map s 'x;sh t' -o r.o; sh s",
      "printf 'touch WITNESS\\n' > t; printf '.globl x\\nx: nop\\n' > c.s; as -o 'x;sh t' c.s; ld -r -Map=s 'x;sh t' -o r.o; sh s",
      "printf 'touch WITNESS\\n' > t; printf '.globl x\\nx: nop\\n' > c.s; as -o 'x;sh t' c.s; x86_64-linux-gnu-ld --Map s -r 'x;sh t' -o r.o; bash s",
      "printf 'touch WITNESS\\n' > t; printf '.globl x\\nx: nop\\n' > c.s; as -o 'x;sh t' c.s; gcc -nostdlib -Wl,-Map=s 'x;sh t' -o p; sh s"})
  void linkerMapIsCounted(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Assembling and linking by hand stays a program compiled in the session. */
  @ParameterizedTest(name = "everyday assembly: {0}")
  @ValueSource(strings = {
      "as -o a.o a.s && ld -o a a.o && ./a",
      "as --64 -g -o a.o a.s && ld -static -e _start -o a a.o && ./a",
      "as --gdwarf-5 -I inc -march=x86-64 -W -Z -o a.o a.s && ld -m elf_x86_64 -o a a.o -lc -L /usr/lib && ./a",
      "x86_64-linux-gnu-as -o a.o a.s && x86_64-linux-gnu-ld -o a a.o && ./a",
      "gcc -c a.s && gcc -o a a.o && ./a",
      "as --version && ld --version"})
  void everydayAssemblyStaysAllowed(String text) {
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judge(text).verdict()).as(text)
        .isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judgeTyped(text).verdict()).as(text)
        .isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }

  @ParameterizedTest(name = "g++ module mapper program: {0}")
  @ValueSource(strings = {
      "echo 'int x;' > a.cc; g++ -fmodules-ts '-fmodule-mapper=|touch WITNESS' -c a.cc",
      "echo 'export module m;' > a.cc; g++ -std=c++20 -fmodules-ts '-fmodule-mapper=|touch WITNESS' -c a.cc",
      "echo 'int x;' > a.cc; c++ -std=c++20 -fmodules-ts -fmodule-mapper='|touch WITNESS' -c a.cc -o a.o",
      "echo 'int x;' > a.cc; g++-12 -fmodules-ts -fmodule-mapper='|touch WITNESS' -c a.cc",
      "echo 'int x;' > a.cc; x86_64-linux-gnu-g++-12 -fmodules-ts -fmodule-mapper='|touch WITNESS' -c a.cc",
      "echo 'int x;' > a.c; gcc -x c++ -fmodules-ts -fmodule-mapper='|touch WITNESS' -c a.c",
      "echo 'int main(){}' > a.cc; g++ -fmodules-ts -fmodule-mapper='|touch WITNESS' a.cc -o a",
      "echo 'int x;' > a.cc; CXX_MODULE_MAPPER='|touch WITNESS' g++ -fmodules-ts -c a.cc",
      "echo 'int x;' > a.cc; export CXX_MODULE_MAPPER='|touch WITNESS'; g++ -fmodules-ts -c a.cc"})
  void moduleMapperProgramIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "lto-wrapper runs MAKE: {0}")
  @ValueSource(strings = {
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.c; echo 'int f();int main(){return f();}' > a.c; MAKE=./x gcc -O2 -flto=2 a.c b.c -o p",
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.c; echo 'int f();int main(){return f();}' > a.c; MAKE=./x gcc -O2 -flto=2 -flto-partition=1to1 a.c b.c -o p",
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.c; echo 'int f();int main(){return f();}' > a.c; export MAKE=./x; gcc -O2 -flto=auto a.c b.c -o p",
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.cc; echo 'int f();int main(){return f();}' > a.cc; MAKE=./x g++ -O2 -flto=4 a.cc b.cc -o p",
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.c; echo 'int f();int main(){return f();}' > a.c; gcc -c -flto a.c b.c && MAKE=./x gcc -flto=2 a.o b.o -o p",
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.c; echo 'int f();int main(){return f();}' > a.c; MAKE=$PWD/x cc -flto=2 a.c b.c"})
  void ltoMakeIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "mapper and MAKE, other spellings: {0}")
  @ValueSource(strings = {
      "echo 'int x;' > a.cc; g++ -fmodules-ts '-fmodule-mapper=|touch WITNESS?ident' -c a.cc",
      "echo 'int x;' > a.cc; env CXX_MODULE_MAPPER='|touch WITNESS' g++ -fmodules-ts -c a.cc",
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.c; echo 'int f();int main(){return f();}' > a.c; gcc -c -flto=2 a.c b.c && MAKE=./x gcc a.o b.o -o p",
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.c; echo 'int f();int main(){return f();}' > a.c; env MAKE=./x gcc -O2 -flto=2 a.c b.c -o p",
      "printf '#!/bin/sh\\ntouch WITNESS\\n' > x; chmod +x x; echo 'int f(){return 1;}' > b.c; echo 'int f();int main(){return f();}' > a.c; for i in 1 2; do gcc -O2 -flto=2 a.c b.c -o p; export MAKE=./x; done"})
  void otherSpellingsAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * make runs a {@code MAKE} from the environment or its command line as {@code $(MAKE)} in every
   * recursive recipe of a makefile already on disk (GNU make 4.3 checked with a makefile the text
   * does not write), so no witness here: the judgement alone.
   */
  @ParameterizedTest(name = "MAKE for make's recipes: {0}")
  @ValueSource(strings = {
      "printf '#!/bin/sh\\nid\\n' > x; chmod +x x; make MAKE=./x",
      "printf '#!/bin/sh\\nid\\n' > x; chmod +x x; MAKE=./x make all",
      "printf '#!/bin/sh\\nid\\n' > x; chmod +x x; export MAKE=./x; make -j4"})
  void makeProgramIsJudged(String text) {
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judge(text).verdict()).as(text)
        .isNotInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }

  @ParameterizedTest(name = "everyday build stays allowed: {0}")
  @ValueSource(strings = {
      "gcc -O2 -flto -o app a.c b.c && ./app",
      "g++ -std=c++20 -c a.cc",
      "g++ -std=c++20 -fmodules-ts -c a.cc",
      "g++ -fmodules-ts -fmodule-mapper=mapper.txt -c a.cc",
      "MAKE=make gcc -flto=2 a.c b.c -o p",
      "export MAKE=gmake; make -j4",
      "make -j4 && ./app",
      "CXX=g++ make"})
  void everydayBuildStaysAllowed(String text) {
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }
}
