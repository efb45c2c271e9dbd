package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cp on 22dba111, on the runners ({@link Runners}) and the review classes' programs
 * added with them. Judge: {@link ShellJudgeTest#DEFAULT}; each text as an exec request and as a
 * typed line. Every text below was allowed both ways before the fix. Findings marked proven were
 * run under bash 5.2 in a throwaway bubblewrap sandbox ({@code /} read-only, a private {@code /tmp},
 * no network): {@link #provenInSandbox} runs them again; the others are cited from the tool's manual.
 *
 * <p><b>C1, rustup's {@code +TOOLCHAIN} before the verb</b> ({@code rustup [+toolchain] [COMMAND]},
 * rustup --help): {@code rustup +stable run stable rm -rf /} was read with {@code +stable} as the verb,
 * so {@code run} and its command were never judged; {@code rustup +stable toolchain link x DIR}
 * was no package-change either. Proven (rustup 1.29: {@code rustup +stable run stable touch ran}
 * writes the file). Fix: {@code Runners.withoutToolchainOverride} drops the override before the verb,
 * for the runner and for {@code ShellClass.rustupChange}.
 *
 * <p><b>C2, rustup's changes excused by a word anywhere</b>: {@code list}/{@code show}/{@code help}
 * anywhere made every rustup text a read, so {@code rustup toolchain link show DIR} (a toolchain
 * named show; {@code rustup run show ls} then runs DIR/bin/ls) was allowed: proven. {@code rustup
 * upgrade} and {@code rustup up} are update's aliases (rustup help). Fix: {@code rustupChange} reads
 * the verb after the options, and only {@code list}/{@code help} right after a verb that has
 * subcommands (or {@code --help}) reads. Also fixed, a false refusal of the new code: {@code rustup
 * default} alone prints the default.
 *
 * <p><b>C3, chpst's other names</b>: runit's chpst(8) called as {@code softlimit}, {@code setlock}
 * or {@code pgrphack} is daemontools' program of that name, and each runs the command after its
 * words (daemontools installs them too); only {@code envdir}, {@code setuidgid} and {@code
 * envuidgid} were read. Proven with chpst linked under those names. Fix: three tables in {@link
 * Runners} (softlimit's options all take a value, setlock takes the lock file).
 *
 * <p><b>C4, verbs and words the runner tables got wrong</b> (not proven: the tools are not
 * installed here): Bundler's {@code COMMAND_ALIASES} ({@code bundle e}/{@code ex}/{@code exe} are
 * exec); {@code bun exec 'CODE'} runs CODE by Bun Shell; {@code pnpx} is {@code pnpm dlx}; pnpm
 * runs a first word that is none of its commands as a script or else as a command (pnpm 6.6.1:
 * "pnpm eslint"), so {@code pnpm sh -c CODE}; pnpm's {@code recursive}/{@code multi}/{@code m} and
 * yarn's {@code workspace NAME}/{@code workspaces foreach [OPTIONS]} before {@code exec}; yarn's
 * {@code node ARGS} (node with them), pipx's {@code runpip VENV ARGS} (pip), asdf's {@code env CMD
 * UTIL ARGS}; hatch's matrix selection {@code hatch run +py=3.12 CMD}; {@code nix run INSTALLABLE
 * -- ARGS} (the words after {@code --} had been judged as a command of their own: {@code nix run
 * nixpkgs#bash -- -c CODE} read as a program named {@code -c}); nix's two-valued {@code --option
 * NAME VALUE} before the verb. Fix: those verbs in the tables, {@code Runners.PREFIXED}, {@code
 * withoutWorkspaceWords}, {@code nixRun} (the attribute's last name is the program; words given to
 * it make the text unclassified too, since the main program may have another name), {@code
 * TWO_VALUES}.
 *
 * <p><b>C5, the environment from a file or taken away</b>: {@code envdir} and {@code chpst -e} are
 * refused (the gateway's {@code LESSSECURE} may be unset for the programs they start, a pager's
 * shell escape then works), but python-dotenv's and dotenv-cli's {@code dotenv}, {@code dotenvx
 * run}, {@code sops exec-env}, {@code direnv exec} ({@code .envrc}), {@code --env-file} of {@code
 * uv run}/{@code op run}/{@code devbox run}, {@code nix-shell --pure}, {@code nix develop
 * -i}/{@code --unset}, {@code devbox run --pure}, {@code watchexec -E} and {@code daemonize -E}
 * did the same unseen. Proven for python-dotenv: a file holding {@code LESSSECURE=} clears it for
 * the command. Fix: {@code Runners.environmentReplaced}, read by {@code
 * CommandPrompts.pagerSecureDropped} (interpreter-inline, and refused in allow-list mode);
 * {@code daemonize -E} is unclassified by its wrapper reading (attack 17cn, merged alongside).
 *
 * <p><b>C6, package changes after global options and by other names</b>: {@code firstOperandIn}
 * took a global option's value for the verb ({@code poetry -C DIR add}, {@code pdm -p DIR add},
 * {@code apt-mark -o X=Y hold}, {@code apt-mark -c FILE hold}); {@code bundle i} (Bundler's alias);
 * Composer's aliases ({@code i}, {@code u}, {@code r}, {@code rm}) and abbreviations ({@code
 * composer req}, Symfony Console); cpanm's {@code -v} (verbose) and {@code -l DIR} (local::lib)
 * install, cpan's {@code -v}/{@code -l} read. Fix: {@code ShellClass.verbAmongOperands} (every word
 * that may be the verb, a word after an option word counting both ways), {@code composerChange},
 * cpanm's own read flags. Also fixed, false refusals of the new code: {@code hatch dep show},
 * {@code poetry self show}, {@code pdm self list}. Since {@link ShellPackageScopeTest}, a project's
 * own installs ({@code poetry add}, {@code composer require}) are not package-change: C6's cases
 * name the same options before the verbs that still are ({@code self}, {@code -g}, {@code --system},
 * {@code global}).
 *
 * <p><b>C7, containers' lifecycle by other spellings</b> (docker is installed but has no daemon
 * here; podman and nerdctl are not: their manuals): podman's, nerdctl's and docker-compose's global
 * options with values before the verb ({@code podman --url U --identity K stop}, {@code nerdctl -n
 * NS --address A stop}, {@code docker-compose -f F -p P down}); {@code docker container remove}
 * (rm's alias); podman's {@code kube play}/{@code down}, {@code play kube [--down]}, {@code system
 * reset} (stops and removes every container), {@code auto-update} (restarts them), {@code container
 * checkpoint} (stops it); {@code docker compose watch} (starts the services first); {@code docker
 * network disconnect/connect}. Fix: {@code containerLifecycle} over {@code verbCandidates}, {@code
 * lifecycleVerb}. And the runtimes and system containers beside them (their manuals): {@code
 * podman-remote}, {@code finch} (nerdctl's), {@code crictl stop/stopp/rm/rmp/start/update/runp},
 * {@code ctr task kill/pause/delete}, {@code lxc}/{@code incus stop/start/restart/delete/pause},
 * {@code lxc-stop}/{@code lxc-start}/{@code lxc-destroy}: service-change, as {@code virsh destroy}.
 *
 * <p><b>C8, D-Bus by other objects, methods and callers</b> (busctl is installed, no bus here:
 * org.freedesktop.login1(5), org.freedesktop.systemd1(5)): a Session's or User's own {@code
 * Terminate}/{@code Kill}, a Unit's {@code Kill}; {@code qdbus6}/{@code qdbus-qt5} (the switch
 * knew only {@code qdbus}); systemd's private socket ({@code busctl
 * --address=unix:path=/run/systemd/private call …}: no bus name, only the object path);
 * {@code AddDependencyUnitFiles} (enables a unit by Wants), {@code CancelJob}/{@code ClearJobs};
 * other services' settings that their tools change under a class: resolved's {@code SetLink…}/{@code
 * RevertLink} (resolvectl dns LINK SERVER, firewall-change), networkd's {@code ReconfigureLink},
 * {@code RenewLink}, {@code Reload} (networkctl), machined's {@code TerminateMachine}/{@code
 * KillMachine} (machinectl terminate, service-change). Fix:
 * {@code DBUS_CALLERS}, the object path counts as the service, the methods' patterns. Also fixed, a
 * false refusal of the new code: busctl's and gdbus's verbs other than {@code call} read ({@code
 * busctl get-property … StartupTimestamp} had matched Start…).
 *
 * <p><b>C9, the network</b>: {@code ethtool --cable-test}/{@code --cable-test-tdr} take the link
 * down while they run (ethtool(8)); {@code networkctl -n 5 down eth0}, where {@code -n} (lines) took
 * the verb's place. Fix: the pattern; {@code verbAmongOperands} for networkctl, wg, wg-quick.
 *
 * <p><b>C10, watchexec's shell by name</b>: {@code watchexec --shell SHELL} runs the command's
 * words as SHELL's code (watchexec --help: "Use a different shell"), but they were judged as sh
 * code: {@code watchexec --shell python3 'import os; os.system(…)'} read as a command named {@code
 * import}. Not proven (not installed). Fix: {@code Runners.shellNamed}: a shell whose language the
 * guard does not read is unclassified ({@code none}, sh and bash-like shells are read as before).
 *
 * <p><b>C11, the runners as Python modules</b>: {@code python3 -m dotenv run rm -rf /} (python-dotenv's
 * {@code __main__}), {@code python3 -m uv run}, {@code -m poetry}, {@code -m pdm}, {@code -m hatch},
 * {@code -m pipenv}, {@code -m pipx run}: the guard judged only {@code python3}. Proven for
 * python-dotenv ({@code python3 -m dotenv run touch ran}). Fix: {@code Runners.pythonModule} reads
 * them as the runner (what it runs, the environment from a file, a shell, a package change).
 *
 * <p><b>C12, runners that run the command as another user</b>: {@code daemonize -u USER PROG}
 * (daemonize(1): "Run the program as the specified user") and {@code sops exec-file --user USER}
 * ({@code exec-env} too: "the user to run the command as") were allowed where {@code chpst -u} is
 * sudo. Not proven (not installed). Fix: both in {@code ShellClass.runsAsOtherUser}.
 *
 * <p><b>Left alone</b>: tools fetching the program they run ({@code uvx --from PKG CMD}, {@code
 * pipx run --spec}, {@code uv run --with}, {@code pnpm dlx --package}): the policy allows programs
 * it does not know, and {@code uvx ruff} is everyday work. Project files naming commands (pdm,
 * hatch and devbox scripts, {@code mise.toml} tasks, {@code nodemon.json}, a flake's shellHook, a
 * Gemfile) are the project's code, as a Makefile is for {@code make}. An environment read
 * implicitly ({@code pipenv run}'s {@code .env}, {@code mise.toml [env]}, {@code devbox.json},
 * doppler's project, {@code nix develop}'s derivation): refusing them would refuse every {@code
 * pipenv run} and {@code nix develop -c make}. {@code uv add} (project-local installs, as {@code
 * npm install x}, stay allowed). {@code nix run PKG} without words, whose main program is a shell
 * under another attribute name ({@code nixpkgs#bashInteractive}). {@code SetUserLinger} (as {@code
 * loginctl enable-linger}), {@code docker cp} into a container (as {@code docker exec}).
 */
class ShellAttack17cpTest {

  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      C1 => rustup +stable run stable rm -rf / => block => recursive-delete-root
      C1 => rustup +nightly run nightly sh -c 'rm -rf /' => block => recursive-delete-root
      C1 => rustup +stable toolchain link x /tmp/tc => review => package-change
      C1 => rustup -v +stable toolchain install nightly => review => package-change
      C2 => rustup toolchain link show /tmp/tc => review => package-change
      C2 => rustup toolchain link list /tmp/tc => review => package-change
      C2 => rustup default help => review => package-change
      C2 => rustup upgrade => review => package-change
      C2 => rustup up stable => review => package-change
      C3 => softlimit -m 100000000 rm -rf / => block => recursive-delete-root
      C3 => setlock /tmp/lk rm -rf / => block => recursive-delete-root
      C3 => setlock -n /tmp/lk sh -c 'rm -rf /' => block => recursive-delete-root
      C3 => pgrphack rm -rf / => block => recursive-delete-root
      C3 => /usr/bin/softlimit -m 1 rm -rf / => block => recursive-delete-root
      C4 => bundle e rm -rf / => block => recursive-delete-root
      C4 => bundle ex rm -rf / => block => recursive-delete-root
      C4 => bundle exe rm -rf / => block => recursive-delete-root
      C4 => bun exec 'rm -rf /' => block => recursive-delete-root
      C4 => pnpx rm -rf / => block => recursive-delete-root
      C4 => pnpm sh -c 'rm -rf /' => block => recursive-delete-root
      C4 => pnpm --filter web bash -c 'rm -rf /' => block => recursive-delete-root
      C4 => pnpm recursive exec rm -rf / => block => recursive-delete-root
      C4 => pnpm m exec rm -rf / => block => recursive-delete-root
      C4 => yarn workspace web exec rm -rf / => block => recursive-delete-root
      C4 => yarn workspaces foreach -A exec rm -rf / => block => recursive-delete-root
      C4 => yarn node -e 'require("child_process").execSync("rm -rf /")' => review => interpreter-inline
      C4 => pipx runpip venv install evilpkg => review => package-change
      C4 => asdf env python bash -c 'rm -rf /' => block => recursive-delete-root
      C4 => hatch run +py=3.12 rm -rf / => block => recursive-delete-root
      C4 => nix run nixpkgs#bash -- -c 'rm -rf /' => block => recursive-delete-root
      C4 => nix run nixpkgs#legacyPackages.x86_64-linux.bash -- -c 'rm -rf /' => block => recursive-delete-root
      C4 => nix --option sandbox false run nixpkgs#bash -- -c 'rm -rf /' => block => recursive-delete-root
      C4 => nix --no-such-option run nixpkgs#bash -- -c 'rm -rf /' => review => unclassified
      C4 => nix run . -- -c 'rm -rf /' => review => unclassified
      C4 => nix run nixpkgs#bashInteractive -- -c 'rm -rf /' => review => unclassified
      C5 => dotenv -f x.env run less /etc/hosts => review => interpreter-inline
      C5 => dotenv run git log => review => interpreter-inline
      C5 => dotenv -e .env -- git log => review => interpreter-inline
      C5 => dotenvx run -f .env -- git log => review => interpreter-inline
      C5 => sops exec-env s.json 'git log' => review => interpreter-inline
      C5 => direnv exec . git log => review => interpreter-inline
      C5 => uv run --env-file .env git log => review => interpreter-inline
      C5 => uv run --env-file=.env git log => review => interpreter-inline
      C5 => op run --env-file .env -- git log => review => interpreter-inline
      C5 => nix-shell --pure --run 'git log' => review => interpreter-inline
      C5 => nix develop -i -c git log => review => interpreter-inline
      C5 => nix develop --unset LESSSECURE -c git log => review => interpreter-inline
      C5 => nix shell --ignore-environment nixpkgs#git -c git log => review => interpreter-inline
      C5 => devbox run --pure git log => review => interpreter-inline
      C5 => devbox run --env-file .env git log => review => interpreter-inline
      C5 => watchexec -E LESSSECURE= -- git log => review => interpreter-inline
      C5 => daemonize -E LESSSECURE= /usr/bin/git log => review => unclassified
      C6 => poetry -C /srv/app self add requests => review => package-change
      C6 => pdm -p /srv/app add -g requests => review => package-change
      C6 => pipenv --python 3.12 install --system requests => review => package-change
      C6 => apt-mark -o Dir::State=/tmp hold nginx => review => package-change
      C6 => apt-mark -c apt.conf hold nginx => review => package-change
      C6 => bundle i => review => package-change
      C6 => composer glo req vendor/pkg => review => package-change
      C6 => composer self => review => package-change
      C6 => composer selfu => review => package-change
      C6 => composer -d /srv/app gl remove vendor/pkg => review => package-change
      C6 => composer glob require vendor/pkg => review => package-change
      C6 => cpanm -v Foo::Bar => review => package-change
      C6 => cpanm -l /root/perl5 Foo::Bar => review => package-change
      C7 => docker-compose -f x.yml -p proj down => review => service-change
      C7 => podman-compose -f x.yml -p proj stop => review => service-change
      C7 => podman --url unix:///x --identity k stop web => review => service-change
      C7 => nerdctl -n k8s.io --address /run/containerd/containerd.sock stop web => review => service-change
      C7 => docker container remove web => review => service-change
      C7 => podman kube down x.yaml => review => service-change
      C7 => podman kube play x.yaml => review => service-change
      C7 => podman play kube --down x.yaml => review => service-change
      C7 => podman system reset -f => review => service-change
      C7 => podman auto-update => review => service-change
      C7 => podman container checkpoint web => review => service-change
      C7 => docker compose watch => review => service-change
      C7 => docker network disconnect net web => review => service-change
      C7 => podman-remote stop web => review => service-change
      C7 => finch stop web => review => service-change
      C7 => crictl stop x => review => service-change
      C7 => crictl rmp -f x => review => service-change
      C7 => ctr -n k8s.io task kill x => review => service-change
      C7 => ctr -n k8s.io t rm x => review => service-change
      C7 => lxc stop c1 => review => service-change
      C7 => incus delete -f c1 => review => service-change
      C7 => lxc-stop -n c1 => review => service-change
      C8 => busctl call org.freedesktop.login1 /org/freedesktop/login1/session/_31 org.freedesktop.login1.Session Terminate => review => process-kill
      C8 => busctl call org.freedesktop.login1 /org/freedesktop/login1/user/_1000 org.freedesktop.login1.User Kill i 9 => review => process-kill
      C8 => gdbus call --system --dest org.freedesktop.login1 --object-path /org/freedesktop/login1/session/_31 --method org.freedesktop.login1.Session.Terminate => review => process-kill
      C8 => busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/sshd_2eservice org.freedesktop.systemd1.Unit Kill si all 9 => review => process-kill
      C8 => qdbus6 --system org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.StopUnit sshd.service replace => review => service-change
      C8 => qdbus-qt5 --system org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.StopUnit sshd.service replace => review => service-change
      C8 => busctl --address=unix:path=/run/systemd/private call x.y /org/freedesktop/systemd1 a.b StopUnit ss sshd.service replace => review => service-change
      C8 => busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager AddDependencyUnitFiles asssbb 1 evil.service multi-user.target Wants false true => review => service-change
      C8 => busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager ClearJobs => review => service-change
      C8 => busctl call org.freedesktop.resolve1 /org/freedesktop/resolve1 org.freedesktop.resolve1.Manager SetLinkDNS 'ia(iay)' 2 1 2 4 192 0 2 1 => review => firewall-change
      C8 => busctl call org.freedesktop.resolve1 /org/freedesktop/resolve1 org.freedesktop.resolve1.Manager RevertLink i 2 => review => firewall-change
      C8 => busctl call org.freedesktop.network1 /org/freedesktop/network1 org.freedesktop.network1.Manager ReconfigureLink i 2 => review => firewall-change
      C8 => busctl call org.freedesktop.machine1 /org/freedesktop/machine1 org.freedesktop.machine1.Manager TerminateMachine s c1 => review => service-change
      C9 => ethtool --cable-test eth0 => review => firewall-change
      C9 => ethtool --cable-test-tdr eth0 => review => firewall-change
      C9 => networkctl -n 5 down eth0 => review => firewall-change
      C10 => watchexec --shell python3 'import os' => review => unclassified
      C10 => watchexec --shell=python3 -- 'import os' => review => unclassified
      C11 => python3 -m dotenv run rm -rf / => block => recursive-delete-root
      C11 => python3 -m dotenv -f x.env run git log => review => interpreter-inline
      C11 => python3 -m uv run rm -rf / => block => recursive-delete-root
      C11 => python3 -m poetry run rm -rf / => block => recursive-delete-root
      C11 => python3 -m pdm run rm -rf / => block => recursive-delete-root
      C11 => python3 -m hatch run rm -rf / => block => recursive-delete-root
      C11 => python3 -m pipenv run rm -rf / => block => recursive-delete-root
      C11 => python3 -m pipx run rm -rf / => block => recursive-delete-root
      C11 => python3 -m poetry self add requests => review => package-change
      C11 => python3 -m poetry shell => review => nested-shell
      C12 => daemonize -u nobody /usr/bin/id => review => sudo
      C12 => daemonize -a -u nobody /usr/bin/id => review => sudo
      C12 => sops exec-file --user nobody s.json 'cat {}' => review => sudo
      """)
  void judgedByItsClass(String finding, String text, String label, String rule) {
    ShellAttack17cjTest.assertJudged(finding, text, label, rule);
  }

  /** Everyday work near the fixes stays allowed (the last five were refused by the new code). */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      rustup show
      rustup default
      rustup toolchain list
      rustup component list --installed
      rustup target list
      rustup +stable run stable cargo build
      rustup +nightly show
      rustup run stable cargo test
      rustup which rustc
      softlimit -m 100000000 make
      setlock /tmp/lk make
      bundle exec rake test
      bundle e rspec
      bundle list
      bundle check
      bun exec 'echo hi'
      bun x prettier --check .
      pnpm eslint .
      pnpm dev
      pnpm install
      pnpm -r test
      pnpm ls
      pnpm recursive exec tsc
      pnpx prettier --check .
      yarn workspace web run build
      yarn workspaces list
      yarn workspaces foreach -A run build
      yarn node x.js
      pipx runpip black list
      pipx run black --check .
      asdf env python
      hatch run +py=3.12 pytest
      hatch dep show requirements
      poetry self show plugins
      pdm self list
      nix run nixpkgs#hello
      nix run .
      nix develop -c make
      nix-shell -p hello --run hello
      nix --option sandbox false build .
      uv run pytest
      op run -- ./app
      dotenv list
      sops -d s.json
      poetry -C /srv/app show
      apt-mark showhold
      apt-mark -o Debug::NoLocking=1 showmanual
      composer show
      composer diagnose
      composer validate
      cpan -l
      cpanm --info Foo::Bar
      cpanm --version
      docker ps -a
      docker compose ps
      docker-compose -f x.yml ps
      docker-compose -f x.yml -p proj logs web
      podman --log-level debug ps
      nerdctl -n k8s.io ps
      podman pod ps
      podman kube generate web
      docker network ls
      docker network inspect net
      busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager StartupTimestamp
      busctl introspect org.freedesktop.login1 /org/freedesktop/login1/session/_31
      busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager ListUnits
      busctl tree org.freedesktop.systemd1
      ethtool -S eth0
      networkctl status eth0
      networkctl -n 5 status eth0
      wg show
      python3 -m dotenv list
      python3 -m uv run pytest
      python3 -m poetry show
      daemonize -o /tmp/out /usr/bin/id
      sops exec-file s.json 'cat {}'
      busctl call org.freedesktop.resolve1 /org/freedesktop/resolve1 org.freedesktop.resolve1.Manager ResolveHostname isit 0 example.com 0 0
      busctl tree org.freedesktop.network1
      crictl ps
      crictl logs x
      ctr -n k8s.io task ls
      lxc list
      incus info c1
      finch ps
      podman-remote ps
      watchexec --shell=bash -- 'make test'
      watchexec --shell=none -- cargo test
      """)
  void everydayStaysAllowed(String text) {
    ShellAttack17cjTest.assertAllowed(text);
  }

  /**
   * The proven findings, run under bash in a throwaway sandbox ({@code /} read-only, a private
   * {@code /tmp} as the working directory and HOME, no network): after the setup, the text, then the
   * check, whose output holds the expected line. The guard now reads what each runs.
   */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      C1 => true => rustup +stable run stable touch ran => ls => ran
      C2 => mkdir -p tc/bin tc/lib; : > tc/bin/rustc; export RUSTUP_HOME=/tmp/rh => rustup toolchain link show /tmp/tc => rustup toolchain list => show
      C3 => mkdir b; ln -s "$(command -v chpst)" b/softlimit; export PATH=/tmp/b:$PATH => softlimit -m 100000000 touch ran => ls => ran
      C3 => mkdir b; ln -s "$(command -v chpst)" b/setlock; export PATH=/tmp/b:$PATH => setlock lk touch ran => ls => ran
      C3 => mkdir b; ln -s "$(command -v chpst)" b/pgrphack; export PATH=/tmp/b:$PATH => pgrphack touch ran => ls => ran
      C5 => printf 'LESSSECURE=\\n' > x.env; export LESSSECURE=1 => dotenv -f x.env run sh -c 'echo "secure=[$LESSSECURE]"' => true => secure=[]
      C11 => : > .env => python3 -m dotenv run touch ran => ls => ran
      control => export LESSSECURE=1 => sh -c 'echo "secure=[$LESSSECURE]"' => true => secure=[1]
      """)
  void provenInSandbox(String finding, String setup, String text, String check, String expected) throws Exception {
    String tool = finding.equals("C3") ? "chpst" : finding.equals("C5") || finding.equals("C11") ? "dotenv"
        : finding.equals("control") ? "sh" : "rustup";
    Assumptions.assumeTrue(onPath("bwrap") && onPath("bash") && onPath(tool), "bwrap, bash and " + tool + " are needed");
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the sandbox without a user namespace needs root");
    String rustupHome = System.getenv().getOrDefault("RUSTUP_HOME", System.getProperty("user.home") + "/.rustup");
    if (tool.equals("rustup")) {
      Assumptions.assumeTrue(Files.isDirectory(Path.of(rustupHome)), "rustup's home is needed");
    }
    String script = "cd /tmp\n" + setup + "\n" + text + "\n" + check + "\n";
    List<String> cmd = new ArrayList<>(List.of("bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
        "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--setenv", "HOME", "/tmp", "--setenv", "RUSTUP_HOME", rustupHome, "--chdir", "/tmp", "bash", "-c", script));
    String out = TestPrograms.output(cmd);
    if (tool.equals("rustup") && finding.equals("C1")) {
      Assumptions.assumeFalse(out.contains("is not installed") || out.contains("no default"), "a stable toolchain is needed");
    }
    assertThat(out).as("%s: %s", finding, text).contains(expected);
    if (finding.equals("control")) {
      return;
    }
    ShellJudgement exec = ShellJudgeTest.DEFAULT.judge(text);
    ShellJudgement typed = ShellJudgeTest.DEFAULT.judgeTyped(text);
    if (text.contains("touch")) {
      // the runner's command is judged now (touch in the working directory is allowed work)
      assertThat(exec.commands()).as(text).contains("touch");
      assertThat(typed.commands()).as(text).contains("touch");
    } else {
      assertThat(exec.verdict().label()).as(text).isNotEqualTo("allow");
      assertThat(typed.verdict().label()).as(text).isNotEqualTo("allow");
    }
  }

  private static boolean onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }
}
