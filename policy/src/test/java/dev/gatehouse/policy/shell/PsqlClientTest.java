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
      psql -c "DO \\$\\$BEGIN EXECUTE 'CO'||'PY (select 1) TO PROGRAM ''id'''; END\\$\\$" => interpreter-inline
      psql -c "do 'begin execute ''select 1''; end'" => interpreter-inline
      psql -c "select E'PROGR\\x41M'" => interpreter-inline
      psql -c "select U&'PROGR\\0041M'" => interpreter-inline
      psql -c "create or replace function f() returns void language plpgsql as 'begin null; end'" => interpreter-inline
      psql -c "create procedure p() begin atomic select 1; end" => interpreter-inline
      psql -c "select dblink_exec('dbname=app', 'CO'||'PY (select 1) TO PROGRAM ''id''')" => interpreter-inline
      echo '\\! id' > f && psql < f => interpreter-inline
      echo '\\! id' > f && psql -X -1 0<f => interpreter-inline
      echo '\\! id' | tee q.sql && psql -d app -U app_rw -v ON_ERROR_STOP=1 < q.sql => interpreter-inline
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
      psql -X -1 -v ON_ERROR_STOP=1 -d app < dump.sql
      psql -c "insert into t values (1) on conflict do nothing"
      psql -c "insert into t values (1) on conflict (id) do update set n = 2"
      psql -c "update t set done = true where id = 3"
      psql -c 'delete from t where id = 3'
      psql -c 'select language, count(*) from books group by 1'
      pg_dump app > app.sql
      """)
  void allowed(String text) {
    assertThat(ShellJudgeTest.DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(ShellJudgeTest.DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
