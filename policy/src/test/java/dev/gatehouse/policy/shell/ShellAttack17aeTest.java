package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ae on the shell judge (after 17ad). Each case asserts the secure outcome against
 * real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is
 * {@code touch} of a file in a temporary directory (also HOME and the working directory), and
 * every case is allowed by the exec and the typed judgement without {@code touch} among its
 * commands. Each was run as written under bash 5.2 on Debian 12 and created the witness file.
 *
 * <p><b>A script the text writes by a writer the written-then-run rule does not read.</b> {@code
 * WrittenThenRun.runsScriptTheTextWrites} counts a file as written directly only when a
 * redirection, {@code tee}, {@code cp}/{@code mv}/{@code install}/{@code ln}, {@code dd of=},
 * {@code curl}, {@code wget} or {@code sed -i}/{@code perl -i} names it ({@code directlyWritten}).
 * Every other program that writes a file the text names as its output target is not read, though
 * the file's name is on the line as plainly as after {@code >} (and the git-location check already
 * counts the same programs as writers: {@code uniq IN r/.git/config}, {@code sort -o}, {@code iconv
 * -o}, {@code xxd -r}, sed's {@code w FILE}, awk's {@code print > "FILE"}). So the text's own data
 * becomes a script that a shell, {@code source}/{@code .}, a path run as a command, or an
 * interpreter ({@code perl}, {@code tclsh}, {@code node}) then runs, unjudged: {@code sort -o F} /
 * {@code --output=F} (coreutils 9.1), {@code uniq IN OUT}, {@code shuf -o F}, {@code iconv -o F}
 * (glibc 2.36), {@code xxd -r IN OUT} (vim 9.0's xxd), {@code openssl enc -d -base64 -in B -out F}
 * (OpenSSL 3.0), {@code zstd -d IN -o F} (zstd 1.5.4: a decompressor, but {@code -o} names its
 * output, no derived name), sed's {@code w F} command (GNU sed 4.9, also {@code -n w\ F}), awk's
 * {@code print > "F"} and {@code >>} (mawk 1.3.4, as {@code awk} and {@code mawk}: one literal
 * string, which {@code writesUnderDerivedName} deliberately leaves alone), and {@code link A F}
 * (coreutils: a hard link, as {@code ln A F}, which is counted). The stated limit (a script written
 * under a name a program derives: {@code git pull}, {@code tar x}, {@code split}) does not cover
 * these: each names its output. Found while fixing (compilers and build tools stay the stated
 * limit, but {@code gcc -E} writes its input as text and {@code cmake -E copy} copies it): {@code
 * gcc -E -P -x c a.c -o s}, {@code cmake -E copy a s}, {@code find -exec sort -o s {} \;}. Not kept: {@code split … - s; sh saa} (a derived name, stated),
 * {@code sponge} and {@code rsync} (not installed here), {@code gpg --output} (ran nothing).
 *
 * <p><b>less under its other names.</b> The judge reads less's start commands ({@code less
 * $'+!CMD\n' F}, {@code -k}/{@code --lesskey-src}) only for {@code less}: {@code pager} (Debian's
 * alternative, a symlink to less), {@code sensible-pager} (sensible-utils 0.0.17; runs {@code
 * pager} when {@code PAGER} is unset) and the decompressing wrappers {@code zless} (gzip 1.12),
 * {@code xzless}/{@code lzless} (xz-utils 5.4.1) and {@code zstdless} (zstd 1.5.4), which hand
 * their options to less, run {@code $'+!CMD\n'} at the first screen unjudged. They need a
 * terminal, so the cases run under {@code script} as at the guarded prompt. ({@code bzless} is
 * {@code bzmore}, which does not read {@code +!}.) Found with them: {@code sensible-editor}
 * (sensible-utils 0.0.17) runs {@code editor} (vim.basic here) with its arguments, so {@code -c
 * '!CMD'}; and chromium 1xx ({@code x-www-browser} and {@code gnome-www-browser} here, run by
 * {@code sensible-browser} once {@code DISPLAY} is set) starts the program its {@code
 * --renderer-cmd-prefix}/{@code --utility-cmd-prefix} names (one dash or two), headless, no
 * display needed. Not bypasses: {@code zmore} refuses options, {@code xzmore}/{@code bzmore} take
 * only files, {@code more +!…} is reviewed, {@code most} is not installed, {@code vimtutor}'s
 * argument only picks a language.
 *
 * <p>Tried and already refused or not a bypass: {@code exec 3>s; … >&3; sh s}, {@code f=s; … >
 * $f; sh s}, {@code sh *}, {@code sh *.sh}, a write in a function or a subshell, {@code cat <<EOF
 * >s}, {@code base64 -d > s}, {@code cd}/{@code $PWD/s}/{@code ~+/s}/{@code ../s}, {@code S} in
 * upper case, {@code bash -x}/{@code --norc}/{@code --posix}/{@code -O extglob}/{@code +e}/{@code
 * -o errexit s}, {@code --rcfile s -i}, {@code BASH_ENV=s}, {@code ENV=s sh -i}, {@code sh -s <
 * s}, {@code exec}/{@code nohup}/{@code timeout}/{@code command ./s}, {@code xargs sh}, {@code
 * find -exec sh {} \;}/{@code -exec {} \;}, {@code awk -f}, {@code make -f}, {@code dash s},
 * {@code cat s | sh}, {@code sh -c '. ./s'}, {@code eval}, {@code builtin source}, {@code
 * PATH=.:$PATH s}, {@code ln a s}, {@code cp -l}, {@code cp -t d a}, {@code ed}'s {@code w},
 * {@code awk}'s {@code print | "cat > s"}, {@code lli s.ll}, {@code script -qc 'sh s'} (all
 * reviewed); {@code ld.so}/{@code ld-linux-x86-64.so.2 PROG}, {@code sg GROUP -c CMD} (list their
 * command); {@code gpic}/{@code gtroff -U}, {@code wish8.6}/{@code tclsh8.6} of their input,
 * {@code python3.11-config}, {@code corepack}; the 17ad wrappers' other spellings ({@code
 * hyperfine -c}/{@code --cleanup=}/{@code -s}, {@code choom -n0}, {@code logsave -as}, {@code
 * start-stop-daemon -S -x}/{@code -a}/{@code -Sqa}/{@code --startas=}, {@code prove -e}/{@code
 * --exe=}: all list their command; {@code heaptrack --record-only} reviewed).
 */
class ShellAttack17aeTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "script written by an unread writer: {0}")
  @ValueSource(strings = {
      "echo 'touch WITNESS' | sort -o s; sh s",
      "echo 'touch WITNESS' > a && sort -u a -o s && . ./s",
      "echo 'touch WITNESS' > a && sort --output=s a && source s",
      "echo 'touch WITNESS' > a && uniq a s && sh s",
      "echo 'touch WITNESS' > a && uniq a s && chmod +x s && ./s",
      "echo 'touch WITNESS' | shuf -o s; sh s",
      "echo 'touch WITNESS' | iconv -o s; sh s",
      "echo 'touch WITNESS' > a && xxd a h && xxd -r h s && sh s",
      "echo 'touch WITNESS' | openssl enc -base64 -out b; openssl enc -d -base64 -in b -out s; sh s",
      "echo 'touch WITNESS' | zstd -q -o s.zst; zstd -q -d s.zst -o s; sh s",
      "echo 'touch WITNESS' | sed -n 'w s'; sh s",
      "echo 'touch WITNESS' | sed -n w\\ s; sh s",
      "echo 'touch WITNESS' | sed 'w s' > /dev/null; . ./s",
      "echo 'touch WITNESS' | awk '{print > \"s\"}' && bash s",
      "echo 'touch WITNESS' | awk '{print >> \"s\"}' && bash s",
      "echo 'touch WITNESS' | mawk '{print > \"s\"}' && bash s",
      "echo 'touch WITNESS' > a && link a s && sh s",
      "echo 'exec touch WITNESS' | sort -o s.tcl; tclsh s.tcl",
      "echo 'system(\"touch WITNESS\")' | sort -o p.pl; perl p.pl",
      "echo 'require(\"child_process\").execSync(\"touch WITNESS\")' | sort -o j.js; node j.js",
      "echo 'touch WITNESS' > a.c; gcc -E -P -x c a.c -o s; sh s",
      "echo 'touch WITNESS' > a; cmake -E copy a s && sh s",
      "echo 'touch WITNESS' > a; find . -name a -exec sort -o s {} \\; ; sh s"})
  void scriptWrittenByAnyWriterIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "less under another name: {0}")
  @ValueSource(strings = {
      "echo hi > f; pager $'+!touch WITNESS\\n' f",
      "echo hi > f; sensible-pager $'+!touch WITNESS\\n' f",
      "echo hi > f; zless $'+!touch WITNESS\\n' f",
      "echo hi > f; xzless $'+!touch WITNESS\\n' f",
      "echo hi > f; lzless $'+!touch WITNESS\\n' f",
      "echo hi > f; zstdless $'+!touch WITNESS\\n' f",
      "echo hi > f; sensible-editor -c '!touch WITNESS' f"})
  void lessUnderAnotherNameIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "browser switch that runs a program: {0}")
  @ValueSource(strings = {
      "chromium --headless --no-sandbox --renderer-cmd-prefix='bash -c touch${IFS}WITNESS' about:blank",
      "chromium --headless --no-sandbox -renderer-cmd-prefix='bash -c touch${IFS}WITNESS' about:blank",
      "x-www-browser --headless --no-sandbox --utility-cmd-prefix='bash -c touch${IFS}WITNESS' about:blank",
      "DISPLAY=:0 sensible-browser --headless --no-sandbox --renderer-cmd-prefix='bash -c touch${IFS}WITNESS' about:blank"})
  void browserLauncherSwitchIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
