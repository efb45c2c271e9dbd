package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A value read from a masked column may be written nowhere but back into its own place (the same
 * column of the same row, {@code SET ssn = ssn}): written into a masked column elsewhere — another
 * row, another column, the same column computed — it shows through that column's masked form,
 * which is a function of what the writer chose to store. Literals and parameters stay writable.
 */
class WrittenMaskedValuesTest {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  @ParameterizedTest
  @ValueSource(strings = {
      // INSERT … SELECT and VALUES, bare copies into other rows and computed values
      "INSERT INTO users (id, ssn) SELECT id + 1000, ssn FROM users",
      "INSERT INTO users (id, email) SELECT id + 1000, ssn FROM users",
      "INSERT INTO users (id, ssn) SELECT id + 1000, CASE WHEN ssn LIKE '4%' THEN NULL ELSE 'x' END FROM users",
      "INSERT INTO users (id, ssn) VALUES (5, (SELECT ssn FROM users WHERE id = 1))",
      "INSERT INTO users (id, ssn) VALUES (5, (SELECT nullif(substr(ssn, 1, 1), '4') FROM users WHERE id = 1))",
      "INSERT INTO users (id, ssn) SELECT 5, x FROM (SELECT right(ssn, 4) AS x FROM users WHERE id = 1) s",
      "INSERT INTO users (id, ssn) SELECT 5, coalesce(substr(email, 1, 1), '') FROM users WHERE id = 1",
      "INSERT INTO users (id, ssn) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET ssn = substr(users.ssn, 2)",
      "INSERT INTO users (id, ssn) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET ssn = users.email",
      // UPDATE: computed, swapped, from another row
      "UPDATE users SET email = lower(email) WHERE id = 1",
      "UPDATE users SET ssn = ssn || '' WHERE id = 1",
      "UPDATE users SET ssn = CASE WHEN ssn LIKE '4%' THEN NULL ELSE ssn END WHERE id = 1",
      "UPDATE users SET (ssn, email) = (email, ssn) WHERE id = 1",
      "UPDATE users SET (ssn) = (SELECT substr(ssn, 1, 4) FROM users u2 WHERE u2.id = 1) WHERE id = 2",
      "UPDATE users SET ssn = u2.ssn FROM users u2 WHERE u2.id = users.id + 1",
      "UPDATE users u SET ssn = (SELECT ssn FROM users WHERE id = 1) WHERE u.id = 2",
      // MERGE and data-modifying CTEs
      "MERGE INTO users u USING users s ON u.id = s.id + 1 WHEN MATCHED THEN UPDATE SET ssn = s.ssn",
      "MERGE INTO users u USING (SELECT id, ssn FROM users) s ON u.id = s.id + 1 WHEN NOT MATCHED THEN INSERT (id, ssn) VALUES (s.id, s.ssn)",
      "MERGE INTO users u USING (SELECT 1 AS id) s ON u.id = s.id WHEN MATCHED THEN UPDATE SET email = '*' || right(u.ssn, 4)",
      "WITH x AS (INSERT INTO users (id, ssn) SELECT id + 1, ssn FROM users RETURNING id) SELECT count(*) FROM x",
      "WITH s AS (SELECT id, substr(ssn, 1, 4) AS p FROM users) UPDATE users SET ssn = s.p FROM s WHERE s.id = users.id",
  })
  void aMaskedValueWrittenAnywhereButItsOwnPlaceIsRefused(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql)
        .hasValueSatisfying(r -> assertThat(r).contains("masked column"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "INSERT INTO users (id, email, ssn) VALUES (5, 'a@b.c', '123-45-6789')",
      "INSERT INTO users (id, email, ssn) VALUES ($1, $2, $3) RETURNING id, ssn",
      "UPDATE users SET ssn = $1 WHERE id = 7",
      "UPDATE users SET ssn = '000-00-0000' WHERE id = 7 RETURNING ssn",
      "UPDATE users SET ssn = NULL WHERE ssn = '123-45-6789'",
      "UPDATE users SET ssn = ssn WHERE id = 7",
      "UPDATE users u SET ssn = u.ssn, email = u.email WHERE u.id = 7 RETURNING ssn, email",
      "INSERT INTO users (id, ssn) VALUES (5, '1') ON CONFLICT (id) DO UPDATE SET ssn = excluded.ssn",
      "INSERT INTO users (id, ssn) VALUES (5, '1') ON CONFLICT (id) DO UPDATE SET ssn = users.ssn RETURNING ssn",
      "MERGE INTO users u USING (SELECT 1 AS id) s ON u.id = s.id WHEN MATCHED THEN UPDATE SET ssn = '1'"
          + " WHEN NOT MATCHED THEN INSERT (id, ssn) VALUES (s.id, '1')",
      "COPY users FROM STDIN",
  })
  void literalsParametersAndAColumnSetToItselfStayWritable(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isEmpty();
  }
}
