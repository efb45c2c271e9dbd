package dev.gatehouse.policy.shell;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Other names under which a distribution installs a program the judge reads: a command by one of
 * them is read as that program (its classes, wrappers and the policy's rules), so a second name
 * does not carry the program past what its own name would meet.
 */
final class ProgramNames {
  /**
   * Symbolic links Debian installs to a program read by name: {@code slogin} (openssh-client, to
   * ssh), {@code gdbtui} (gdb's {@code gdb -tui} script), {@code pdb3.11} (python3.11's pdb.py,
   * what {@code pdb3} points at). Pagers that hand their arguments to less: {@code pager}
   * (Debian's alternative), {@code sensible-pager} ({@code $PAGER}, else {@code pager}) and the
   * decompressing scripts ({@code zless}, {@code xzless}/{@code lzless}, {@code zstdless}: {@code
   * exec less "$@"} with their own LESSOPEN), so less's start commands ({@code +!CMD}, {@code -k})
   * are read under these names too. {@code sensible-editor} runs {@code $VISUAL}, {@code $EDITOR}
   * or {@code editor} (vim here) with its arguments: read as {@code editor}.
   */
  private static final Map<String, String> LINKS = Map.of("slogin", "ssh", "gdbtui", "gdb", "pager", "less",
      "sensible-pager", "less", "zless", "less", "xzless", "less", "lzless", "less", "zstdless", "less",
      "sensible-editor", "editor");

  /**
   * An interpreter by a version, a build flavour ({@code python3.11d}, {@code python3-dbg}) or an
   * architecture triplet ({@code perl5.36-x86_64-linux-gnu}, libperl's name for the same perl)
   * the judge's own names do not cover: read as the interpreter itself.
   */
  private static final Pattern INTERPRETER = Pattern.compile("(perl|python|pypy|ruby|php|node|nodejs|luajit|lua|tclsh|wish"
      + "|irb|guile)-?[0-9][0-9.]*[a-z]*(-(beta|rc|alpha)[0-9]*)?(-dbg)?(-[a-z0-9_]+-linux-gnu[a-z0-9]*)?"
      + "|(perl|python|pypy|ruby|php|node|nodejs|luajit|lua|tclsh|wish|irb|guile)[0-9.]*(-dbg)?-[a-z0-9_]+-linux-gnu[a-z0-9]*"
      + "|(python|pypy)[0-9.]*(d|m|dm|-dbg)");

  /**
   * Programs that run the program their arguments name under the names Debian installs them by:
   * LLVM's by its version ({@code not-14}, {@code llvm-reduce-14}), binutils' gprofng by its
   * target triplet ({@code x86_64-linux-gnu-gprofng}, {@code x86_64-linux-gnu-gp-collect-app}).
   */
  private static final Pattern RUNNER = Pattern.compile("(not|llvm-reduce)-[0-9]+|[a-z0-9_]+-linux-gnu[a-z0-9]*-(gprofng|gp-collect-app)");

  /**
   * A shell by a build Debian installs beside its own name ({@code bash-static}, {@code zsh-static},
   * {@code zsh5}, {@code zsh5-static}, {@code mksh-static}, {@code sash}'s {@code sash-static}) or a
   * version ({@code bash5.2}, {@code ksh2020}): read as the shell itself (attack pass 17cn).
   */
  private static final Pattern SHELL_BUILD = Pattern.compile(
      "(bash|zsh|mksh|dash|ksh|tcsh|csh|fish|yash|posh|lksh|sash)(-?[0-9][0-9.]*)?([-.]static)?");

  private ProgramNames() {}

  /** The name {@code base} (a command's last path component) is read as. */
  static String canonical(String base) {
    String link = LINKS.get(base);
    if (link != null) {
      return link;
    }
    if (Regexes.matches(base, "pdb[0-9.]+")) {
      return "pdb3"; // pdb3.11, pdb2.7: python's pdb.py under its version
    }
    if (SHELL_BUILD.matcher(base).matches()) {
      // bash-static, zsh-static, zsh5, mksh-static, busybox's sh built in: the shell itself
      return Regexes.replaceFirst(base, "^(bash|zsh|mksh|dash|ksh|tcsh|csh|fish|yash|posh|lksh|sash)[-.]?.*", "$1");
    }
    if (RUNNER.matcher(base).matches()) {
      return Regexes.replaceFirst(Regexes.replaceFirst(base, "-[0-9]+$", ""), "^[a-z0-9_]+-linux-gnu[a-z0-9]*-", "");
    }
    if (Interpreters.isLanguage(base)) {
      return base;
    }
    if (INTERPRETER.matcher(base).matches()) {
      return Regexes.replaceFirst(base, "^(perl|python|pypy|ruby|php|nodejs|node|luajit|lua|tclsh|wish|irb|guile).*", "$1");
    }
    return base;
  }
}
