package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The line rebuild of the screen mode: the bytes are what a shell's terminal shows (the tty's echo
 * for dash, readline's redraws for bash), the result what the user sees on the cursor's line
 * after the prompt.
 */
class ScreenModelTest {
  /** A screen of the given size showing {@code prompt}, the prompt captured as the first key would capture it. */
  private static ScreenModel atPrompt(int columns, int rows, String before, String prompt) {
    ScreenModel m = new ScreenModel(columns, rows);
    m.feed(before + prompt);
    return m;
  }

  private static String typed(ScreenModel m, String echo) {
    ScreenModel.Prompt p = m.capture();
    m.feed(echo);
    return m.rebuild(p);
  }

  @Test
  void thePromptCapturedAtTheFirstKeyIsLeftOut() {
    ScreenModel m = atPrompt(80, 24, "Linux web-1 6.1\r\nlast login: today\r\n", "deploy@web-1:~$ ");
    assertThat(typed(m, "echo ok")).isEqualTo("echo ok");
  }

  @Test
  void aPromptRowAfterEarlierOutputAndTitleStringsIsCapturedWithoutThem() {
    ScreenModel m = atPrompt(80, 24, "\u001b]0;deploy@web-1: ~\u0007\u001b[01;32m", "$ \u001b[0m");
    ScreenModel.Prompt p = m.capture();
    assertThat(p.text()).isEqualTo("$ ");
    m.feed("uptime");
    assertThat(m.rebuild(p)).isEqualTo("uptime");
  }

  @Test
  void backspaceEditsAsTheTerminalEchoesThem() {
    ScreenModel m = atPrompt(80, 24, "", "$ ");
    // The tty's echo of erase: back, blank, back.
    assertThat(typed(m, "rm -rf /tmp" + "\b \b".repeat(4) + "x")).isEqualTo("rm -rf x");
  }

  @Test
  void aCharacterInsertedAfterCursorLeftIsReadInPlace() {
    // readline: two cursor-lefts, then insert-character and the key.
    ScreenModel m = atPrompt(80, 24, "", "$ ");
    assertThat(typed(m, "ech\b\b\u001b[1@X")).isEqualTo("eXch");
    // A line editor that reprints the rest of the line and moves back over it.
    ScreenModel n = atPrompt(80, 24, "", "$ ");
    assertThat(typed(n, "rm /\b\u001b[C\b\b-r /\b\b\b")).isEqualTo("rm-r /");
    // Insert mode (IRM) around the key.
    ScreenModel o = atPrompt(80, 24, "", "$ ");
    assertThat(typed(o, "ls /\b\u001b[4h-l \u001b[4l")).isEqualTo("ls -l /");
  }

  @Test
  void aWrappedLineIsReadWholeFromAllItsRows() {
    ScreenModel m = atPrompt(10, 5, "", "$ ");
    assertThat(typed(m, "echo 0123456789abcdef")).isEqualTo("echo 0123456789abcdef");
    // readline at the last column forces the wrap with a blank and CR, then goes on.
    ScreenModel n = atPrompt(10, 5, "", "$ ");
    assertThat(typed(n, "echo 012 \r345")).isEqualTo("echo 012345");
    // Enter pressed with the cursor moved back up into the first row of the wrapped line.
    ScreenModel o = atPrompt(10, 5, "", "$ ");
    assertThat(typed(o, "echo 0123456789\u001b[A\r")).isEqualTo("echo 0123456789");
  }

  @Test
  void aWrappedLineAtTheBottomScrollsAndStaysWhole() {
    ScreenModel m = atPrompt(10, 3, "one\r\ntwo\r\n", "$ ");
    assertThat(typed(m, "rm -rf /srv/data")).isEqualTo("rm -rf /srv/data");
  }

  @Test
  void ctrlUErasesTheLineInEachWayTerminalsShowIt() {
    // The tty with echoke: every character erased on screen.
    ScreenModel m = atPrompt(80, 24, "", "$ ");
    assertThat(typed(m, "rm -rf /" + "\b \b".repeat(8) + "ls")).isEqualTo("ls");
    // The tty without echoke: the kill character echoed, a new row.
    ScreenModel n = atPrompt(80, 24, "", "$ ");
    assertThat(typed(n, "rm -rf /^U\r\nls")).isEqualTo("ls");
    // A line editor: back to the row's start, the prompt again, erase to its end.
    ScreenModel o = atPrompt(80, 24, "", "$ ");
    assertThat(typed(o, "rm -rf /\r$ \u001b[Kls")).isEqualTo("ls");
  }

  @Test
  void attributesLeaveAPendingWrapPending() {
    ScreenModel m = atPrompt(10, 5, "", "$ ");
    assertThat(typed(m, "echo 012\u001b[0m3ab")).isEqualTo("echo 0123ab");
  }

  @Test
  void wideAndCombiningCharactersKeepTheirText() {
    ScreenModel m = atPrompt(80, 24, "", "$ ");
    assertThat(typed(m, "echo 日本 e\u0301")).isEqualTo("echo 日本 e\u0301");
  }

  @Test
  void malformedUtf8ShowsAsReplacementCharacters() {
    ScreenModel m = atPrompt(80, 24, "", "$ ");
    ScreenModel.Prompt p = m.capture();
    byte[] bad = {'a', (byte) 0xf7, (byte) 0xbf, (byte) 0xbf, (byte) 0xbf, (byte) 0xed, (byte) 0xa0, (byte) 0x80, (byte) 0xc3,
        'b', (byte) 0xff};
    m.feed(bad, 0, bad.length);
    assertThat(m.rebuild(p)).isEqualTo("a\ufffd\ufffd\ufffdb\ufffd");
  }

  @Test
  void aPromptRedrawnDifferentlyLeavesTheWholeLineToBeJudged() {
    ScreenModel m = atPrompt(80, 24, "", "old$ ");
    assertThat(typed(m, "\r\u001b[Knew$ ls")).isEqualTo("new$ ls");
  }

  @Test
  void nothingNewOnTheRowIsAnEmptyLine() {
    ScreenModel m = atPrompt(80, 24, "", "Password: ");
    assertThat(typed(m, "")).isEmpty();
  }

  @Test
  void theAlternateScreenIsTrackedAndTheMainScreenComesBack() {
    ScreenModel m = atPrompt(80, 24, "", "$ ");
    m.feed("vim\r\n");
    assertThat(m.alternate()).isFalse();
    m.feed("\u001b[?1049h\u001b[H\u001b[2J~\r\n~ rm -rf /");
    assertThat(m.alternate()).isTrue();
    m.feed("\u001b[?1049l");
    assertThat(m.alternate()).isFalse();
    assertThat(m.text()).startsWith("$ vim\n\n").doesNotContain("rm -rf");
    for (String mode : new String[] {"47", "1047"}) {
      m.feed("\u001b[?" + mode + "h");
      assertThat(m.alternate()).as(mode).isTrue();
      m.feed("\u001b[?" + mode + "l");
      assertThat(m.alternate()).as(mode).isFalse();
    }
  }

  @Test
  void aResizeKeepsTheCursorsLine() {
    ScreenModel m = atPrompt(20, 10, "a\r\nb\r\nc\r\nd\r\ne\r\nf\r\n", "$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("echo hi");
    m.resize(40, 4);
    assertThat(m.rebuild(p)).isEqualTo("echo hi");
  }

  @Test
  void aLineThatFitsIsWholeAndOneScrolledPastTheTopIsNot() {
    ScreenModel m = atPrompt(10, 3, "one\r\ntwo\r\n", "$ ");
    assertThat(typed(m, "rm -rf /srv/data")).isEqualTo("rm -rf /srv/data");
    assertThat(m.notWhole()).as("earlier output scrolled off, the line did not").isNull();
    m.feed("\r\n$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("echo 0123456789abcdefghijklmnopqrstu");
    assertThat(m.rebuild(p)).doesNotStartWith("echo");
    assertThat(m.notWhole()).isEqualTo("the line's start is off the screen");
    m.feed("\r\n$ ");
    assertThat(typed(m, "ls")).isEqualTo("ls");
    assertThat(m.notWhole()).as("the next line, on the screen whole").isNull();
  }

  @Test
  void aResizeThatDropsALinesStartFromTheTopMakesItNotWhole() {
    ScreenModel m = atPrompt(10, 10, "", "$ ");
    ScreenModel.Prompt p = m.capture();
    m.feed("echo 0123456789abcdefghij");
    assertThat(m.notWhole()).isNull();
    m.resize(10, 2);
    assertThat(m.notWhole()).isEqualTo("the line's start is off the screen");
  }

  @Test
  void noAutowrapIsWholeUntilTheMarginIsWrittenOver() {
    ScreenModel m = atPrompt(20, 5, "\u001b[?7l", "$ ");
    assertThat(typed(m, "echo 0123456789abc")).isEqualTo("echo 0123456789abc");
    assertThat(m.notWhole()).as("the last column written once: all shown").isNull();
    m.feed("d");
    assertThat(m.notWhole()).isEqualTo("characters were written over the right margin");
  }

  @Test
  void anOpenEscapeOrStringAtEnterIsNotWholeAndAClosedOneIs() {
    ScreenModel m = atPrompt(80, 24, "\u001bP1$r", "");
    assertThat(m.notWhole()).isEqualTo("inside an unfinished control string");
    assertThat(m.closeOpen()).isEqualTo("\u001b\\");
    m.feed(m.closeOpen() + "$ ");
    assertThat(typed(m, "id")).isEqualTo("id");
    assertThat(m.notWhole()).isNull();
    assertThat(m.closeOpen()).isEmpty();
    m.feed("\u001b[12");
    assertThat(m.notWhole()).isEqualTo("inside an unfinished control string");
    m.feed(m.closeOpen() + "ok");
    assertThat(m.notWhole()).as("CAN ended the sequence").isNull();
    assertThat(m.text()).startsWith("$ idok\n");
  }

  @Test
  void originModeIsModelledAndItsLinesAreNotWhole() {
    ScreenModel m = atPrompt(80, 24, "\u001b[5;10r\u001b[?6h\u001b[2;3H", "$ ");
    assertThat(m.text().split("\n", -1)[5]).isEqualTo("  $");
    typed(m, "id");
    assertThat(m.notWhole()).isEqualTo("origin mode is on");
    m.feed("\u001b[?6l\u001b[r\r\n$ ");
    typed(m, "id");
    assertThat(m.notWhole()).as("origin mode off before the line began").isNull();
  }

  @Test
  void tabStopsBackTabAndRepeatMoveTheCursorAsXtermDoes() {
    ScreenModel m = new ScreenModel(80, 24);
    m.feed("\t");
    assertThat(m.column()).isEqualTo(8);
    m.feed("\u001b[3g\u001b[5G\u001bH\r\t");
    assertThat(m.column()).as("the only stop, set at column 5").isEqualTo(4);
    m.feed("\t");
    assertThat(m.column()).as("no stop further: the last column").isEqualTo(79);
    m.feed("\u001b[Z");
    assertThat(m.column()).isEqualTo(4);
    m.feed("\rab\u001b[3bc");
    assertThat(m.text()).startsWith("abbbbc\n");
    m.feed("\r\n\u001b[3b");
    assertThat(m.column()).as("no character to repeat after a control").isZero();
  }

  @Test
  void clearingTheScreenReusesItsRows() {
    ScreenModel m = atPrompt(4, 2, "ab\r\ncd", "");
    m.feed("\u001b[2J");
    assertThat(m.text()).isEqualTo("\n\n");
    m.feed("\u001b[Hxy");
    assertThat(m.text()).isEqualTo("xy\n\n");
  }
}
