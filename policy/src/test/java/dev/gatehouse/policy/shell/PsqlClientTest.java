package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The class each psql form gets under docs/policy.md's default-shell, exec and typed alike (that
 * psql really runs the refused ones is shown against a real PostgreSQL by the gateway's
 * ShellPsqlIT).
 */
class PsqlClientTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      psql => nested-shell
      psql -d app -U app_rw => nested-shell
      psql -X app => nested-shell
      psql -c '\\! id' => interpreter-inline
      psql --comm='\\! id' => interpreter-inline
      psql -Xqc '\\! id' => interpreter-inline
      psql -c '\\echo `id`' => interpreter-inline
      psql -c '\\copy t to program ''id''' => interpreter-inline
      psql -c '\\e' => interpreter-inline
      psql -c '\\i x.sql' => interpreter-inline
      psql -c "copy t to program 'id'" => interpreter-inline
      psql -c "$q" => interpreter-inline
      psql "$opts" => interpreter-inline
      psql -o '|id' -c 'select 1' => interpreter-inline
      psql --out='|id' -c 'select 1' => interpreter-inline
      echo '\\! id' > f && psql -f f => interpreter-inline
      echo '\\! id' > f && psql --fil f => interpreter-inline
      echo '\\! id' > f && PSQLRC=f psql -c 'select 1' => interpreter-inline
      mkdir d && echo '\\! id' > d/psqlrc && PGSYSCONFDIR=d psql -c 'select 1' => interpreter-inline
      psql -f - < /dev/null => interpreter-inline
      echo 'select 1' | psql => interpreter-inline
      psql <<< 'select 1' => interpreter-inline
      """)
  void refused(String text, String rule) {
    for (ShellJudgement j : new ShellJudgement[] {ShellJudgeTest.DEFAULT.judge(text), ShellJudgeTest.DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as(text).isEqualTo("review");
      assertThat(j.verdict().rule()).as(text).isEqualTo(rule);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      psql -At -c 'select 40 + 2'
      psql -h db -U app -d app -c 'select count(*) from users'
      psql -c "select * from t where id = $1"
      psql -c '\\dt'
      psql -c '\\dt+ public.*'
      psql -c '\\l+'
      psql -c '\\x'
      psql -l
      psql --version
      psql -f migrate.sql
      psql -v ON_ERROR_STOP=1 -f migrate.sql
      psql < dump.sql
      pg_dump app > app.sql
      """)
  void allowed(String text) {
    assertThat(ShellJudgeTest.DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(ShellJudgeTest.DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
