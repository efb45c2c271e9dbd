package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The words an allow-list entry's words after the name ({@code "git log"}, {@code "systemctl
 * status"}, {@code "kubectl get"}) are matched against: the command's operands as its program
 * reads them. An option that takes its value as the next word makes that word its value, not the
 * subcommand: {@code git --namespace log remote-ext …} runs {@code remote-ext}, {@code kubectl -n
 * get delete pod x} runs {@code delete}. git's, systemctl's, kubectl's and docker's options before
 * the subcommand are read with their own tables (an option none of them knows, or a word only
 * known when it runs, leaves the subcommand unknown: nothing is read). After the subcommand, and
 * for any other program, a word that may be the value of the option before it ends the operands
 * read, so an entry does not match through it (when unsure, not listed).
 */
final class ListedOperands {
  /** systemctl's options (systemd's systemctl parse_argv: {@code "hC:t:p:P:alqvfs:H:M:n:o:iTr"}); getopt_long. */
  private static final Set<String> SYSTEMCTL_LONG_WITH_ARG = Set.of("--type", "--property", "--job-mode",
      "--check-inhibitors", "--capsule", "--legend", "--root", "--image", "--image-policy", "--kill-whom",
      "--kill-value", "--kill-subgroup", "--signal", "--host", "--machine", "--lines", "--output", "--state",
      "--preset-mode", "--boot-loader-menu", "--boot-loader-entry", "--message", "--what", "--reboot-argument",
      "--timestamp", "--drop-in", "--when");
  private static final Set<String> SYSTEMCTL_LONG_NO_ARG = Set.of("--help", "--version", "--all", "--reverse",
      "--after", "--before", "--show-types", "--failed", "--full", "--fail", "--irreversible", "--ignore-dependencies",
      "--ignore-inhibitors", "--value", "--user", "--system", "--global", "--wait", "--no-block", "--no-legend",
      "--no-pager", "--no-wall", "--dry-run", "--quiet", "--verbose", "--no-warn", "--force", "--no-reload",
      "--no-ask-password", "--runtime", "--plain", "--recursive", "--with-dependencies", "--firmware-setup", "--now",
      "--show-transaction", "--read-only", "--mkdir", "--marked", "--stdin");

  /**
   * kubectl's global flags ({@code kubectl options}, 1.32; {@code --kuberc} of later releases):
   * pflag gives a flag that is not a boolean the next word; a boolean takes a value only attached.
   */
  private static final Set<String> KUBECTL_LONG_WITH_ARG = Set.of("--as", "--as-group", "--as-uid", "--cache-dir",
      "--certificate-authority", "--client-certificate", "--client-key", "--cluster", "--context", "--kubeconfig",
      "--kuberc", "--log-flush-frequency", "--namespace", "--password", "--profile", "--profile-output",
      "--request-timeout", "--server", "--tls-server-name", "--token", "--user", "--username", "--v", "--vmodule");
  private static final Set<String> KUBECTL_LONG_NO_ARG = Set.of("--disable-compression", "--insecure-skip-tls-verify",
      "--match-server-version", "--warnings-as-errors", "--help");

  /** docker's global options ({@code docker --help}, 28): read up to the first operand, which is the subcommand. */
  private static final Set<String> DOCKER_LONG_WITH_ARG = Set.of("--config", "--context", "--host", "--log-level",
      "--tlscacert", "--tlscert", "--tlskey");
  private static final Set<String> DOCKER_LONG_NO_ARG = Set.of("--debug", "--help", "--tls", "--tlsverify", "--version");

  private ListedOperands() {}

  /** {@code c}'s operands in order, as far as they are known: the subcommand first, for the programs above. */
  static List<Word> of(ShellCommand c) {
    List<Word> a = c.args();
    return switch (c.name()) {
      case "git" -> git(a);
      case "systemctl" -> afterOptions(a, Wrappers.Opts.scanKnown(a, "CtpPsHMno", "halqvfiTr", SYSTEMCTL_LONG_WITH_ARG,
          SYSTEMCTL_LONG_NO_ARG));
      case "kubectl" -> afterOptions(a, Wrappers.Opts.scanKnown(a, "nsv", "h", KUBECTL_LONG_WITH_ARG, KUBECTL_LONG_NO_ARG));
      case "docker" -> afterOptions(a, Wrappers.Opts.scanKnown(a, "cHl", "Dhv", DOCKER_LONG_WITH_ARG, DOCKER_LONG_NO_ARG));
      default -> operands(a, 0);
    };
  }

  /**
   * git's subcommand after its global options ({@link Wrappers#GIT_GLOBAL_WITH_ARG} take the next
   * word), then its operands. git reads {@code --help}/{@code -h} there as {@code help} and {@code
   * --version}/{@code -v} as {@code version} (git.c: "the version and help commands can be written
   * with -- prepended"), so {@code git --help log} is {@code git help log}.
   */
  private static List<Word> git(List<Word> a) {
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      if (!w.literal()) {
        return List.of(); // an option, an option's value or the subcommand, only known when it runs
      }
      String v = w.value();
      if (v.equals("--help") || v.equals("-h") || v.equals("--version") || v.equals("-v")) {
        List<Word> out = new ArrayList<>();
        out.add(Word.literal(w.source(), v.equals("--help") || v.equals("-h") ? "help" : "version"));
        out.addAll(operands(a, i + 1));
        return out;
      }
      if (!v.startsWith("-")) {
        break;
      }
      i += Wrappers.GIT_GLOBAL_WITH_ARG.contains(v) ? 2 : 1;
    }
    if (i >= a.size()) {
      return List.of();
    }
    List<Word> out = new ArrayList<>();
    out.add(a.get(i));
    out.addAll(operands(a, i + 1));
    return out;
  }

  /** The first operand after options read by their table ({@code o}), then the operands after it. */
  private static List<Word> afterOptions(List<Word> a, Wrappers.Opts o) {
    if (o.unknown() || o.end >= a.size() || !a.get(o.end).literal()) {
      return List.of();
    }
    List<Word> out = new ArrayList<>();
    out.add(a.get(o.end));
    out.addAll(operands(a, o.end + 1));
    return out;
  }

  /**
   * The words from {@code from} on that are neither an option nor, possibly, an option's value,
   * up to the first that may be one ({@link Wrappers#mayBeOptionValue}) or is only known when it
   * runs (an option, or several words): which options of the program take a value is not known here.
   */
  private static List<Word> operands(List<Word> a, int from) {
    List<String> values = a.stream().map(Word::value).toList();
    List<Word> out = new ArrayList<>();
    boolean ended = false;
    for (int i = from; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        break;
      }
      if (ended) {
        out.add(w);
        continue;
      }
      if (v.startsWith("-") && !v.equals("-") && !v.equals("--")) {
        continue;
      }
      if (i > from && Wrappers.mayBeOptionValue(values, i, "")) {
        break;
      }
      if (v.equals("--")) {
        ended = true;
      } else {
        out.add(w);
      }
    }
    return out;
  }
}
