package dev.gatehouse.policy.shell;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shell options in effect where a typed line will run that change how many words a line makes
 * or what its patterns match: at an interactive prompt they are whatever earlier lines (or the
 * startup files) left, and the gateway's prompt hook reports them inside its nonce-carrying marker
 * ({@code $BASHOPTS}, {@code $-}, whether {@code GLOBIGNORE} is set and whether POSIX mode stays on: {@link #fromHook}). An exec request's {@code bash -c} starts from bash's
 * defaults ({@link #DEFAULTS}).
 *
 * <ul>
 *   <li>{@code nullglob}: a pattern that matches nothing makes no word, and the words after it move
 *       up; judged as if the line began with {@code shopt -s nullglob}.
 *   <li>{@code nocaseglob}: patterns match names in any case, as the judge already matches them
 *       whatever the option (docs/policy.md: "nocaseglob is assumed").
 *   <li>{@code globstar}: {@code **} matches across directories; a line giving a command a pattern
 *       holding {@code **} is unclassified.
 *   <li>{@code dotglob}, {@code globignore} ({@code GLOBIGNORE} set and not empty, which makes bash
 *       match hidden names as dotglob does, although {@code $BASHOPTS} does not show it): patterns
 *       match hidden names; a line giving a command a pattern is unclassified.
 *   <li>{@code extglob}: the judge already reads {@code @(…)}, {@code !(…)} and the like as patterns
 *       matching any name, whatever the option (with it off bash refuses such a line).
 *   <li>{@code failglob} (a pattern that matches nothing fails the command: less runs) and {@code
 *       noglob} ({@code set -f}: every pattern stays as written, as one that matches nothing does by
 *       default): reported, judged as the defaults.
 *   <li>{@code posix} (POSIX mode) and {@code compat} (a {@code compatNN} option in {@code
 *       $BASHOPTS}): bash reads quotes otherwise than the judge's default grammar; every line is
 *       unclassified.
 *   <li>{@code nobraceexpand} (brace expansion off: {@code $-} without {@code B}, as after {@code
 *       set +B}): bash keeps {@code {a,b}} one literal word where the judge expands it; every line
 *       is unclassified.
 * </ul>
 *
 * @param on the names of the options that are on, each one of {@link #KNOWN}
 */
public record ShellState(Set<String> on) {
  /** The options judged from, the six {@code shopt} options first. */
  public static final java.util.List<String> KNOWN = java.util.List.of("nullglob", "failglob", "dotglob", "extglob",
      "globstar", "nocaseglob", "noglob", "globignore", "posix", "compat", "nobraceexpand");
  /** bash's defaults (a fresh {@code bash -c}): none of {@link #KNOWN} on. */
  public static final ShellState DEFAULTS = new ShellState(Set.of());

  public ShellState {
    on = Set.copyOf(on);
    if (!KNOWN.containsAll(on)) {
      throw new IllegalArgumentException("unknown shell option: " + on);
    }
  }

  /** The {@code shopt} options of {@link #KNOWN}, as {@code $BASHOPTS} names them. */
  private static final java.util.List<String> SHOPT_NAMES = KNOWN.subList(0, 6);

  /**
   * The options the hook's marker reports: {@code bashopts} is {@code $BASHOPTS} (names joined by
   * colons), {@code flags} is {@code $-} ({@code f}: noglob; no {@code B}: brace expansion off, as
   * an interactive bash's {@code $-} always holds {@code B} while it is on), {@code globignore} is {@code 1} when
   * {@code GLOBIGNORE} is set and not empty, else empty; {@code posix} is {@code y} when POSIX mode
   * stays on for the next line ({@code POSIXLY_CORRECT} was set when the hook started: it keeps it,
   * and so POSIX mode), else empty. Empty when a field is not of that form (not bash's own values:
   * the marker is not the hook's).
   */
  public static Optional<ShellState> fromHook(String bashopts, String flags, String globignore, String posix) {
    if (bashopts.length() > 4000 || !(bashopts.isEmpty() || bashopts.matches("[a-z0-9_]+(:[a-z0-9_]+)*"))
        || !flags.matches("[A-Za-z]{0,60}") || !(globignore.isEmpty() || globignore.equals("1"))
        || !(posix.isEmpty() || posix.equals("y"))) {
      return Optional.empty();
    }
    Set<String> on = new TreeSet<>();
    for (String n : bashopts.split(":")) {
      if (SHOPT_NAMES.contains(n)) {
        on.add(n);
      } else if (n.startsWith("compat")) {
        on.add("compat");
      }
    }
    if (!posix.isEmpty()) {
      on.add("posix");
    }
    if (flags.indexOf('f') >= 0) {
      on.add("noglob");
    }
    if (flags.indexOf('B') < 0) {
      on.add("nobraceexpand");
    }
    if (!globignore.isEmpty()) {
      on.add("globignore");
    }
    return Optional.of(new ShellState(on));
  }

  public boolean has(String option) {
    return on.contains(option);
  }

  /** Whether patterns may match hidden names ({@code dotglob}, or {@code GLOBIGNORE} set). */
  public boolean hiddenNamesMatch() {
    return has("dotglob") || has("globignore");
  }

  @Override
  public String toString() {
    return on.isEmpty() ? "(defaults)" : String.join(",", new TreeSet<>(on));
  }
}
