package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cq on ec3968f4, on the day's changes since 36b35e91 ({@link Runners}, the wrappers,
 * interpreters and prompts of 17cn, the allow-list's watchdog, terminal and {@code exec -a} readings
 * of 17co, the runners and review classes of 17cp). Judge: {@link ShellJudgeTest#DEFAULT} (Q9 under
 * {@link ShellAttack17coTest#ALLOW_LIST}); each text as an exec request and as a typed line. Every
 * finding below was allowed both ways before the fix unless it says otherwise. Findings marked
 * proven were run under bash 5.2 in a throwaway bubblewrap sandbox ({@code /} read-only, a private
 * {@code /tmp}, no network): {@link #provenInSandbox} runs them again.
 *
 * <p><b>Q1, the runners' Python modules by another way in</b> (proven): {@code python3 -m
 * dotenv.__main__ run CMD} (the package's {@code __main__} named whole), {@code python3 -m runpy
 * dotenv run CMD}, {@code python3 -m cProfile -m dotenv run CMD} (also {@code -mdotenv}, {@code -o
 * FILE} first) and {@code python3 -m trace --trace --module dotenv run CMD} each ran CMD unjudged:
 * 17cp's {@code Runners.pythonModule} matched the module's name whole after {@code -m}. The same
 * ways around the review classes read by python's module: {@code python3 -m runpy http.server}
 * and {@code -m cProfile -m http.server} (remote-copy), {@code -m pip.__main__ install X} and
 * {@code -m runpy pip install X} (package-change). Fix: {@code ShellClass.PythonRun.resolvedModule}
 * follows {@code MOD.__main__}, {@code runpy MOD}, {@code cProfile}/{@code profile … -m MOD} and
 * {@code trace … --module MOD} (argparse's and optparse's prefixes; trace's {@code -m} is
 * {@code --missing}, which the sandbox showed: no module runs) to the module that runs; the runners,
 * pip and the file servers read it.
 *
 * <p><b>Q2, {@code exec -a} with a name only known when it runs</b> (allowed as exec; proven):
 * {@code n=reboot; exec -a "$n" systemctl status} (also {@code "$(printf reboot)"}, {@code "$HOME"},
 * {@code ${1:-reboot}} quoted) was read as {@code systemctl status}: the option scan keeps a value
 * it cannot read as null, which 17co's {@code withArgv0} took for no {@code -a} at all. In the
 * sandbox {@code n=reboot; exec -a "$n" systemctl --help} prints reboot's help ("Reboot the
 * system"). Fix: {@code Wrappers.argv0} tells "no name" from "a name only known when it runs"
 * (unknown: unclassified), for {@code exec -a} and the loader's {@code --argv0}.
 *
 * <p><b>Q3, the runners under their other names and launchers</b> (not proven: not installed here):
 * RubyGems installs Bundler as {@code bundler} too ({@code bundler exec rm -rf /}); Debian's Yarn is
 * {@code yarnpkg}; mise was {@code rtx}; Corepack runs the manager its first word names ({@code
 * corepack yarn exec CMD}, {@code corepack pnpm@9 dlx CMD}, {@code corepack npx CMD}); RubyGems'
 * version selector before the verb ({@code bundle _2.4.0_ exec CMD}, "gem executables accept
 * _VERSION_"); {@code ruby -S bundle exec CMD} (ruby(1): -S looks the script up in PATH; a script
 * whose {@code #!} names another interpreter is run by it). Fix: {@code Runners.ALIASES}, the
 * version selector dropped as rustup's {@code +TOOLCHAIN} is, {@code Wrappers.corepack}, {@code
 * Wrappers.rubySearchedScript} (the words from the script's name judged as a command).
 *
 * <p><b>Q4, runner verbs the tables missed</b> (not proven: their manuals): {@code devbox global run
 * CMD} and {@code devbox global shell}; {@code mise en} (mise 2025: "starts a new shell with the
 * mise environment"); {@code bundle console} (IRB with the bundle loaded); {@code nix env shell PKG
 * -c CMD} (nix 2.24's new name of {@code nix shell}) and without {@code -c}; {@code nix repl}
 * ({@code :sh DRV} starts a shell). Fix: {@code devbox global} is dropped before the verb as yarn's
 * workspace words are; the shells join the tables' {@code shells}; {@code env shell} is nix's verb.
 *
 * <p><b>Q5, Nix's evaluator given {@code builtins.exec}</b> (not proven: nix.conf(5),
 * allow-unsafe-native-code-during-evaluation): {@code nix eval --option
 * allow-unsafe-native-code-during-evaluation true --expr 'builtins.exec ["sh" "-c" CMD]'} runs CMD
 * as it evaluates (also {@code nix-instantiate --eval}, the setting as a flag). Fix: {@code
 * ShellClass.interpreterInline}.
 *
 * <p><b>Q6, D-Bus by another verb and other services</b> (busctl is installed, no bus here; not
 * proven: busctl(1), org.freedesktop.systemd1(5) and the services' interfaces): {@code busctl
 * set-property org.freedesktop.systemd1 … Manager LogTarget s null} is {@code systemctl log-target
 * null} (service-change), but 17cp read busctl's verbs other than {@code call} as reads; {@code
 * systemd-analyze log-level|log-target VALUE} likewise. NetworkManager's {@code Enable b false},
 * {@code DeactivateConnection} (as {@code nmcli networking off}, {@code nmcli connection down}:
 * firewall-change), firewalld's {@code panicOn} (as {@code firewall-cmd --panic-on}), accountsservice's
 * {@code CreateUser} (as {@code useradd}: user-change), UDisks2's {@code Format} (as {@code mkfs}:
 * filesystem-format), machined's {@code OpenMachineShell} on {@code .host} (as {@code machinectl
 * shell}: nested-shell). Fix: {@code ShellClass.dbusMethods} reads {@code set-property} as a call
 * of {@code Set}; {@code ShellClass.dbusServiceCall}; systemd-analyze in serviceChange.
 *
 * <p><b>Q7, package and container changes by siblings</b> (not proven: their manuals): {@code
 * dpkg-statoverride --update --add root root 4755 /bin/bash} (a mode dpkg keeps on the package's
 * file, set at once with {@code --update}; dpkg-divert's sibling: package-change); {@code nix
 * profile install|add|remove|upgrade|rollback} (nix-env's successor: package-change); {@code docker
 * system prune}, {@code podman system prune} (remove every stopped container as {@code container
 * prune} does: service-change).
 *
 * <p><b>Q8, the watchdog by wdctl's default device</b> (not proven: it would reboot the machine):
 * {@code wdctl -s 1} (also {@code --settimeout}, its prefixes, {@code -p}/{@code --setpretimeout},
 * {@code -g}) opens {@code /dev/watchdog0}, wdctl(8)'s default, to set its timeout, where {@code
 * wdctl /dev/watchdog0} was already power. Fix: {@code ShellClass.opensWatchdog}. Also fixed, false
 * refusals of 17co's fix: {@code file /dev/watchdog} and {@code du /dev/watchdog} only stat it
 * ({@code file -s} opens it, still power).
 *
 * <p><b>Q9, the serial console by Raspberry Pi OS's names</b> (allow-list; not proven: no such
 * board): {@code cat /dev/serial0} ({@code /dev/serial1}), udev's links to {@code ttyAMA0}/{@code
 * ttyS0} where a getty logs in, passed 17co's terminal list ({@code /dev/serial/…} only). Fix:
 * {@code TerminalDevices.TERMINAL}.
 *
 * <p><b>Q10, Kakoune given keys or a session's commands</b> (proven): {@code kak -f '!touch
 * F<ret>' FILE} (filter mode types the keys into each file; {@code !CMD<ret>} inserts CMD's output)
 * and {@code echo 'nop %sh{CMD}' | kak -p SESSION} (sends the commands it reads to a session that
 * {@code kak -d -s SESSION} started; {@code %sh{}} runs CMD) each ran CMD: 17cn read {@code -e} and
 * {@code -E} only. Fix: {@code CommandPrompts.editorGivenCode} reads {@code -f} and {@code -p} as
 * code (interpreter-inline).
 *
 * <p><b>Q11, mysql's client commands from a here-string</b> (not proven: the client connects to a
 * server first; mysql(1), "mysql Client Commands"): {@code mysql <<< 'system id'} and a
 * here-document holding {@code \!} feed the client what the prompt would read, and {@code system}
 * runs. Fix: {@code CommandPrompts.mysqlRuns} reads the text's own input (nested-shell, as the
 * prompt); a dump from a file or a pipe ({@code zcat d.sql.gz | mysql db}) is left alone.
 *
 * <p><b>Q12, prompts and inline code 17cn's tables missed</b> (not proven: not installed; their
 * manuals): {@code racket -l racket/base -e CODE} (racket reads its options on after {@code -l}:
 * the library was taken for the script) and {@code racket -il racket/base} (its REPL); {@code pry
 * -e CODE}; {@code ocaml -init FILE} and {@code clisp -i FILE} (the prompt after the file);
 * {@code groovysh}, MySQL Shell's {@code mysqlsh} (JavaScript, Python, {@code \system}), {@code
 * mycli} ({@code system CMD}), Debian's {@code chicken-csi}, {@code mit-scheme --eval}. Fix: racket's
 * and clisp's value letters, racket's {@code -i}, ocaml's {@code -init}, the names in {@code
 * Interpreters.LANGUAGES} with their {@code -e}; racket with a program ({@code -t}, {@code -l},
 * {@code -r}, …) and no {@code -i} starts no prompt ({@code racket -t x.rkt} stays allowed).
 *
 * <p><b>Q13, BusyBox's hush</b> (allowed: {@code hush -c 'rm -rf /'}, {@code busybox hush -c …};
 * not proven: busybox is not installed here; BusyBox's applet list): the shell by its name was
 * known as a prompt ({@code hush} alone nested-shell), but its {@code -c} code was never read,
 * where 17cn's N3 read the other shells' names. Fix: {@code Wrappers.BASH_LIKE} (its code read as
 * sh's; as for mksh and yash, {@code -c} stays reviewed as interpreter-inline).
 *
 * <p><b>Regressions of the day</b> (texts allowed at 36b35e91 and refused at ec3968f4, from the
 * tests' texts and 150 everyday lines of the tools touched): {@code ocaml -version}, {@code
 * kotlin -version}, {@code gforth -v}, {@code r2 -v} (17cn's new prompts) were nested-shell or
 * interpreter-inline: fixed by {@code Interpreters.VERSION_ONLY} (one word that prints the version),
 * which also ends the older refusals of {@code node -v}, {@code php -v}, {@code perl -v}, {@code ruby
 * -v}. {@code python3 -m http.server} (now remote-copy) is intended (17cp W2). {@code tail -c +1
 * /*}{@code /$$/m[e]m} (17az's text) is now power: the glob could name {@code /dev/watchdog}'s
 * directory's files, left as it is (a contrived text). No text refused at 36b35e91 is allowed now.
 * Reported, not fixed: a project's own dependency installs, allowed at 36b35e91, are package-change
 * now ({@code poetry install}, {@code poetry update}, {@code pipenv install}/{@code sync}, {@code pdm
 * install}/{@code sync}, {@code composer install}/{@code update}, {@code bundle install}/{@code
 * update}) while {@code npm install}, {@code npm ci} and {@code uv sync} stay allowed: ShellRunnersTest's
 * W2 and 17cp's C6 assert them on purpose; only {@code bundle install} (the system's gem directory
 * without a configured path) installs beyond the project, the others into its virtualenv or {@code
 * vendor/}. The runners' environment files ({@code op run --env-file=… -- npm start}:
 * interpreter-inline) are 17cp's C5, intended.
 *
 * <p><b>Left alone</b>: plain {@code wdctl} (reads sysfs; a device opened only where sysfs lacks the
 * information); timedate1's and hostname1's methods (their tools, {@code timedatectl set-time},
 * {@code hostnamectl hostname}, are in no class either); PackageKit by D-Bus and {@code pkcon
 * install} (no class reads PackageKit today); {@code kubectl scale/drain/cordon}, {@code docker
 * volume rm/prune}, {@code docker swarm leave}, {@code docker node rm/update} (out of today's
 * lifecycle reading: data and cluster membership, not a container's run); {@code bundle3.1}-style
 * versioned names (no distribution ships them); yarn's and bun's {@code run} of a dependency's
 * binary (not a PATH command); {@code /dev/virtio-ports/*} (channels, not terminals); {@code
 * guile -v}, {@code racket -v} and {@code lldb -v} stay as they were (racket's {@code -v} adds its
 * prompt).
 */
class ShellAttack17cqTest {

  @ParameterizedTest(name = "{0}: {1} -> {2} {3} / typed {4} {5}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      Q1 => python3 -m dotenv.__main__ run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3 -m runpy dotenv run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3 -m cProfile -m dotenv run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3 -m cProfile -mdotenv run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3 -m cProfile -o /tmp/p -m poetry run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3 -m trace --trace --module dotenv run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3 -m trace --trace --mod dotenv run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3 -m uv.__main__ run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3.12 -m runpy pipx run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q1 => python3 -m runpy poetry shell => review => nested-shell => review => nested-shell
      Q1 => python3 -m runpy http.server => review => remote-copy => review => remote-copy
      Q1 => python3 -m cProfile -m http.server 8000 => review => remote-copy => review => remote-copy
      Q1 => python3 -m http.server.__main__ => review => remote-copy => review => remote-copy
      Q1 => python3 -m pip.__main__ install evilpkg => review => package-change => review => package-change
      Q1 => python3 -m runpy pip install evilpkg => review => package-change => review => package-change
      Q2 => n=reboot; exec -a "$n" systemctl status => review => unclassified => block => guard-tamper
      Q2 => exec -a "$(printf reboot)" systemctl status => review => unclassified => block => guard-tamper
      Q2 => exec -a "${1:-reboot}" systemctl status => review => unclassified => block => guard-tamper
      Q2 => exec -a "$HOME" systemctl status => review => unclassified => block => guard-tamper
      Q2 => /lib64/ld-linux-x86-64.so.2 --argv0 "$n" /usr/bin/systemctl status => review => unclassified => review => unclassified
      Q3 => bundler exec rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => yarnpkg exec rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => rtx exec -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => corepack yarn exec rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => corepack pnpm@9 dlx rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => corepack npx rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => bundle _2.4.0_ exec rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => ruby -S bundle exec rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => ruby -w -r json -S bundle exec rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q3 => ruby -S poetry run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q4 => devbox global run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q4 => devbox global shell => review => nested-shell => review => nested-shell
      Q4 => mise en => review => nested-shell => review => nested-shell
      Q4 => bundle console => review => nested-shell => review => nested-shell
      Q4 => nix env shell nixpkgs#hello -c rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      Q4 => nix env shell nixpkgs#hello => review => nested-shell => review => nested-shell
      Q4 => nix repl => review => nested-shell => review => nested-shell
      Q5 => nix eval --option allow-unsafe-native-code-during-evaluation true --expr 'builtins.exec ["id"]' => review => interpreter-inline => review => interpreter-inline
      Q5 => nix-instantiate --eval --option allow-unsafe-native-code-during-evaluation true -E 'builtins.exec ["id"]' => review => interpreter-inline => review => interpreter-inline
      Q5 => nix eval --allow-unsafe-native-code-during-evaluation --expr 'builtins.exec ["id"]' => review => interpreter-inline => review => interpreter-inline
      Q6 => busctl set-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager LogTarget s null => review => service-change => review => service-change
      Q6 => busctl set-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager LogLevel s debug => review => service-change => review => service-change
      Q6 => systemd-analyze log-target null => review => service-change => review => service-change
      Q6 => systemd-analyze --system log-level debug => review => service-change => review => service-change
      Q6 => busctl call org.freedesktop.NetworkManager /org/freedesktop/NetworkManager org.freedesktop.NetworkManager Enable b false => review => firewall-change => review => firewall-change
      Q6 => busctl call org.freedesktop.NetworkManager /org/freedesktop/NetworkManager org.freedesktop.NetworkManager DeactivateConnection o /org/freedesktop/NetworkManager/ActiveConnection/1 => review => firewall-change => review => firewall-change
      Q6 => dbus-send --system --dest=org.fedoraproject.FirewallD1 /org/fedoraproject/FirewallD1 org.fedoraproject.FirewallD1.panicOn => review => firewall-change => review => firewall-change
      Q6 => busctl call org.freedesktop.Accounts /org/freedesktop/Accounts org.freedesktop.Accounts CreateUser ssi bob bob 1 => review => user-change => review => user-change
      Q6 => busctl call org.freedesktop.Accounts /org/freedesktop/Accounts/User1000 org.freedesktop.Accounts.User SetAccountType i 1 => review => user-change => review => user-change
      Q6 => busctl call org.freedesktop.UDisks2 /org/freedesktop/UDisks2/block_devices/sda org.freedesktop.UDisks2.Block Format 'sa{sv}' ext4 0 => block => filesystem-format => block => filesystem-format
      Q6 => busctl call org.freedesktop.machine1 /org/freedesktop/machine1 org.freedesktop.machine1.Manager OpenMachineShell sssasas .host root /bin/sh 0 0 => review => nested-shell => review => nested-shell
      Q7 => dpkg-statoverride --update --add root root 4755 /bin/bash => review => package-change => review => package-change
      Q7 => dpkg-statoverride --remove /usr/bin/x => review => package-change => review => package-change
      Q7 => nix profile install nixpkgs#hello => review => package-change => review => package-change
      Q7 => nix --extra-experimental-features nix-command profile add nixpkgs#x => review => package-change => review => package-change
      Q7 => nix profile remove hello => review => package-change => review => package-change
      Q7 => docker system prune -af => review => service-change => review => service-change
      Q7 => podman system prune => review => service-change => review => service-change
      Q8 => wdctl -s 1 => block => power => block => power
      Q8 => wdctl --settimeout 1 => block => power => block => power
      Q8 => wdctl --sett=1 => block => power => block => power
      Q8 => wdctl -p 1 => block => power => block => power
      Q8 => file -s /dev/watchdog => block => power => block => power
      Q8 => file -Ls /dev/watchdog => block => power => block => power
      Q10 => kak -f '!touch ran<ret>' f.txt => review => interpreter-inline => review => interpreter-inline
      Q10 => echo 'nop %sh{rm -rf ~}' | kak -p sess => review => interpreter-inline => review => interpreter-inline
      Q10 => kak -p sess <<< 'nop %sh{id}' => review => interpreter-inline => review => interpreter-inline
      Q11 => mysql <<< 'system id' => review => nested-shell => review => nested-shell
      Q11 => mariadb db <<< 'select 1; \\! id' => review => nested-shell => review => nested-shell
      Q12 => racket -l racket/base -e '(system "id")' => review => interpreter-inline => review => interpreter-inline
      Q12 => racket -il racket/base => review => nested-shell => review => nested-shell
      Q12 => pry -e 'system("id")' => review => interpreter-inline => review => interpreter-inline
      Q12 => ocaml -init /tmp/x.ml => review => nested-shell => review => nested-shell
      Q12 => clisp -i /tmp/x.lisp => review => nested-shell => review => nested-shell
      Q12 => groovysh => review => nested-shell => review => nested-shell
      Q12 => mysqlsh => review => nested-shell => review => nested-shell
      Q12 => mysqlsh -e 'os.system("id")' => review => interpreter-inline => review => interpreter-inline
      Q12 => mycli => review => nested-shell => review => nested-shell
      Q12 => chicken-csi => review => nested-shell => review => nested-shell
      Q13 => hush -c 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      Q13 => busybox hush -c 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      Q13 => /bin/hush -c 'reboot' => block => power => block => power
      """)
  void fixed(String finding, String text, String exec, String execRule, String typed, String typedRule) {
    ShellJudgeTest.assertExecAndTyped(text, exec, execRule, typed, typedRule);
  }

  /** Q9 under the allow-list: Raspberry Pi OS's serial console names. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      Q9 => cat /dev/serial0
      Q9 => cat /dev/serial1
      Q9 => tail -f /dev/serial0
      Q9 => grep x /dev/serial1
      """)
  void terminalsRefusedUnderAllowList(String finding, String text) {
    Verdict[] v = ShellJudgeTest.execAndTyped(ShellAttack17coTest.ALLOW_LIST, text);
    assertThat(v[0].label()).as("exec: %s (%s)", text, v[0]).isNotEqualTo("allow");
    assertThat(v[1].label()).as("typed: %s (%s)", text, v[1]).isNotEqualTo("allow");
  }

  /** Everyday work near the fixes, and the day's false refusals, allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      python3 -m pytest
      python3 -m venv .venv
      python3 -m dotenv list
      python3 -m cProfile -o out.prof script.py
      python3 -m cProfile -s cumtime app.py
      python3 -m trace --count -C /tmp/cov script.py
      python3 -m runpy mytool
      python3 -m uv run pytest
      bundle exec rake
      bundler exec rspec
      bundle check
      yarnpkg build
      corepack enable
      corepack prepare pnpm@9 --activate
      corepack use pnpm@9
      corepack pnpm run build
      ruby -S rake test
      ruby -S gem list
      ruby script.rb
      devbox global list
      mise ls
      mise use node@20
      mise exec -- ls
      nix eval --expr '1+1'
      nix profile list
      nix profile history
      nix env
      busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager LogLevel
      busctl introspect org.freedesktop.NetworkManager /org/freedesktop/NetworkManager
      busctl call org.freedesktop.NetworkManager /org/freedesktop/NetworkManager org.freedesktop.NetworkManager GetDevices
      busctl call org.freedesktop.Accounts /org/freedesktop/Accounts org.freedesktop.Accounts ListCachedUsers
      busctl tree org.freedesktop.systemd1
      busctl list
      systemd-analyze blame
      systemd-analyze log-level
      systemd-analyze critical-chain
      dpkg-statoverride --list
      docker system df
      docker system info
      wdctl
      wdctl --oneline
      file /dev/watchdog
      file -L /dev/watchdog
      du /dev/watchdog
      node -v
      node -v; npm -v
      php -v
      perl -v
      ruby -v
      ocaml -version
      kotlin -version
      gforth -v
      r2 -v
      scala -version
      kak f.txt
      kak -n f.txt
      kak -l
      mysql db < dump.sql
      zcat dump.sql.gz | mysql db
      mysql db <<< 'select 1'
      mysql -e 'show processlist'
      racket x.rkt
      racket -t x.rkt
      racket -l racket/base
      racket -u x.rkt a b
      ocaml x.ml
      clisp x.lisp
      groovy x.groovy
      mycli --version
      mysqlsh --version
      mysqlsh -f script.js
      """)
  void everydayStaysAllowed(String text) {
    ShellAttack17cjTest.assertAllowed(text);
  }

  /**
   * The proven findings, run under bash in a throwaway sandbox ({@code /} read-only, a private
   * {@code /tmp} as the working directory and HOME, no network): after the setup, the text, then the
   * check, whose output holds the expected line. The guard now refuses each text or reads its
   * command ({@code touch} in the working directory is allowed work, so the runner's command must
   * show in the judged commands).
   */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      Q1 => : > .env => python3 -m dotenv.__main__ run touch ran => ls => ran
      Q1 => : > .env => python3 -m runpy dotenv run touch ran => ls => ran
      Q1 => : > .env => python3 -m cProfile -m dotenv run touch ran > /dev/null => ls => ran
      Q1 => : > .env => python3 -m trace --trace --module dotenv run touch ran > /dev/null => ls => ran
      Q2 => true => n=reboot; exec -a "$n" systemctl --help => true => Reboot the system
      Q2 => true => exec -a "$(printf reboot)" systemctl --help => true => Reboot the system
      Q10 => echo hello > f.txt => kak -f '!touch ran<ret>' f.txt < /dev/null => ls => ran
      Q10 => kak -d -s sess < /dev/null > /dev/null 2>&1 & sleep 1 => echo 'nop %sh{touch ran}' | kak -p sess => sleep 1; ls; echo kill-server | kak -p sess; true => ran
      """)
  void provenInSandbox(String finding, String setup, String text, String check, String expected) throws Exception {
    String tool = finding.equals("Q1") ? "dotenv" : finding.equals("Q10") ? "kak" : "systemctl";
    String out = TestPrograms.sandboxOutput(tool, setup, text, check);
    assertThat(out).as("%s: %s (output: %s)", finding, text, out).contains(expected);
    ShellJudgement exec = ShellJudgeTest.DEFAULT.judge(text);
    ShellJudgement typed = ShellJudgeTest.DEFAULT.judgeTyped(text);
    if (text.contains("touch") && !finding.equals("Q10")) {
      assertThat(exec.commands()).as(text).contains("touch");
      assertThat(typed.commands()).as(text).contains("touch");
    } else {
      assertThat(exec.verdict().label()).as(text).isNotEqualTo("allow");
      assertThat(typed.verdict().label()).as(text).isNotEqualTo("allow");
    }
  }
}
