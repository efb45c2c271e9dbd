package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Second attack pass on the approval key: texts PostgreSQL 15 runs differently (or that name
 * another object or value) must never share a key with the approved one. These held: every pair
 * gets two keys under every reading of standard_conforming_strings. {@code ␤} is a line feed,
 * {@code ␌} a form feed, {@code ‹ZWJ›} U+200D, {@code ‹RLO›} U+202E, {@code ‹HF›} U+3164.
 */
class ApprovalKeyAttack19bTest {
  static String unescape(String s) {
    return s.replace("␤", "\n").replace("␌", "\f").replace("‹ZWJ›", "\u200d").replace("‹RLO›", "\u202e")
        .replace("‹HF›", "\u3164");
  }

  @ParameterizedTest(name = "[{index}] {0}  vs  {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    // the same statement twice in one simple query is another text
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders WHERE id = 7; DELETE FROM orders WHERE id = 7",
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders WHERE id = 7;;DELETE FROM orders WHERE id = 7",
    // another spelling of a name or a number
    "DELETE FROM orders WHERE id = 7 | DELETE FROM \"orders\" WHERE id = 7",
    "DELETE FROM orders WHERE id = 7 | DELETE FROM U&\"orders\" WHERE id = 7",
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders WHERE id = 7.0",
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders WHERE id = 07",
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders WHERE id = 0x7",
    // dollar quotes: a tag that ends elsewhere
    "UPDATE orders SET note = $a$x$b$ WHERE true $b$y$a$ WHERE id = 7 | UPDATE orders SET note = $b$x$a$ WHERE true $a$y$b$ WHERE id = 7",
    // nested comments: one more closer ends the outer one earlier
    "DELETE FROM orders WHERE id = 7 /* /* */ OR true */ | DELETE FROM orders WHERE id = 7 /* /* */ */ OR true",
    // invisible characters are letters to PostgreSQL: another name, not white space
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders‹ZWJ› WHERE id = 7",
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders WHERE id‹HF› = 7",
    "DELETE FROM orders WHERE id = 7 -- ‹RLO›0 < di | DELETE FROM orders WHERE id = 7 -- 0 < di",
    // psql variables reach the proxy expanded; the colon form is a different text
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders WHERE id = :id",
  })
  void aTextThatRunsDifferentlyHasAnotherKey(String approved, String run) {
    String a = unescape(approved);
    String b = unescape(run);
    for (StandardConformingStrings reading : StandardConformingStrings.values()) {
      assertThat(ApprovalKey.of(b, reading)).as("%s", reading).isNotEqualTo(ApprovalKey.of(a, reading));
    }
  }

  @ParameterizedTest(name = "[{index}] {0}  vs  {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    // white space PostgreSQL 15 reads as white space (a form feed included) between tokens
    "DELETE FROM orders WHERE id = 7 | DELETE␌FROM orders␤WHERE id = 7",
    "DELETE FROM orders WHERE id = 7 | DELETE FROM orders WHERE id = 7 ;",
  })
  void whiteSpaceBetweenTokensKeepsTheKey(String approved, String run) {
    assertThat(ApprovalKey.of(unescape(run), StandardConformingStrings.ON))
        .isEqualTo(ApprovalKey.of(unescape(approved), StandardConformingStrings.ON));
  }
}
