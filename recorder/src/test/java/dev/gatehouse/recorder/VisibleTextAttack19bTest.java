package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Second attack pass on what an approver is shown: characters that act on a terminal or hide
 * text, each inside a statement. These held: each is shown as its escape, never as itself.
 */
class VisibleTextAttack19bTest {
  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {
    0x009B, // C1 CSI, as UTF-8: xterm in 8-bit mode starts a control sequence
    0x0085, // NEL
    0x202E, // right-to-left override
    0x2067, // right-to-left isolate
    0x200D, // zero-width joiner
    0x115F, 0x3164, 0xFFA0, // Hangul fillers
    0xE0041, 0xE007F, // tag characters
    0xFE0F, 0xE0100, // variation selectors
    0x2028, // line separator
    0x00A0, 0x3000, // spaces PostgreSQL reads as letters
  })
  void aHidingCharacterIsShownAsAnEscape(int cp) {
    String statement = "DELETE FROM orders WHERE id = 7" + new String(Character.toChars(cp)) + " OR id > 0";
    String shown = VisibleText.lines(statement);
    assertThat(shown).doesNotContain(new String(Character.toChars(cp)))
        .contains(String.format("\\u{%04x}", cp)).endsWith(" OR id > 0");
    assertThat(VisibleText.inline(statement)).doesNotContain(new String(Character.toChars(cp)));
  }
}
