package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Attacks on the screen-mode line rebuild that got a command judged as something else. The bytes
 * fed are what dash's terminal shows: the remote's own output, then the tty's echo of ordinary
 * typed keys. Where the screen cannot show the whole line the model says so ({@code notWhole}),
 * and the screen mode refuses the line; where the terminal's behaviour is modelled, the model
 * matches it.
 */
class ScreenModelAttack17sTest {
  private static final String DANGER = "ssh -o x evil.example";

  /**
   * A line longer than the window scrolls its start off the top: the rows that wrapped into the
   * cursor's row are gone from the model, and only the tail (harmless padding) is judged. A small
   * window (or a two-row scroll region set by the remote) makes this take a short line.
   */
  @Test
  void aLineLongerThanTheScreenIsJudgedWithItsScrolledOffStart() {
    ScreenModel m = new ScreenModel(20, 3);
    m.feed("$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed(DANGER + "; echo " + "a".repeat(60));
    assertThat(m.rebuild(p)).as("only the tail is on the screen").doesNotContain("ssh");
    assertThat(m.notWhole()).as("the line is refused").isEqualTo("the line's start is off the screen");
  }

  /** The same through a scroll region of two rows printed by the remote: the window's size does not matter. */
  @Test
  void aTwoRowScrollRegionDropsTheStartOfTheTypedLine() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("\u001b[1;2r\u001b[2;1H$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed(DANGER + "; echo " + "a".repeat(200));
    assertThat(m.rebuild(p)).as("only the tail is on the screen").doesNotContain("ssh");
    assertThat(m.notWhole()).as("the line is refused").isEqualTo("the line's start is off the screen");
  }

  /**
   * After {@code printf '\e[?7l'} (no autowrap) a long line's echo overwrites the last column: the
   * row shows the start and one character, the shell holds everything typed in between.
   */
  @Test
  void noAutowrapLetsTheMiddleOfALongLineGoUnseen() {
    ScreenModel m = new ScreenModel(40, 24);
    m.feed("\u001b[?7l$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("echo " + " ".repeat(40) + "; " + DANGER + " #x");
    assertThat(m.rebuild(p)).as("the middle is overwritten").doesNotContain("ssh");
    assertThat(m.notWhole()).as("the line is refused").isEqualTo("characters were written over the right margin");
  }

  /**
   * An OSC (or DCS) string the remote leaves open swallows the echo: the row stays empty and an
   * empty row is let through as a password. The model knows it is inside a string, yet says
   * nothing was typed.
   */
  @Test
  void anUnterminatedOscHidesTheTypedLine() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("$ \u001b]2;");
    ScreenModel.Prompt p = m.capture();
    m.feed(DANGER);
    assertThat(m.rebuild(p)).as("the row shows nothing typed").isEmpty();
    assertThat(m.notWhole()).as("the line is refused, not let through as an empty one")
        .isEqualTo("inside an unfinished control string");
  }

  /**
   * Origin mode ({@code ESC[?6h}) makes cursor addresses relative to the scroll region in a real
   * terminal; the model ignores it, so a prompt drawn at an address lands on another row than on
   * the user's screen, and the row judged is not the row the user typed on.
   */
  @Test
  void originModeIsModelledSoTheCursorRowIsTheUsersRow() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("\u001b[11;20r\u001b[?6h\u001b[1;1H");
    m.feed("harmless-text");
    // xterm: row 11 (the region's first row); the model writes row 1.
    String[] rows = m.text().split("\n", -1);
    assertThat(rows[10]).as("origin mode puts row 1 at the scroll region's top").startsWith("harmless-text");
  }

  /**
   * REP ({@code CSI n b}) repeats the last character printed in xterm; the model drops it, so the
   * model's cursor is left of the user's and later text lands on different cells.
   */
  @Test
  void repeatIsModelledLikeTheUsersTerminal() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("$\u001b[5b ");
    assertThat(m.column()).as("'$' and five repeats and a blank").isEqualTo(7);
  }
}
