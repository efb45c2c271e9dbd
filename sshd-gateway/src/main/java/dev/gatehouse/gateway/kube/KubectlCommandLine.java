package dev.gatehouse.gateway.kube;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What kubectl on the bastion may be asked to do: one line, with or without a leading {@code
 * kubectl}, split as a shell would ({@link ShellWords}), then read against an <b>allow-list</b> of
 * kubectl's own commands and flags.
 *
 * <p>The commands and their flags are kubectl 1.32's, taken from its {@code --help}
 * ({@code kubectl-1.32.tsv}, written by {@code src/main/scripts/gen-kubectl-flags.sh}), for the
 * commands listed in {@link #TOP_LEVEL}; some of them and some flags are then taken out
 * ({@link #REFUSED_COMMANDS}, {@link #REFUSED_FLAGS}): whatever would read or write bastion files,
 * start an editor or a listener, or choose other credentials, another server or another person.
 *
 * <p>kubectl never parses what the user typed: it gets a rewritten argv in which every flag is
 * {@code --long-name=value} after the command and its arguments. A flag's value therefore can
 * never be read by kubectl as a positional argument or the other way round, whatever a flag's
 * parsing quirks, and what kubectl runs is exactly what was checked here.
 */
final class KubectlCommandLine {
  /** The line cannot be run: a shell construct (exit 65) or outside the allow-list (exit 77). */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean syntax;

    Refused(String message, boolean syntax) {
      super(message, null, false, false);
      this.syntax = syntax;
    }

    /** True when the line is not one simple command (a pipe, a redirection...): malformed, 65. */
    boolean syntax() {
      return syntax;
    }
  }

  /** The command as kubectl will get it: {@code argv} (without the binary); {@code path} like "create secret generic". */
  record Parsed(String path, List<String> argv, boolean stdin, boolean tty) {}

  /** The commands a person may run (with their subcommands unless refused below). */
  static final Set<String> TOP_LEVEL = Set.of("get", "describe", "logs", "explain", "api-resources", "api-versions",
      "version", "cluster-info", "top", "create", "apply", "delete", "scale", "rollout", "label", "annotate", "patch",
      "replace", "set", "expose", "run", "exec", "attach", "autoscale", "cordon", "uncordon", "drain", "taint", "wait",
      "events", "auth", "certificate");

  /** Subcommands of allowed commands that are not: they write bastion files, start an editor, or reconcile RBAC from files. */
  static final Map<String, String> REFUSED_COMMANDS = Map.of(
      "cluster-info dump", "writes files on the bastion",
      "apply edit-last-applied", "starts an editor on the bastion",
      "auth reconcile", "reconciles RBAC from files");

  /**
   * Commands kubectl has that are not on the list, with why (anything else unknown would be a
   * plugin, a {@code kubectl-NAME} program: never).
   */
  static final Map<String, String> KNOWN_REFUSED = Map.ofEntries(
      Map.entry("edit", "starts an editor on the bastion; use get -o yaml, then apply -f - or patch"),
      Map.entry("port-forward", "would listen on the bastion; use ssh -L and gatehouse kubeconfig"),
      Map.entry("proxy", "would listen on the bastion; use ssh -L and gatehouse kubeconfig"),
      Map.entry("cp", "copies files to and from the bastion"),
      Map.entry("debug", "is not on the allow-list"),
      Map.entry("diff", "runs a diff program on the bastion"),
      Map.entry("kustomize", "reads local or remote kustomizations"),
      Map.entry("config", "the session's kubeconfig is the gateway's"),
      Map.entry("plugin", "plugins are programs on the bastion"),
      Map.entry("completion", "is not on the allow-list"),
      Map.entry("alpha", "is not on the allow-list"),
      Map.entry("options", "is not on the allow-list"));

  /** Flags no command gets, with why. */
  static final Map<String, String> REFUSED_FLAGS = Map.ofEntries(
      Map.entry("kubeconfig", "the session's kubeconfig is the gateway's"),
      Map.entry("server", "the session talks to its own proxy only"),
      Map.entry("token", "the session's credentials are the gateway's"),
      Map.entry("as", "impersonation is refused: you are the person of your SSH certificate"),
      Map.entry("as-group", "impersonation is refused: you are the person of your SSH certificate"),
      Map.entry("as-uid", "impersonation is refused: you are the person of your SSH certificate"),
      Map.entry("certificate-authority", "the session's credentials are the gateway's"),
      Map.entry("client-certificate", "the session's credentials are the gateway's"),
      Map.entry("client-key", "the session's credentials are the gateway's"),
      Map.entry("username", "the session's credentials are the gateway's"),
      Map.entry("password", "the session's credentials are the gateway's"),
      Map.entry("user", "the session's credentials are the gateway's"),
      Map.entry("cluster", "the session's kubeconfig is the gateway's"),
      Map.entry("context", "the session's kubeconfig is the gateway's"),
      Map.entry("insecure-skip-tls-verify", "the session's kubeconfig is the gateway's"),
      Map.entry("tls-server-name", "the session's kubeconfig is the gateway's"),
      Map.entry("cache-dir", "would write files on the bastion"),
      Map.entry("profile", "would write files on the bastion"),
      Map.entry("profile-output", "would write files on the bastion"),
      Map.entry("kustomize", "reads local or remote kustomizations"),
      Map.entry("from-file", "reads files on the bastion; use --from-literal, or -f - with a manifest"),
      Map.entry("from-env-file", "reads files on the bastion; use --from-literal, or -f - with a manifest"),
      Map.entry("patch-file", "reads files on the bastion; use -p"),
      Map.entry("edit", "starts an editor on the bastion"),
      Map.entry("cert", "reads files on the bastion; use -f - with a manifest"),
      Map.entry("key", "reads files on the bastion; use -f - with a manifest"),
      Map.entry("output-directory", "writes files on the bastion"));

  /** Global flags that are allowed (every other global flag is refused or unknown). */
  private static final List<Flag> GLOBAL = List.of(
      new Flag("namespace", 'n', Kind.VALUE), new Flag("request-timeout", (char) 0, Kind.VALUE),
      new Flag("match-server-version", (char) 0, Kind.BOOL), new Flag("warnings-as-errors", (char) 0, Kind.BOOL),
      new Flag("disable-compression", (char) 0, Kind.BOOL), new Flag("help", 'h', Kind.BOOL));

  /** pflag "NoOptDefVal" flags: bare, they take no value (and never the next word). */
  private static final Set<String> OPTIONAL_VALUE = Set.of("dry-run", "validate", "cascade");

  enum Kind { BOOL, VALUE, LIST }

  record Flag(String name, char shorthand, Kind kind) {}

  /** One node of kubectl's command tree: its flags and subcommands (by name and alias). */
  private static final class Node {
    final String path;
    final Map<String, Flag> longs = new HashMap<>();
    final Map<Character, Flag> shorts = new HashMap<>();
    final Map<String, Node> children = new LinkedHashMap<>();

    Node(String path) {
      this.path = path;
    }

    void add(Flag f) {
      longs.put(f.name(), f);
      if (f.shorthand() != 0) {
        shorts.put(f.shorthand(), f);
      }
    }
  }

  private static final Node ROOT = load();

  private KubectlCommandLine() {}

  /** Splits, checks and rewrites one line. */
  static Parsed parse(String line) throws Refused {
    List<String> words;
    try {
      words = ShellWords.split(line);
    } catch (ShellWords.NotASimpleCommand e) {
      throw new Refused(e.getMessage(), true);
    }
    // The shell guard's reading (bash's grammar, proven against bash) must see the same words;
    // where it reads the line exactly and differently, neither reading is trusted. (It gives no
    // reading for unquoted patterns such as jsonpath's [*], which this splitter keeps as text.)
    java.util.Optional<List<String>> asBash = dev.gatehouse.policy.shell.ShellWords.split(line);
    if (asBash.isPresent() && !asBash.get().equals(words)) {
      throw new Refused("the line's quoting is read two ways; quote each argument plainly ('…')", true);
    }
    return parse(words);
  }

  /**
   * Checks and rewrites a command given as words already (an agent's {@code args} array): no shell
   * reading, the same allow-list. A leading {@code kubectl} is dropped as on a line.
   */
  static Parsed parse(List<String> words) throws Refused {
    if (!words.isEmpty() && words.get(0).equals("kubectl")) {
      words = words.subList(1, words.size());
    }
    if (words.isEmpty()) {
      throw new Refused("no kubectl command given (e.g. get pods)", true);
    }
    List<String[]> flagList = new ArrayList<>();
    int i = 0;
    Node globals = new Node("");
    GLOBAL.forEach(globals::add);
    // Global flags may come first (kubectl -n app get pods).
    while (i < words.size() && words.get(i).startsWith("-") && !words.get(i).equals("-") && !words.get(i).equals("--")) {
      i = flag(words, i, globals, globals, flagList);
    }
    if (i >= words.size() || words.get(i).startsWith("-")) {
      throw new Refused("no kubectl command given (e.g. get pods)", true);
    }
    String top = words.get(i);
    Node node = ROOT.children.get(top);
    if (node == null) {
      String why = KNOWN_REFUSED.get(top);
      throw new Refused("kubectl " + visible(top) + (why != null ? " is not allowed here: " + why
          : " is not an allowed command (allowed: " + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)) + ")"), false);
    }
    i++;
    while (i < words.size() && node.children.containsKey(words.get(i))) {
      node = node.children.get(words.get(i));
      i++;
    }
    String refusedWhy = REFUSED_COMMANDS.get(node.path);
    if (refusedWhy != null) {
      throw new Refused("kubectl " + node.path + " is not allowed here: " + refusedWhy, false);
    }
    List<String> positional = new ArrayList<>();
    List<String> afterDash = null;
    while (i < words.size()) {
      String w = words.get(i);
      if (w.equals("--")) {
        afterDash = new ArrayList<>(words.subList(i + 1, words.size()));
        break;
      }
      if (w.startsWith("-") && !w.equals("-")) {
        i = flag(words, i, node, globals, flagList);
        continue;
      }
      positional.add(w);
      i++;
    }
    if (!positional.isEmpty() && subcommandOf(node, positional.get(0))) {
      // kubectl would read it as a subcommand of the rewritten line: only as the line's first words.
      throw new Refused("put the flags after the whole command: kubectl " + node.path + " " + visible(positional.get(0))
          + " ...", false);
    }
    List<String> argv = new ArrayList<>(List.of(node.path.split(" ")));
    argv.addAll(positional);
    boolean stdin = false;
    boolean tty = false;
    for (String[] f : flagList) {
      if (f[0].equals("stdin") && !"false".equals(f[1])) {
        stdin = true;
      }
      if (f[0].equals("tty") && !"false".equals(f[1])) {
        tty = true;
      }
      argv.add(f[1] == null ? "--" + f[0] : "--" + f[0] + "=" + f[1]);
    }
    if (afterDash != null) {
      argv.add("--");
      argv.addAll(afterDash);
    }
    return new Parsed(node.path, List.copyOf(argv), stdin, tty);
  }

  private static boolean subcommandOf(Node node, String word) {
    return node.children.containsKey(word) || REFUSED_COMMANDS.containsKey(node.path + " " + word);
  }

  /** Reads the flag at {@code words[i]}; appends {name, value} (value null: bare); returns the next index. */
  private static int flag(List<String> words, int i, Node node, Node globals, List<String[]> out) throws Refused {
    String w = words.get(i);
    if (w.startsWith("--")) {
      String body = w.substring(2);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      String value = eq < 0 ? null : body.substring(eq + 1);
      Flag f = lookup(node, globals, name, w);
      if (f.kind() == Kind.BOOL) {
        out.add(new String[] {f.name(), checkBool(f, value == null ? "true" : value)});
        return i + 1;
      }
      if (value == null && OPTIONAL_VALUE.contains(f.name())) {
        out.add(new String[] {f.name(), null});
        return i + 1;
      }
      if (value == null) {
        if (i + 1 >= words.size()) {
          throw new Refused("flag --" + f.name() + " needs a value", false);
        }
        value = words.get(i + 1);
        i++;
      }
      out.add(new String[] {f.name(), check(f, value, node)});
      return i + 1;
    }
    // -abc: shorthand booleans together; a shorthand taking a value takes the rest (-napp, -n=app) or the next word.
    String cluster = w.substring(1);
    for (int k = 0; k < cluster.length(); k++) {
      char c = cluster.charAt(k);
      Flag f = node.shorts.get(c);
      if (f == null) {
        f = globals.shorts.get(c);
      }
      if (f == null) {
        throw new Refused("flag -" + visible(String.valueOf(c)) + " is not an allowed flag of kubectl "
            + (node.path.isEmpty() ? "(before the command)" : node.path), false);
      }
      String rest = cluster.substring(k + 1);
      if (f.kind() == Kind.BOOL) {
        if (rest.startsWith("=")) {
          out.add(new String[] {f.name(), checkBool(f, rest.substring(1))});
          return i + 1;
        }
        out.add(new String[] {f.name(), "true"});
        continue;
      }
      String value;
      if (!rest.isEmpty()) {
        value = rest.startsWith("=") ? rest.substring(1) : rest;
      } else if (OPTIONAL_VALUE.contains(f.name())) {
        out.add(new String[] {f.name(), null});
        return i + 1;
      } else if (i + 1 < words.size()) {
        value = words.get(i + 1);
        i++;
      } else {
        throw new Refused("flag -" + c + " needs a value", false);
      }
      out.add(new String[] {f.name(), check(f, value, node)});
      return i + 1;
    }
    return i + 1;
  }

  private static Flag lookup(Node node, Node globals, String name, String word) throws Refused {
    String why = REFUSED_FLAGS.get(name);
    if (why != null) {
      throw new Refused("flag --" + name + " is not allowed here: " + why, false);
    }
    Flag f = node.longs.get(name);
    if (f == null) {
      f = globals.longs.get(name);
    }
    if (f == null) {
      throw new Refused("flag " + visible(word.contains("=") ? word.substring(0, word.indexOf('=')) : word)
          + " is not an allowed flag of kubectl " + (node.path.isEmpty() ? "(before the command)" : node.path), false);
    }
    return f;
  }

  private static String checkBool(Flag f, String value) throws Refused {
    String v = value.toLowerCase(Locale.ROOT);
    if (!Set.of("true", "false", "1", "0", "t", "f").contains(v)) {
      throw new Refused("flag --" + f.name() + " takes true or false", false);
    }
    return v;
  }

  /** Values that would reach files or other servers. */
  private static String check(Flag f, String value, Node node) throws Refused {
    String why = REFUSED_FLAGS.get(f.name());
    if (why != null) {
      throw new Refused("flag --" + f.name() + " is not allowed here: " + why, false);
    }
    switch (f.name()) {
      case "filename" -> {
        if (!value.equals("-")) {
          throw new Refused("-f reads only what you send: -f - (a file on the bastion is never read)", false);
        }
      }
      case "raw" -> {
        if (!value.startsWith("/") || value.startsWith("//")) {
          throw new Refused("--raw takes a path on the API server (/api/...), never a URL", false);
        }
      }
      case "output" -> {
        int eq = value.indexOf('=');
        String format = (eq < 0 ? value : value.substring(0, eq)).toLowerCase(Locale.ROOT);
        if (format.endsWith("file")) {
          throw new Refused("-o " + visible(format) + " reads a file on the bastion; give the template inline", false);
        }
      }
      default -> { }
    }
    return value;
  }

  /** Text from the user, shown in one line: control characters made visible. */
  static String visible(String s) {
    return dev.gatehouse.recorder.VisibleText.inline(s);
  }

  /** The allow-list's commands and flags, for docs and tests: "path: --flag ..." lines. */
  static List<String> describe() {
    List<String> lines = new ArrayList<>();
    describe(ROOT, lines);
    return lines;
  }

  private static void describe(Node n, List<String> lines) {
    if (!n.path.isEmpty() && !REFUSED_COMMANDS.containsKey(n.path)) {
      List<String> names = new ArrayList<>();
      for (Flag f : n.longs.values()) {
        if (!REFUSED_FLAGS.containsKey(f.name())) {
          names.add("--" + f.name());
        }
      }
      java.util.Collections.sort(names);
      lines.add(n.path + ": " + String.join(" ", names));
    }
    for (Node c : new java.util.LinkedHashSet<>(n.children.values())) {
      describe(c, lines);
    }
  }

  private static Node load() {
    Node root = new Node("");
    Map<String, Node> byPath = new HashMap<>();
    byPath.put("", root);
    try (InputStream in = KubectlCommandLine.class.getResourceAsStream("kubectl-1.32.tsv")) {
      if (in == null) {
        throw new IllegalStateException("kubectl-1.32.tsv is missing from the gateway's jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f[0].equals("command")) {
          String path = f[1];
          int sp = path.lastIndexOf(' ');
          Node parent = byPath.get(sp < 0 ? "" : path.substring(0, sp));
          if (parent == null) {
            throw new IllegalStateException("kubectl-1.32.tsv: " + path + " before its parent");
          }
          Node node = new Node(path);
          byPath.put(path, node);
          String name = sp < 0 ? path : path.substring(sp + 1);
          parent.children.put(name, node);
          if (f.length > 2 && !f[2].isBlank()) {
            for (String alias : f[2].split(",")) {
              parent.children.put(alias, node);
            }
          }
        } else if (f[0].equals("flag")) {
          Node node = byPath.get(f[1]);
          Kind kind = Kind.valueOf(f[4].toUpperCase(Locale.ROOT));
          node.add(new Flag(f[2], f[3].isEmpty() ? (char) 0 : f[3].charAt(0), kind));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return root;
  }
}
