package dev.gatehouse.policy.shell;

/**
 * What a guarded exec request sends to an {@code ssh} target's host: the judged text, readable by
 * bash 5.1 or later only. The judge reads a text as {@code bash -c TEXT} reads it, but the host's
 * sshd runs an exec request with the account's login shell ({@code $SHELL -c CMD}), which need
 * not be bash: dash, for one, reads {@code echo $'\';touch W;#'} as an echo and a touch, where
 * bash reads one echo. So the text goes behind a first line that lets only bash 5.1+ go on:
 *
 * <pre>
 * case ${BASH_VERSION-} in 5.[1-9]*|[6-9].*|[1-9][0-9].*) case :${SHELLOPTS-}: in *:posix:*) set +o posix;; esac;;
 *   *) printf '%s\n' "gatehouse: the host's login shell is not bash 5.1 or later; the command was not run" >&2; exit 97;; esac
 * TEXT
 * </pre>
 * (the first line is one line; it is broken here to fit).
 *
 * <p><b>Bash 5.1+</b> runs a {@code -c} string one complete command at a time: it parses the first
 * line, runs it, then parses the text. The first line runs no simple command there (so {@code $_}
 * and {@code $?} are what they are at the start of {@code bash -c TEXT}), defines nothing and sets
 * nothing, so the text is read as {@code bash -c TEXT} reads it; the differential test in this
 * package runs a seeded corpus both ways and compares the commands run. Two values differ:
 * {@code $LINENO} (and the line numbers in bash's own error messages) count the first line, and
 * {@code $BASH_EXECUTION_STRING} holds the whole string. The judge reads neither as a known value.
 * Bash started as {@code sh} (a login shell {@code /bin/sh} that is bash) runs in POSIX mode,
 * which reads some texts differently; the first line turns it off (then {@code $_} is {@code
 * posix}). rbash is bash with less allowed: what it runs is what bash would, or less.
 *
 * <p><b>Every other shell</b> never gets to the text:
 * <ul>
 *   <li>POSIX shells (dash, ash/busybox, ksh88/93, mksh, yash, posh), zsh (native and as {@code
 *       sh}/{@code ksh}) and bash before 5.1: {@code BASH_VERSION} is unset (or older), so the
 *       second branch prints the reason and exits 97. These shells too parse and run a {@code -c}
 *       string one complete command (a line) at a time, so the text is not even parsed (dash:
 *       run here; the others from their manuals' description of {@code -c} as reading commands
 *       from the string as from a script).
 *   <li>csh and tcsh: {@code ${BASH_VERSION-}} is not csh variable syntax ({@code ${name}} takes
 *       modifiers after a colon, no {@code -}): an error, and a csh that is not interactive
 *       abandons its input on an error, before the next line (csh(1)).
 *   <li>fish: parses the whole string before it runs any of it, and a bracketed {@code ${name}}
 *       is a parse error in fish ("Variables cannot be bracketed"): nothing runs.
 * </ul>
 * Only bash and dash could be run where this was written; the rest is from their documentation.
 * The gateway does not rely on the exit status of those shells: before it sends the text it runs
 * {@link #PROBE} on the host, and only a probe that exits 0 (bash 5.1+ took its branch) lets the
 * text go. The first line guards the text on its own still, should the login shell change between
 * the probe and the exec.
 *
 * <p>What this does not cover: a login shell whose own startup files run before the {@code -c}
 * string (zsh's {@code .zshenv}, bash's {@code .bashrc} under sshd) can do anything, including
 * setting {@code BASH_VERSION}; such files are the host's (and the judge's, when a text writes them)
 * concern, as they are for the interactive path.
 */
public final class BashOnlyExec {
  private BashOnlyExec() {}

  /** The exit status when the login shell is not bash 5.1 or later (as the interactive path's). */
  public static final int NOT_BASH_EXIT = 97;

  /** The line the client gets (on stderr) when the text was not run because the login shell is not bash 5.1+. */
  public static final String NOT_BASH_MESSAGE =
      "gatehouse: the host's login shell is not bash 5.1 or later; the command was not run";

  /**
   * The first line: goes on in bash 5.1+ (out of POSIX mode), else prints {@link #NOT_BASH_MESSAGE}
   * on stderr and exits {@link #NOT_BASH_EXIT}. Written in the syntax every POSIX shell and zsh
   * share; its bash branch runs no simple command unless bash is in POSIX mode.
   */
  static final String BASH_ONLY_LINE = "case ${BASH_VERSION-} in 5.[1-9]*|[6-9].*|[1-9][0-9].*)"
      + " case :${SHELLOPTS-}: in *:posix:*) set +o posix;; esac;;"
      + " *) printf '%s\\n' \"" + NOT_BASH_MESSAGE + "\" >&2; exit " + NOT_BASH_EXIT + ";; esac";

  /** Run by the gateway before it sends a text: exits 0 under bash 5.1 or later only. */
  public static final String PROBE = BASH_ONLY_LINE;

  /** The exec request's command for a judged {@code text}: bash 5.1+ reads it as {@code bash -c text}. */
  public static String wrap(String text) {
    return BASH_ONLY_LINE + "\n" + text;
  }

  /**
   * As {@link #wrap(String)}, with {@code setup} (one complete line, a command of the gateway's own
   * such as the pager's secure mode exported read-only) run by bash between the first line and the
   * text. The text is still read as {@code bash -c TEXT} reads it; {@code $_} then holds the setup's
   * last word and {@code $LINENO} counts one line more, neither of which the judge reads as a known value.
   */
  public static String wrap(String text, String setup) {
    if (setup.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("the setup is one line: " + setup);
    }
    return BASH_ONLY_LINE + "\n" + setup + "\n" + text;
  }
}
