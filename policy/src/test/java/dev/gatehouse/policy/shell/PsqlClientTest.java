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
      psql -c "select * from t where id = $1" => interpreter-inline
      psql -c "update t set a = 1 where id = $(cat f)" => interpreter-inline
      psql -c "select * from t where name = '$1'" => interpreter-inline
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
      psql -c "create extension file_fdw" => interpreter-inline
      psql -c "create foreign table t (a text) server s options (program 'id')" => interpreter-inline
      psql -c "alter foreign table t options (add program 'id')" => interpreter-inline
      psql -c "alter table t options (add program 'id')" => interpreter-inline
      psql -c 'create foreign table t (a text) server s options (U&"progr\\0061m" ''id'')' => interpreter-inline
      psql -c "alter system set ssl_passphrase_command = 'id'" => interpreter-inline
      psql -c 'select 1' -c "ALTER SYSTEM SET ssl_passphrase_command TO 'id'" => interpreter-inline
      psql -c 'select pg_reload_conf()' => interpreter-inline
      psql -c "select * from xpath_table('a','b','x; co'||'py (select 1) to program ''id''; --','/x','true') as t(a int, b text)" => interpreter-inline
      psql -c "select * from public . \\\"xpath_table\\\" ('a','b','x','/x','true') as t(a int, b text)" => interpreter-inline
      psql -c "select query_to_xml('select 1', true, true, '')" => interpreter-inline
      psql -c "select * from crosstab('select 1')" => interpreter-inline
      psql -c "select * from connectby('t; select 1', 'a', 'b', '1', 0)" => interpreter-inline
      psql -c "select ts_stat('select v from t')" => interpreter-inline
      psql -c "select lo_export(1, '/var/lib/postgresql/x')" => interpreter-inline
      psql -c "select cron.schedule('* * * * *', 'select 1')" => interpreter-inline
      psql -c "select 1; copy (select 1) to program 'id'" => interpreter-inline
      psql -c "select 1; /* x */ do 'begin null; end'" => interpreter-inline
      psql -c "select 'a" => interpreter-inline
      psql -c "select 1 /* x" => interpreter-inline
      psql -c "select \\$x\\$ ; \\$y\\$" => interpreter-inline
      psql -c "\\\"select\\\" 1" => interpreter-inline
      psql -c "call p()" => interpreter-inline
      psql -c "prepare p as select 1; execute p" => interpreter-inline
      psql -c "load 'x'" => interpreter-inline
      psql -c "create server s foreign data wrapper file_fdw" => interpreter-inline
      psql -c "select 'a\\'; copy (select 1) to program 'id'; --'" => interpreter-inline
      psql -c "select 1 $x" => interpreter-inline
      psql -c "select * from $t" => interpreter-inline
      psql -c "$q; select 1" => interpreter-inline
      psql -c "update pg_proc set prosrc = 'x' where false" => interpreter-inline
      psql -c "UPDATE ONLY PG_CATALOG.PG_PROC AS p SET prosrc = 'x' WHERE false" => interpreter-inline
      psql -c 'update "pg_catalog"."pg_proc" set prosrc = 1' => interpreter-inline
      psql -c "with x as (update pg_proc set prosrc = 'x' returning 1) select 1" => interpreter-inline
      psql -c "insert into pg_catalog . pg_proc select * from pg_proc" => interpreter-inline
      psql -c "merge into only pg_proc p using t on false when not matched then do nothing" => interpreter-inline
      psql -c "explain analyze delete from pg_description" => interpreter-inline
      psql -c 'truncate t, only pg_description' => interpreter-inline
      psql -c 'select 1 into information_schema.x' => interpreter-inline
      psql -c 'create table pg_catalog.x as select 1' => interpreter-inline
      psql -c 'alter table t set schema pg_catalog' => interpreter-inline
      psql -c 'drop table if exists t, pg_description' => interpreter-inline
      psql -c 'create index on pg_proc (proname)' => interpreter-inline
      psql -c "update pg_settings set setting = 'x' where name = 'y'" => interpreter-inline
      psql -c 'update $1 set a = 1' => interpreter-inline
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
      psql -c 'vacuum analyze t'
      psql -c 'create index on t (a)'
      psql -c 'create unique index concurrently t_a on t (lower(a))'
      psql -c 'begin; update t set n = n + 1; commit'
      psql -c "with x as (select 1 a) select a, 'x;y' from x -- done;"
      psql -c "explain analyze select * from t where a ~ '\\d+'"
      psql -c 'show server_version'
      psql -c "create table if not exists t (id int primary key, a text default 'do')"
      psql -c 'alter table t add column b int'
      psql -c 'drop table if exists t'
      psql -c 'refresh materialized view v'
      psql -c 'truncate t' -c 'table t'
      psql -c "select \\$\\$a;b\\$\\$, count(*) from t"
      psql -c "select pg_read_file('PG_VERSION')"
      psql -c "update orders set status='x' where id=1"
      psql -c 'select * from t for update'
      psql -c 'select * from t for no key update of t skip locked'
      psql -c 'select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace'
      psql -c 'insert into audit select now(), count(*) from pg_stat_activity'
      psql -c 'update t set n = 1 from pg_class c where c.oid = t.id'
      psql -c 'create table t (a int references u on update cascade on delete set null) on commit drop'
      psql -c 'alter table t alter column a set default pg_backend_pid()'
      psql -c 'vacuum pg_class'
      psql -c 'select t.update from t'
      psql -c 'select count(*) from users'
      psql -c '\\dt+'
      pg_dump app > app.sql
      """)
  void allowed(String text) {
    assertThat(ShellJudgeTest.DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(ShellJudgeTest.DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
