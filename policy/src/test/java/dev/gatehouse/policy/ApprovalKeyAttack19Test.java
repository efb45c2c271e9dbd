package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pairs of texts that PostgreSQL 15 reads differently although they differ only in white space
 * (or in a character a careless lexer takes for white space): an approval of the first must never
 * cover the second. These held: every pair gets two keys, under both readings of
 * standard_conforming_strings. {@code ␤} is a line feed, {@code ␍} a carriage return, {@code ␉} a
 * tab, {@code ␠} a no-break space, {@code ␋} a vertical tab.
 */
class ApprovalKeyAttack19Test {
  static String unescape(String s) {
    return s.replace("␤", "\n").replace("␍", "\r").replace("␉", "\t").replace("␠", "\u00a0").replace("␋", "\u000b");
  }

  @ParameterizedTest(name = "[{index}] {0}  vs  {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "DELETE FROM orders WHERE id = 7 - -1 OR id > 0 | DELETE FROM orders WHERE id = 7 --1 OR id > 0",
    "DELETE FROM orders WHERE id = 7 / * x * / OR true | DELETE FROM orders WHERE id = 7 /* x */ OR true",
    "DELETE FROM orders WHERE id = 7 -- c␍OR id > 0 | DELETE FROM orders WHERE id = 7 -- c OR id > 0",
    "DELETE FROM orders WHERE id = 7 /* a /* b */ OR id > 0 */ | DELETE FROM orders WHERE id = 7 /* a /* b */␤OR id > 0 */",
    "UPDATE orders SET note = 'a'␤'b' WHERE id = 5 | UPDATE orders SET note = 'a' 'b' WHERE id = 5",
    "UPDATE orders SET note = 'a' -- c␤'b' WHERE id = 5 | UPDATE orders SET note = 'a' -- c 'b' WHERE id = 5",
    "UPDATE orders SET note = 'a'␉␤␉'b' WHERE id = 5 | UPDATE orders SET note = 'a'␉␉'b' WHERE id = 5",
    "DELETE FROM orders WHERE id = 7 AND x$a$ = $a$ OR true $a$ | DELETE FROM orders WHERE id = 7 AND x $a$ = $a$ OR true $a$",
    "DELETE FROM orders WHERE note = U&'d!0061t' UESCAPE '!' | DELETE FROM orders WHERE note = U&'d!0061t'  UESCAPE  '!'",
    "DELETE FROM orders WHERE id␠= 7 OR true | DELETE FROM orders WHERE id = 7 OR true",
    "DELETE FROM orders WHERE id = 7␋OR id > 0 | DELETE FROM orders WHERE id = 7 OR id > 0",
    "DELETE FROM orders WHERE id <= 7 | DELETE FROM orders WHERE id < = 7",
    "DELETE FROM orders WHERE id = 1::int | DELETE FROM orders WHERE id = 1: :int",
    "DELETE FROM orders WHERE id = $1 | DELETE FROM orders WHERE id = $ 1",
    "DELETE FROM orders WHERE id = 1.e5 | DELETE FROM orders WHERE id = 1. e5",
    "DELETE FROM orders WHERE id = 7 OR note = E'\\' OR true -- ' | DELETE FROM orders WHERE id = 7 OR note = E '\\' OR true -- '",
    "DELETE FROM orders WHERE note = E'a\\'' OR id = 1 -- ' OR true | DELETE FROM orders WHERE note = E'a\\'' OR id = 1 --' OR true",
    "DELETE FROM orders WHERE id = 7; | DELETE FROM orders WHERE id = 7; DELETE FROM orders",
  })
  void whiteSpaceThatChangesTheReadingChangesTheKey(String approved, String run) {
    String a = unescape(approved);
    String b = unescape(run);
    for (StandardConformingStrings reading : StandardConformingStrings.values()) {
      assertThat(ApprovalKey.of(b, reading)).as("%s", reading).isNotEqualTo(ApprovalKey.of(a, reading));
    }
  }
}
