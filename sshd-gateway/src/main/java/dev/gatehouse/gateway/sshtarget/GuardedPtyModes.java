package dev.gatehouse.gateway.sshtarget;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.channel.PtyMode;

/**
 * The terminal modes the gateway asks an {@code ssh} target's host for when it guards the prompt.
 * The host's terminal edits every byte the gateway types into it before bash reads it, with the
 * modes of the pty request: passed through from the user's client, {@code stty erase Q} (or
 * {@code kill}, {@code eol}, {@code istrip}, {@code iuclc}) before {@code ssh -t} would make the
 * terminal hand bash another line than the one the guard judged ({@code echo a'Q; touch W #'}
 * becomes {@code echo a; touch W #'}), or mangle the integration itself. So a special character
 * is taken from the client only when it is a control character no line the gateway types holds:
 * not a line end, and not TAB, which a typed line may hold ({@code GuardedShell.unsendable} lets
 * it through: with {@code stty erase ^I} the host's terminal turned a judged {@code ls;#<TAB>touch
 * W} into {@code ls;touch W}); every input and local
 * mode that changes or rewrites typed bytes is set to what a fresh terminal has.
 */
final class GuardedPtyModes {
  /** The special characters, with a fresh Linux terminal's values. */
  private static final Map<PtyMode, Integer> SPECIAL = new EnumMap<>(Map.ofEntries(
      Map.entry(PtyMode.VINTR, 3), Map.entry(PtyMode.VQUIT, 28), Map.entry(PtyMode.VERASE, 127),
      Map.entry(PtyMode.VKILL, 21), Map.entry(PtyMode.VEOF, 4), Map.entry(PtyMode.VEOL, 255),
      Map.entry(PtyMode.VEOL2, 255), Map.entry(PtyMode.VSTART, 17), Map.entry(PtyMode.VSTOP, 19),
      Map.entry(PtyMode.VSUSP, 26), Map.entry(PtyMode.VDSUSP, 255), Map.entry(PtyMode.VREPRINT, 18),
      Map.entry(PtyMode.VWERASE, 23), Map.entry(PtyMode.VLNEXT, 22), Map.entry(PtyMode.VFLUSH, 255),
      Map.entry(PtyMode.VSWTCH, 255), Map.entry(PtyMode.VSTATUS, 255), Map.entry(PtyMode.VDISCARD, 15)));
  /** Modes fixed whatever the client asked: off, except those listed in {@link #ON}. */
  private static final Set<PtyMode> FIXED = Set.of(PtyMode.ISTRIP, PtyMode.INLCR, PtyMode.IGNCR, PtyMode.ICRNL,
      PtyMode.IUCLC, PtyMode.PARMRK, PtyMode.ISIG, PtyMode.ICANON, PtyMode.XCASE, PtyMode.PENDIN, PtyMode.OLCUC,
      PtyMode.OPOST, PtyMode.ONLCR, PtyMode.OCRNL, PtyMode.ONOCR, PtyMode.ONLRET);
  private static final Set<PtyMode> ON = Set.of(PtyMode.ICRNL, PtyMode.ISIG, PtyMode.ICANON, PtyMode.OPOST,
      PtyMode.ONLCR);

  private GuardedPtyModes() {}

  /** The modes to request for a guarded prompt, given the client's. */
  static Map<PtyMode, Integer> of(Map<PtyMode, Integer> client) {
    Map<PtyMode, Integer> m = new EnumMap<>(PtyMode.class);
    m.putAll(client);
    for (Map.Entry<PtyMode, Integer> s : SPECIAL.entrySet()) {
      Integer v = client.get(s.getKey());
      boolean control = v != null && (v == 255 || v == 127 || v >= 1 && v < 0x20 && v != '\n' && v != '\r' && v != '\t');
      m.put(s.getKey(), control ? v : s.getValue());
    }
    for (PtyMode f : FIXED) {
      m.put(f, ON.contains(f) ? 1 : 0);
    }
    return m;
  }
}
