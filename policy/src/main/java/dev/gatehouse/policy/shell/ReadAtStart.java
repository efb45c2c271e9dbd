package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Files a program reads as code when it starts, named by how it is started rather than by a
 * word the judge reads as code: a login shell's profiles and kubectl's {@code --kubeconfig}. A
 * text that writes (or may write) such a file and then starts the program runs what it wrote.
 */
final class ReadAtStart {
  private ReadAtStart() {}

  /**
   * What a login bash or sh sources before its {@code -c} code: {@code ~/.bash_profile}, else
   * {@code ~/.bash_login}, else {@code ~/.profile} (sh: {@code ~/.profile}); {@code ~/.bash_logout}
   * on {@code exit}; the {@code ~/.bashrc} (and what it sources) a profile commonly sources;
   * {@code /etc/profile*} too. Compared by name wherever the text writes them (a {@code cd} may move).
   */
  private static final Set<String> PROFILES = Set.of(".profile", ".bash_profile", ".bash_login", ".bash_logout",
      ".bashrc", ".bash_aliases", "profile", "bash.bashrc");

  private static final Set<String> SHELLS = Set.of("bash", "sh", "dash", "rbash", "ksh", "mksh", "posh");

  /**
   * Programs that write files under names the text does not spell: archive members, copies into a
   * directory ({@code cp -r d/. ~}), checkouts.
   */
  private static final Set<String> DERIVED_WRITERS = Set.of("cp", "mv", "rsync", "ln", "install", "tar", "bsdtar",
      "cpio", "unzip", "7z", "7za", "7zr", "unrar", "ar", "pax", "git", "patch", "split", "csplit", "uudecode",
      "busybox", "scp", "sftp", "wget", "curl", "gunzip", "unxz", "bunzip2", "unzstd", "zstd", "gzip", "xz", "bzip2");

  /** A login shell run by a text that writes, or may write, one of {@link #PROFILES}. */
  static Optional<String> loginShellReadsWrittenProfile(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      if (!loginShell(c)) {
        continue;
      }
      if (mayWrite(r, c, w -> mayName(w, PROFILES))) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /**
   * A shell started as a login shell: {@code -l} in its options (bundled too), {@code --login},
   * or an argv0 beginning with {@code -} ({@code exec -l}, {@code exec -a -bash}, a name only
   * known when it runs).
   */
  private static boolean loginShell(ShellCommand c) {
    if (c.name().equals("exec")) {
      List<Word> a = c.args();
      for (int i = 0; i < a.size(); i++) {
        Word w = a.get(i);
        String v = w.value();
        if (!w.literal() && i + 1 < a.size()) {
          return true;
        }
        if (v.equals("--") || !v.startsWith("-")) {
          return false;
        }
        if (v.matches("-[cl]*l[cl]*")) {
          return i + 1 < a.size();
        }
        if (v.matches("-[cl]*a")) {
          if (i + 1 >= a.size()) {
            return false;
          }
          Word n = a.get(++i);
          if (!n.literal() || n.value().startsWith("-")) {
            return true;
          }
        }
      }
      return false;
    }
    if (!SHELLS.contains(c.name())) {
      return false;
    }
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return true;
      }
      if (v.equals("--") || v.equals("-")) {
        return false;
      }
      if (v.equals("--login")) {
        return true;
      }
      if (v.equals("--rcfile") || v.equals("--init-file")) {
        i++;
      } else if ((v.startsWith("-") || v.startsWith("+")) && v.length() > 1 && !v.startsWith("--")) {
        if (v.indexOf('l', 1) > 0) {
          return true;
        }
        // -o/-O take a value each.
        i += (int) v.chars().filter(ch -> ch == 'o' || ch == 'O').count();
      } else if (!v.startsWith("--")) {
        return false; // the -c code or a script: what follows is its arguments
      }
    }
    return false;
  }

  /**
   * kubectl's {@code --kubeconfig FILE}/{@code --kubeconfig=FILE} naming a file the text writes or
   * may write: its {@code users[].user.exec} credential plugin runs a command before kubectl
   * contacts the server ({@code get}, {@code version}, {@code logs}). A name only known when it
   * runs counts by its known end.
   */
  static Optional<String> kubeconfigTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      if (!c.name().equals("kubectl")) {
        continue;
      }
      List<Word> a = c.args();
      if (setsCredentialPlugin(c)) {
        return Optional.of(c.text());
      }
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        Word f = null;
        if (v.startsWith("--kubeconfig=")) {
          f = new Word(v, v.substring("--kubeconfig=".length()), a.get(i).literal());
        } else if (v.equals("--kubeconfig") && i + 1 < a.size()) {
          f = a.get(i + 1);
        } else if (!a.get(i).literal() && v.startsWith("-")) {
          f = a.get(i);
        }
        if (f == null) {
          continue;
        }
        String fv = ShellClass.normalize(f.value());
        int u = fv.lastIndexOf(Word.UNKNOWN);
        String end = u < 0 ? fv : fv.substring(u + 1);
        String leaf = end.substring(end.lastIndexOf('/') + 1);
        Set<String> names = leaf.isEmpty() || u >= 0 && end.indexOf('/') < 0 ? null : Set.of(leaf);
        if (mayWrite(r, c, w -> names == null || mayName(w, names) || containsDirOf(w, fv))) {
          return Optional.of(c.text());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code kubectl config set-credentials --exec-command=CMD} ({@code --exec-*}, {@code
   * --auth-provider*}) or {@code kubectl config set users.U.exec.command CMD}: kubectl writes the
   * credential plugin into the configuration every later kubectl reads. A word only known when it
   * runs may be one.
   */
  private static boolean setsCredentialPlugin(ShellCommand c) {
    List<String> av = c.argValues();
    int config = av.indexOf("config");
    if (config < 0) {
      return false;
    }
    List<Word> rest = c.args().subList(config + 1, c.args().size());
    boolean credentials = av.contains("set-credentials");
    boolean set = av.subList(config + 1, av.size()).contains("set");
    if (!credentials && !set) {
      return false;
    }
    return rest.stream().anyMatch(w -> !w.literal() || credentials && (w.value().startsWith("--exec")
        || w.value().startsWith("--auth-provider")) || set && w.value().toLowerCase(java.util.Locale.ROOT)
        .matches("(?s).*(exec|auth-provider|authprovider).*"));
  }

  /** A written word that is a directory the file is in ({@code cp -r d/. .}, {@code tar -C dir}). */
  private static boolean containsDirOf(Word w, String file) {
    if (!w.literal()) {
      return true;
    }
    String d = ShellClass.normalize(w.value()).replaceFirst("/+$", "");
    return d.isEmpty() || d.equals(".") || d.equals("..") || file.startsWith(d + "/");
  }

  private interface WordTest {
    boolean test(Word w);
  }

  /** Whether a redirection or a command of {@code r} other than {@code run} may write a word that passes {@code t}. */
  private static boolean mayWrite(ShellReading r, ShellCommand run, WordTest t) {
    List<Word> written = new ArrayList<>();
    r.writes().forEach(w -> written.add(w.target()));
    for (ShellCommand o : r.commands()) {
      if (o == run || Set.of("echo", "printf").contains(o.name())) {
        continue;
      }
      if (DERIVED_WRITERS.contains(o.name()) || o.via().stream().anyMatch(v -> v.equals("xargs") || v.startsWith("find "))) {
        return true;
      }
      written.addAll(ShellClass.namedWords(o));
    }
    return written.stream().anyMatch(t::test);
  }

  /**
   * A word that may name a file whose last component is one of {@code names}: by its value, by
   * its known end after a part only known when it runs, or as a pattern.
   */
  private static boolean mayName(Word w, Set<String> names) {
    List<String> words = PathPatterns.braces(w.value());
    if (words == null) {
      return true;
    }
    for (String x : words.stream().flatMap(x -> Arrays.stream(ShellClass.pathTokens(x))).toList()) {
      String n = ShellClass.normalize(x).replaceFirst("/+$", "");
      int u = n.lastIndexOf(Word.UNKNOWN);
      String end = u < 0 ? n : n.substring(u + 1);
      int slash = end.lastIndexOf('/');
      String leaf = end.substring(slash + 1);
      if (u >= 0 && slash < 0) {
        if (names.stream().anyMatch(m -> m.endsWith(leaf))) {
          return true;
        }
        continue;
      }
      if (leaf.isEmpty() || PathPatterns.componentCouldBe(leaf, names)) {
        return true;
      }
    }
    return false;
  }
}
