package dev.gatehouse.policy.shell;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cr on 768b00a9: containers, clusters and the other places a command is sent to.
 * Judge: {@link ShellJudgeTest#DEFAULT}; each text as an exec request and as a typed line. Every
 * finding below was allowed both ways at 768b00a9 (the program was read as a query: {@code docker},
 * {@code kubectl}, … were no wrappers, and nothing read their {@code exec}/{@code run} verbs but the
 * lifecycle verbs of service-change). None is proven: no container engine, cluster, virtual machine
 * or cloud account is run here (the pass forbids them: they need the network or root); each cites
 * the tool's manual or {@code --help} text. Fix: {@link ContainerCommands} reads each tool's own
 * options from its table as its parser reads them (cobra/pflag for docker, podman, nerdctl,
 * kubectl, oc, lxc, incus, crictl's urfave flags, Go's flag for nomad, Ruby's OptionParser for
 * vagrant), then the command after them goes through {@link Wrappers#unwrap} and is judged as any
 * command (or as {@code sh -c} code where the tool hands it to a remote shell); an option the table
 * does not know where a command may follow is unclassified (fail closed). ShellClass's nested-shell
 * asks {@link ContainerCommands#prompt}, sudo {@link ContainerCommands#holdsHost}, service-change
 * {@link ContainerCommands#starts}.
 *
 * <p><b>C1, the command an engine runs in a container</b> (not proven; docker-exec(1): "Execute a
 * command in a running container", docker-run(1) {@code IMAGE [COMMAND] [ARG...]}, {@code
 * --entrypoint}; docker-compose exec/run; podman-exec(1) {@code -l}/{@code --latest};
 * podman-unshare(1)): {@code docker exec web rm -rf /} (also {@code container exec}, after global
 * options {@code -H URL}, {@code --context=X}, {@code -n NS} of nerdctl, by path, under {@code sudo},
 * and through Lima's wrappers {@code nerdctl.lima}, {@code docker.lima} and {@code colima nerdctl --}),
 * {@code docker run --rm alpine rm -rf /}, {@code --entrypoint rm alpine -rf /}, {@code docker
 * compose exec|run SERVICE CMD}, {@code docker-compose}, {@code nerdctl compose}, {@code podman
 * unshare CMD}. A name or option only known when it runs ({@code docker exec "$c" …}, unquoted
 * {@code --env=$X}) or an option no table has is unclassified.
 *
 * <p><b>C2, kubectl and oc</b> (not proven; kubectl exec --help: {@code kubectl exec (POD |
 * TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]}, the deprecated form without {@code --};
 * kubectl run {@code -- [COMMAND] [args...]}; kubectl debug; oc rsh {@code POD [COMMAND]}): {@code
 * kubectl exec pod -- rm -rf /}, {@code kubectl exec pod reboot}, {@code kubectl run x
 * --image=busybox -- CMD}, {@code kubectl debug pod … -- CMD}, {@code oc exec}, {@code oc rsh POD
 * CMD}, and the same under {@code k3s kubectl}, {@code microk8s kubectl}, {@code microk8s.kubectl},
 * {@code kubecolor} (a wrapper that runs kubectl with its words).
 *
 * <p><b>C3, runtimes and system containers</b> (not proven; crictl exec, ctr task exec / ctr run
 * {@code IMAGE ID [COMMAND]}, runc/crun exec {@code ID COMMAND}, buildah-run(1), lxc/incus exec
 * {@code NAME [--] COMMAND}, nomad alloc exec {@code ALLOC COMMAND}, multipass exec {@code NAME --
 * COMMAND}): each ran its command unjudged. {@code runc run BUNDLE} runs the bundle's
 * {@code config.json} process and {@code podman container runlabel} the command an image's label
 * names, {@code lxc|incus alias add NAME 'exec @ARGS@ -- CMD'} (a command line a later {@code incus
 * NAME} runs): unclassified. {@code lxc-execute} and {@code distrobox-enter} join {@code lxc-attach} and
 * {@code distrobox} (nested-shell). {@code apptainer|singularity exec IMAGE CMD} is judged, {@code
 * shell} is a terminal, {@code run} (the image's runscript) unclassified.
 *
 * <p><b>C4, shell code sent to a machine's shell</b> (not proven; vagrant ssh {@code -c COMMAND},
 * gcloud compute ssh {@code --command}, aws ecs execute-command {@code --command}, minikube ssh
 * {@code [COMMAND]}, docker-machine ssh, colima ssh, limactl shell, lima, flyctl ssh console {@code
 * -C}, heroku run, doctl compute ssh {@code --ssh-command}, hcloud server ssh {@code SERVER
 * [COMMAND]}, Rancher Desktop's {@code rdctl shell CMD}, OrbStack's {@code orb [-m M] CMD} and
 * {@code orbctl run CMD}): read as {@code sh -c} code ({@code vagrant ssh -c 'rm -rf /'} is
 * recursive-delete-root; the option given twice, of which the parser keeps the last, {@code gcloud
 * compute ssh i --command=uptime --command='rm -rf /'}, is unclassified, and of two {@code
 * --entrypoint} the last is the program); ssh's own arguments after {@code --} ({@code gcloud compute ssh I -- CMD},
 * {@code vagrant ssh -- …}) are unclassified.
 *
 * <p><b>C5, a terminal elsewhere</b> (not proven; the same manuals): {@code docker exec -it c
 * bash}, {@code docker run -it debian}, {@code docker attach}, {@code kubectl exec -it pod -- sh},
 * {@code kubectl attach -it}, {@code kubectl debug POD -it --image=I}, {@code oc rsh POD}, {@code
 * nomad alloc exec x sh}, {@code vagrant ssh}, {@code incus shell}, {@code lxc console}, {@code virsh
 * console}, {@code gcloud compute ssh I}, {@code aws ssm start-session}, {@code az ssh vm}, {@code
 * minikube ssh}, {@code multipass shell}, {@code podman machine ssh}, {@code ansible-console},
 * {@code heroku run bash}, {@code doctl compute ssh d}, {@code hcloud server ssh s}, {@code k9s}
 * (its {@code s} key opens a shell in a pod): an unguarded prompt, now nested-shell.
 *
 * <p><b>C6, a container that holds the host</b> (not proven; docker-run(1) {@code -v}, {@code
 * --mount}, {@code --privileged}, {@code --pid}, {@code --cap-add}, {@code --device}, {@code
 * --userns}, {@code --security-opt}; podman-run(1) {@code --rootfs}, podman(1) {@code --hooks-dir},
 * {@code --runtime}, {@code --conmon}; kubectl debug node: "the node's root filesystem will be
 * mounted at /host"; LXD's security.privileged and raw.lxc): whoever may start it is root on the
 * host, now the {@code sudo} class (a privilege route to root, review by default): {@code docker
 * run --rm -v /:/h debian rm -rf /h} (also {@code -v/:/h}, {@code -v=/:/h}, {@code -itv /:/h},
 * {@code --volume=/etc:/e}, {@code //}, {@code /usr/..}, {@code :ro}, the engine's socket, a
 * relative or computed source), {@code --mount type=bind,source=/,…} (fields in any order, quoted
 * CSV fields, {@code src=}), {@code --privileged}, host namespaces, {@code --cap-add}, {@code
 * --device}, {@code --volumes-from}, {@code --security-opt seccomp=unconfined}/{@code unmask=ALL},
 * podman's {@code --mount type=glob} (each matched file bound), {@code podman system service
 * tcp:…} (the engine's API for whoever reaches it), {@code docker exec --privileged}, {@code docker
 * plugin install}, {@code ctr run --privileged}/a bind
 * mount, {@code kubectl debug node/x}, {@code --profile=sysadmin}, {@code kubectl run --privileged}
 * or {@code --overrides} with host settings, {@code oc debug node/x}, {@code lxc config set c
 * security.privileged true}, {@code raw.lxc}, a disk device of {@code /}.
 *
 * <p><b>C7, commands sent to many hosts</b> (not proven; pdsh(1), clush(1), pssh(1), ansible(1)
 * {@code -m command} by default, {@code -a}; salt {@code cmd.run}): the command is judged as code;
 * ansible's other modules ({@code -m file -a 'path=/etc state=absent'}), salt's other functions
 * ({@code state.apply}), {@code aws ssm send-command}, {@code az vm run-command invoke} and {@code
 * virsh qemu-agent-command} (the guest agent's guest-exec), {@code az container exec} and {@code az aks
 * command invoke} are unclassified.
 *
 * <p><b>C8, a container started running its image's own program</b>: {@code docker run -d nginx},
 * {@code kubectl run web --image=nginx} (no command, no terminal): service-change, as {@code docker
 * start} is.
 *
 * <p>Left alone: a bind mount of an application's own directory ({@code -v /srv/app/data:/data},
 * {@code /tmp/x}) is allowed although a root container may leave a set-user-ID file there (the host
 * mount's {@code nosuid} is the admin's); {@code docker build} (a Dockerfile's RUN lines are the
 * project's) and {@code nomad job run}/{@code helm install} (a job's or chart's commands in files);
 * {@code docker run -v "$PWD":/app} is refused (sudo) because the current directory may be {@code /}.
 */
class ShellAttack17crTest {

  @ParameterizedTest(name = "{0}: {1} -> {2} {3} / typed {4} {5}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      C1 => docker exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker exec -it -u0 web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker exec --env=X=1 --workdir / web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker --context=prod exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker -H tcp://10.0.0.5:2375 container exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => sudo docker exec web reboot => block => power => block => power
      C1 => podman exec -l rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => nerdctl -n k8s.io exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker exec -u root web sh -c 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker run --rm alpine rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker run --rm --entrypoint rm alpine -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker container run --rm -e A=1 --name x alpine sh -c 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker compose exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker compose -f prod.yml -p app exec -T web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker-compose run --rm web sh -c 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C1 => nerdctl compose exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => podman unshare rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker exec "$c" rm -rf / => review => unclassified => review => unclassified
      C1 => docker exec --bogus web rm -rf / => review => unclassified => review => unclassified
      C1 => docker --bogus exec web rm -rf / => review => unclassified => review => unclassified
      C2 => kubectl exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => kubectl exec -n prod -c app pod -- sh -c 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C2 => kubectl --kubeconfig k exec deploy/web -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => kubectl exec pod reboot => block => power => block => power
      C2 => kubectl run x --image=busybox --rm -i -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => kubectl debug pod -it --image=busybox --target=app -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => oc exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => oc rsh -c app pod rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => k3s kubectl exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => microk8s kubectl exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => microk8s.kubectl exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => kubectl exec pod --bogus x -- rm -rf / => review => unclassified => review => unclassified
      C3 => crictl exec abc rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => crictl --timeout 5 exec -i abc rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => k3s crictl exec abc rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => ctr task exec --exec-id x c rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => ctr -n k8s.io run --rm docker.io/library/alpine:latest t1 rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => runc exec ctr rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => crun --root /run/crun exec -t ctr rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => runc run bundle1 => review => unclassified => review => unclassified
      C3 => buildah run wc rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => buildah run wc -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => lxc exec c1 -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => incus exec c1 --env A=1 -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => nomad alloc exec abc rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => nomad alloc exec -task web -i=false abc rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => multipass exec vm -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => lxc-execute -n c -- rm -rf / => review => nested-shell => review => nested-shell
      C4 => vagrant ssh -c 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => vagrant ssh web -c 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => vagrant ssh --comm 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => vagrant ssh -c'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => vagrant ssh -- -t rm -rf / => review => unclassified => review => unclassified
      C4 => gcloud compute ssh inst --command 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => gcloud compute ssh inst --command='rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => gcloud compute ssh inst -- rm -rf / => review => unclassified => review => unclassified
      C4 => aws ecs execute-command --cluster c --task t --interactive --command 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => minikube ssh -- sudo rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => minikube ssh 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => docker-machine ssh m rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => colima ssh -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => limactl shell default rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => lima rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => flyctl ssh console -C 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => heroku run -a app rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C5 => docker run -it debian bash => review => nested-shell => review => nested-shell
      C5 => docker run -it debian => review => nested-shell => review => nested-shell
      C5 => docker exec -it c sh => review => nested-shell => review => nested-shell
      C5 => docker exec -it c => review => nested-shell => review => nested-shell
      C5 => podman exec -it c bash => review => nested-shell => review => nested-shell
      C5 => docker attach web => review => nested-shell => review => nested-shell
      C5 => docker compose exec web bash => review => nested-shell => review => nested-shell
      C5 => kubectl exec -it pod -- sh => review => nested-shell => review => nested-shell
      C5 => kubectl -n prod exec -it deploy/web -- bash => review => nested-shell => review => nested-shell
      C5 => kubectl attach -it pod => review => nested-shell => review => nested-shell
      C5 => kubectl debug pod -it --image=busybox => review => nested-shell => review => nested-shell
      C5 => kubectl run x --image=busybox -it -- sh => review => nested-shell => review => nested-shell
      C5 => oc rsh pod => review => nested-shell => review => nested-shell
      C5 => nomad alloc exec x sh => review => nested-shell => review => nested-shell
      C5 => vagrant ssh => review => nested-shell => review => nested-shell
      C5 => vagrant ssh web => review => nested-shell => review => nested-shell
      C5 => incus shell c1 => review => nested-shell => review => nested-shell
      C5 => lxc console c1 => review => nested-shell => review => nested-shell
      C5 => lxc exec c1 -- bash => review => nested-shell => review => nested-shell
      C5 => crictl exec -it abc sh => review => nested-shell => review => nested-shell
      C5 => virsh console vm1 => review => nested-shell => review => nested-shell
      C5 => virsh -c qemu:///system console vm1 => review => nested-shell => review => nested-shell
      C5 => gcloud compute ssh inst --zone z => review => nested-shell => review => nested-shell
      C5 => aws ssm start-session --target i-123 => review => nested-shell => review => nested-shell
      C5 => minikube ssh => review => nested-shell => review => nested-shell
      C5 => multipass shell vm => review => nested-shell => review => nested-shell
      C5 => podman machine ssh => review => nested-shell => review => nested-shell
      C5 => az ssh vm -n vm -g g => review => nested-shell => review => nested-shell
      C5 => ansible-console all => review => nested-shell => review => nested-shell
      C5 => heroku run bash => review => nested-shell => review => nested-shell
      C6 => docker run --rm -v /:/h debian rm -rf /h => review => sudo => review => sudo
      C6 => docker run --rm -v/:/h alpine true => review => sudo => review => sudo
      C6 => docker run -v=/:/h alpine true => review => sudo => review => sudo
      C6 => docker run -itv /:/h alpine true => review => sudo => review => sudo
      C6 => docker run --volume=/etc:/e alpine true => review => sudo => review => sudo
      C6 => docker run --volume /:/h:ro alpine true => review => sudo => review => sudo
      C6 => docker run -v //:/h alpine true => review => sudo => review => sudo
      C6 => docker run -v /usr/..:/h alpine true => review => sudo => review => sudo
      C6 => docker run -v /var/run/docker.sock:/var/run/docker.sock docker docker ps => review => sudo => review => sudo
      C6 => docker run -v "$PWD":/app node npm test => review => sudo => review => sudo
      C6 => docker run --mount type=bind,source=/,target=/h alpine true => review => sudo => review => sudo
      C6 => docker run --mount=target=/h,src=/etc,type=bind alpine true => review => sudo => review => sudo
      C6 => docker run --mount '"type=bind","source=/","target=/h"' alpine true => review => sudo => review => sudo
      C6 => docker run --privileged alpine true => review => sudo => review => sudo
      C6 => docker run --privileged=true alpine true => review => sudo => review => sudo
      C6 => docker run --pid=host alpine true => review => sudo => review => sudo
      C6 => docker run --net host alpine true => review => sudo => review => sudo
      C6 => docker run --userns=host alpine true => review => sudo => review => sudo
      C6 => docker run --cap-add=SYS_ADMIN alpine true => review => sudo => review => sudo
      C6 => docker run --device=/dev/sda alpine true => review => sudo => review => sudo
      C6 => docker run --security-opt seccomp=unconfined alpine true => review => sudo => review => sudo
      C6 => docker create --privileged alpine => review => sudo => review => sudo
      C6 => docker exec --privileged web true => review => sudo => review => sudo
      C6 => podman run --rootfs / true => review => sudo => review => sudo
      C6 => podman --hooks-dir /tmp/h run alpine true => review => sudo => review => sudo
      C6 => podman --runtime /tmp/x run alpine true => review => sudo => review => sudo
      C6 => docker compose run -v /:/h web true => review => sudo => review => sudo
      C6 => docker plugin install --grant-all-permissions vieux/sshfs => review => sudo => review => sudo
      C6 => ctr run --privileged docker.io/library/alpine:latest t1 true => review => sudo => review => sudo
      C6 => ctr run --mount type=bind,src=/,dst=/h,options=rbind docker.io/library/alpine:latest t1 true => review => sudo => review => sudo
      C6 => kubectl debug node/x -it --image=busybox => review => sudo => review => sudo
      C6 => kubectl debug node/x --image=busybox -- chroot /host => review => sudo => review => sudo
      C6 => kubectl debug --profile=sysadmin pod -it --image=busybox => review => sudo => review => sudo
      C6 => kubectl run x --image=alpine --privileged -- true => review => sudo => review => sudo
      C6 => kubectl run x --image=alpine --overrides='{"spec":{"hostPID":true}}' -- true => review => sudo => review => sudo
      C6 => oc debug node/x => review => sudo => review => sudo
      C6 => lxc config set c1 security.privileged true => review => sudo => review => sudo
      C6 => lxc config set c1 raw.lxc 'lxc.apparmor.profile=unconfined' => review => sudo => review => sudo
      C6 => incus launch images:debian c -c security.privileged=true => review => sudo => review => sudo
      C6 => incus config device add c1 root disk source=/ path=/h => review => sudo => review => sudo
      C7 => pdsh -w h1,h2 rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C7 => clush -w h1 rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C7 => parallel-ssh -h hosts rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C7 => ansible all -m shell -a 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C7 => ansible web -a 'reboot' => block => power => block => power
      C7 => ansible all -m file -a 'path=/etc state=absent' => review => unclassified => review => unclassified
      C7 => salt '*' cmd.run 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C7 => salt '*' state.apply => review => unclassified => review => unclassified
      C7 => aws ssm send-command --document-name AWS-RunShellScript --targets Key=x,Values=y --parameters 'commands=rm -rf /' => review => unclassified => review => unclassified
      C7 => az vm run-command invoke -g g -n vm --command-id RunShellScript --scripts 'rm -rf /' => review => unclassified => review => unclassified
      C7 => virsh qemu-agent-command vm1 '{"execute":"guest-exec"}' => review => unclassified => review => unclassified
      C8 => docker run -d --name web -p 80:80 nginx => review => service-change => review => service-change
      C8 => kubectl run web --image=nginx => review => service-change => review => service-change
      C2 => kubecolor exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => podman container runlabel RUN img => review => unclassified => review => unclassified
      C3 => distrobox-enter c -- rm -rf / => review => nested-shell => review => nested-shell
      C1 => docker run --rm --env=$X alpine rm -rf / => review => unclassified => review => unclassified
      C6 => docker run --ipc=host alpine true => review => sudo => review => sudo
      C6 => docker run --network container:web alpine true => review => sudo => review => sudo
      C6 => docker run --cap-add ALL alpine true => review => sudo => review => sudo
      C6 => docker run --volumes-from web alpine true => review => sudo => review => sudo
      C6 => podman run --security-opt unmask=ALL alpine true => review => sudo => review => sudo
      C6 => podman --conmon /tmp/c run alpine true => review => sudo => review => sudo
      C6 => kubectl run --image=busybox x --overrides='{"spec":{"volumes":[{"hostPath":{"path":"/"}}]}}' -- true => review => sudo => review => sudo
      C6 => lxc config set c1 security.privileged=true => review => sudo => review => sudo
      C1 => docker exec -u $U web ls => review => unclassified => review => unclassified
      C1 => docker exec web -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => oc rsh pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => nomad alloc exec abc -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => doctl compute ssh d --ssh-command 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C4 => hcloud server ssh srv rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => gcloud compute ssh inst --flags-file=f.yaml => review => unclassified => review => unclassified
      C5 => k9s => review => nested-shell => review => nested-shell
      C5 => doctl compute ssh d => review => nested-shell => review => nested-shell
      C5 => hcloud server ssh srv => review => nested-shell => review => nested-shell
      C7 => az container exec -g g -n c --exec-command /bin/sh => review => unclassified => review => unclassified
      C1 => docker --bogus plugin install x => review => unclassified => review => unclassified
      C1 => docker exec -i web sh <<< 'rm -rf /' => block => recursive-delete-root => block => recursive-delete-root
      C2 => minikube kubectl -- exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => k0s kubectl exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C6 => lxc config set c1 security.privileged true --project get => review => sudo => review => sudo
      C3 => incus alias add x 'exec @ARGS@ -- rm -rf /' => review => unclassified => review => unclassified
      C6 => podman run --mount 'type=glob,src=/etc/*,dst=/h' alpine true => review => sudo => review => sudo
      C6 => podman system service tcp:0.0.0.0:8080 --time=0 => review => sudo => review => sudo
      C6 => docker run --security-opt apparmor:unconfined alpine true => review => sudo => review => sudo
      C1 => /usr/bin/docker exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => nerdctl.lima exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker.lima run --rm alpine rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => colima nerdctl -- exec web rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C2 => kubectl.lima exec pod -- rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => apptainer exec img.sif rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C3 => apptainer run img.sif => review => unclassified => review => unclassified
      C4 => rdctl shell rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => orb -m ubuntu rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C4 => orbctl run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      C5 => rdctl shell => review => nested-shell => review => nested-shell
      C5 => orb => review => nested-shell => review => nested-shell
      C5 => singularity shell img.sif => review => nested-shell => review => nested-shell
      C4 => gcloud compute ssh i --command=uptime --command='rm -rf /' => review => unclassified => review => unclassified
      C4 => vagrant ssh -c uptime -c 'rm -rf /' => review => unclassified => review => unclassified
      C4 => flyctl ssh console -C ls -C 'rm -rf /' => review => unclassified => review => unclassified
      C1 => docker run --entrypoint ls --entrypoint rm alpine -rf / => block => recursive-delete-root => block => recursive-delete-root
      C1 => docker compose run --entrypoint ls --entrypoint rm web -rf / => block => recursive-delete-root => block => recursive-delete-root
      """)
  void fixed(String finding, String text, String exec, String execRule, String typed, String typedRule) {
    ShellJudgeTest.assertExecAndTyped(text, exec, execRule, typed, typedRule);
  }

  /** Everyday queries and judged, harmless commands in containers stay allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      docker ps
      docker ps -a
      docker logs -f web
      docker logs --tail 100 web
      docker inspect web
      docker images
      docker stats --no-stream
      docker compose ps
      docker compose logs -f web
      docker exec web cat /etc/os-release
      docker exec -it web ls /app
      docker exec web env
      docker run --rm alpine echo hi
      docker run --rm -v data:/data alpine ls /data
      docker run --rm -v /srv/app/data:/data alpine ls /data
      docker run --rm --privileged=false alpine true
      docker compose exec web ls
      docker-compose exec web ls
      podman ps
      podman exec c cat /etc/hostname
      kubectl get pods -A
      kubectl describe pod x
      kubectl logs -f x
      kubectl top pods
      kubectl exec pod -- cat /etc/hostname
      kubectl exec -n prod pod -c app -- ls /app
      kubectl -n prod exec deploy/web -- env
      oc rsh pod ls /
      incus list
      incus exec c1 -- ls
      lxc config get c1 security.privileged
      lxc config show c1
      vagrant status
      vagrant ssh -c uptime
      virsh list --all
      gcloud compute ssh inst --command=uptime
      gcloud compute instances list
      aws ssm start-session --target i-1 --document-name AWS-StartPortForwardingSession --parameters portNumber=80,localPortNumber=8080
      aws ec2 describe-instances
      crictl ps
      crictl exec abc ls
      nomad alloc exec abc ls
      nomad status
      minikube status
      minikube ssh 'df -h'
      ansible all -m ping
      ansible all -a 'uptime'
      salt '*' test.ping
      pdsh -w h1 uptime
      multipass list
      docker run --rm "--env=A=$X" alpine echo hi
      docker run --rm --privileged=False alpine true
      docker run --rm -v /tmp/x:/x alpine true
      docker run --runtime=runc --rm alpine true
      kubectl run x --image=busybox --rm -i --privileged=false -- echo hi
      kubecolor get pods
      lxc launch images:debian c1 -c security.privileged=false
      buildah run wc ls
      ansible all -a uptime
      docker exec -i web sh < script.sh
      docker exec -u "$U" web ls
      k9s version
      doctl compute droplet list
      hcloud server list
      lxc config show c1
      lxc info c1
      incus alias list
      minikube kubectl -- get pods
      docker run --rm --mount type=volume,src=data,dst=/d alpine true
      docker run --rm --mount type=tmpfs,dst=/d alpine true
      docker system df
      orb list
      apptainer exec --bind /data:/data img.sif ls
      apptainer inspect img.sif
      colima status
      rdctl list-settings
      vagrant ssh --command uptime
      docker run --rm --entrypoint ls alpine -la
      """)
  void everydayStaysAllowed(String text) {
    ShellAttack17cjTest.assertAllowed(text);
  }
}
