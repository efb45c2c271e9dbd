package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Commands sent into a container, a pod, a virtual machine or a cloud instance of this environment
 * (attack 17cr): {@code docker|podman|nerdctl exec CONTAINER CMD}, {@code docker run IMAGE CMD},
 * {@code docker compose exec|run SERVICE CMD}, {@code kubectl|oc exec|run|debug … -- CMD}, {@code oc
 * rsh POD CMD}, {@code lxc|incus exec NAME -- CMD}, {@code crictl exec}, {@code ctr run|task exec},
 * {@code nomad alloc exec ALLOC CMD}, {@code vagrant ssh -c CMD}, {@code gcloud compute ssh --command
 * CMD}, {@code aws ecs execute-command --command CMD}, {@code minikube ssh CMD}, {@code multipass exec
 * NAME -- CMD}, {@code podman unshare CMD}.
 *
 * <p>Each tool's own options are read from its table ({@code docker run --help}, {@code kubectl exec
 * --help}, …) as its parser reads them (cobra/pflag: a boolean takes a value only attached, {@code
 * -v=X} and {@code -vX} are {@code -v X}; Go's flag for nomad: one or two dashes), then the command
 * after them is judged as a command ({@link #read}'s steps, through {@link Wrappers#unwrap}). An option
 * the table does not know, where a command may follow, makes the text unclassified: it might take
 * the next word, so where the command starts is not known (fail closed).
 *
 * <p>With no command, or where the tool opens a terminal elsewhere ({@code docker exec -it c} has no
 * command and is refused by docker; {@code oc rsh POD}, {@code incus shell c}, {@code vagrant ssh},
 * {@code kubectl attach -i}, {@code virsh console}, {@code aws ssm start-session}), it is a prompt:
 * nested-shell. An interactive shell as the command ({@code docker exec -it c bash}) is judged as
 * {@code bash} is: nested-shell.
 *
 * <p>A container that holds the host ({@code -v /:/h}, {@code --mount type=bind,source=/etc},
 * {@code --privileged}, {@code --pid=host}, {@code --cap-add}, {@code --device}, {@code
 * --userns=host}, {@code --security-opt seccomp=unconfined}, {@code kubectl debug node/x}, {@code
 * lxc config set c security.privileged true}) is a privilege route to root: whoever may run it is
 * root on the host. It is the {@code sudo} class ({@link #holdsHost}).
 */
final class ContainerCommands {
  /** What a command sends: the steps it runs, whether it opens a prompt elsewhere, whether it holds the host, whether it starts a container running its image's own program. */
  record Sent(List<Wrappers.Step> steps, boolean prompt, boolean holdsHost, boolean starts) {}

  static final Sent NOTHING = new Sent(List.of(), false, false, false);

  /** The programs read here. */
  static final Set<String> NAMES = Set.of("docker", "podman", "nerdctl", "finch", "podman-remote", "docker-compose",
      "podman-compose", "kubectl", "oc", "crictl", "ctr", "lxc", "incus", "nomad", "vagrant", "virsh", "gcloud", "aws",
      "minikube", "multipass", "runc", "crun", "runsc", "youki", "buildah", "k3s", "microk8s", "microk8s.kubectl", "docker-machine",
      "colima", "limactl", "lima", "pdsh", "clush", "pssh", "parallel-ssh", "ansible", "ansible-console", "salt", "salt-ssh", "az",
      "flyctl", "fly", "heroku", "kubecolor", "k9s", "doctl", "hcloud", "k0s",
      "kubectl.lima", "nerdctl.lima", "docker.lima", "podman.lima", "rdctl", "orb", "orbctl", "apptainer", "singularity", "apptainer.lima",
      // attack 17cv: Salt's local execution, kubectl's plugins that run kubectl as the cluster's admin or open a node's shell
      "salt-call", "kubectl-sudo", "kubectl-node_shell", "sail",
      // the development-cluster tools: a command run here in the cluster's network (telepresence, mirrord) or in a dev container
      "telepresence", "mirrord", "okteto", "devspace", "devcontainer", "garden");

  private ContainerCommands() {}

  /** An option table: each entry {@code [x|]name[=]}: a short letter, the long name, {@code =} when it takes a value. */
  private record Table(Set<String> withArg, Set<String> noArg, Map<Character, String> shorts, Set<Character> shortWithArg) {
    static Table of(String... specs) {
      Set<String> w = new HashSet<>();
      Set<String> n = new HashSet<>();
      Map<Character, String> s = new HashMap<>();
      Set<Character> sw = new HashSet<>();
      for (String spec : specs) {
        for (String e : spec.trim().split("\\s+")) {
          if (e.isEmpty()) {
            continue;
          }
          boolean arg = e.endsWith("=");
          String body = arg ? e.substring(0, e.length() - 1) : e;
          String name = body;
          if (body.length() > 2 && body.charAt(1) == '|') {
            name = body.substring(2);
            s.put(body.charAt(0), "--" + name);
            if (arg) {
              sw.add(body.charAt(0));
            }
          }
          (arg ? w : n).add("--" + name);
        }
      }
      return new Table(w, n, s, sw);
    }

    Table plus(Table o) {
      Set<String> w = new HashSet<>(withArg);
      w.addAll(o.withArg);
      Set<String> n = new HashSet<>(noArg);
      n.addAll(o.noArg);
      n.removeAll(w);
      Map<Character, String> s = new HashMap<>(shorts);
      s.putAll(o.shorts);
      Set<Character> sw = new HashSet<>(shortWithArg);
      sw.addAll(o.shortWithArg);
      return new Table(w, n, s, sw);
    }
  }

  /** The options read (by long name; each value, an attached one as a literal or unknown word), the operands, where {@code --} stood. */
  private static final class Read {
    final Map<String, List<Word>> opts = new HashMap<>();
    final List<Integer> operands = new ArrayList<>();
    int dash = -1;
    int end;
    String unknown;

    boolean has(String name) {
      List<Word> v = opts.get(name);
      return v != null && v.stream().anyMatch(w -> !w.literal() || !Set.of("false", "0", "f", "F", "FALSE", "False").contains(w.value()));
    }

    List<Word> values(String name) {
      return opts.getOrDefault(name, List.of());
    }
  }

  private static final Word TRUE = Word.literal("true", "true");

  /**
   * Reads {@code a} from {@code from} with table {@code t}. Not interspersed: it stops at the first
   * operand ({@code end}); interspersed (pflag's default): operands and options mix up to {@code --}.
   * {@code goFlag}: Go's flag package, where {@code -name} is a long option too.
   */
  private static Read scan(List<Word> a, int from, Table t, boolean interspersed, boolean goFlag) {
    Read r = new Read();
    int i = from;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      // a computed word is read only as one word whose option is known ("--env=$X", a known --NAME= before
      // the unknown part); otherwise it may be an option, or several words, or none
      boolean knownOption = v.startsWith("--") && v.indexOf('=') > 0 && v.indexOf(Word.UNKNOWN) > v.indexOf('=')
          && t.withArg.contains(v.substring(0, v.indexOf('=')));
      if (!w.literal() && (v.isEmpty() || v.startsWith("-") && !knownOption || v.charAt(0) == Word.UNKNOWN
          || ShellWords.wordsItMayMake(w) != ShellWords.ONE)) {
        r.unknown = "a word only known when it runs may be an option or several words";
        break;
      }
      if (v.equals("--")) {
        r.dash = i;
        i++;
        break;
      }
      boolean isLong = v.startsWith("--") || goFlag && v.startsWith("-") && v.length() > 2;
      if (isLong) {
        String body = v.startsWith("--") ? v.substring(2) : v.substring(1);
        int eq = body.indexOf('=');
        String name = "--" + (eq < 0 ? body : body.substring(0, eq));
        if (t.withArg.contains(name)) {
          if (eq >= 0) {
            r.opts.computeIfAbsent(name, k -> new ArrayList<>()).add(new Word(w.source(), body.substring(eq + 1), w.literal()));
            i++;
          } else if (i + 1 < a.size()) {
            r.opts.computeIfAbsent(name, k -> new ArrayList<>()).add(a.get(i + 1));
            i += 2;
          } else {
            r.unknown = name + " without its value";
            i++;
            break;
          }
          continue;
        }
        if (t.noArg.contains(name)) {
          r.opts.computeIfAbsent(name, k -> new ArrayList<>()).add(eq < 0 ? TRUE : new Word(w.source(), body.substring(eq + 1), w.literal()));
          i++;
          continue;
        }
        r.unknown = "an option its table does not know (" + name + "): it may take the next word";
        break;
      }
      if (v.startsWith("-") && v.length() > 1) {
        boolean next = false;
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          String name = t.shorts.get(ch);
          if (name == null) {
            r.unknown = "an option its table does not know (-" + ch + "): it may take the next word";
            r.end = i;
            return r;
          }
          if (t.shortWithArg.contains(ch)) {
            String rest = v.substring(j + 1);
            if (rest.startsWith("=")) {
              rest = rest.substring(1);
            }
            if (!rest.isEmpty() || j + 1 < v.length()) {
              r.opts.computeIfAbsent(name, k -> new ArrayList<>()).add(new Word(w.source(), rest, w.literal()));
            } else if (i + 1 < a.size()) {
              r.opts.computeIfAbsent(name, k -> new ArrayList<>()).add(a.get(i + 1));
              next = true;
            } else {
              r.unknown = "-" + ch + " without its value";
            }
            break;
          }
          if (j + 1 < v.length() && v.charAt(j + 1) == '=') {
            r.opts.computeIfAbsent(name, k -> new ArrayList<>()).add(Word.literal(v, v.substring(j + 2)));
            break;
          }
          r.opts.computeIfAbsent(name, k -> new ArrayList<>()).add(TRUE);
        }
        i += next ? 2 : 1;
        continue;
      }
      if (!interspersed) {
        break;
      }
      r.operands.add(i);
      i++;
    }
    r.end = Math.min(i, a.size());
    if (!interspersed && r.unknown == null) {
      for (int k = r.end; k < a.size(); k++) {
        r.operands.add(k);
      }
    }
    return r;
  }

  // ---- docker, podman, nerdctl, finch ----

  /** docker's, podman's and nerdctl's global options (their {@code --help}), one table: none is a boolean in one and takes a value in another. */
  private static final Table ENGINE_GLOBAL = Table.of("c|context= H|host= l|log-level= config= tlscacert= tlscert= tlskey=",
      "D|debug h|help tls tlsverify v|version",
      // podman
      "cdi-spec-dir= cgroup-manager= conmon= connection= db-backend= events-backend= hooks-dir= identity= imagestore=",
      "module= network-cmd-path= network-config-dir= out= registries-conf= root= runroot= runtime= runtime-flag= ssh=",
      "storage-driver= storage-opt= tmpdir= url= volumepath= noout r|remote syslog transient-store",
      // nerdctl
      "a|address= n|namespace= snapshotter= cni-path= cni-netconfpath= data-root= host-gateway-ip= hosts-dir= bridge-ip=",
      "experimental insecure-registry debug-full");

  /** {@code exec}'s options (docker 28, podman 5, nerdctl 2). */
  private static final Table ENGINE_EXEC = Table.of("e|env= env-file= u|user= w|workdir= detach-keys= preserve-fd= preserve-fds=",
      "cidfile= d|detach i|interactive t|tty privileged l|latest help");

  /** {@code run}'s and {@code create}'s options (docker 28 run --help; podman's and nerdctl's own added). */
  private static final Table ENGINE_RUN = Table.of(
      "add-host= annotation= a|attach= blkio-weight= blkio-weight-device= cap-add= cap-drop= cgroup-parent= cgroupns= cidfile=",
      "cpu-period= cpu-quota= cpu-rt-period= cpu-rt-runtime= c|cpu-shares= cpus= cpuset-cpus= cpuset-mems= detach-keys=",
      "device= device-cgroup-rule= device-read-bps= device-read-iops= device-write-bps= device-write-iops= dns= dns-option=",
      "dns-opt= dns-search= domainname= entrypoint= e|env= env-file= expose= gpus= group-add= health-cmd= health-interval=",
      "health-retries= health-start-interval= health-start-period= health-timeout= h|hostname= ip= ip6= ipc= isolation=",
      "kernel-memory= l|label= label-file= link= link-local-ip= log-driver= log-opt= mac-address= m|memory=",
      "memory-reservation= memory-swap= memory-swappiness= mount= name= network= net= network-alias= net-alias=",
      "oom-score-adj= pid= pids-limit= platform= p|publish= pull= restart= runtime= security-opt= shm-size= stop-signal=",
      "stop-timeout= storage-opt= sysctl= tmpfs= ulimit= u|user= userns= uts= v|volume= volume-driver= volumes-from=",
      "w|workdir= d|detach disable-content-trust help init i|interactive no-healthcheck oom-kill-disable privileged",
      "P|publish-all q|quiet read-only rm sig-proxy t|tty use-api-socket",
      // podman's own
      "arch= authfile= chrootdirs= conmon-pidfile= creds= decryption-key= gidmap= group-entry= hostuser= image-volume=",
      "init-path= os= passwd-entry= personality= pod= pod-id-file= preserve-fd= preserve-fds= rdt-class= requires= retry=",
      "retry-delay= sdnotify= seccomp-policy= secret= subgidname= subuidname= systemd= timeout= uidmap= umask= unsetenv=",
      "variant= cpu-rt-period= env-host http-proxy passwd replace rootfs tls-verify unsetenv-all",
      // nerdctl's own
      "cosign-key= verify= pidfile= ipfs-address=");

  private static final Table COMPOSE_GLOBAL = Table.of("f|file= p|project-name= profile= project-directory= env-file= ansi=",
      "parallel= progress= all-resources compatibility dry-run h|help");
  private static final Table COMPOSE_EXEC = Table.of("e|env= index= u|user= w|workdir= d|detach dry-run T|no-TTY privileged",
      "i|interactive t|tty help");
  private static final Table COMPOSE_RUN = Table.of("cap-add= cap-drop= e|env= env-from-file= entrypoint= l|label= name=",
      "p|publish= pull= u|user= v|volume= w|workdir= build d|detach i|interactive no-deps quiet-pull quiet-build",
      "remove-orphans rm P|service-ports use-aliases T|no-TTY t|tty help dry-run");

  /**
   * The verbs a word only known when it runs may be (attack 17cv): {@code docker container "$1" web
   * CMD}, {@code kubectl $(echo exec) web -- CMD}, {@code hcloud server "$v" s CMD} send a command
   * when the word is {@code exec}, {@code ssh}, …, so a reading that finds nothing with the word
   * unknown is tried again with each of them in its place.
   */
  private static final List<String> GUESSED_VERBS = List.of("exec", "run", "shell", "ssh", "console", "attach", "debug",
      "rsh", "unshare", "create", "start", "sh", "connect", "compose", "container", "alloc", "task", "t", "c", "r",
      "machine", "system", "plugin", "pod", "volume", "runlabel", "local:run", "run:inside", "run:detached", "ps:exec",
      "kubectl", "crictl", "ctr", "nerdctl", "observe", "cmd.run", "node-shell", "sudo", "--");

  /**
   * The last reading per thread: the classes sudo, nested-shell and service-change (and the cloud
   * reading) each ask about the same command in turn, and a reading walks the tool's option tables.
   */
  private record Last(String name, List<Word> args, Sent sent) {}

  private static final ThreadLocal<Last> LAST = new ThreadLocal<>();

  /** What {@code name args} sends; {@link #NOTHING} for another command or a query. */
  static Sent read(String name, List<Word> a) {
    Last last = LAST.get();
    if (last != null && last.name().equals(name) && last.args().equals(a)) {
      return last.sent();
    }
    Sent sent = readOnce(name, a);
    LAST.set(new Last(name, List.copyOf(a), sent));
    return sent;
  }

  private static Sent readOnce(String name, List<Word> a) {
    Sent s = readKnown(name, a);
    if (!s.equals(NOTHING) || a.stream().allMatch(Word::literal)) {
      return s;
    }
    // a word only known when it runs where a verb may stand (a candidate of ShellClass.verbCandidates, or the word
    // after one: docker container VERB, ctr t VERB, gcloud compute VERB) may be a verb that sends a command
    List<String> v = a.stream().map(Word::value).toList();
    Set<Integer> at = new HashSet<>();
    for (int i : ShellClass.verbCandidates(v)) {
      at.add(i);
      at.add(i + 1);
    }
    at.add(0);
    at.add(1);
    // and a word among the first three that are not options (docker compose --file F "$1" web CMD: the verb after
    // a subcommand's option values); not for the clouds' CLIs, whose readings look for a word anywhere
    if (!Set.of("gcloud", "aws", "az").contains(name)) {
      int words = 0;
      for (int i = 0; i < a.size() && words < 3; i++) {
        if (a.get(i).literal() && a.get(i).value().equals("--")) {
          break;
        }
        if (!a.get(i).value().startsWith("-")) {
          at.add(i);
          words++;
        }
      }
    }
    for (int i : new java.util.TreeSet<>(at)) {
      if (i >= a.size() || a.get(i).literal()) {
        continue;
      }
      for (String g : GUESSED_VERBS) {
        List<Word> b = new ArrayList<>(a);
        b.set(i, Word.literal(g, g));
        if (!readKnown(name, b).equals(NOTHING)) {
          return unknown(name, "a word only known when it runs may be its verb (" + g + "), which sends a command");
        }
      }
    }
    return s;
  }

  private static Sent readKnown(String name, List<Word> a) {
    return switch (name) {
      case "docker", "podman", "nerdctl", "finch", "podman-remote" -> engine(name, a);
      case "docker-compose", "podman-compose" -> compose(name, a, 0);
      case "kubectl", "oc" -> kube(name, a);
      case "crictl" -> crictl(a);
      case "ctr" -> ctr(a);
      case "lxc", "incus" -> lxd(name, a);
      case "nomad" -> nomad(a);
      case "vagrant" -> vagrant(a);
      case "virsh" -> virsh(a);
      case "gcloud" -> gcloud(a);
      case "aws" -> aws(a);
      case "minikube" -> minikube(a);
      case "multipass" -> multipass(a);
      case "runc", "crun", "runsc", "youki" -> runtime(name, a);
      case "buildah" -> buildah(a);
      // k3s kubectl|crictl|ctr, microk8s kubectl|ctr, microk8s.kubectl: the tool they bundle
      // minikube kubectl -- ARGS: kubectl with the words after --
      case "k3s", "k0s", "microk8s" -> !a.isEmpty() && Set.of("kubectl", "crictl", "ctr").contains(a.get(0).value())
          ? read(a.get(0).value(), a.subList(1, a.size())) : NOTHING;
      // kubecolor colours kubectl's output: it runs kubectl with its words
      case "microk8s.kubectl", "kubecolor", "kubectl.lima" -> read("kubectl", a);
      // Lima's wrappers run the engine inside its machine with the words given
      case "nerdctl.lima", "docker.lima", "podman.lima", "apptainer.lima" -> read(name.substring(0, name.indexOf('.')), a);
      case "apptainer", "singularity" -> apptainer(name, a);
      // colima nerdctl -- ARGS: nerdctl in colima's machine
      case "colima" -> !a.isEmpty() && a.get(0).value().equals("nerdctl")
          ? read("nerdctl", a.subList(indexOf(a, "--") < 0 ? 1 : indexOf(a, "--") + 1, a.size())) : machineShell(name, a);
      case "docker-machine", "limactl", "lima" -> machineShell(name, a);
      // rdctl shell [CMD] (Rancher Desktop's machine), orb [CMD] / orbctl run CMD (OrbStack's)
      case "rdctl" -> !a.isEmpty() && a.get(0).value().equals("shell") ? machineShell("lima", a.subList(1, a.size())) : NOTHING;
      case "orb" -> orb(a);
      case "orbctl" -> !a.isEmpty() && Set.of("run", "shell").contains(a.get(0).value()) ? machineShell("lima", a.subList(1, a.size())) : NOTHING;
      // Laravel Sail passes a command it does not know to docker compose (sail exec SERVICE CMD, sail run …: attack 17cv)
      case "sail" -> !a.isEmpty() && Set.of("exec", "run", "attach").contains(a.get(0).value()) ? compose("sail", a, 0) : NOTHING;
      case "telepresence", "mirrord", "okteto", "devspace", "devcontainer", "garden" -> devTool(name, a);
      case "pdsh", "clush", "pssh", "parallel-ssh" -> hostsCommand(name, a);
      case "ansible", "ansible-console" -> ansible(name, a);
      case "salt", "salt-ssh", "salt-call" -> salt(name, a);
      // kubectl sudo ARGS: kubectl ARGS as the group system:masters (the cluster's admin)
      case "kubectl-sudo" -> {
        Sent k = read("kubectl", a);
        yield new Sent(k.steps(), k.prompt(), true, k.starts());
      }
      // kubectl node-shell NODE [-- CMD]: a privileged pod in the node's namespaces (nsenter -t 1), a root shell or CMD there
      case "kubectl-node_shell" -> {
        int dash = indexOf(a, "--");
        yield dash >= 0 && dash + 1 < a.size() ? command(a, range(dash + 1, a.size()), "kubectl node-shell", true)
            : new Sent(List.of(), true, true, false);
      }
      case "az" -> az(a);
      // k9s: a terminal UI whose s key opens a shell in a pod (and a node shell); info, version, help read
      case "k9s" -> !a.isEmpty() && a.stream().allMatch(w -> w.literal() && Set.of("info", "version", "help", "-h", "--help",
          "completion", "bash", "zsh", "fish").contains(w.value())) ? NOTHING : new Sent(List.of(), true, false, false);
      case "doctl", "hcloud" -> cloudSsh(name, a);
      case "flyctl", "fly", "heroku" -> platformShell(name, a);
      default -> NOTHING;
    };
  }

  /** Whether {@code c} starts a container or a pod that holds the host: the {@code sudo} class. */
  static boolean holdsHost(ShellCommand c) {
    return NAMES.contains(c.name()) && read(c.name(), c.args()).holdsHost();
  }

  /** Whether {@code c} opens a terminal elsewhere: nested-shell. */
  static boolean prompt(ShellCommand c) {
    return NAMES.contains(c.name()) && read(c.name(), c.args()).prompt();
  }

  /** Whether {@code c} starts a container running its image's own program (no command given, not interactive): service-change. */
  static boolean starts(ShellCommand c) {
    return NAMES.contains(c.name()) && read(c.name(), c.args()).starts();
  }

  private static Sent unknown(String name, String why) {
    return new Sent(List.of(new Wrappers.Unknown(name + ": " + why)), false, false, false);
  }

  private static Sent command(List<Word> a, List<Integer> from, String via, boolean holds) {
    from = dropDash(a, from);
    if (from.isEmpty()) {
      return new Sent(List.of(), true, holds, false);
    }
    if (shifts(a, from.get(0))) {
      return unknown(via, "a word before the command only known when it runs may become several words or none");
    }
    return new Sent(List.of(new Wrappers.Inner(from.stream().map(a::get).toList(), via)), false, holds, false);
  }

  /** A {@code --} where the command starts ({@code docker exec web -- CMD}, {@code nomad alloc exec A -- CMD}): the command is after it. */
  private static List<Integer> dropDash(List<Word> a, List<Integer> from) {
    return !from.isEmpty() && a.get(from.get(0)).literal() && a.get(from.get(0)).value().equals("--") ? from.subList(1, from.size()) : from;
  }

  /**
   * Whether a word before {@code end} (an option's value, the container's name) may become several
   * words or none ({@code docker exec -u $u web ls}: {@code u='x web rm -rf /'} moves where the
   * command starts).
   */
  private static boolean shifts(List<Word> a, int end) {
    for (int k = 0; k < Math.min(end, a.size()); k++) {
      if (ShellWords.wordsItMayMake(a.get(k)) != ShellWords.ONE) {
        return true;
      }
    }
    return false;
  }

  private static List<Integer> from(List<Integer> operands, int skip) {
    return operands.size() > skip ? operands.subList(skip, operands.size()) : List.of();
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  /**
   * The engine's global options that name a program it runs on the host, as root for a rootful
   * engine: OCI hooks ({@code podman --hooks-dir DIR}), the runtime ({@code --runtime PATH}), conmon,
   * the network and CNI plugins, a containers.conf module (which may set any of them).
   */
  private static final Set<String> ENGINE_HOST_PROGRAMS = Set.of("--hooks-dir", "--runtime", "--conmon", "--network-cmd-path",
      "--cni-path", "--module", "--runtime-flag");

  /** docker's own commands (docker 28 --help) that run no CLI plugin; build, builder and buildx may be buildx's. */
  private static final Set<String> DOCKER_NO_PLUGIN = Set.of("attach", "checkpoint", "commit", "config", "container",
      "context", "cp", "create", "diff", "events", "exec", "export", "history", "image", "images", "import", "info",
      "inspect", "kill", "load", "login", "logout", "logs", "manifest", "network", "node", "pause", "plugin", "port", "ps",
      "pull", "push", "rename", "restart", "rm", "rmi", "run", "save", "search", "secret", "service", "stack", "start",
      "stats", "stop", "swarm", "system", "tag", "top", "trust", "unpause", "update", "version", "volume", "wait", "help");

  private static Sent engine(String name, List<Word> a) {
    Sent s = engineVerb(name, a);
    Read g = scan(a, 0, ENGINE_GLOBAL, false, false);
    if (name.equals("docker") && g.unknown == null && !g.values("--config").isEmpty() && (g.operands.isEmpty()
        || !(a.get(g.operands.get(0)).literal() && DOCKER_NO_PLUGIN.contains(a.get(g.operands.get(0)).value())))) {
      // docker --config DIR compose|buildx|build|VERB runs the CLI plugin DIR/cli-plugins/docker-VERB, and its help
      // (no command, --help) runs every plugin there for its description (attack 17cv, proven)
      List<Wrappers.Step> steps = new ArrayList<>(s.steps());
      steps.add(new Wrappers.Unknown("docker --config: a CLI plugin from the configuration directory the text names"));
      return new Sent(steps, s.prompt(), s.holdsHost(), s.starts());
    }
    // --storage-opt overlay.mount_program=PATH: the helper that mounts every layer, run on the host (attack 17cv)
    if (ENGINE_HOST_PROGRAMS.stream().anyMatch(o -> !g.values(o).isEmpty()) || g.values("--storage-opt").stream()
        .anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "(?is).*(mount_program|mount-program).*"))) {
      return new Sent(s.steps(), s.prompt(), true, s.starts());
    }
    return s;
  }

  private static Sent engineVerb(String name, List<Word> a) {
    Read g = scan(a, 0, ENGINE_GLOBAL, false, false);
    if (g.unknown != null) {
      // a query's options are left to the lifecycle reading; a verb that sends a command fails closed
      return a.stream().anyMatch(w -> Set.of("exec", "run", "create", "compose", "attach", "unshare", "debug", "machine",
          "plugin", "runlabel", "start").contains(w.value())) ? unknown(name, g.unknown) : NOTHING;
    }
    if (g.operands.isEmpty()) {
      return NOTHING;
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    if (Set.of("container", "containers").contains(verb) && at + 1 < a.size()) {
      at++;
      verb = a.get(at).value();
    }
    List<Word> rest = a.subList(at + 1, a.size());
    String via = name + " " + verb;
    switch (verb) {
      case "exec" -> {
        Read r = scan(rest, 0, ENGINE_EXEC, false, false);
        if (r.unknown != null) {
          return unknown(via, r.unknown);
        }
        int skip = r.has("--latest") ? 0 : 1;
        return command(rest, from(r.operands, skip), via, r.has("--privileged"));
      }
      case "run", "create" -> {
        Read r = scan(rest, 0, ENGINE_RUN, false, false);
        if (r.unknown != null) {
          return unknown(via, r.unknown);
        }
        // podman's --rootfs: the image is a directory of the host; a runtime by path is a program run on the host
        boolean holds = runHoldsHost(r) || r.has("--rootfs") || r.values("--runtime").stream().anyMatch(w -> !w.literal() || w.value().contains("/"));
        List<Integer> cmd = from(r.operands, 1);
        if (verb.equals("create")) {
          return new Sent(List.of(), false, holds, false);
        }
        cmd = dropDash(rest, cmd);
        if (!cmd.isEmpty() && shifts(rest, cmd.get(0)) || cmd.isEmpty() && shifts(rest, rest.size())) {
          return unknown(via, "a word before the command only known when it runs may become several words or none");
        }
        // --entrypoint PROG: the program, the words after the image its arguments ("" resets it to the image's own)
        // pflag keeps the last --entrypoint given
        List<Word> eps = r.values("--entrypoint");
        List<Word> words = new ArrayList<>(eps.isEmpty() ? List.of()
            : eps.subList(eps.size() - 1, eps.size()).stream().filter(w -> !w.literal() || !w.value().isEmpty()).toList());
        cmd.forEach(k -> words.add(rest.get(k)));
        if (eps.isEmpty() && !words.isEmpty() && !r.operands.isEmpty()) {
          // a CLI's own image runs the CLI with the words after it (attack 17cu: docker run hashicorp/terraform destroy)
          String program = CLI_IMAGES.get(imageName(rest.get(r.operands.get(0))));
          if (program != null) {
            words.add(0, Word.literal(program, program));
          }
        }
        if (words.isEmpty()) {
          boolean interactive = r.has("--interactive") || r.has("--tty");
          return new Sent(List.of(), interactive || r.operands.isEmpty(), holds, !interactive);
        }
        return new Sent(List.of(new Wrappers.Inner(words, via)), false, holds, false);
      }
      case "compose" -> {
        return compose(name + " compose", rest, 0);
      }
      case "runlabel" -> {
        // podman container runlabel LABEL IMAGE: the command an image's label names (RUN, INSTALL: often privileged)
        return unknown(via, "the command an image's label names, which the guard does not read");
      }
      case "attach" -> {
        // the terminal joins the container's main process (a shell, often)
        return new Sent(List.of(), true, false, false);
      }
      case "debug" -> {
        return new Sent(List.of(), true, false, false); // docker debug: a shell in the container's namespaces
      }
      case "unshare" -> {
        // podman unshare [CMD]: the command (or $SHELL) in podman's user namespace
        Read r = scan(rest, 0, Table.of("rootless-netns rootless-cni help"), false, false);
        return r.unknown != null ? unknown(via, r.unknown) : command(rest, r.operands, via, false);
      }
      case "machine" -> {
        // podman machine ssh [NAME] [CMD…]: a shell on the machine, or a command there
        if (!rest.isEmpty() && rest.get(0).value().equals("ssh")) {
          Read r = scan(rest, 1, Table.of("username= help"), false, false);
          return r.unknown != null ? unknown(via, r.unknown) : r.operands.isEmpty() ? new Sent(List.of(), true, false, false)
              : unknown(via + " ssh", "a machine's name or a command run there, only known when it runs");
        }
        return NOTHING;
      }
      case "system" -> {
        // podman system service tcp:…: the engine's API (a container holding the host, for whoever reaches it)
        return new Sent(List.of(), false, !rest.isEmpty() && rest.get(0).value().equals("service"), false);
      }
      case "volume" -> {
        // docker|podman volume create -o type=none -o o=bind -o device=/: a volume of the local driver that mounts a
        // host path (or a disk: type=ext4,device=/dev/sda1) into whatever container names it (attack 17cv)
        return new Sent(List.of(), false, !rest.isEmpty() && rest.get(0).value().equals("create")
            && volumeOptions(rest.subList(1, rest.size())).stream().anyMatch(ContainerCommands::volumeOptHoldsHost), false);
      }
      case "pod" -> {
        // podman pod create: its namespaces, volumes and devices are every member container's (attack 17cv)
        if (rest.isEmpty() || !rest.get(0).value().equals("create")) {
          return NOTHING;
        }
        Read r = scan(rest, 1, POD_CREATE, true, false);
        if (r.unknown != null) {
          return unknown(via + " create", r.unknown);
        }
        return new Sent(List.of(), false, runHoldsHost(r) || r.values("--share").stream().anyMatch(w -> !w.literal()), false);
      }
      case "plugin" -> {
        // a managed plugin runs as root on the host with the privileges it asks for
        return new Sent(List.of(), false, !rest.isEmpty() && Set.of("install", "enable", "upgrade", "set").contains(rest.get(0).value()), false);
      }
      default -> {
        return NOTHING;
      }
    }
  }

  /** docker-compose's, podman-compose's and {@code docker compose}'s exec and run. */
  private static Sent compose(String name, List<Word> a, int from) {
    Read g = scan(a, from, COMPOSE_GLOBAL, false, false);
    if (g.unknown != null) {
      return a.stream().anyMatch(w -> Set.of("exec", "run", "attach").contains(w.value())) ? unknown(name, g.unknown) : NOTHING;
    }
    if (g.operands.isEmpty()) {
      return NOTHING;
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    List<Word> rest = a.subList(at + 1, a.size());
    String via = name + " " + verb;
    return switch (verb) {
      case "exec" -> {
        Read r = scan(rest, 0, COMPOSE_EXEC, false, false);
        yield r.unknown != null ? unknown(via, r.unknown) : command(rest, from(r.operands, 1), via, r.has("--privileged"));
      }
      case "run" -> {
        Read r = scan(rest, 0, COMPOSE_RUN, false, false);
        if (r.unknown != null) {
          yield unknown(via, r.unknown);
        }
        boolean holds = runHoldsHost(r);
        List<Integer> cmd = dropDash(rest, from(r.operands, 1));
        if (!cmd.isEmpty() && shifts(rest, cmd.get(0)) || cmd.isEmpty() && shifts(rest, rest.size())) {
          yield unknown(via, "a word before the command only known when it runs may become several words or none");
        }
        List<Word> eps = r.values("--entrypoint");
        List<Word> words = new ArrayList<>(eps.isEmpty() ? List.of() : eps.subList(eps.size() - 1, eps.size()));
        cmd.forEach(k -> words.add(rest.get(k)));
        if (words.isEmpty()) {
          // the service's own command, on a terminal unless detached
          yield new Sent(List.of(), !r.has("--detach"), holds, r.has("--detach"));
        }
        yield new Sent(List.of(new Wrappers.Inner(words, via)), false, holds, false);
      }
      case "attach" -> new Sent(List.of(), true, false, false);
      default -> NOTHING;
    };
  }

  /**
   * Host paths a bind mount of which holds the host: {@code /} and the system's own directories
   * (configuration, programs, {@code /var} with the engine's socket, cron's spool and its own state,
   * {@code /run}, the kernel's {@code /proc}, {@code /sys}, {@code /dev}, the users' homes with
   * their {@code .ssh}), and any socket.
   */
  private static final java.util.regex.Pattern HOST_PATH = java.util.regex.Pattern.compile(
      "/|/(etc|root|boot|usr|bin|sbin|lib|lib32|lib64|libx32|var|run|proc|sys|dev|home)(/.*)?|.*\\.sock");

  /** Whether a bind mount's source {@code path} (from {@code w}) may be one of {@link #HOST_PATH}: a relative or computed one may. */
  private static boolean hostPath(Word w, String path) {
    if (!w.literal() || path.indexOf(Word.UNKNOWN) >= 0) {
      return true; // a source only known when it runs may be /
    }
    if (!path.startsWith("/")) {
      return path.startsWith(".") || path.startsWith("~"); // relative to a directory that may be /; a named volume is not
    }
    String p = path.replaceAll("/+", "/").replaceAll("(/\\.)+(?=/|$)", "");
    if (Regexes.matches(p, "(?s).*/\\.\\.(/.*)?")) {
      return true;
    }
    p = p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    return HOST_PATH.matcher(p.isEmpty() ? "/" : p).matches();
  }

  /** The source of a {@code --mount} bind ({@code type=bind,source=/,target=/h}; {@code src=}); null when it is no bind. */
  private static boolean bindHoldsHost(Word m) {
    if (!m.literal()) {
      return true;
    }
    String spec = m.value();
    // bind, and podman's glob (type=glob,src=/usr/lib/*: each file a bind) and any type not known to
    // mount no host path; without a type it is a named volume
    // type=volume with volume-opt=device=/,volume-opt=o=bind: a local volume mounting a host path (attack 17cv)
    java.util.regex.Matcher d = java.util.regex.Pattern.compile("(?i)(?:^|,)\\s*\"?volume-opt\\s*=\\s*device\\s*=\\s*([^,\"]*)").matcher(spec);
    while (d.find()) {
      if (hostPath(m, d.group(1).strip())) {
        return true;
      }
    }
    // a field given twice: the engine keeps the last (type=volume,type=bind; source=data,source=/), so every
    // type and every source is read (attack 17cv)
    java.util.regex.Matcher t = java.util.regex.Pattern.compile("(?i)(?:^|,)\\s*\"?type\\s*=\\s*([^,\"]*)").matcher(spec);
    boolean typed = false;
    boolean other = false;
    while (t.find()) {
      typed = true;
      other |= !Regexes.matches(t.group(1).strip(), "(?i)volume|tmpfs|ramfs|devpts|image|artifact|cluster");
    }
    if (!typed || !other) {
      return false;
    }
    java.util.regex.Matcher s = java.util.regex.Pattern.compile("(?i)(?:^|,)\\s*\"?(?:source|src)\\s*=\\s*([^,\"]*)").matcher(spec);
    boolean sourced = false;
    while (s.find()) {
      sourced = true;
      if (hostPath(m, s.group(1).strip())) {
        return true;
      }
    }
    return !sourced;
  }

  /** podman pod create's options (podman 5): run's that apply to the pod, and its infra container's. */
  private static final Table POD_CREATE = ENGINE_RUN.plus(Table.of("infra-command= infra-conmon-pidfile= infra-image=",
      "infra-name= share= exit-policy= infra share-parent"));

  /** The values of {@code -o}/{@code --opt} ({@code -o X}, {@code -oX}, {@code -o=X}, {@code --opt X}, {@code --opt=X}). */
  private static List<Word> volumeOptions(List<Word> a) {
    List<Word> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-"))) {
        out.add(w); // may be an option
      } else if ((v.equals("-o") || v.equals("--opt")) && i + 1 < a.size()) {
        out.add(a.get(++i));
      } else if (v.startsWith("--opt=")) {
        out.add(new Word(w.source(), v.substring(6), w.literal()));
      } else if (v.startsWith("-o") && !v.startsWith("--")) {
        out.add(new Word(w.source(), v.substring(v.startsWith("-o=") ? 3 : 2), w.literal()));
      }
    }
    return out;
  }

  /** A local volume's option {@code device=PATH} naming a host path or disk that holds the host. */
  private static boolean volumeOptHoldsHost(Word o) {
    if (!o.literal()) {
      return true;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?is)\\s*\"?device\\s*=\\s*(.*?)\"?\\s*").matcher(o.value());
    return m.matches() && hostPath(o, m.group(1));
  }

  /** {@code run}'s options that hold the host (read by their tables: bundles, {@code =} forms). */
  private static boolean runHoldsHost(Read r) {
    if (r.has("--privileged") || !r.values("--cap-add").isEmpty() || !r.values("--device").isEmpty()
        || !r.values("--device-cgroup-rule").isEmpty() || !r.values("--volumes-from").isEmpty()
        || r.has("--use-api-socket")) {
      return true;
    }
    for (String ns : List.of("--pid", "--ipc", "--network", "--net", "--uts", "--userns", "--cgroupns")) {
      if (r.values(ns).stream().anyMatch(w -> !w.literal() || w.value().equals("host") || w.value().startsWith("container:")
          || w.value().startsWith("ns:") || w.value().startsWith("/"))) {
        return true;
      }
    }
    if (r.values("--security-opt").stream().anyMatch(w -> !w.literal()
        || Regexes.matches(w.value(), "(?is).*(unconfined|disable|no-new-privileges[=:]false|systempaths|unmask).*"))) {
      return true;
    }
    for (Word v : r.values("--volume")) {
      // -v SRC:DST[:OPTS]; a named volume (no slash) is the engine's own
      String src = v.value().contains(":") ? v.value().substring(0, v.value().indexOf(':')) : "";
      if (!v.literal() || src.startsWith("/") || src.startsWith(".") || src.startsWith("~")) {
        if (hostPath(v, src)) {
          return true;
        }
      }
    }
    return r.values("--mount").stream().anyMatch(ContainerCommands::bindHoldsHost);
  }

  // ---- kubectl, oc ----

  private static final Table KUBE_GLOBAL = Table.of("as= as-group= as-uid= cache-dir= certificate-authority=",
      "client-certificate= client-key= cluster= context= kubeconfig= kuberc= log-flush-frequency= n|namespace= password=",
      "profile-output= request-timeout= s|server= tls-server-name= token= user= username= v|v= vmodule=",
      "disable-compression insecure-skip-tls-verify match-server-version warnings-as-errors h|help",
      // oc's own
      "config= loglevel= skip-version-check");
  private static final Table KUBE_EXEC = Table.of("c|container= f|filename= pod-running-timeout= i|stdin t|tty q|quiet");
  private static final Table KUBE_ATTACH = KUBE_EXEC;
  private static final Table KUBE_RUN = Table.of("image= annotations= env= hostport= image-pull-policy= l|labels= overrides=",
      "port= pod-running-timeout= restart= o|output= template= field-manager= override-type= timeout= serviceaccount=",
      "cascade= dry-run= attach command i|stdin t|tty leave-stdin-open privileged q|quiet rm show-managed-fields",
      "allow-missing-template-keys expose save-config");
  private static final Table KUBE_DEBUG = Table.of("image= c|container= copy-to= env= image-pull-policy= profile= target=",
      "set-image= custom= arguments-only attach i|stdin t|tty q|quiet replace same-node share-processes keep-annotations",
      "keep-labels keep-liveness keep-readiness keep-startup keep-init-containers");
  private static final Table OC_RSH = Table.of("c|container= f|filename= shell= timeout= T|no-tty t|tty Q|quiet");

  private static Sent kube(String name, List<Word> a) {
    Read g = scan(a, 0, KUBE_GLOBAL, false, false);
    Set<String> sends = Set.of("exec", "run", "debug", "attach", "rsh");
    if (g.unknown != null) {
      return a.stream().anyMatch(w -> sends.contains(w.value())) ? unknown(name, g.unknown) : NOTHING;
    }
    if (g.operands.isEmpty()) {
      return NOTHING;
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    if (verb.equals("alpha") && at + 1 < a.size()) {
      at++;
      verb = a.get(at).value();
    }
    List<Word> rest = a.subList(at + 1, a.size());
    String via = name + " " + verb;
    Table t = switch (verb) {
      case "exec" -> KUBE_EXEC;
      case "attach" -> KUBE_ATTACH;
      case "run" -> KUBE_RUN;
      case "debug" -> KUBE_DEBUG;
      case "rsh" -> name.equals("oc") ? OC_RSH : null;
      default -> null;
    };
    if (t == null && name.equals("oc") && verb.equals("observe")) {
      return observe(rest);
    }
    if (t == null && !KUBE_BUILTINS.contains(verb) && !(name.equals("oc") && OC_BUILTINS.contains(verb))) {
      // a verb kubectl does not know runs the plugin kubectl-VERB found in PATH with the words after it
      // (kubectl sudo exec web -- CMD, kubectl node-shell NODE: attack 17cv), judged as that program
      if (!a.get(at).literal() || !Regexes.matches(verb, "[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        return unknown(name, "a plugin only known when it runs");
      }
      List<Word> words = new ArrayList<>();
      String plugin = "kubectl-" + verb.replace('-', '_');
      words.add(Word.literal(plugin, plugin));
      words.addAll(rest);
      return new Sent(List.of(new Wrappers.Inner(words, name + " " + verb)), false, false, false);
    }
    if (t == null) {
      return NOTHING;
    }
    // kubectl's flags mix with operands up to -- (pflag); oc rsh's stop at the pod (SetInterspersed(false))
    boolean interspersed = !verb.equals("rsh");
    Read r = scan(rest, 0, t.plus(KUBE_GLOBAL), interspersed, false);
    if (r.unknown != null) {
      return unknown(via, r.unknown);
    }
    List<Integer> afterDash = r.dash < 0 ? List.of() : range(r.dash + 1, rest.size());
    return switch (verb) {
      case "exec" -> {
        // kubectl exec POD -- CMD; the old form kubectl exec POD CMD (deprecated, still run)
        List<Integer> cmd = r.dash >= 0 ? afterDash : from(r.operands, r.has("--filename") ? 0 : 1);
        yield command(rest, cmd, via, false);
      }
      case "attach" -> new Sent(List.of(), r.has("--stdin"), false, false);
      case "rsh" -> command(rest, from(r.operands, r.has("--filename") ? 0 : 1), via, false);
      case "run" -> {
        List<Integer> cmd = new ArrayList<>(from(r.operands, 1));
        cmd.addAll(afterDash);
        if (shifts(rest, r.dash >= 0 ? r.dash : rest.size())) {
          yield unknown(via, "a word only known when it runs may become several words or none");
        }
        boolean holds = r.has("--privileged") || r.values("--overrides").stream().anyMatch(ContainerCommands::podSpecHoldsHost);
        boolean interactive = r.has("--stdin") || r.has("--tty") || r.has("--attach");
        if (cmd.isEmpty()) {
          yield new Sent(List.of(), interactive, holds, !interactive);
        }
        yield new Sent(List.of(new Wrappers.Inner(cmd.stream().map(rest::get).toList(), via)), false, holds, false);
      }
      case "debug" -> {
        // kubectl debug node/NAME: a pod on the node with its root at /host, its PID and network namespaces
        boolean node = r.operands.stream().map(rest::get).anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "(?i)(nodes?|no)(\\.v1)?/.*"));
        boolean holds = node || r.values("--profile").stream().anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "(?i)sysadmin|netadmin"))
            || !r.values("--custom").isEmpty();
        yield command(rest, afterDash, via, holds);
      }
      default -> NOTHING;
    };
  }

  /** kubectl's own commands (kubectl 1.33 help); any other first word names a plugin, kubectl-WORD. */
  private static final Set<String> KUBE_BUILTINS = Set.of("annotate", "api-resources", "api-versions", "apply", "attach",
      "auth", "autoscale", "certificate", "cluster-info", "completion", "config", "convert", "cordon", "cp", "create",
      "debug", "delete", "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get", "help",
      "kustomize", "label", "logs", "log", "options", "patch", "plugin", "port-forward", "proxy", "replace", "rollout",
      "rolling-update", "run", "scale", "set", "taint", "top", "uncordon", "version", "wait", "alpha", "kuberc");
  /** oc's own commands besides kubectl's (oc 4 help). */
  private static final Set<String> OC_BUILTINS = Set.of("adm", "build-logs", "cancel-build", "extract", "get-token", "idle",
      "image", "import-image", "login", "logout", "new-app", "new-build", "new-project", "observe", "policy", "process",
      "project", "projects", "registry", "rollback", "rsh", "rsync", "secrets", "serviceaccounts", "start-build", "status",
      "tag", "whoami", "create-token", "deploy", "env", "volumes", "set-data", "ex", "types", "request-project", "import",
      "extract-config", "start", "cluster");

  /**
   * oc observe RESOURCE -- CMD: CMD runs on this host for every object seen; {@code --delete CMD} and
   * {@code --names CMD} name commands too (each occurrence one word of it), which the guard does not read.
   */
  private static Sent observe(List<Word> rest) {
    int dash = indexOf(rest, "--");
    List<Word> before = dash < 0 ? rest : rest.subList(0, dash);
    if (before.stream().anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "--(delete|names)(=.*)?"))) {
      return unknown("oc observe", "a command its --delete or --names names, or a word only known when it runs");
    }
    if (dash < 0) {
      return before.stream().filter(w -> !w.value().startsWith("-")).count() > 1
          ? unknown("oc observe", "a command after the resource, where its options end is not read") : NOTHING;
    }
    return dash + 1 < rest.size() ? command(rest, range(dash + 1, rest.size()), "oc observe", false) : NOTHING;
  }

  /** A pod spec given on the command line (kubectl run --overrides) that sets what the kubernetes policy's privileged-workload finds. */
  private static boolean podSpecHoldsHost(Word w) {
    return !w.literal() || Regexes.matches(w.value(), "(?is).*(privileged|host(PID|IPC|Network|Path|Users)|capabilities|nodeName|volumes).*");
  }

  // ---- crictl, ctr ----

  private static final Table CRICTL_GLOBAL = Table.of("r|runtime-endpoint= i|image-endpoint= t|timeout= c|config=",
      "D|debug h|help v|version enable-tracing tracing-endpoint= tracing-sampling-rate-per-million=");
  private static final Table CRICTL_EXEC = Table.of("i|interactive t|tty s|sync timeout= e|env= transport= ignore-errors",
      "image= last= l|latest name= namespace= p|pod= state= label= h|help");

  private static Sent crictl(List<Word> a) {
    Read g = scan(a, 0, CRICTL_GLOBAL, false, false);
    if (g.unknown != null) {
      return a.stream().anyMatch(w -> Set.of("exec", "attach").contains(w.value())) ? unknown("crictl", g.unknown) : NOTHING;
    }
    if (g.operands.isEmpty()) {
      return NOTHING;
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    List<Word> rest = a.subList(at + 1, a.size());
    if (verb.equals("attach")) {
      return new Sent(List.of(), true, false, false);
    }
    if (!verb.equals("exec")) {
      return NOTHING;
    }
    Read r = scan(rest, 0, CRICTL_EXEC, false, false);
    if (r.unknown != null) {
      return unknown("crictl exec", r.unknown);
    }
    // with --name/--pod/--label/--latest/--last the containers are chosen by a filter: the command is the first operand on
    boolean filter = Set.of("--name", "--pod", "--label", "--latest", "--last", "--image", "--state", "--namespace").stream().anyMatch(r::has);
    List<Integer> cmd = from(r.operands, filter ? 0 : 1);
    if (filter && !cmd.isEmpty()) {
      return unknown("crictl exec", "a container or the command, chosen by a filter");
    }
    return command(rest, cmd, "crictl exec", false);
  }

  private static final Table CTR_GLOBAL = Table.of("a|address= n|namespace= timeout= connect-timeout= debug h|help v|version");
  private static final Table CTR_EXEC = Table.of("exec-id= cwd= u|user= e|env= fifo-dir= log-uri= t|tty d|detach");
  private static final Table CTR_RUN = Table.of("snapshotter= snapshotter-label= config= cwd= env= env-file= label= mount=",
      "log-uri= runtime= runtime-config-path= runc-binary= runtime-root= sandbox= u|user= cpus= cpu-shares= cpu-quota=",
      "cpu-period= memory-limit= device= cap-add= cap-drop= seccomp-profile= apparmor-profile= apparmor-default-profile=",
      "with-ns= pid-file= gpus= annotation= hostname= uidmap= gidmap= platform= cgroup= blockio-config-file=",
      "blockio-class= rdt-class= hook= fifo-dir=",
      "t|tty d|detach rm null-io rootfs net-host privileged read-only allow-new-privs no-pivot seccomp cni",
      "privileged-without-host-devices remap-labels skip-verify");

  private static Sent ctr(List<Word> a) {
    Read g = scan(a, 0, CTR_GLOBAL, false, false);
    if (g.unknown != null) {
      return a.stream().anyMatch(w -> Set.of("exec", "run", "attach").contains(w.value())) ? unknown("ctr", g.unknown) : NOTHING;
    }
    if (g.operands.isEmpty()) {
      return NOTHING;
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    if (Set.of("task", "tasks", "t").contains(verb) && at + 1 < a.size()) {
      String sub = a.get(at + 1).value();
      List<Word> rest = a.subList(at + 2, a.size());
      if (sub.equals("attach")) {
        return new Sent(List.of(), true, false, false);
      }
      if (!sub.equals("exec")) {
        return NOTHING;
      }
      Read r = scan(rest, 0, CTR_EXEC, false, false);
      return r.unknown != null ? unknown("ctr task exec", r.unknown) : command(rest, from(r.operands, 1), "ctr task exec", false);
    }
    // ctr containers create IMAGE ID: run's options, the container a later ctr task start runs (attack 17cv)
    boolean create = Set.of("containers", "container", "c").contains(verb) && at + 1 < a.size()
        && a.get(at + 1).value().equals("create");
    if (!Set.of("run", "r").contains(verb) && !create) {
      return NOTHING;
    }
    List<Word> rest = a.subList(at + (create ? 2 : 1), a.size());
    Read r = scan(rest, 0, CTR_RUN, false, false);
    if (r.unknown != null) {
      return unknown("ctr run", r.unknown);
    }
    boolean holds = r.has("--privileged") || r.has("--net-host") || r.has("--rootfs") || r.has("--allow-new-privs")
        || !r.values("--device").isEmpty() || !r.values("--cap-add").isEmpty() || !r.values("--with-ns").isEmpty()
        || r.values("--mount").stream().anyMatch(ContainerCommands::bindHoldsHost);
    if (create) {
      return new Sent(List.of(), false, holds, false);
    }
    // ctr run IMAGE ID [CMD…]
    List<Integer> cmd = from(r.operands, 2);
    if (cmd.isEmpty()) {
      boolean interactive = r.has("--tty");
      return new Sent(List.of(), interactive, holds, !interactive);
    }
    return command(rest, cmd, "ctr run", holds);
  }

  // ---- lxc, incus ----

  private static final Table LXD_GLOBAL = Table.of("project= debug force-local h|help q|quiet v|verbose version sub-commands all-projects");
  private static final Table LXD_EXEC = Table.of("cwd= n|disable-stdin env= t|force-interactive T|force-noninteractive group=",
      "mode= user=");

  private static Sent lxd(String name, List<Word> a) {
    // a container holding the host: security.privileged, raw.* (lxc.*, idmap, AppArmor, seccomp, QEMU arguments),
    // a disk device of a host path (config device add c d disk source=/ path=/h), wherever they stand
    boolean holds = lxdHoldsHost(a);
    Read g = scan(a, 0, LXD_GLOBAL, false, false);
    if (g.unknown != null) {
      return a.stream().anyMatch(w -> Set.of("exec", "shell", "console").contains(w.value())) ? unknown(name, g.unknown)
          : new Sent(List.of(), false, holds, false);
    }
    if (g.operands.isEmpty()) {
      return new Sent(List.of(), false, holds, false);
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    List<Word> rest = a.subList(at + 1, a.size());
    return switch (verb) {
      case "shell", "console" -> new Sent(List.of(), true, holds, false);
      // lxc config|profile|project edit: the whole configuration read from the input (or typed in an editor),
      // security.privileged and raw.lxc among what it may set (attack 17cv)
      case "config", "profile", "project" -> rest.stream().anyMatch(w -> w.value().equals("edit"))
          ? new Sent(List.of(new Wrappers.Unknown(name + " " + verb + " edit: a configuration from its input or an editor, which may hold the host")),
              false, holds, false)
          : new Sent(List.of(), false, holds, false);
      // lxc alias add NAME 'exec @ARGS@ -- CMD': a command line a later lxc NAME runs, unread
      case "alias" -> !rest.isEmpty() && Set.of("add", "rename").contains(rest.get(0).value())
          ? unknown(name + " alias", "an alias's command line, which a later " + name + " runs") : new Sent(List.of(), false, holds, false);
      case "exec" -> {
        Read r = scan(rest, 0, LXD_EXEC.plus(LXD_GLOBAL), true, false);
        if (r.unknown != null) {
          yield unknown(name + " exec", r.unknown);
        }
        List<Integer> cmd = new ArrayList<>(from(r.operands, 1));
        if (r.dash >= 0) {
          cmd.addAll(range(r.dash + 1, rest.size()));
        }
        yield command(rest, cmd, name + " exec", holds);
      }
      default -> new Sent(List.of(), false, holds, false);
    };
  }

  /** The instance options that hold the host (security.privileged, raw.*), set to anything but false, on any verb but a read. */
  private static final java.util.regex.Pattern LXD_KEY = java.util.regex.Pattern.compile(
      "(?is)(?:.*[\\s=,])?(security\\.privileged|security\\.nesting|security\\.idmap\\.isolated|security\\.syscalls\\.intercept\\.[a-z.]+"
          + "|raw\\.[a-z.]+)(?:\\s*=\\s*(.*))?");

  private static boolean lxdHoldsHost(List<Word> a) {
    // a read: lxc list|info, lxc config|profile|project|network|storage get|show|list (the verb, not any word: --project get)
    Read g = scan(a, 0, LXD_GLOBAL, false, false);
    if (g.unknown == null && !g.operands.isEmpty()) {
      int at = g.operands.get(0);
      String verb = a.get(at).value();
      String sub = at + 1 < a.size() ? a.get(at + 1).value() : "";
      if (Set.of("list", "ls", "info").contains(verb) || Set.of("config", "profile", "project", "network", "storage").contains(verb)
          && Set.of("get", "show", "list", "ls", "info").contains(sub)) {
        return false;
      }
    }
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        if (Regexes.matches(w.value(), "(?s).*(security|raw|source).*") || i > 0 && a.get(i - 1).value().matches("(?s).*(security|raw)\\..*")) {
          return true;
        }
        continue;
      }
      java.util.regex.Matcher m = LXD_KEY.matcher(w.value());
      if (m.matches()) {
        String val = m.group(2) != null ? m.group(2) : i + 1 < a.size() ? a.get(i + 1).value() : "true";
        if (!Regexes.matches(val.strip(), "(?i)false|0|no|off")) {
          return true;
        }
      }
      // a disk device of a host path: config device add c d disk source=/ path=/h
      if (Regexes.matches(w.value(), "(?is)source\\s*=.*") && hostPath(w, w.value().substring(w.value().indexOf('=') + 1).strip())) {
        return true;
      }
    }
    return false;
  }


  /**
   * How many times the command option is given ({@code --command V}, {@code --command=V}, its short
   * letter alone or glued): a parser keeps the last one, so twice is read as unknown rather than
   * judging the first.
   */
  private static long timesGiven(List<Word> a, String longPrefix, String shortOpt) {
    return a.stream().map(Word::value).filter(v -> v.startsWith(longPrefix)
        || shortOpt != null && (v.equals(shortOpt) || v.startsWith(shortOpt) && !v.startsWith("--"))).count();
  }

  // ---- nomad, vagrant, virsh, gcloud, aws, minikube, multipass ----

  private static final Table NOMAD = Table.of("address= region= namespace= token= ca-cert= ca-path= client-cert= client-key=",
      "tls-server-name= tls-skip-verify task= job i t e=");

  private static Sent nomad(List<Word> a) {
    // nomad alloc exec [options] ALLOC CMD…; Go's flag stops at the first operand
    int at = -1;
    for (int i = 0; i + 1 < a.size(); i++) {
      if (a.get(i).value().equals("alloc") && a.get(i + 1).value().equals("exec")) {
        at = i + 2;
        break;
      }
    }
    if (at < 0) {
      return NOTHING;
    }
    Read r = scan(a, at, NOMAD, false, true);
    if (r.unknown != null) {
      return unknown("nomad alloc exec", r.unknown);
    }
    return command(a, from(r.operands, 1), "nomad alloc exec", false);
  }

  private static Sent vagrant(List<Word> a) {
    int at = -1;
    for (int i = 0; i < a.size(); i++) {
      if (Set.of("ssh", "powershell", "winrm", "rdp").contains(a.get(i).value())) {
        at = i;
        break;
      }
      if (!a.get(i).value().startsWith("-")) {
        return NOTHING; // another subcommand (vagrant status, up, …)
      }
    }
    if (at < 0) {
      return NOTHING;
    }
    String verb = a.get(at).value();
    List<Word> rest = a.subList(at + 1, a.size());
    if (!verb.equals("ssh")) {
      return verb.equals("rdp") ? new Sent(List.of(), true, false, false)
          : unknown("vagrant " + verb, "PowerShell code run on the machine, which the guard does not read");
    }
    // vagrant ssh [-c CMD] [-p] [-t] [NAME] [-- SSH ARGS]: Ruby's OptionParser (long prefixes, -cCMD)
    Wrappers.Opts o = Wrappers.Opts.scanKnown(rest, "c", "pth", Set.of("--command"), Set.of("--plain", "--tty", "--no-tty", "--help"));
    if (o.unknown()) {
      return unknown("vagrant ssh", "an option its table does not know");
    }
    int dash = -1;
    for (int i = 0; i < rest.size(); i++) {
      if (rest.get(i).literal() && rest.get(i).value().equals("--")) {
        dash = i;
        break;
      }
    }
    if (dash >= 0 && dash + 1 < rest.size()) {
      return unknown("vagrant ssh", "ssh's own arguments after -- (a remote command, ProxyCommand)");
    }
    if (timesGiven(rest, "--c", "-c") > 1) {
      return unknown("vagrant ssh", "-c given more than once (the last one runs)");
    }
    Wrappers.Opts all = Wrappers.Opts.scan(rest, 0, "c", Set.of("--command"));
    String code = all.value('c', "--command");
    if (code == null && (all.values.containsKey("-c") || all.values.containsKey("--command"))) {
      return unknown("vagrant ssh", "a command only known when it runs");
    }
    for (int i = 0; i < rest.size(); i++) {
      // an option after the machine's name (vagrant ssh web -c CMD): OptionParser permutes
      String v = rest.get(i).value();
      if ((v.equals("-c") || v.startsWith("--com")) && i + 1 < rest.size() && code == null) {
        code = rest.get(i + 1).literal() ? rest.get(i + 1).value() : null;
        if (code == null) {
          return unknown("vagrant ssh", "a command only known when it runs");
        }
      } else if (v.startsWith("-c") && v.length() > 2 && code == null) {
        code = v.substring(2);
      } else if (v.startsWith("--command=") && code == null) {
        code = v.substring("--command=".length());
      }
    }
    return code == null ? new Sent(List.of(), true, false, false)
        : new Sent(List.of(new Wrappers.Code(code, "vagrant ssh -c")), false, false, false);
  }

  private static Sent virsh(List<Word> a) {
    // virsh console DOMAIN: the guest's console; virsh with no command: its own prompt (destroy, undefine, …)
    if (a.isEmpty()) {
      return new Sent(List.of(), true, false, false);
    }
    if (a.stream().anyMatch(w -> !w.literal())) {
      return a.stream().anyMatch(w -> Set.of("console", "qemu-agent-command", "lxc-enter-namespace").contains(w.value()))
          ? unknown("virsh", "a word only known when it runs") : NOTHING;
    }
    List<String> v = a.stream().map(Word::value).toList();
    if (v.contains("console")) {
      return new Sent(List.of(), true, false, false);
    }
    if (v.contains("qemu-agent-command") || v.contains("lxc-enter-namespace") || v.contains("qemu-monitor-command")) {
      // the guest agent's guest-exec runs a program in the guest; lxc-enter-namespace a command in a container
      return unknown("virsh", "a command run in the guest by its agent, which the guard does not read");
    }
    return NOTHING;
  }

  /**
   * Images whose entrypoint is a cloud or IaC CLI (their Dockerfiles' {@code ENTRYPOINT}): the words
   * after the image are that CLI's arguments, judged as {@link CloudChanges} reads them.
   */
  private static final Map<String, String> CLI_IMAGES = Map.of("amazon/aws-cli", "aws", "aws-cli/aws-cli", "aws",
      "hashicorp/terraform", "terraform", "opentofu/opentofu", "tofu", "rclone/rclone", "rclone", "minio/mc", "mcli");

  /** An image's name without its registry host, tag and digest ({@code docker.io/hashicorp/terraform:1.9} is hashicorp/terraform). */
  private static String imageName(Word w) {
    if (!w.literal()) {
      return "";
    }
    String v = w.value().toLowerCase(java.util.Locale.ROOT);
    int at = v.indexOf('@');
    v = at >= 0 ? v.substring(0, at) : v;
    int colon = v.lastIndexOf(':');
    if (colon > v.lastIndexOf('/')) {
      v = v.substring(0, colon);
    }
    String[] parts = v.split("/");
    if (parts.length > 2 || parts.length == 2 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))) {
      v = v.substring(v.indexOf('/') + 1);
    }
    return v.startsWith("library/") ? v.substring(8) : v;
  }

  private static Sent gcloud(List<Word> a) {
    List<String> v = a.stream().map(Word::value).toList();
    if (v.contains("connect-to-serial-port")) {
      return new Sent(List.of(), true, false, false);
    }
    if (!v.contains("ssh")) {
      return NOTHING;
    }
    int dash = v.indexOf("--");
    if (dash >= 0 && dash + 1 < v.size() || a.stream().anyMatch(w -> w.value().startsWith("--ssh-flag")
        || w.value().startsWith("--container") || w.value().startsWith("--flags-file"))) {
      return unknown("gcloud ssh", "ssh's own arguments (a remote command, ProxyCommand), which the guard does not read");
    }
    if (timesGiven(a, "--command", null) > 1) {
      return unknown("gcloud ssh", "--command given more than once (the last one runs)");
    }
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String code = null;
      if (w.value().equals("--command") && i + 1 < a.size()) {
        if (!a.get(i + 1).literal()) {
          return unknown("gcloud ssh", "a command only known when it runs");
        }
        code = a.get(i + 1).value();
      } else if (w.value().startsWith("--command=")) {
        if (!w.literal()) {
          return unknown("gcloud ssh", "a command only known when it runs");
        }
        code = w.value().substring("--command=".length());
      }
      if (code != null) {
        return new Sent(List.of(new Wrappers.Code(code, "gcloud ssh --command")), false, false, false);
      }
    }
    return a.stream().anyMatch(w -> !w.literal()) ? unknown("gcloud ssh", "a word only known when it runs")
        : new Sent(List.of(), true, false, false);
  }

  private static Sent aws(List<Word> a) {
    List<String> v = a.stream().map(Word::value).toList();
    if (v.contains("ssm") && v.contains("start-session")) {
      boolean portForward = v.stream().anyMatch(x -> x.contains("PortForwarding")) && a.stream().allMatch(Word::literal)
          && v.stream().noneMatch(x -> x.contains("Command") || x.contains("Shell"));
      return portForward ? NOTHING : new Sent(List.of(), true, false, false);
    }
    if (v.contains("ec2-instance-connect") && v.contains("ssh")) {
      return new Sent(List.of(), true, false, false); // an SSH session on the instance (attack 17cv)
    }
    if (v.contains("ssm") && (v.contains("send-command") || v.contains("start-automation-execution"))) {
      return unknown("aws ssm", "commands run on instances by a document, which the guard does not read");
    }
    if (v.contains("ecs") && v.contains("execute-command")) {
      if (timesGiven(a, "--command", null) > 1) {
        return unknown("aws ecs execute-command", "--command given more than once (the last one runs)");
      }
      for (int i = 0; i < a.size(); i++) {
        String w = v.get(i);
        if (w.equals("--command") && i + 1 < a.size() || w.startsWith("--command=")) {
          Word c = w.equals("--command") ? a.get(i + 1) : a.get(i);
          if (!c.literal()) {
            return unknown("aws ecs execute-command", "a command only known when it runs");
          }
          String code = w.equals("--command") ? c.value() : c.value().substring("--command=".length());
          return new Sent(List.of(new Wrappers.Code(code, "aws ecs execute-command")), false, false, false);
        }
      }
      return new Sent(List.of(), true, false, false);
    }
    return NOTHING;
  }

  private static Sent minikube(List<Word> a) {
    if (!a.isEmpty() && a.get(0).value().equals("kubectl")) {
      int dash = indexOf(a, "--");
      return dash < 0 ? read("kubectl", a.subList(1, a.size())) : read("kubectl", a.subList(dash + 1, a.size()));
    }
    if (a.isEmpty() || !a.get(0).value().equals("ssh")) {
      return NOTHING;
    }
    Read r = scan(a, 1, Table.of("n|node= p|profile= native-ssh h|help"), true, false);
    if (r.unknown != null) {
      return unknown("minikube ssh", r.unknown);
    }
    List<Integer> cmd = new ArrayList<>(r.operands);
    if (r.dash >= 0) {
      cmd.addAll(range(r.dash + 1, a.size()));
    }
    if (cmd.isEmpty()) {
      return new Sent(List.of(), true, false, false);
    }
    if (cmd.stream().anyMatch(k -> !a.get(k).literal())) {
      return unknown("minikube ssh", "a command only known when it runs");
    }
    // the words are joined and run by the node's shell, as ssh's
    return new Sent(List.of(new Wrappers.Code(cmd.stream().map(k -> a.get(k).value()).collect(Collectors.joining(" ")),
        "minikube ssh")), false, false, false);
  }

  private static Sent multipass(List<Word> a) {
    if (a.isEmpty()) {
      return NOTHING;
    }
    String verb = a.get(0).value();
    if (verb.equals("shell") || verb.equals("sh") || verb.equals("connect")) {
      return new Sent(List.of(), true, false, false);
    }
    if (!verb.equals("exec")) {
      return NOTHING;
    }
    Read r = scan(a, 1, Table.of("d|working-directory= n|no-map-working-directory v|verbose h|help"), true, false);
    if (r.unknown != null) {
      return unknown("multipass exec", r.unknown);
    }
    List<Integer> cmd = new ArrayList<>(from(r.operands, 1));
    if (r.dash >= 0) {
      cmd.addAll(range(r.dash + 1, a.size()));
    }
    return command(a, cmd, "multipass exec", false);
  }

  // ---- OCI runtimes, buildah ----

  private static final Table RUNTIME_GLOBAL = Table.of("root= log= log-format= criu= rootless= debug systemd-cgroup h|help v|version",
      // runsc's
      "platform= network= config= debug-log=");
  private static final Table RUNTIME_EXEC = Table.of("console-socket= cwd= e|env= t|tty u|user= g|additional-gids= p|process=",
      "d|detach pid-file= process-label= apparmor= no-new-privs c|cap= preserve-fds= cgroup= ignore-paused");

  /** runc exec ID CMD (crun, runsc, youki alike); run/create run the bundle's own process (config.json), which is not read here. */
  private static Sent runtime(String name, List<Word> a) {
    Read g = scan(a, 0, RUNTIME_GLOBAL, false, false);
    if (g.unknown != null) {
      return a.stream().anyMatch(w -> Set.of("exec", "run", "create").contains(w.value())) ? unknown(name, g.unknown) : NOTHING;
    }
    if (g.operands.isEmpty()) {
      return NOTHING;
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    List<Word> rest = a.subList(at + 1, a.size());
    if (Set.of("run", "create").contains(verb)) {
      return unknown(name + " " + verb, "the bundle's process (config.json), which the guard does not read");
    }
    if (!verb.equals("exec")) {
      return NOTHING;
    }
    Read r = scan(rest, 0, RUNTIME_EXEC, false, false);
    if (r.unknown != null) {
      return unknown(name + " exec", r.unknown);
    }
    if (!r.values("--process").isEmpty()) {
      return unknown(name + " exec", "the process a file describes, which the guard does not read");
    }
    return command(rest, from(r.operands, 1), name + " exec", !r.values("--cap").isEmpty());
  }

  private static final Table BUILDAH_RUN = ENGINE_RUN.plus(Table.of("isolation= workingdir= add-history no-hosts no-pivot",
      "terminal contextdir= runtime-flag= hostname= cgroupns= mount= volume=")).plus(Table.of("t|tty"));

  /** buildah's global options (buildah --help): their values stand before the verb (buildah --root DIR run C CMD). */
  private static final Table BUILDAH_GLOBAL = Table.of("cgroup-manager= log-level= registries-conf= registries-conf-dir=",
      "root= runroot= short-name-alias-conf= storage-driver= storage-opt= userns-gid-map= userns-uid-map=",
      "userns-gid-map-group= userns-uid-map-user= cpu-profile= memory-profile= default-mounts-file= debug h|help v|version");
  /** buildah from's options: run's (namespaces, volumes, devices, capabilities) and its pull's. */
  private static final Table BUILDAH_FROM = BUILDAH_RUN.plus(Table.of("cert-dir= format= signature-policy= retry=",
      "retry-delay= decryption-key= cgroup-parent= http-proxy"));

  /**
   * buildah run CONTAINER [--] CMD: a command in a working container, its options those of run;
   * buildah unshare [CMD] (a command, or a shell, in its user namespace), buildah from with run's
   * options (the working container holds the host as run's would). The verb after the global
   * options and their values (attack 17cv).
   */
  private static Sent buildah(List<Word> a) {
    Read g = scan(a, 0, BUILDAH_GLOBAL, false, false);
    if (g.unknown != null) {
      return a.stream().anyMatch(w -> Set.of("run", "unshare", "from").contains(w.value())) ? unknown("buildah", g.unknown) : NOTHING;
    }
    if (g.operands.isEmpty()) {
      return NOTHING;
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    if (verb.equals("unshare")) {
      List<Word> rest = a.subList(at + 1, a.size());
      Read r = scan(rest, 0, Table.of("m|mount= h|help"), false, false);
      return r.unknown != null ? unknown("buildah unshare", r.unknown) : command(rest, r.operands, "buildah unshare", false);
    }
    if (verb.equals("from")) {
      List<Word> rest = a.subList(at + 1, a.size());
      Read r = scan(rest, 0, BUILDAH_FROM, false, false);
      return r.unknown != null ? unknown("buildah from", r.unknown) : new Sent(List.of(), false, runHoldsHost(r), false);
    }
    if (!verb.equals("run")) {
      return NOTHING;
    }
    List<Word> rest = a.subList(at + 1, a.size());
    // buildah's run options end at the container (SetInterspersed(false)); a -- after it is dropped
    Read r = scan(rest, 0, BUILDAH_RUN, false, false);
    if (r.unknown != null) {
      return unknown("buildah run", r.unknown);
    }
    List<Integer> cmd = new ArrayList<>(from(r.operands, 1));
    if (!cmd.isEmpty() && rest.get(cmd.get(0)).literal() && rest.get(cmd.get(0)).value().equals("--")) {
      cmd.remove(0);
    }
    return command(rest, cmd, "buildah run", runHoldsHost(r));
  }

  // ---- machines' shells: docker-machine ssh M [CMD], colima ssh [-- CMD], limactl shell INST [CMD], lima [CMD] ----

  private static Sent machineShell(String name, List<Word> a) {
    int from;
    Table t;
    switch (name) {
      case "lima" -> {
        from = 0;
        t = Table.of("workdir= shell= h|help");
      }
      case "docker-machine" -> {
        int at = indexOf(a, "ssh");
        if (at < 0) {
          return NOTHING;
        }
        from = at + 2; // the machine's name, then the command
        t = Table.of("h|help");
        if (at + 1 >= a.size()) {
          return new Sent(List.of(), true, false, false);
        }
      }
      case "colima" -> {
        int at = indexOf(a, "ssh");
        if (at < 0) {
          return NOTHING;
        }
        from = at + 1;
        t = Table.of("p|profile= layer h|help");
      }
      default -> {
        int at = indexOf(a, "shell");
        if (at < 0) {
          return NOTHING;
        }
        from = at + 2; // limactl shell INSTANCE CMD
        t = Table.of("workdir= shell= reconnect h|help");
        if (at + 1 >= a.size()) {
          return new Sent(List.of(), true, false, false);
        }
      }
    }
    Read r = scan(a, Math.min(from, a.size()), t, false, false);
    if (r.unknown != null) {
      return unknown(name, r.unknown);
    }
    if (r.operands.isEmpty()) {
      return new Sent(List.of(), true, false, false);
    }
    if (r.operands.stream().anyMatch(k -> !a.get(k).literal())) {
      return unknown(name, "a command only known when it runs");
    }
    // the words are joined and run by the machine's shell, as ssh's
    return new Sent(List.of(new Wrappers.Code(r.operands.stream().map(k -> a.get(k).value()).collect(Collectors.joining(" ")),
        name)), false, false, false);
  }

  private static int indexOf(List<Word> a, String v) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).literal() && a.get(i).value().equals(v)) {
        return i;
      }
    }
    return -1;
  }

  // ---- development-cluster tools ----

  /**
   * Attack 17cv: {@code telepresence intercept|connect … -- CMD} and {@code mirrord exec … -- CMD} run
   * CMD on this host (in the cluster's network); {@code okteto exec -- CMD}, {@code devspace enter --
   * CMD}, {@code devcontainer exec CMD} and {@code garden exec DEPLOY CMD} run it in a development
   * container ({@code okteto up}, {@code devspace enter}: a terminal there). The command after {@code --}
   * is judged; without {@code --}, where the options' end is not read here, the text is unclassified.
   */
  private static Sent devTool(String name, List<Word> a) {
    List<Word> ops = a.stream().filter(w -> !w.value().startsWith("-")).toList();
    String verb = ops.isEmpty() ? "" : ops.get(0).value();
    if (!ops.isEmpty() && !ops.get(0).literal()) {
      return unknown(name, "a verb only known when it runs");
    }
    Set<String> sends = switch (name) {
      case "telepresence" -> Set.of("intercept", "connect", "replace", "ingest", "wiretap");
      case "mirrord" -> Set.of("exec", "container", "ext");
      case "okteto" -> Set.of("exec", "up", "ssh");
      case "devspace" -> Set.of("enter", "ssh", "attach");
      case "devcontainer" -> Set.of("exec");
      default -> Set.of("exec");
    };
    if (!sends.contains(verb)) {
      return NOTHING;
    }
    if (a.stream().anyMatch(w -> w.value().startsWith("--docker-run") || w.value().startsWith("--docker-build"))) {
      return unknown(name + " " + verb, "the docker run arguments after --, which the guard does not read");
    }
    int dash = indexOf(a, "--");
    if (dash >= 0 && dash + 1 < a.size()) {
      return command(a, range(dash + 1, a.size()), name + " " + verb, false);
    }
    boolean terminal = Set.of("up", "ssh", "attach").contains(verb) || name.equals("devspace") && verb.equals("enter");
    if (terminal && !(name.equals("devspace") && ops.size() > 1)) {
      return new Sent(List.of(), true, false, false);
    }
    return name.equals("telepresence") && dash < 0 ? NOTHING
        : unknown(name + " " + verb, "a command after options the guard does not read");
  }

  // ---- commands sent to many hosts ----

  /** pdsh -w HOSTS CMD, clush -w HOSTS CMD, pssh -h FILE CMD: the words after the options, joined, run by each host's shell. */
  private static Sent hostsCommand(String name, List<Word> a) {
    Wrappers.Opts o = switch (name) {
      case "pdsh" -> Wrappers.Opts.scanKnown(a, "wxgXlRutfmFNoOcC", "SbdLhNqVeEPs", Set.of(), Set.of());
      case "clush" -> Wrappers.Opts.scanKnown(a, "wxgXluftEoOcCRbd", "aqvsNhLSB", Set.of("--nodes", "--exclude", "--group",
          "--xgroup", "--user", "--fanout", "--options", "--rsh", "--worker", "--topology", "--pick", "--dest", "--color",
          "--diff", "--outdir", "--errdir", "--hostfile", "--ssh-options"), Set.of("--all", "--quiet", "--verbose",
          "--debug", "--nostdin", "--batch", "--label", "--help", "--version", "--tree", "--mode", "--copy", "--rcopy",
          "--interactive"));
      default -> Wrappers.Opts.scanKnown(a, "hHlpotOxX", "vAiIP", Set.of("--hosts", "--host", "--user", "--par", "--outdir",
          "--errdir", "--timeout", "--option", "--extra-args", "--extra-arg"), Set.of("--verbose", "--askpass", "--inline",
          "--inline-stdout", "--print", "--help", "--version", "--send-input"));
    };
    if (o.unknown()) {
      return unknown(name, "an option its table does not know");
    }
    if (o.has('x') && !name.equals("pdsh") || o.has('O') || o.has('o') && !name.equals("pdsh") || o.longs.contains("--extra-args")
        || o.longs.contains("--extra-arg") || o.longs.contains("--options") || o.longs.contains("--rsh") || o.longs.contains("--option")) {
      return unknown(name, "ssh's own options (ProxyCommand), which the guard does not read");
    }
    if (o.end >= a.size()) {
      return new Sent(List.of(), true, false, false); // its own prompt: each line run on every host
    }
    List<Word> cmd = a.subList(o.end, a.size());
    if (cmd.stream().anyMatch(w -> !w.literal())) {
      return unknown(name, "a command only known when it runs");
    }
    return new Sent(List.of(new Wrappers.Code(cmd.stream().map(Word::value).collect(Collectors.joining(" ")), name)), false, false, false);
  }

  /** ansible's long options (ansible-core 2.17 ansible --help); those taking a value below. */
  private static final List<String> ANSIBLE_LONG = List.of("--args", "--ask-pass", "--ask-vault-pass", "--ask-vault-password",
      "--ask-become-pass", "--become", "--become-method", "--become-user", "--become-password-file", "--become-pass-file",
      "--background", "--check", "--connection", "--connection-password-file", "--conn-pass-file", "--diff", "--extra-vars",
      "--forks", "--help", "--inventory", "--inventory-file", "--key-file", "--limit", "--list-hosts", "--module-name",
      "--module-path", "--one-line", "--playbook-dir", "--poll", "--private-key", "--scp-extra-args", "--sftp-extra-args",
      "--ssh-common-args", "--ssh-extra-args", "--task-timeout", "--timeout", "--tree", "--user", "--vault-id",
      "--vault-password-file", "--vault-pass-file", "--verbose", "--version");
  private static final Set<String> ANSIBLE_LONG_VALUES = ANSIBLE_LONG.stream().filter(o -> !Set.of("--ask-pass",
      "--ask-vault-pass", "--ask-vault-password", "--ask-become-pass", "--become", "--check", "--diff", "--help", "--list-hosts",
      "--one-line", "--verbose", "--version").contains(o)).collect(Collectors.toSet());

  /** The long option argparse reads {@code w} as (itself, or the one option it is a prefix of); null when none or ambiguous. */
  private static String ansibleLong(String w) {
    if (ANSIBLE_LONG.contains(w)) {
      return w;
    }
    List<String> m = ANSIBLE_LONG.stream().filter(o -> o.startsWith(w)).toList();
    return m.size() == 1 ? m.get(0) : null;
  }

  /** ansible HOSTS [-m MODULE] -a ARGS: the command, shell and raw modules' argument is a command; other modules are not read. */
  private static Sent ansible(String name, List<Word> a) {
    if (name.equals("ansible-console")) {
      return a.stream().anyMatch(w -> Set.of("--version", "--help", "-h").contains(w.value())) ? NOTHING : new Sent(List.of(), true, false, false);
    }
    if (a.stream().allMatch(w -> w.literal() && (w.value().startsWith("--list") || Set.of("--version", "--help", "-h").contains(w.value())
        || !w.value().startsWith("-")))) {
      // ansible HOSTS alone runs the command module with no argument (an error); --list-hosts reads
      if (a.stream().noneMatch(w -> w.value().startsWith("-"))) {
        return NOTHING;
      }
    }
    List<String> v = a.stream().map(Word::value).toList();
    String args = null;
    String module = null;
    boolean moduleUnknown = false;
    // ansible's options mix with the host pattern (argparse): a long option by any unambiguous prefix
    // (--module-n copy, --ar CMD), short ones bundled (-bm copy, -bmcopy, -ba CMD); the last one given counts (attack 17cv)
    for (int i = 0; i < a.size(); i++) {
      String w = v.get(i);
      if (w.equals("--")) {
        break;
      }
      String opt = null;
      Word value = null;
      if (w.startsWith("--")) {
        int eq = w.indexOf('=');
        opt = ansibleLong(eq < 0 ? w : w.substring(0, eq));
        if (opt == null || !ANSIBLE_LONG_VALUES.contains(opt)) {
          continue;
        }
        if (eq >= 0) {
          value = new Word(w.substring(eq + 1), w.substring(eq + 1), a.get(i).literal());
        } else if (i + 1 < a.size()) {
          value = a.get(++i);
        }
      } else if (w.startsWith("-") && w.length() > 1) {
        for (int j = 1; j < w.length(); j++) {
          char ch = w.charAt(j);
          if ("aBPefilMmtTuc".indexOf(ch) >= 0) {
            opt = ch == 'm' ? "--module-name" : ch == 'a' ? "--args" : "-" + ch;
            if (j + 1 < w.length()) {
              value = new Word(w.substring(j + 1), w.substring(j + 1), a.get(i).literal());
            } else if (i + 1 < a.size()) {
              value = a.get(++i);
            }
            break;
          }
        }
      }
      if (opt == null || value == null) {
        continue;
      }
      if (opt.equals("--module-name")) {
        module = value.literal() ? value.value() : null;
        moduleUnknown = module == null;
      } else if (opt.equals("--args")) {
        if (!value.literal()) {
          return unknown(name, "a module's arguments only known when they run");
        }
        args = value.value();
      }
    }
    if (moduleUnknown || a.stream().anyMatch(w -> !w.literal() && w.value().startsWith("-"))) {
      return unknown(name, "a module only known when it runs");
    }
    if (module != null && Regexes.matches(module, "(ansible\\.(builtin|legacy)\\.)?(ping|setup|gather_facts|debug)")) {
      return NOTHING;
    }
    if (module != null && !Regexes.matches(module, "(ansible\\.(builtin|legacy)\\.)?(command|shell|raw)")) {
      return unknown(name, "module " + module + " acts on the hosts in ways the guard does not read");
    }
    if (args == null) {
      return NOTHING;
    }
    return new Sent(List.of(new Wrappers.Code(args, name + " -a")), false, false, false);
  }

  /** salt TARGET cmd.run CODE: cmd.* run a command on every minion; other functions are not read (test.ping, grains.*, *.list reads). */
  private static Sent salt(String name, List<Word> a) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        continue;
      }
      String v = w.value();
      // a compound call (salt '*' test.ping,cmd.run ',CMD'): each function with its argument (attack 17cv)
      if (v.contains(",") && (i > 0 || name.equals("salt-call"))
          && java.util.Arrays.stream(v.split(",")).anyMatch(f -> Regexes.matches(f.strip(), "[A-Za-z0-9_]+\\.[A-Za-z0-9_]+"))) {
        return unknown(name, "a compound call of several functions (" + v + "), which the guard does not read");
      }
      if (Regexes.matches(v, "cmd\\.(run|shell|run_all|run_stdout|run_stderr|run_bg|powershell|exec_code|exec_code_all|script|script_retcode|run_chroot)")) {
        if (i + 1 >= a.size()) {
          return NOTHING;
        }
        Word code = a.get(i + 1);
        if (!code.literal() || !Set.of("cmd.run", "cmd.shell", "cmd.run_all", "cmd.run_stdout", "cmd.run_stderr", "cmd.run_bg").contains(v)) {
          return unknown(name, v + " runs code the guard does not read");
        }
        return new Sent(List.of(new Wrappers.Code(code.value(), name + " " + v)), false, false, false);
      }
      // salt-call's first operand is the function (run on this host); salt's and salt-ssh's the target
      if (Regexes.matches(v, "[A-Za-z0-9_]+\\.[A-Za-z0-9_]+") && (i > 0 || name.equals("salt-call"))) {
        return Regexes.matches(v, "test\\.[a-z_]+|grains\\.(items|item|get|ls)|pillar\\.(items|get|ls)|[a-z_]+\\.(list[a-z_]*|get[a-z_]*|status|show[a-z_]*|version[a-z_]*|info[a-z_]*)")
            ? NOTHING : unknown(name, "function " + v + " acts on the minions in ways the guard does not read");
      }
    }
    return NOTHING;
  }

  /** az vm run-command invoke|create --scripts CODE: shell code run on the machine; az ssh vm: a shell there. */
  private static Sent az(List<Word> a) {
    List<String> v = a.stream().map(Word::value).toList();
    if (v.contains("ssh") && (v.contains("vm") || v.contains("arc"))) {
      int dash = v.indexOf("--");
      return dash >= 0 && dash + 1 < v.size() ? unknown("az ssh", "ssh's own arguments (a remote command)") : new Sent(List.of(), true, false, false);
    }
    if (v.contains("run-command") && v.stream().anyMatch(x -> Set.of("invoke", "create", "update").contains(x))) {
      return unknown("az run-command", "a script run on the machine, which the guard does not read");
    }
    if (v.contains("container") && v.contains("exec") || v.contains("aks") && v.contains("command") && v.contains("invoke")) {
      // az container exec --exec-command CMD (a shell by default), az aks command invoke --command CMD
      return unknown("az", "a command run in a container or a cluster, which the guard does not read");
    }
    // az webapp ssh, az spring app connect: a shell in the app's container; az containerapp exec [--command CMD]:
    // a command (sh by default) in it (attack 17cv)
    if (v.contains("webapp") && v.contains("ssh") || v.contains("spring") && v.contains("connect")) {
      return new Sent(List.of(), true, false, false);
    }
    if (v.contains("containerapp") && v.contains("exec")) {
      return v.stream().anyMatch(x -> x.startsWith("--command")) ? unknown("az containerapp exec", "a command run in the app's container")
          : new Sent(List.of(), true, false, false);
    }
    if (v.contains("serial-console") && v.contains("connect")) {
      return new Sent(List.of(), true, false, false);
    }
    return NOTHING;
  }

  /** flyctl ssh console [-C CMD], heroku run CMD / run:inside: a shell or a command on the platform's machine. */
  private static Sent platformShell(String name, List<Word> a) {
    List<String> v = a.stream().map(Word::value).toList();
    if (name.equals("heroku")) {
      int at = v.indexOf("run");
      if (at < 0) {
        at = v.indexOf("run:inside");
      }
      if (at < 0) {
        at = v.indexOf("run:detached"); // a one-off dyno running CMD in the background (attack 17cv)
      }
      if (at < 0) {
        return v.contains("ps:exec") ? new Sent(List.of(), true, false, false) : NOTHING;
      }
      List<Word> rest = a.subList(at + 1, a.size());
      Wrappers.Opts o = Wrappers.Opts.scanKnown(rest, "aresx", "h", Set.of("--app", "--remote", "--env", "--size", "--type"),
          Set.of("--exit-code", "--no-tty", "--no-notify", "--listen", "--help"));
      if (o.unknown()) {
        return unknown("heroku run", "an option its table does not know");
      }
      List<Word> cmd = rest.subList(Math.min(o.end, rest.size()), rest.size());
      if (cmd.isEmpty()) {
        return new Sent(List.of(), true, false, false);
      }
      if (cmd.stream().anyMatch(w -> !w.literal())) {
        return unknown("heroku run", "a command only known when it runs");
      }
      return new Sent(List.of(new Wrappers.Code(cmd.stream().map(Word::value).collect(Collectors.joining(" ")), "heroku run")), false, false, false);
    }
    if (!v.contains("ssh") || !v.contains("console")) {
      return NOTHING;
    }
    if (timesGiven(a, "--command", "-C") > 1) {
      return unknown(name + " ssh console", "-C given more than once (the last one runs)");
    }
    for (int i = 0; i < a.size(); i++) {
      String w = v.get(i);
      if ((w.equals("-C") || w.equals("--command")) && i + 1 < a.size() || w.startsWith("--command=")) {
        Word c = w.startsWith("--command=") ? a.get(i) : a.get(i + 1);
        if (!c.literal()) {
          return unknown(name + " ssh console", "a command only known when it runs");
        }
        return new Sent(List.of(new Wrappers.Code(w.startsWith("--command=") ? c.value().substring(10) : c.value(),
            name + " ssh console")), false, false, false);
      }
    }
    return new Sent(List.of(), true, false, false);
  }

  /** doctl compute ssh DROPLET [--ssh-command CMD], hcloud server ssh SERVER [CMD…]: a shell on the machine, or a command there. */
  private static Sent cloudSsh(String name, List<Word> a) {
    List<String> v = a.stream().map(Word::value).toList();
    if (!v.contains("ssh")) {
      return NOTHING;
    }
    if (name.equals("doctl")) {
      if (timesGiven(a, "--ssh-command", null) > 1) {
        return unknown("doctl compute ssh", "--ssh-command given more than once (the last one runs)");
      }
      for (int i = 0; i < a.size(); i++) {
        if (v.get(i).equals("--ssh-command") && i + 1 < a.size() || v.get(i).startsWith("--ssh-command=")) {
          Word c = v.get(i).startsWith("--ssh-command=") ? a.get(i) : a.get(i + 1);
          if (!c.literal()) {
            return unknown("doctl compute ssh", "a command only known when it runs");
          }
          String code = v.get(i).startsWith("--ssh-command=") ? c.value().substring(14) : c.value();
          return new Sent(List.of(new Wrappers.Code(code, "doctl compute ssh")), false, false, false);
        }
      }
      return new Sent(List.of(), true, false, false);
    }
    int at = v.indexOf("ssh");
    Read r = scan(a, at + 1, Table.of("u|user= p|port= ipv6 h|help"), false, false);
    if (r.unknown != null) {
      return unknown("hcloud server ssh", r.unknown);
    }
    List<Integer> cmd = from(r.operands, 1);
    if (cmd.isEmpty()) {
      return new Sent(List.of(), true, false, false);
    }
    if (cmd.stream().anyMatch(k -> !a.get(k).literal())) {
      return unknown("hcloud server ssh", "a command only known when it runs");
    }
    return new Sent(List.of(new Wrappers.Code(cmd.stream().map(k -> a.get(k).value()).collect(Collectors.joining(" ")),
        "hcloud server ssh")), false, false, false);
  }

  private static final Table APPTAINER = Table.of("B|bind= mount= env= env-file= H|home= W|workdir= overlay= o|overlay= pwd=",
      "network= network-args= security= S|scratch= app= hostname= dns= add-caps= drop-caps= apply-cgroups= cpus= memory=",
      "c|contain C|containall e|cleanenv f|fakeroot w|writable writable-tmpfs nv rocm net pid ipc u|userns uts no-home",
      "no-init keep-privs allow-setuid compat no-mount= no-privs no-umask no-eval no-https disable-cache unsquash",
      "nvccli no-nv no-rocm oci no-oci cwd= sharens boot");

  /** apptainer|singularity exec IMAGE CMD: a command in the container; shell IMAGE (and run of an image without a command): a terminal there. */
  private static Sent apptainer(String name, List<Word> a) {
    Read g = scan(a, 0, Table.of("d|debug q|quiet s|silent v|verbose nocolor h|help version c|config="), false, false);
    if (g.unknown != null) {
      return a.stream().anyMatch(w -> Set.of("exec", "shell", "run", "instance").contains(w.value())) ? unknown(name, g.unknown) : NOTHING;
    }
    if (g.operands.isEmpty()) {
      return NOTHING;
    }
    int at = g.operands.get(0);
    String verb = a.get(at).value();
    List<Word> rest = a.subList(at + 1, a.size());
    if (!Set.of("exec", "shell", "run").contains(verb)) {
      return NOTHING;
    }
    Read r = scan(rest, 0, APPTAINER, false, false);
    if (r.unknown != null) {
      return unknown(name + " " + verb, r.unknown);
    }
    if (verb.equals("shell")) {
      return new Sent(List.of(), true, false, false);
    }
    if (verb.equals("run")) {
      // the image's runscript, with the words as its arguments: not read here
      return unknown(name + " run", "the image's runscript, which the guard does not read");
    }
    return command(rest, from(r.operands, 1), name + " exec", false);
  }

  /** orb [-m MACHINE] [-u USER] [-w DIR] [CMD…]: a shell, or a command, in an OrbStack machine; its own verbs (list, …) read. */
  private static Sent orb(List<Word> a) {
    Read r = scan(a, 0, Table.of("m|machine= u|user= w|workdir= s|shell h|help v|version"), false, false);
    if (r.unknown != null) {
      return unknown("orb", r.unknown);
    }
    if (r.has("--help") || r.has("--version")) {
      return NOTHING;
    }
    List<Integer> cmd = r.operands;
    if (!cmd.isEmpty() && Set.of("list", "ls", "info", "status", "version", "help", "config", "start", "stop", "restart",
        "create", "delete", "logs", "update", "default", "doctor", "report").contains(a.get(cmd.get(0)).value())) {
      return NOTHING;
    }
    if (cmd.isEmpty()) {
      return new Sent(List.of(), true, false, false);
    }
    if (cmd.stream().anyMatch(k -> !a.get(k).literal())) {
      return unknown("orb", "a command only known when it runs");
    }
    return new Sent(List.of(new Wrappers.Code(cmd.stream().map(k -> a.get(k).value()).collect(Collectors.joining(" ")), "orb")),
        false, false, false);
  }
}
