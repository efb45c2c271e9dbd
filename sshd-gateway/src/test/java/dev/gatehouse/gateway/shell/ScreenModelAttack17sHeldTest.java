package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Attacks on the screen model that it withstood (passing). */
class ScreenModelAttack17sHeldTest {
  @Test
  void csiWithHugeNumbersStaysOnTheScreenAndKeepsTheLine() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("\u001b[99999999999999999999;99999999999999999999H\u001b[999999@\u001b[999999P\u001b[999999L"
        + "\u001b[999999M\u001b[999999S\u001b[999999T\u001b[999999X\u001b[999999A\u001b[999999C");
    m.feed("\u001b[1;1H$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("ssh evil");
    assertThat(m.rebuild(p)).isEqualTo("ssh evil");
  }

  @Test
  void aParameterFloodIsDroppedAndTextAfterItIsSeen() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("\u001b[" + "1;".repeat(100_000) + "H$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("ssh evil");
    assertThat(m.rebuild(p)).endsWith("ssh evil");
  }

  @Test
  void fullResetMidLineLeavesTheTypedTextJudgedWhole() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("\u001bc");
    m.feed("ssh evil");
    assertThat(m.rebuild(p)).isEqualTo("ssh evil");
  }

  @Test
  void wideCharactersAtTheEdgeWrapAndTheWholeLineIsRead() {
    ScreenModel m = new ScreenModel(11, 24);
    m.feed("$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("echo 中中中中; ssh evil");
    assertThat(m.rebuild(p)).isEqualTo("echo 中中中中; ssh evil");
  }

  @Test
  void decLineDrawingStillShowsTheBytesTheShellReads() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("\u001b(0$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("ssh evil");
    assertThat(m.rebuild(p)).isEqualTo("ssh evil");
  }

  @Test
  void aCursorPositionRequestDoesNotMoveTheCursor() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("$ \u001b[6n");
    ScreenModel.Prompt p = m.capture();
    m.feed("ssh evil");
    assertThat(m.rebuild(p)).isEqualTo("ssh evil");
  }
}
