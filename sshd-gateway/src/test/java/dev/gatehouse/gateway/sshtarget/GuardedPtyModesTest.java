package dev.gatehouse.gateway.sshtarget;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.sshd.common.channel.PtyMode;
import org.junit.jupiter.api.Test;

/** The modes a guarded ssh target's host gets: nothing of the client's that edits printable bytes. */
class GuardedPtyModesTest {
  @Test
  void printableSpecialCharactersAndRewritingInputModesAreReplaced() {
    Map<PtyMode, Integer> m = GuardedPtyModes.of(Map.of(PtyMode.VERASE, (int) 'Q', PtyMode.VKILL, (int) '~',
        PtyMode.VEOL, (int) 'x', PtyMode.VWERASE, (int) '\n', PtyMode.VLNEXT, (int) '\r', PtyMode.ISTRIP, 1,
        PtyMode.IUCLC, 1, PtyMode.INLCR, 1, PtyMode.ICANON, 0, PtyMode.OLCUC, 1));
    assertThat(m).containsEntry(PtyMode.VERASE, 127).containsEntry(PtyMode.VKILL, 21).containsEntry(PtyMode.VEOL, 255)
        .containsEntry(PtyMode.VWERASE, 23).containsEntry(PtyMode.VLNEXT, 22).containsEntry(PtyMode.ISTRIP, 0)
        .containsEntry(PtyMode.IUCLC, 0).containsEntry(PtyMode.INLCR, 0).containsEntry(PtyMode.ICANON, 1)
        .containsEntry(PtyMode.OLCUC, 0).containsEntry(PtyMode.ICRNL, 1).containsEntry(PtyMode.ISIG, 1);
  }

  @Test
  void aClientsControlCharacterChoicesAndOtherModesAreKept() {
    Map<PtyMode, Integer> m = GuardedPtyModes.of(Map.of(PtyMode.VERASE, 8, PtyMode.VINTR, 3, PtyMode.VEOF, 255,
        PtyMode.ECHO, 0, PtyMode.IUTF8, 1, PtyMode.TTY_OP_ISPEED, 38400));
    assertThat(m).containsEntry(PtyMode.VERASE, 8).containsEntry(PtyMode.VINTR, 3).containsEntry(PtyMode.VEOF, 255)
        .containsEntry(PtyMode.ECHO, 0).containsEntry(PtyMode.IUTF8, 1).containsEntry(PtyMode.TTY_OP_ISPEED, 38400);
  }

  /** A typed line may hold a TAB (Ctrl-V TAB): as erase, kill or a signal key it would edit the judged line. */
  @Test
  void tabIsNeverASpecialCharacter() {
    Map<PtyMode, Integer> m = GuardedPtyModes.of(Map.of(PtyMode.VERASE, 9, PtyMode.VKILL, 9, PtyMode.VWERASE, 9,
        PtyMode.VQUIT, 9, PtyMode.VSUSP, 9, PtyMode.VINTR, 9));
    assertThat(m).containsEntry(PtyMode.VERASE, 127).containsEntry(PtyMode.VKILL, 21).containsEntry(PtyMode.VWERASE, 23)
        .containsEntry(PtyMode.VQUIT, 28).containsEntry(PtyMode.VSUSP, 26).containsEntry(PtyMode.VINTR, 3);
  }
}
