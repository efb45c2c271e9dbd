package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskedDerivationsTest {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email")), Map.of());

  @Test
  void aDerivationHiddenInAStringUnderOneReadingIsRefusedWhenTheSessionReadsTheOther() {
    // on: two strings (the server refuses them); off: x' and then upper(email) from users
    String sql = "SELECT 'x\\'' , upper(email) AS e FROM users --'";
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).isEmpty();
    assertThat(derivations.violation(sql, StandardConformingStrings.OFF)).get().asString()
        .contains("standard_conforming_strings off");
    assertThat(derivations.violation(sql, StandardConformingStrings.UNKNOWN)).isPresent();
    assertThat(derivations.violation("SELECT 'x\\'' AS a", StandardConformingStrings.OFF)).isEmpty();
  }
}
