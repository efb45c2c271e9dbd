package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17av on the shell judge (after 2cd4ed5). Each case asserts the secure outcome against
 * real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is
 * {@code touch} of a file in a temporary directory (also HOME and the working directory), and every
 * case is allowed by the exec and the typed judgement of the docs' deny-list ({@link
 * ShellJudgeTest#DEFAULT}) with commands such as {@code [mkdir, printf, chmod, mv, docker]}, never
 * {@code touch}. Each was run as written under bash 5.2.15 on Debian 12 (Docker CLI 28.2.2, GNU gdb
 * 13.1) and created the witness. The allow-lists (docs', wide, 17ap's operator list) block every
 * one of them ({@code mkdir}/{@code printf}/{@code mv} are not listed).
 *
 * <p><b>Cause of both groups: a dot-directory or XDG directory under the home directory, written
 * relative to it or made whole by a rename, copy or link, is not a startup file to the judge.</b>
 * {@code ShellClass.startupFile} (through {@code ShellClass.STARTUP_FILE} and {@code
 * ShellClass.HOME_DOTFILE}) knows a fixed list of names ({@code .config/gdb/gdbinit}, {@code
 * .ssh/config}, {@code .kube/config}, …) and, for "any dotfile in a home directory", only paths
 * that start with {@code ~}, {@code /root}, {@code /home/USER} or an unknown part; a relative path
 * from the home directory the session starts in ({@code .docker/cli-plugins/docker-x}) is neither.
 * And a written directory ({@code d}, {@code d/gdb}) that a later {@code mv}/{@code cp -r}/{@code
 * ln -s} turns into {@code .config}, {@code .config/gdb} or {@code .docker} is judged by the
 * destination's own name ({@code ShellClass} near line 1721 checks only {@code DEST/LEAF} of a
 * moved file), never by the startup files inside it.
 *
 * <ul>
 *   <li><b>Group 1: docker CLI plugins (9 texts).</b> The docker CLI scans {@code
 *       ~/.docker/cli-plugins} (and the {@code cliPluginsExtraDirs} of {@code ~/.docker/config.json})
 *       and runs every {@code docker-*} there with {@code docker-cli-plugin-metadata} to list it:
 *       on {@code docker help}, {@code docker SUBCOMMAND --help}/{@code -h}, and an unknown
 *       subcommand ({@code docker x}). No daemon is needed. The plugin is the text's own script
 *       ({@code touch W}), written there directly, through {@code config.json}'s {@code
 *       cliPluginsExtraDirs}, or by {@code mv d .docker}, {@code cp -r d .docker}, {@code ln -s d
 *       .docker}. Neither {@code .docker/cli-plugins/*} nor {@code .docker/config.json} is in
 *       {@code STARTUP_FILE}. (Under the wide allow-list, {@code docker ps --help} runs the plugins
 *       of an existing {@code ~/.docker} as well, but the text cannot write one there.)
 *   <li><b>Group 2: gdb's XDG init directory made whole (9 texts).</b> gdb 13 runs {@code
 *       ~/.config/gdb/gdbinit} and {@code gdbearlyinit} at start ({@code shell CMD}). Writing that
 *       file by its name is reviewed ({@code STARTUP_FILE} has {@code .config/gdb/gdbinit}), but
 *       {@code mv d .config/gdb}, {@code mv d .config}, {@code mv -T d .config}, {@code cp -r d
 *       .config}, {@code cp -R d/. .config}, {@code ln -s d .config}, {@code ln -s ../d .config/gdb},
 *       {@code mv .config/d .config/gdb} put a written {@code gdbinit} there without naming it, and
 *       {@code gdb -batch} runs it.
 * </ul>
 *
 * <p>Tried and already refused (or not a bypass): POSIX-mode kept assignments: bash 5.2 keeps a
 * prefix assignment only before a real special builtin ({@code :}, {@code export}, {@code eval},
 * {@code exec}, {@code unset}, {@code readonly}, {@code set}, {@code shift}, {@code trap}); checked
 * under bash that {@code command :}, {@code builtin :}, {@code command eval}, {@code builtin export},
 * {@code true}, {@code declare}, {@code typeset}, {@code read}, {@code cd}, {@code wait}, {@code
 * getopts}, a function {@code f} do not keep it (the judge allows those with {@code LC_ALL=zh_CN.GBK},
 * correctly); {@code \:}, {@code ':'}, {@code exec} with only assignments, {@code $(:)} as the name,
 * {@code . /dev/null}, {@code times} with a GBK prefix are reviewed/blocked; {@code PAGER}/{@code
 * LESSOPEN}/{@code LESSGLOBALTAGS}/{@code SYSTEMD_PAGER} before {@code :} are judged as set (the
 * deny-list lists their {@code touch}). Character set: {@code ${LC_ALL:=…}}, {@code ${LC_ALL=…}},
 * {@code for LC_ALL in}, {@code select}, {@code printf -v}, {@code read}, namerefs, {@code declare
 * -A}, {@code declare -u} with a lower-case value, {@code LC_ALL+=}, {@code LC_ALL[0]=}, {@code
 * mapfile}, {@code zh_CN.GBK.utf8}, {@code export}/{@code declare -x} of a GBK value: all refused
 * (bash itself does not call setlocale for {@code mapfile}, {@code getopts}, {@code coproc}, {@code
 * exec {LC_ALL}>}); {@code .utf8}/{@code .utf-8}/{@code .UTF8}/{@code .UTF-8}/{@code @mod} allowed,
 * but glibc only loads such names from /usr/lib/locale (a missing one falls back to C, which reads
 * no ASCII byte differently). GBK is not installed here, and the brief forbids writing
 * /usr/lib/locale, so no charset case was run. D-Bus/docker: {@code DOCKER_HOST=ssh://-oProxyCommand=…}
 * (allowed, but Docker 28 rejects the host name and passes {@code --} to ssh); {@code systemctl -H}
 * (sd-bus 252 runs {@code ssh} by PATH only; no {@code SYSTEMD_SSH}). Dot-directories: {@code mv d
 * .ssh}, {@code cp -r d .ssh}, {@code ln -s d .ssh} (blocked), {@code mv d .config/git}, {@code mv c
 * .config} with {@code git/config}, {@code cp -r}/{@code ln -s}/{@code rsync}/{@code tar} into
 * {@code .config}, {@code mv}/{@code cp}/{@code install} of a {@code .gitconfig} (reviewed); {@code mv
 * d .vim}, {@code .vim/plugin} writes, {@code .local} site-packages {@code .pth} ({@code mv d
 * .local}), {@code .gdbinit}/{@code .gdbearlyinit}/{@code .config/gdb/gdbinit} by name, {@code
 * .sqliterc}, {@code .tmux.conf}/{@code .config/tmux}, {@code .wgetrc}, {@code .npmrc}, {@code
 * .tclshrc}, {@code XDG_CONFIG_HOME=d} (reviewed); {@code mv d .config} with {@code sqlite3/sqliterc}
 * (allowed, but sqlite3 3.40 reads only {@code ~/.sqliterc}) and with {@code lesskey} (allowed, but
 * less 590 did not read {@code ~/.config/lesskey}, on a terminal or not); {@code .docker/config.json}
 * {@code credsStore} (allowed, but {@code docker ps --help} runs no credential helper).
 */
class ShellAttack17avTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;

  static final String PLUGIN = "printf '#!/bin/sh\\ntouch WITNESS\\n' > ";

  @ParameterizedTest(name = "deny-list: a docker CLI plugin the text writes under ~/.docker: {0}")
  @ValueSource(strings = {
      "mkdir -p .docker/cli-plugins; " + PLUGIN + ".docker/cli-plugins/docker-x; chmod +x .docker/cli-plugins/docker-x; docker ps --help",
      "mkdir -p .docker/cli-plugins; " + PLUGIN + ".docker/cli-plugins/docker-x; chmod +x .docker/cli-plugins/docker-x; docker ps -h",
      "mkdir -p .docker/cli-plugins; " + PLUGIN + ".docker/cli-plugins/docker-x; chmod +x .docker/cli-plugins/docker-x; docker help",
      "mkdir -p .docker/cli-plugins; " + PLUGIN + ".docker/cli-plugins/docker-x; chmod +x .docker/cli-plugins/docker-x; docker x",
      "mkdir -p .docker/cli-plugins; " + PLUGIN + ".docker/cli-plugins/docker-x; chmod 755 .docker/cli-plugins/docker-x; docker images --help",
      "mkdir -p p .docker; " + PLUGIN + "p/docker-x; chmod +x p/docker-x; printf '{\"cliPluginsExtraDirs\":[\"p\"]}' > .docker/config.json; docker ps --help",
      "mkdir -p d/cli-plugins; " + PLUGIN + "d/cli-plugins/docker-x; chmod +x d/cli-plugins/docker-x; mv d .docker; docker ps --help",
      "mkdir -p d/cli-plugins; " + PLUGIN + "d/cli-plugins/docker-x; chmod +x d/cli-plugins/docker-x; cp -r d .docker; docker ps --help",
      "mkdir -p d/cli-plugins; " + PLUGIN + "d/cli-plugins/docker-x; chmod +x d/cli-plugins/docker-x; ln -s d .docker; docker ps --help"})
  void denyListDockerCliPlugin(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  static final String GDBINIT = "printf 'shell touch WITNESS\\n' > ";

  @ParameterizedTest(name = "deny-list: gdb's XDG directory made whole: {0}")
  @ValueSource(strings = {
      "mkdir -p d; " + GDBINIT + "d/gdbinit; mkdir -p .config; mv d .config/gdb; gdb -batch",
      "mkdir -p d; " + GDBINIT + "d/gdbearlyinit; mkdir -p .config; mv d .config/gdb; gdb -batch",
      "mkdir -p d/gdb; " + GDBINIT + "d/gdb/gdbinit; mv d .config; gdb -batch",
      "mkdir -p d/gdb; " + GDBINIT + "d/gdb/gdbinit; mv -T d .config; gdb -batch",
      "mkdir -p d/gdb; " + GDBINIT + "d/gdb/gdbinit; cp -r d .config; gdb -batch",
      "mkdir -p d/gdb; " + GDBINIT + "d/gdb/gdbinit; cp -R d/. .config; gdb -batch",
      "mkdir -p d/gdb; " + GDBINIT + "d/gdb/gdbinit; ln -s d .config; gdb -batch",
      "mkdir -p .config/d; " + GDBINIT + ".config/d/gdbinit; mv .config/d .config/gdb; gdb -batch",
      "mkdir -p d; " + GDBINIT + "d/gdbinit; mkdir .config; ln -s ../d .config/gdb; gdb -batch"})
  void denyListGdbXdgDirectory(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // Variants found by fix17avI: a directory's contents copied (d/.), a tree renamed twice.
  @ParameterizedTest(name = "deny-list: a startup directory made whole, variants: {0}")
  @ValueSource(strings = {
      "mkdir -p d/gdb; " + GDBINIT + "d/gdb/gdbinit; mv d e; mv e .config; gdb -batch",
      "mkdir -p d/cli-plugins; " + PLUGIN + "d/cli-plugins/docker-x; chmod +x d/cli-plugins/docker-x; cp -R d/. .docker; docker help"})
  void denyListStartupDirectoryVariants(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** vim loads every {@code ~/.vim/plugin/*.vim} when it starts, on a terminal. */
  @ParameterizedTest(name = "deny-list: vim's plugin directory filled by a copy of a directory's contents: {0}")
  @ValueSource(strings = {
      "mkdir -p d/plugin; printf 'call system(\"touch WITNESS\")\\n' > d/plugin/x.vim; cp -R d/. .vim; vim f"})
  void denyListVimPluginsCopiedByContents(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }
}
