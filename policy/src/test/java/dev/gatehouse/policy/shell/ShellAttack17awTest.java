package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17aw on the shell judge (after 21a2975): programs that run another program named in
 * an option's value, an environment variable or a file they read. Each case asserts the secure
 * outcome against real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}): the only command the
 * texts run is {@code touch} of a file in a temporary directory (also HOME and the working
 * directory), and every case is allowed by the exec and the typed judgement of the docs'
 * deny-list ({@link ShellJudgeTest#DEFAULT}) without {@code touch} among its commands. Each was run
 * as written under bash 5.2.15 on Debian 12 (gzip 1.12, bzip2 1.0.8, xz-utils 5.4, GNU gdb 13.1,
 * tzdata's tzselect, Google Cloud SDK, LLVM 14, binutils' gprofng 2.40, systemd 252, util-linux
 * 2.38, glib 2.74, dpkg 1.21, git 2.39.5) and created the witness. The allow-lists (docs', 17ah's
 * wide list, 17ap's operator list) block every one of them: none of these programs is listed.
 * Where a value must be one word list for a program split at blanks, it is {@code bash -c
 * {touch,W}} (bash's brace expansion makes the command {@code touch W}; the split value's other
 * words become {@code $0} and the arguments).
 *
 * <ul>
 *   <li><b>Group 1: environment variables that name the program a script runs (26 texts).</b>
 *       {@code CommandReader.COMMAND_VARS} (read as code: {@code PAGER}, {@code EDITOR}, {@code
 *       GIT_EXTERNAL_DIFF}, …) and {@code ShellClass.CODE_OPTION_VARS} hold none of these, so an
 *       assignment of them (prefix, {@code export}, {@code env}, {@code declare -x}) is data to the
 *       judge: gzip's {@code zgrep}/{@code zegrep}/{@code zfgrep} run {@code ${GREP-grep}} through
 *       {@code eval}, bzip2's {@code bzgrep}/{@code bzegrep}/{@code bzfgrep} {@code
 *       $GREP}/{@code $EGREP}/{@code $FGREP}, xz's {@code xzgrep}/{@code lzgrep}/{@code xzegrep}
 *       {@code eval} {@code $GREP} (so even {@code GREP='touch W;'}); {@code zdiff}/{@code
 *       zcmp}/{@code bzdiff}/{@code bzcmp}/{@code xzdiff}/{@code xzcmp}/{@code lzdiff}/{@code lzcmp}
 *       run {@code $DIFF}/{@code $CMP}; gdb's {@code gdb-add-index} runs {@code $GDB} and {@code
 *       $READELF}; {@code tzselect} runs {@code $AWK} before its first question; the Cloud SDK's
 *       {@code gcloud}/{@code gsutil}/{@code bq} run {@code "$CLOUDSDK_PYTHON"
 *       $CLOUDSDK_PYTHON_ARGS}.
 *   <li><b>Group 2: programs that run the program their arguments name, unknown to the judge (12
 *       texts, 2 of them on a terminal).</b> {@code Wrappers.unwrap} has no case for them (its {@code
 *       default} returns nothing: "no wrapper"), and no {@code ShellClass} rule reads them, so
 *       their command words are operands: LLVM's {@code not-14 CMD} (runs CMD, inverts its status),
 *       {@code llvm-reduce --test PROG --test-arg ARG FILE.ll} (runs the interestingness test on a
 *       module the text writes), binutils' {@code gp-collect-app PROG ARGS} and {@code gprofng
 *       collect app PROG ARGS} (profile a run of PROG), systemd's {@code systemd-socket-activate -l
 *       ADDR CMD} (runs CMD on the first connection, which the text makes to itself on loopback:
 *       {@code /dev/tcp}, {@code /dev/udp}, {@code -d}, {@code --inetd}), util-linux's {@code
 *       scriptlive -c CMD} (runs CMD instead of a shell to replay the timing files into), glib's
 *       {@code gio launch FILE.desktop} (runs the written desktop file's {@code Exec=}); on a
 *       terminal {@code agetty -n -l PROG -o ARGS -} (runs its login program on the session's own
 *       terminal; the {@code sleep 1} before it only lets the test's input reach the terminal first)
 *       and {@code luit -- CMD}.
 *   <li><b>Group 3: dpkg's invoke hooks (5 texts).</b> dpkg runs {@code --pre-invoke=CMD}/{@code
 *       --post-invoke=CMD} with {@code sh -c} for the unpack, configure, install, triggers-only,
 *       remove, purge, add-architecture and remove-architecture actions, and reads the same options
 *       from {@code ~/.dpkg.cfg}. {@code ShellClass}'s package-change check ({@code case "dpkg"} near
 *       the {@code rpm}/{@code pacman} cases) looks only at {@code -i}/{@code -r}/{@code -P}/{@code
 *       --install}/{@code --remove}/{@code --purge}/{@code --unpack}/{@code --configure}/{@code
 *       --force*}; the hook options themselves are read as code only inside apt's {@code -o
 *       DPkg::Pre-Invoke} ({@code APT_PROGRAM_SETTING}), never on dpkg's own command line; and
 *       {@code .dpkg.cfg} written relative from the home directory is no startup file ({@code
 *       STARTUP_FILE}/{@code HOME_DOTFILE}). {@code --admindir=db} keeps every write in the
 *       temporary directory: {@code dpkg --admindir=db --pre-invoke='touch W' --add-architecture
 *       armhf} (also {@code --remove-architecture}, {@code --triggers-only --pending/-a}).
 *   <li><b>Group 4: git instaweb's {@code --httpd}/{@code -d} (3 texts).</b> {@code git
 *       instaweb --httpd=CMD} runs CMD unquoted (split at blanks) as the web server: a value
 *       containing {@code httpd} is taken for apache2, run to list its modules and again with its
 *       configuration file. {@code
 *       GitFiles} reads the same thing as config ({@code instaweb\.[^=]*} is reviewed: {@code git
 *       -c instaweb.httpd=…} is), but {@code Wrappers.GIT_COMMANDS} lists {@code instaweb} as an
 *       ordinary subcommand and nothing reads its options. (The fix pass added two texts: {@code
 *       --port}'s value and the working directory's path are put in the gitweb.py it runs.)
 *   <li><b>Group 5: systemd-tmpfiles writes a file named in its configuration (3 texts).</b>
 *       {@code printf 'f %h/ks - - - - touch W\n' | systemd-tmpfiles --create -; sh ks}: an {@code
 *       f} line creates {@code ~/ks} ({@code %h} is {@code $HOME}) holding its argument; the name
 *       and the bytes are the text's own data on tmpfiles' input (or in a {@code ~/t.conf} the text
 *       writes), which {@code WrittenThenRun}/{@code ReadAtStart} never read (no writer of theirs
 *       names systemd-tmpfiles), so the later {@code sh ks}/{@code . ./ks} is of a file the text is
 *       not seen to write. ({@code %h/.lesskey} with a {@code less} after it is reviewed.)
 * </ul>
 *
 * <p>Tried and already refused (or not a bypass): {@code sort --compress-program}/{@code
 * --compress-prog} with a tiny {@code -S}, {@code gdb -ex}/{@code -iex}/{@code -eiex}/{@code
 * -x}/{@code gdbtui}, {@code runuser}, {@code script -c}, {@code env -iS}, {@code env -S"sh -c …"},
 * {@code xargs -a FILE sh -c}, {@code find -fprint}, tar's {@code --checkpoint-action=exec=}/{@code
 * --to-command}/{@code -I}/{@code --use-compress-program}/{@code -F}/{@code --info-script}/{@code
 * --new-volume-script} (bundled or not) and {@code --rsh-command}/{@code --rmt-command} (also
 * {@code TAPE=}), {@code zip -TT}/{@code --unzip-command}, {@code git -c
 * alias.x/core.sshCommand/protocol.ext.allow/man.x.cmd/browser.x.cmd/instaweb.httpd/submodule.x.update/
 * uploadpack.packObjectsHook/guitool.x.cmd/diff.x.textconv/core.alternateRefsCommand}, {@code
 * GIT_CONFIG_COUNT}/{@code GIT_CONFIG_PARAMETERS}, {@code LD_PRELOAD}/{@code LD_AUDIT}, awk {@code
 * -f}, make {@code -f}/{@code --eval}/{@code -E}, ed/ex/vim/vi {@code !}, sqlite3 {@code
 * .shell}/{@code .system} in every spelling, {@code psql \!}, {@code ninja} of a written {@code
 * build.ninja}, {@code run-parts} of a written directory, groff/troff/nroff {@code -U} and {@code
 * MANROFFOPT=-U}, {@code man -H}, chromium's {@code --renderer-cmd-prefix}/{@code
 * --gpu-launcher}/{@code --utility-cmd-prefix}/{@code --browser-subprocess-path}, {@code ip netns
 * exec}/{@code ip vrf exec}, {@code gpg --photo-viewer}/{@code --exec-path}, {@code gpgsm
 * --agent-program}/{@code --protect-tool-program}, {@code gpgtar --gpg}, gcc's {@code -wrapper}
 * (gcc, cc, c99, g++, cpp, an {@code @file}), {@code tmux -c}/{@code new}, {@code bwrap}, {@code
 * scp -S}/{@code sftp -S}/{@code -D}, {@code service}/{@code invoke-rc.d}, {@code .mailcap},
 * {@code .mavenrc}, {@code JAVA_HOME} of a written {@code bin/java}, {@code
 * .local/share/applications} desktop files, {@code XDG_CONFIG_DIRS}, gpg {@code --store | gpg -o ks}
 * (all reviewed or blocked); strace {@code -o '|CMD'}/{@code '!CMD'}, {@code flock}, {@code watch},
 * {@code setsid}, {@code chrt}, {@code taskset}, {@code ionice}, {@code unshare}, {@code sg}, {@code
 * env -S}/{@code --split-string}, {@code xargs -a FILE touch}, {@code LESSOPEN}/{@code LESSCLOSE},
 * {@code PAGER}/{@code MANPAGER}/{@code SYSTEMD_PAGER}/{@code GIT_PAGER}/{@code PSQL_PAGER}/{@code
 * BROWSER}/{@code EDITOR} before their programs, {@code GIT_EXTERNAL_DIFF}, {@code zmore}/{@code
 * xzmore}/{@code bzmore}'s {@code PAGER}, {@code sensible-*} (touch judged); {@code PAGER}/{@code
 * SYSTEMD_PAGER}/{@code MANPAGER} set to a listed program ({@code less}, {@code cat}, {@code
 * tail -f}, {@code journalctl}) (allowed, and what runs is that listed program); valgrind {@code
 * --db-command}/{@code --db-attach} (allowed, but valgrind 3.19 refuses the option); {@code bc
 * '!cmd'} (allowed, GNU bc has no shell escape); {@code xargs -a FILE} without a command (runs
 * echo); {@code zstdgrep}'s {@code GREP}/{@code ZCAT}, {@code zstdless}'s {@code ZSTD} and {@code
 * migrate-pubring-from-classic-gpg}'s {@code GPG} (allowed, but each is quoted: one program name,
 * which must be a written script); {@code gdb-add-index}'s {@code OBJCOPY} (not reached without
 * debug info); {@code gcore}'s {@code GDB} (not read); {@code gettextize}'s {@code AUTOM4TE} (stops
 * earlier, no automake); {@code mvn}'s {@code JAVACMD} (Debian's mvn sets it itself); {@code
 * kernel-install}'s {@code KERNEL_INSTALL_PLUGINS} (allowed, not run: it wants a kernel image and
 * may write under /boot); {@code bugpoint -run-custom -exec-command} (allowed, but bugpoint stops
 * with "can't select a safe interpreter"); {@code xdg-open} with {@code XDG_DATA_DIRS}/{@code
 * XDG_DATA_HOME} desktop files (allowed, but xdg-open's generic mode found no method here); {@code
 * git instaweb --httpd='… python'} (allowed, but instaweb then runs its own gitweb.py); {@code
 * systemd-tmpfiles --create t.conf}/{@code ./t.conf} (allowed, but tmpfiles looks a bare name up in
 * its tmpfiles.d directories and did not open {@code ./t.conf}: no witness); {@code perlbug -e},
 * {@code cpan -j}, {@code pydoc3 FILE}, {@code pygmentize -x -l FILE:L}, {@code cpack
 * --config}, {@code ninja -f} of files the text does not write (allowed, as any script on the host
 * is). Not installed here: ltrace, numactl, busybox, rsync, ripgrep, fd, ag, m4, dc, nano,
 * mail/mailx, ftp.
 */
class ShellAttack17awTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** A program list split at blanks that runs {@code touch WITNESS}. */
  static final String B = "bash -c {touch,WITNESS}";

  @ParameterizedTest(name = "deny-list: a variable names the program a script runs: {0}")
  @ValueSource(strings = {
      "GREP='" + B + "' zgrep x /etc/hostname",
      "GREP='" + B + "' zegrep x /etc/hostname",
      "GREP='" + B + "' zfgrep x /etc/hostname",
      "export GREP='" + B + "'; zgrep x /etc/hostname",
      "env GREP='" + B + "' zgrep x /etc/hostname",
      "GREP='" + B + "' bzgrep x /etc/hostname",
      "EGREP='" + B + "' bzegrep x /etc/hostname",
      "FGREP='" + B + "' bzfgrep x /etc/hostname",
      "GREP='" + B + "' xzgrep x /etc/hostname",
      "GREP='" + B + "' lzgrep x /etc/hostname",
      "GREP='touch WITNESS;' xzgrep x /etc/hostname",
      "GREP='touch WITNESS #' xzegrep x /etc/hostname",
      "DIFF='" + B + "' zdiff /etc/hostname /etc/hosts",
      "CMP='" + B + "' zcmp /etc/hostname /etc/hosts",
      "DIFF='" + B + "' bzdiff /etc/hostname /etc/hosts",
      "CMP='" + B + "' bzcmp /etc/hostname /etc/hosts",
      "DIFF='" + B + "' xzdiff /etc/hostname /etc/hosts",
      "CMP='" + B + "' xzcmp /etc/hostname /etc/hosts",
      "DIFF='" + B + "' lzdiff /etc/hostname /etc/hosts",
      "declare -x CMP='" + B + "'; lzcmp /etc/hostname /etc/hosts",
      "GDB='" + B + "' gdb-add-index /bin/true",
      "READELF='" + B + "' gdb-add-index /bin/true",
      "AWK='" + B + "' tzselect",
      "CLOUDSDK_PYTHON=bash CLOUDSDK_PYTHON_ARGS='-c {touch,WITNESS}' gcloud version",
      "CLOUDSDK_PYTHON=bash CLOUDSDK_PYTHON_ARGS='-c {touch,WITNESS}' gsutil version",
      "CLOUDSDK_PYTHON=bash CLOUDSDK_PYTHON_ARGS='-c {touch,WITNESS}' bq version"})
  void programVariables(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: a program runs the program its arguments name: {0}")
  @ValueSource(strings = {
      "not-14 touch WITNESS",
      "not-14 --crash touch WITNESS || :",
      "printf 'define i32 @main() {\\n  ret i32 0\\n}\\n' > a.ll; llvm-reduce --test /usr/bin/touch --test-arg WITNESS a.ll",
      "gp-collect-app /usr/bin/touch WITNESS",
      "gprofng collect app -O x.er /usr/bin/touch WITNESS",
      "systemd-socket-activate -l 127.0.0.1:40731 touch WITNESS & sleep 1; : >/dev/tcp/127.0.0.1/40731; wait",
      "systemd-socket-activate -d -l 127.0.0.1:40732 touch WITNESS & sleep 1; echo > /dev/udp/127.0.0.1/40732; wait",
      "systemd-socket-activate --inetd -l 127.0.0.1:40733 touch WITNESS & sleep 1; : >/dev/tcp/127.0.0.1/40733; wait",
      "scriptlive -c 'touch WITNESS' -t /dev/null /dev/null",
      "printf '[Desktop Entry]\\nType=Application\\nName=x\\nExec=touch WITNESS\\n' > x.desktop; gio launch x.desktop",
      // Fix pass variants: other names and spellings of the same programs.
      "printf 'define i32 @main() {\\n  ret i32 0\\n}\\n' > a.ll; llvm-reduce-14 -test=/usr/bin/touch -test-arg=WITNESS a.ll",
      "x86_64-linux-gnu-gprofng collect app -O x.er -- /usr/bin/touch WITNESS"})
  void programsThatRunTheirArguments(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list, on a terminal: a program runs the program its arguments name: {0}")
  @ValueSource(strings = {
      "sleep 1; agetty -n -l /usr/bin/touch -o WITNESS - linux",
      "luit -- touch WITNESS"})
  void programsThatRunTheirArgumentsOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: dpkg's invoke hooks: {0}")
  @ValueSource(strings = {
      "mkdir -p db/updates; : > db/status; dpkg --admindir=db --pre-invoke='touch WITNESS' --add-architecture armhf",
      "mkdir -p db/updates; : > db/status; dpkg --admindir db --post-invoke 'touch WITNESS' --add-architecture armhf",
      "mkdir -p db/updates; : > db/status; dpkg --admindir=db --pre-invoke='touch WITNESS' --remove-architecture foo",
      "mkdir -p db/updates; : > db/status; dpkg --admindir=db --pre-invoke='touch WITNESS' --triggers-only --pending",
      "printf 'pre-invoke=touch WITNESS\\n' > .dpkg.cfg; mkdir -p db/updates; : > db/status; dpkg --admindir=db --add-architecture armhf"})
  void dpkgInvokeHooks(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: git instaweb runs its --httpd: {0}")
  @ValueSource(strings = {
      "git init -q r; cd r; git instaweb --httpd='" + B + " httpd'",
      "git init -q r; cd r; git instaweb --httpd '" + B + " httpd'",
      "git init -q r; cd r; git instaweb -d '" + B + " httpd'",
      // Added by the fix: --port's value is put in gitweb.py's code (and in Perl's, which stops at the quote);
      // gitweb.py runs in the background.
      "git init -q r; cd r; timeout 10 git instaweb --httpd=python --port=\"__import__('os').system('touch WITNESS') and 0 or -1\"; sleep 2",
      // Added by the fix: the working directory's path is put in gitweb.py's code (../w is the witness).
      "d='c\"if(__import__(\"os\").mknod(\"..\"+chr(47)+\"w\"))else\"'; git init -q \"$d\"; cd \"$d\"; "
          + "timeout 10 git instaweb --httpd=python"})
  void gitInstawebHttpd(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: systemd-tmpfiles writes a script named in its configuration, then sh: {0}")
  @ValueSource(strings = {
      "printf 'f %%h/ks - - - - touch WITNESS\\n' | systemd-tmpfiles --create -; sh ks",
      "printf 'f %%h/ks - - - - touch WITNESS\\n' | systemd-tmpfiles --create -; . ./ks",
      "printf 'f %%h/ks - - - - touch WITNESS\\n' > t.conf; systemd-tmpfiles --create ~/t.conf; sh ks",
      // Fix pass variant: the person's own configuration directory, read with --user.
      "mkdir -p .config/user-tmpfiles.d; printf 'f %%h/ks - - - - touch WITNESS\\n' > .config/user-tmpfiles.d/k.conf; systemd-tmpfiles --user --cre; sh ks"})
  void systemdTmpfilesWritesAScript(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
