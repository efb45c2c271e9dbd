package dev.gatehouse.gateway.sandbox;

import dev.gatehouse.gateway.terminal.UnixUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second wall around every program the gateway starts on the bastion (psql, command
 * targets): a bubblewrap sandbox, so that a miss of the policy or of psql's meta-command guard
 * runs nothing that matters.
 *
 * <ul>
 *   <li>Its own PID namespace whose init dies with the session's main program (and with the
 *       gateway): nothing outlives the session, whatever it forked, {@code setsid} and
 *       {@code nohup} included.
 *   <li>Its own user, mount, IPC and UTS namespaces; no capabilities; no further user namespaces.
 *   <li>A minimal read-only filesystem. psql sees its own binary, the libraries it links, locale
 *       data and the one socket of its session's proxy, and no shell or other program; command
 *       targets see the system's {@code /usr} and {@code /etc} read-only with an empty private
 *       {@code /tmp}. The data directory, the CA keys, the gateway's config and
 *       {@code /etc/gatehouse} are never inside; the gateway's environment is not either (the
 *       child gets exactly the environment its target names, and no view of the gateway's
 *       processes).
 *   <li>When the gateway may switch users (root, or CAP_SETUID+CAP_SETGID under the systemd
 *       unit), the sandbox runs as the target's {@code runAs} user, never as uid 0.
 * </ul>
 */
public final class Sandbox {
  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
  public static final String BWRAP = "/usr/bin/bwrap";
  private static final String SETPRIV = "/usr/bin/setpriv";
  private static final String SETSID = "/usr/bin/setsid";
  /** Where a psql sandbox finds its proxy's socket directory. */
  public static final String PSQL_SOCKET_DIR = "/run/gatehouse";
  /** Where a kubectl sandbox finds its session's kubeconfig (and nothing else). */
  public static final String KUBE_DIR = "/run/gatehouse";
  private static final String KUBECTL = "/usr/bin/kubectl";
  /** The size of each writable tmpfs of a command target's sandbox (RAM, counted per mount). */
  static final long TMPFS_BYTES = 64L << 20;
  private static final List<String> TOP_LEVEL_LINKS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

  private final List<Path> hidden;
  private final boolean freshProc;
  private final boolean noNestedUserNamespaces;
  /** An execute-only copy of bash bound over {@link #BASH} in command targets, or null. */
  private final Path executeOnlyBash;
  private volatile PsqlFiles psqlFiles;

  /** The shell a command target (and the guarded prompt) runs. */
  static final String BASH = "/usr/bin/bash";

  private Sandbox(List<Path> hidden, boolean freshProc, boolean noNestedUserNamespaces, Path executeOnlyBash) {
    this.hidden = hidden;
    this.freshProc = freshProc;
    this.noNestedUserNamespaces = noNestedUserNamespaces;
    this.executeOnlyBash = executeOnlyBash;
  }

  /**
   * A command line ready for {@code posix_spawn}; {@code fd3}, when not null, is what the child
   * reads on descriptor 3 (the seccomp filter bubblewrap loads with {@code --seccomp 3}).
   */
  public record Launch(List<String> argv, byte[] fd3) {
    public Launch(List<String> argv) {
      this(argv, null);
    }
  }

  /** Every sandbox loads {@link TerminalInjectionFilter}: nothing inside can type into its terminal. */
  private static final byte[] SECCOMP = TerminalInjectionFilter.program();

  /**
   * Checks once that bubblewrap works here, and what it may do: forbid further user namespaces
   * inside (it writes the sandbox's own /proc/sys/user/max_user_namespaces, impossible where a
   * service manager made /proc/sys read-only) and mount a fresh {@code /proc} (the kernel refuses
   * that in a user namespace where parts of the host's /proc are covered by other mounts). Without
   * them the sandbox still holds; each is logged once.
   *
   * <p>{@code hidden} are paths that must never be visible inside even where they lie below a tree
   * the sandbox shows (the data directory, the CA directory).
   *
   * @throws IOException when bubblewrap is missing or cannot make a sandbox: no child may start
   *     unsandboxed, so the gateway does not start
   */
  public static Sandbox probe(List<Path> hidden, UnixUser probeUser) throws IOException {
    if (!Files.isExecutable(Path.of(BWRAP))) {
      throw new IOException("children run in a bubblewrap sandbox, but " + BWRAP
          + " is missing: install it (apt-get install bubblewrap)");
    }
    List<Path> h = new ArrayList<>();
    for (Path p : hidden) {
      h.add(p.toAbsolutePath().normalize());
    }
    h.add(Path.of("/etc/gatehouse"));
    List<String> truth = List.of("/usr/bin/true");
    Sandbox strict = new Sandbox(List.copyOf(h), false, true, null);
    Probe noUserNs = run(strict.wrap(probeUser, systemTree(strict, false), truth, true));
    Sandbox base = strict;
    if (noUserNs.code != 0) {
      base = new Sandbox(List.copyOf(h), false, false, null);
      Probe plain = run(base.wrap(probeUser, systemTree(base, false), truth, true));
      if (plain.code != 0) {
        throw new IOException("children run in a bubblewrap sandbox, but " + BWRAP
            + " cannot make one here (user namespaces off? a service manager's RestrictNamespaces?): "
            + plain.output.strip());
      }
      LOG.warn("sandbox: cannot forbid user namespaces inside ({}); sessions may create their own",
          noUserNs.output.strip());
    }
    Probe proc = run(base.wrap(probeUser, systemTree(base, true), truth, true));
    if (proc.code != 0) {
      LOG.info("sandbox: no fresh /proc for command targets here ({}); they run without /proc",
          proc.output.strip());
    }
    Sandbox withProc = new Sandbox(base.hidden, proc.code == 0, base.noNestedUserNamespaces, null);
    return new Sandbox(base.hidden, withProc.freshProc, base.noNestedUserNamespaces,
        executeOnlyBash(withProc, probeUser));
  }

  /**
   * The guarded shell keeps the nonce of its next prompt in its memory, and on most hosts a process
   * may read the memory of its own user's processes ({@code /proc/PID/mem}, ptrace). The kernel
   * closes a process's memory to them when it is not dumpable, and marks a process so when the
   * program file it runs is not readable to it. So command targets run bash from a copy of mode
   * 0111 bound over {@value #BASH}: every bash in the sandbox, the guarded one included, runs with
   * its memory closed, and the programs it starts run from their own files as usual. Checked once
   * here (a file system mounted noexec, a kernel that differs): where the copy does not run, or a
   * child can still read the shell's memory map, command targets run the system's bash.
   */
  private static Path executeOnlyBash(Sandbox s, UnixUser probeUser) {
    Path bash = Path.of(BASH);
    if (!Files.isRegularFile(bash) || !s.freshProc) {
      return null;
    }
    try {
      Path dir = Files.createTempDirectory("gatehouse-shell-",
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x")));
      Path copy = dir.resolve("bash");
      Files.copy(bash.toRealPath(), copy);
      Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("--x--x--x"));
      dir.toFile().deleteOnExit();
      copy.toFile().deleteOnExit();
      Sandbox with = new Sandbox(s.hidden, s.freshProc, s.noNestedUserNamespaces, copy);
      Probe p = run(with.wrap(probeUser, systemTree(with, true),
          List.of(BASH, "-c", "cat /proc/$$/maps > /dev/null 2>&1 && echo readable || echo closed"), true));
      if (p.code == 0 && p.output.strip().equals("closed")) {
        return copy;
      }
      LOG.warn("sandbox: command targets run the system's bash, its memory readable to the session's own programs ({})",
          p.output.strip());
    } catch (IOException | RuntimeException e) {
      LOG.warn("sandbox: no execute-only bash for command targets ({}); the guarded shell's memory stays"
          + " readable to the session's own programs", e.toString());
    }
    return null;
  }

  /** A command target's program: the system's /usr and /etc read-only, the host's network. */
  public Launch command(UnixUser runAs, List<String> argv, boolean terminal) {
    return new Launch(wrap(runAs, systemTree(this, freshProc), argv, !terminal), SECCOMP);
  }

  /**
   * psql: its binary, its libraries and locale data, {@code socketDir} at {@link
   * #PSQL_SOCKET_DIR}, no network, no /proc, no shell. {@code psqlArgs} follow the binary.
   */
  public Launch psql(UnixUser runAs, Path socketDir, List<String> psqlArgs, boolean terminal) throws IOException {
    PsqlFiles files = psqlFiles();
    List<String> tree = new ArrayList<>(files.binds);
    // Nothing psql can write: a file it wrote could be a library for OpenSSL or the loader to run
    // (psql has ways to load one without a shell). /dev holds only the three harmless devices.
    tree.addAll(List.of("--dir", "/dev", "--dev-bind", "/dev/null", "/dev/null",
        "--dev-bind", "/dev/zero", "/dev/zero", "--dev-bind", "/dev/urandom", "/dev/urandom",
        "--unshare-net", "--ro-bind", socketDir.toString(), PSQL_SOCKET_DIR));
    List<String> argv = new ArrayList<>();
    argv.add(files.binary.toString());
    argv.addAll(psqlArgs);
    if (terminal) {
      tree.addAll(List.of("--ro-bind", SETSID, SETSID));
    }
    return new Launch(wrap(runAs, tree, argv, !terminal), SECCOMP);
  }


  /**
   * kubectl: its (static) binary at /usr/bin/kubectl, {@code sessionDir} (the session's kubeconfig)
   * at {@link #KUBE_DIR}, a private /tmp as its HOME, three harmless devices, and nothing else: no
   * shell, no other program (so no plugin, editor or diff tool to start), no file of the bastion's.
   * The network is the host's, because kubectl reaches its session's proxy on 127.0.0.1 (a
   * loopback-only HTTP server that answers only the session's token, which is in that kubeconfig).
   */
  public Launch kubectl(UnixUser runAs, Path sessionDir, List<String> kubectlArgs, boolean terminal)
      throws IOException {
    Path binary = kubectlBinary();
    String size = Long.toString(TMPFS_BYTES);
    List<String> tree = new ArrayList<>(List.of("--ro-bind", binary.toString(), KUBECTL,
        "--dir", "/dev", "--dev-bind", "/dev/null", "/dev/null",
        "--dev-bind", "/dev/zero", "/dev/zero", "--dev-bind", "/dev/urandom", "/dev/urandom",
        "--ro-bind", sessionDir.toString(), KUBE_DIR, "--size", size, "--tmpfs", "/tmp"));
    if (terminal) {
      tree.addAll(setsidFiles());
    }
    List<String> argv = new ArrayList<>();
    argv.add(KUBECTL);
    argv.addAll(kubectlArgs);
    return new Launch(wrap(runAs, tree, argv, !terminal), SECCOMP);
  }

  private volatile Path kubectl;
  private volatile List<String> setsid;

  private List<String> setsidFiles() throws IOException {
    List<String> s = setsid;
    if (s == null) {
      s = withLibraries(Path.of(SETSID).toRealPath());
      s = new ArrayList<>(s);
      s.addAll(List.of("--ro-bind", Path.of(SETSID).toRealPath().toString(), SETSID));
      setsid = s;
    }
    return s;
  }

  /**
   * The real kubectl: /usr/bin/kubectl's target, or, where that is the Google Cloud SDK's version
   * dispatcher (which picks and starts a sibling {@code kubectl.1.NN}), the sibling of its own version.
   */
  private Path kubectlBinary() throws IOException {
    Path k = kubectl;
    if (k != null) {
      return k;
    }
    Path installed = Path.of(KUBECTL);
    if (!Files.isExecutable(installed)) {
      throw new IOException("kubectl is not installed (" + KUBECTL + ")");
    }
    Path real = installed.toRealPath();
    Probe v = runPlain(List.of(real.toString(), "version", "--client"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("v(\\d+)\\.(\\d+)\\.\\d+(-dispatcher)?").matcher(v.output);
    if (m.find() && m.group(3) != null) {
      Path sibling = real.resolveSibling("kubectl." + m.group(1) + "." + m.group(2));
      if (!Files.isExecutable(sibling)) {
        throw new IOException(KUBECTL + " is a version dispatcher without its kubectl " + m.group(1) + "." + m.group(2));
      }
      real = sibling.toRealPath();
    }
    kubectl = real;
    return real;
  }

  private List<String> wrap(UnixUser runAs, List<String> tree, List<String> argv, boolean newSession) {
    if (runAs == null ? UnixUser.currentUid() == 0 : runAs.uid() == 0 || runAs.gid() == 0) {
      // The config loader never gets here with uid 0; this is the last line should it ever.
      throw new IllegalStateException("refusing to start a child as uid 0: " + argv.get(0));
    }
    List<String> cmd = new ArrayList<>();
    if (runAs != null) {
      cmd.add(SETPRIV);
      cmd.add("--reuid=" + runAs.uid());
      cmd.add("--regid=" + runAs.gid());
      cmd.add("--init-groups");
      cmd.add("--no-new-privs");
      cmd.add("--inh-caps=-all");
      // Under systemd the gateway holds CAP_SETUID/SETGID as ambient capabilities; a switch
      // between two non-root uids would keep them, so drop them explicitly.
      cmd.add("--ambient-caps=-all");
      cmd.add("--");
    }
    cmd.add(BWRAP);
    cmd.addAll(List.of(
        "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
        "--die-with-parent", "--cap-drop", "ALL", "--hostname", "gatehouse",
        // TerminalInjectionFilter, on descriptor 3 (see Launch): ioctl TIOCSTI/TIOCLINUX fail with EPERM.
        "--seccomp", "3"));
    if (noNestedUserNamespaces) {
      cmd.add("--disable-userns");
    }
    if (newSession) {
      // On pipes there is no terminal to keep: a new session also stops TIOCSTI-style tricks.
      cmd.add("--new-session");
    }
    cmd.addAll(tree);
    if (!newSession) {
      // A terminal session: the program inside makes its own session with the pty as its
      // controlling terminal (the gateway opened it for nobody). Ctrl-C then signals the
      // program's own foreground group, not bubblewrap's monitor outside (which would die of
      // it and end the sandbox), and a shell's job control finds its terminal's group inside.
      argv = new ArrayList<>(argv);
      argv.addAll(0, List.of(SETSID, "--ctty", "--"));
    }
    // The sandbox's own root (a tmpfs holding the mount points) is read-only too: only a command
    // target's private /tmp, /run, /var/tmp and /dev/shm can be written, and they vanish.
    cmd.addAll(List.of("--remount-ro", "/"));
    // bwrap also exports PWD=/ for the working directory it sets (whatever --unsetenv says).
    cmd.addAll(List.of("--chdir", "/", "--"));
    cmd.addAll(argv);
    return cmd;
  }

  /** /usr, /etc (and /opt) read-only, the usual top-level links, private /tmp, /run, /var/tmp. */
  private static List<String> systemTree(Sandbox s, boolean proc) {
    List<String> t = new ArrayList<>(List.of("--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
        "--ro-bind-try", "/opt", "/opt"));
    if (s.executeOnlyBash != null) {
      t.addAll(List.of("--ro-bind", s.executeOnlyBash.toString(), BASH));
    }
    for (String name : TOP_LEVEL_LINKS) {
      Path p = Path.of("/", name);
      if (Files.isSymbolicLink(p)) {
        try {
          t.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), p.toString()));
        } catch (IOException e) {
          // unreadable link: leave it out
        }
      } else if (Files.isDirectory(p)) {
        t.addAll(List.of("--ro-bind", p.toString(), p.toString()));
      }
    }
    String size = Long.toString(TMPFS_BYTES);
    // bwrap's /dev is a tmpfs of its own (default size: half the RAM): read-only (bwrap remounts
    // its submounts too), then a small /dev/shm over its own. Every writable tmpfs is capped.
    t.addAll(List.of("--dev", "/dev", "--remount-ro", "/dev", "--size", size, "--tmpfs", "/dev/shm",
        "--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", "/run",
        "--dir", "/var", "--size", size, "--tmpfs", "/var/tmp"));
    if (proc) {
      t.addAll(List.of("--proc", "/proc"));
    }
    for (Path h : s.hidden) {
      if (!shownUnder(h)) {
        continue; // not below a tree the sandbox binds: it is absent anyway
      }
      if (Files.isDirectory(h)) {
        t.addAll(List.of("--tmpfs", h.toString()));
      } else if (Files.exists(h)) {
        t.addAll(List.of("--ro-bind", "/dev/null", h.toString()));
      }
    }
    return t;
  }

  private static boolean shownUnder(Path p) {
    for (String top : List.of("/usr", "/etc", "/opt")) {
      if (p.startsWith(top)) {
        return true;
      }
    }
    return false;
  }

  // ---- psql's files ----

  private record PsqlFiles(Path binary, List<String> binds) {}

  private PsqlFiles psqlFiles() throws IOException {
    PsqlFiles f = psqlFiles;
    if (f == null) {
      f = findPsql();
      psqlFiles = f;
    }
    return f;
  }

  /**
   * The real psql binary (Debian's /usr/bin/psql is a Perl wrapper script: the newest
   * /usr/lib/postgresql/N/bin/psql then) and read-only binds for it and every library {@code ldd}
   * names, at their canonical paths.
   */
  private static PsqlFiles findPsql() throws IOException {
    Path binary = Path.of("/usr/bin/psql");
    if (!Files.exists(binary) || !isElf(binary.toRealPath())) {
      binary = null;
      int best = -1;
      Path versions = Path.of("/usr/lib/postgresql");
      if (Files.isDirectory(versions)) {
        try (var dirs = Files.list(versions)) {
          for (Path d : dirs.toList()) {
            Path candidate = d.resolve("bin/psql");
            int v = versionOf(d.getFileName().toString());
            if (Files.isExecutable(candidate) && v > best) {
              best = v;
              binary = candidate;
            }
          }
        }
      }
      if (binary == null) {
        throw new IOException("psql is not installed (apt-get install postgresql-client)");
      }
    }
    binary = binary.toRealPath();
    List<String> args = new ArrayList<>(withLibraries(binary));
    args.addAll(List.of("--ro-bind-try", "/usr/lib/locale", "/usr/lib/locale",
        "--ro-bind-try", "/usr/share/locale", "/usr/share/locale"));
    return new PsqlFiles(binary, List.copyOf(args));
  }

  /**
   * Read-only binds for {@code binary} (at its canonical path) and every library {@code ldd} names,
   * the top-level library links and the loader's cache: what a dynamically linked program needs.
   */
  private static List<String> withLibraries(Path binary) throws IOException {
    Map<String, String> binds = new LinkedHashMap<>();
    binds.put(binary.toString(), binary.toString());
    Probe ldd = run(List.of("/usr/bin/ldd", binary.toString()));
    if (ldd.code != 0) {
      throw new IOException("ldd " + binary + " failed: " + ldd.output.strip());
    }
    for (String line : ldd.output.split("\n")) {
      String path = libraryPath(line.strip());
      if (path == null) {
        continue;
      }
      Path lib = Path.of(path);
      Path parent = lib.getParent().toRealPath();
      binds.put(parent.resolve(lib.getFileName()).toString(), lib.toRealPath().toString());
    }
    List<String> args = new ArrayList<>();
    for (Map.Entry<String, String> b : binds.entrySet()) {
      args.addAll(List.of("--ro-bind", b.getValue(), b.getKey()));
    }
    for (String name : TOP_LEVEL_LINKS) {
      Path p = Path.of("/", name);
      if (Files.isSymbolicLink(p) && !name.contains("bin")) {
        args.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), p.toString()));
      }
    }
    args.addAll(List.of("--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"));
    return args;
  }

  /** "libpq.so.5 => /lib/x86_64-linux-gnu/libpq.so.5 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)". */
  static String libraryPath(String line) {
    int arrow = line.indexOf("=> ");
    String rest = arrow >= 0 ? line.substring(arrow + 3) : line;
    if (!rest.startsWith("/")) {
      return null; // linux-vdso.so.1 and the like
    }
    int space = rest.indexOf(' ');
    return space < 0 ? rest : rest.substring(0, space);
  }

  private static boolean isElf(Path p) {
    try (var in = Files.newInputStream(p)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
    } catch (IOException e) {
      return false;
    }
  }

  private static int versionOf(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // ---- the peer of a proxy socket ----

  /**
   * Whether process {@code pid} is {@code ancestor} or one of its descendants, from the parent
   * links in /proc. A process inside a session's sandbox cannot leave it: its orphans are adopted
   * by the sandbox's own init, itself a child of the session's bwrap.
   */
  public static boolean isDescendant(long pid, long ancestor) {
    long p = pid;
    for (int depth = 0; depth < 64 && p > 1; depth++) {
      if (p == ancestor) {
        return true;
      }
      p = parentOf(p);
    }
    return false;
  }

  private static long parentOf(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("PPid:")) {
          return Long.parseLong(line.substring(5).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or /proc hides it: not provably a descendant
    }
    return -1;
  }

  private record Probe(int code, String output) {}

  /** Runs a sandbox's argv as a session would, its seccomp filter on descriptor 3 (from a temporary file). */
  private static Probe run(List<String> argv) throws IOException {
    if (!argv.contains("--seccomp")) {
      return runPlain(argv);
    }
    Path filter = Files.createTempFile("gatehouse-seccomp-", ".bpf");
    try {
      Files.write(filter, SECCOMP);
      List<String> viaShell = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" 3<\"$0\"", filter.toString()));
      viaShell.addAll(argv);
      return runPlain(viaShell);
    } finally {
      Files.deleteIfExists(filter);
    }
  }

  private static Probe runPlain(List<String> argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Probe(-1, "timed out: " + String.join(" ", argv));
      }
      return new Probe(p.exitValue(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
