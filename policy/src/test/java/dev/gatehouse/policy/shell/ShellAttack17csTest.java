package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cs on 768b00a9: frameworks' consoles and database and data clients, the prompts
 * (nested-shell) and inline code (interpreter-inline) the guard did not read. Judge: {@link
 * ShellJudgeTest#DEFAULT}; each text as an exec request and as a typed line. Every finding below
 * was allowed both ways before the fix. Findings marked proven were run under bash 5.2 in a
 * throwaway bubblewrap sandbox ({@code /} read-only, a private {@code /tmp}, no network): {@link
 * #provenInSandbox} runs them again. The reading is {@link Consoles}, asked by {@code
 * ShellClass.nestedShell} (a prompt whose input may be the terminal) and {@code
 * ShellClass.interpreterInline} (code in the words, or fed to the prompt: a language's console by
 * a pipe, a here-document or a file; a database client by a pipe or a here-document, a file on disk
 * fed to it being data, as for {@code mysql db < dump.sql}).
 *
 * <p><b>R1, frameworks' consoles</b> (flask proven: {@code flask shell <<< 'import os;
 * os.system("touch ran")'} ran it, also {@code python3 -m flask shell}; the rest not proven, not
 * installed here: their manuals): {@code rails console}/{@code c} (IRB with the application),
 * {@code rails dbconsole}/{@code db} (the database's own client: psql's {@code \!}, mysql's {@code
 * system}, sqlite3's {@code .shell}), also hanami's and padrino's, under {@code bin/}, {@code
 * bundle exec}, {@code spring}, {@code ruby bin/rails} and {@code ruby -S rails}, Thor's unique prefixes ({@code rails cons}) and the verb after an option's
 * possible value ({@code rails -e production console}); {@code rake
 * console}; Django's {@code manage.py}/{@code django-admin}/{@code python -m django} {@code shell},
 * {@code shell_plus}, {@code debugsqlshell}, {@code dbshell}, under any python with its options
 * first ({@code python3 -W ignore manage.py shell}); {@code flask shell}; Laravel's {@code php
 * artisan tinker} (Symfony Console takes a command by an unambiguous prefix: {@code tink}) and
 * {@code artisan db} (the database's client), Sail's {@code tinker}, {@code shell}, clients; drush's
 * {@code php}/{@code core:cli} and {@code sql:cli}; {@code wp shell}, {@code wp db cli}; AdonisJS's
 * {@code node ace repl}; CakePHP's {@code bin/cake console}; {@code strapi console}; {@code sails
 * console}; {@code sbt} without commands (its shell's {@code eval} and {@code console}) or with a
 * {@code console} command; {@code lein repl}, {@code lein run -m clojure.main}. At main the guard
 * read none of these names (python's script {@code manage.py} was a script on disk, allowed). Fix:
 * {@code Consoles} reads each tool's verb (as {@code ShellClass.verbCandidates} does where options
 * may take values; Django's is its first word), the framework scripts under an interpreter, and
 * python's {@code -m django}/{@code -m flask} by {@code PythonRun.resolvedModule}.
 *
 * <p><b>R2, their inline code</b> (not proven: their manuals): {@code rails runner CODE}/{@code r}
 * (a {@code *.rb} path runs as a script, fine; {@code -} reads the input), {@code rake -e}/{@code
 * -p}/{@code -E} and {@code --execute…} (also in a bundle, {@code -qe}), {@code manage.py shell
 * -c}/{@code --command} (argparse's prefixes: {@code --comm}), {@code dbshell -- ARGS} (the
 * client's own arguments, {@code psql -c '\! id'}), a console fed by a pipe, a here-string or a
 * file, {@code tinker --execute}, {@code mix run -e}/{@code --eval}, {@code sbt 'eval …'}/{@code
 * set}, {@code clojure.main -e}, {@code drush php:eval}/{@code ev}, {@code wp eval}, {@code wp
 * eval-file -}, WP-CLI's global {@code --exec=CODE} (PHP run before any command), {@code wp db
 * query '\! id'}, {@code sail php -r}. Fix: {@code Consoles}, as R1.
 *
 * <p><b>R3, MongoDB's shells</b> (not proven: not installed; the legacy shell's {@code
 * run()}/{@code runProgram()} start a program, mongosh's {@code require('child_process')} is
 * Node's): {@code mongo}, {@code mongosh} (any connection string, {@code --nodb}, {@code --shell
 * script.js}) are prompts, {@code --eval} (also {@code --eval=}) is inline; a script file without
 * {@code --shell} runs and exits, fine.
 *
 * <p><b>R4, database and data clients with a host escape</b> (litecli proven: {@code litecli -e
 * 'system touch ran' d.db} and {@code printf 'system touch ran\n' | litecli d.db} ran it; pgcli not
 * proven, no server to log in to, but Debian's installed {@code pgspecial/dbcommands.py} registers
 * {@code \!} "Pass commands to shell"; the rest not proven, by their manuals): {@code litecli}
 * ({@code system CMD}), {@code pgcli} ({@code \!}), {@code usql} and {@code cockroach sql}/{@code
 * demo} ({@code \!}, {@code \|}), {@code sqlcmd} ({@code !!}), {@code sqlplus} ({@code HOST}),
 * Firebird's {@code isql-fb} ({@code SHELL}), {@code beeline} ({@code !sh}), {@code hive} and
 * {@code spark-sql} ({@code !CMD}), {@code duckdb} (sqlite3's {@code .shell}/{@code .system} by any
 * prefix, and {@code COPY … TO}/{@code EXPORT DATABASE} write host files, {@code LOAD}/{@code
 * INSTALL} load code, {@code -ui} serves a page that runs SQL), {@code clickhouse-client}, {@code
 * clickhouse client|local}, {@code clickhouse-local} ({@code INTO OUTFILE} is written on the
 * client's host, {@code file()} and {@code executable()}), {@code cqlsh} ({@code COPY … TO} and
 * {@code CAPTURE} write files on the client's host), {@code spark-shell}, {@code pyspark}, {@code
 * sparkR} (Scala, Python, R), psql's relatives {@code vsql}, {@code ysqlsh}, {@code nzsql},
 * {@code edb-psql} ({@code \!}), {@code snowsql} ({@code !system}), {@code arangosh} (JavaScript),
 * Teradata's {@code bteq} ({@code .OS}). A prompt is nested-shell; a query option is read for the client's
 * escape, so an everyday query stays allowed. Fix: {@code Consoles.client}, {@code
 * Consoles.duckdb} (sqlite3's dot-command reading, {@code ShellClass.sqliteRunsCommands}).
 *
 * <p><b>R5, redis-cli's prompt to a server on this host</b> (not proven: no server; Redis's
 * manual: {@code CONFIG SET dir}, {@code CONFIG SET dbfilename} and {@code SAVE} write the
 * dataset to any file the server may write, {@code MODULE LOAD} loads a shared library): {@code
 * redis-cli} without a command, no {@code -h}/{@code -u} or a loopback one or a {@code -s}
 * socket, is nested-shell; commands fed by a pipe or a here-string are interpreter-inline, as
 * {@code redis-cli CONFIG SET dir …} already was. A remote server's prompt ({@code redis-cli -h
 * cache-1}) reaches that server only, and a file on disk fed to it is data: both stay allowed.
 *
 * A host only known when it runs ({@code -h "$REDIS_HOST"}) counts as this one, as do the
 * loopback's other spellings ({@code 0}, {@code 127.1}, {@code ::1}).
 *
 * <p><b>R2 also: files the text writes and descriptors</b> (not proven): a client or console given
 * a file the same text writes as its commands ({@code printf 'system id' > q; litecli d.db < q},
 * {@code echo 'run("id")' > x.js; mongo x.js}, {@code duckdb -init i.sql}, {@code usql -f}, {@code
 * sqlplus @q.sql}) or a descriptor by name ({@code mongosh -f /dev/stdin <<< …}). Fix: {@code
 * Consoles.files} joins {@code WrittenThenRun.readsCommandsTheTextWrites}, a prompt joins {@code
 * ShellClass.commandsFromInput}, a file option naming no regular file is inline.
 *
 * <p><b>R6, Procfile runners</b> (not proven: not installed; foreman(1) {@code run COMMAND},
 * honcho's, forego's, overmind's {@code run}, {@code heroku local:run}): {@code foreman run rm -rf /}
 * was judged as {@code foreman} alone, and so {@code foreman run rails console}; their {@code
 * start} runs the Procfile's lines as commands, so a Procfile the same text writes ({@code echo
 * 'web: CMD' > Procfile; foreman start}, {@code honcho -f P start}) is code it brings in. Fix:
 * {@code Runners.RUNNERS} (their options; an unknown one fails closed), {@code Consoles.files}.
 * Their loading of {@code .env} is left to the project, as {@code pipenv run}'s is.
 *
 * <p><b>R7, Jupyter's and other code servers</b> (not proven: not installed; {@code jupyter
 * console} is a kernel's prompt, the notebook servers run what a browser sends and give it
 * terminals): {@code jupyter console}, {@code qtconsole}, {@code notebook}, {@code lab}, {@code
 * server}, {@code kernel}, {@code python3 -m notebook|jupyterlab|jupyter lab|ipykernel}, {@code
 * marimo edit}, {@code code-server} (the {@code jupyter-console} name was read since 17cn, the
 * subcommand was not). {@code jupyter execute nb.ipynb}, {@code nbconvert}, {@code marimo run
 * app.py} run a notebook on disk and stay allowed.
 *
 * <p>Six cases here were refused at main already, for the startup file or {@code .ssh} they name
 * ({@code duckdb … COPY … TO '/root/.bashrc'}, {@code clickhouse-client … INTO OUTFILE
 * '/root/.bashrc'}, {@code clickhouse local … file('/root/.bashrc')}, {@code cqlsh -e "COPY … TO
 * '/root/.bashrc'"}, {@code cqlsh -e 'CAPTURE "/root/.bashrc"'}, {@code echo 'CONFIG SET dir
 * /root/.ssh' | redis-cli}); their neighbours writing any other file were allowed and are listed
 * after them.
 *
 * <p><b>Left alone</b>: {@code trino}, {@code influx}, {@code bq shell}, {@code etcdctl}, unixODBC's
 * {@code isql} (no host escape known to me in their manuals; a remote database's prompt is not a
 * hop on this host); {@code node --inspect app.js} (the inspector listens on loopback; reaching it
 * takes another command, which is judged); {@code gradle --console=plain} (an output mode, not a
 * prompt); a container's console ({@code docker exec app rails c}, {@code kubectl exec -- rails c}:
 * container execs are not read at main, a separate decision); release scripts ({@code bin/app
 * remote}, {@code bin/app eval}) whose names are the application's own; {@code yarn rails c} (yarn
 * runs node_modules binaries).
 */
class ShellAttack17csTest {

  @ParameterizedTest(name = "{0}: {1} -> {2} {3} / typed {4} {5}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      R1 => bin/rails console => review => nested-shell => review => nested-shell
      R1 => rails c => review => nested-shell => review => nested-shell
      R1 => ./bin/rails c -e production => review => nested-shell => review => nested-shell
      R1 => bundle exec rails console --sandbox => review => nested-shell => review => nested-shell
      R1 => RAILS_ENV=production bin/rails c => review => nested-shell => review => nested-shell
      R1 => ruby bin/rails console => review => nested-shell => review => nested-shell
      R1 => ruby -S rails c => review => nested-shell => review => nested-shell
      R1 => spring rails console => review => nested-shell => review => nested-shell
      R1 => bin/rails dbconsole => review => nested-shell => review => nested-shell
      R1 => rails db -p => review => nested-shell => review => nested-shell
      R1 => hanami console => review => nested-shell => review => nested-shell
      R1 => padrino c => review => nested-shell => review => nested-shell
      R1 => rake console => review => nested-shell => review => nested-shell
      R1 => bundle exec rake console => review => nested-shell => review => nested-shell
      R1 => python manage.py shell => review => nested-shell => review => nested-shell
      R1 => python3 manage.py shell_plus => review => nested-shell => review => nested-shell
      R1 => ./manage.py shell => review => nested-shell => review => nested-shell
      R1 => /usr/bin/python3 -W ignore manage.py shell => review => nested-shell => review => nested-shell
      R1 => poetry run python manage.py shell => review => nested-shell => review => nested-shell
      R1 => uv run manage.py shell => review => nested-shell => review => nested-shell
      R1 => python manage.py dbshell => review => nested-shell => review => nested-shell
      R1 => django-admin shell --settings=app.settings => review => nested-shell => review => nested-shell
      R1 => python3 -m django shell => review => nested-shell => review => nested-shell
      R1 => flask shell => review => nested-shell => review => nested-shell
      R1 => flask --app hello shell => review => nested-shell => review => nested-shell
      R1 => python3 -m flask shell => review => nested-shell => review => nested-shell
      R1 => php artisan tinker => review => nested-shell => review => nested-shell
      R1 => php artisan tink => review => nested-shell => review => nested-shell
      R1 => php -d memory_limit=-1 artisan tinker => review => nested-shell => review => nested-shell
      R1 => ./artisan tinker => review => nested-shell => review => nested-shell
      R1 => php artisan db => review => nested-shell => review => nested-shell
      R1 => sail tinker => review => nested-shell => review => nested-shell
      R1 => sail artisan tinker => review => nested-shell => review => nested-shell
      R1 => sail shell => review => nested-shell => review => nested-shell
      R1 => drush php => review => nested-shell => review => nested-shell
      R1 => drush @prod php:cli => review => nested-shell => review => nested-shell
      R1 => drush sqlc => review => nested-shell => review => nested-shell
      R1 => wp shell => review => nested-shell => review => nested-shell
      R1 => wp db cli => review => nested-shell => review => nested-shell
      R1 => node ace repl => review => nested-shell => review => nested-shell
      R1 => bin/cake console => review => nested-shell => review => nested-shell
      R1 => strapi console => review => nested-shell => review => nested-shell
      R1 => npx strapi console => review => nested-shell => review => nested-shell
      R1 => sails console => review => nested-shell => review => nested-shell
      R1 => sbt => review => nested-shell => review => nested-shell
      R1 => sbt console => review => nested-shell => review => nested-shell
      R1 => ~sbt ';compile;console'~ => review => nested-shell => review => nested-shell
      R1 => ~sbt 'Test / console'~ => review => nested-shell => review => nested-shell
      R1 => lein repl => review => nested-shell => review => nested-shell
      R1 => lein trampoline repl => review => nested-shell => review => nested-shell
      R1 => lein run -m clojure.main => review => nested-shell => review => nested-shell
      R2 => ~rails runner 'system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~rails r 'system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => bin/rails runner - => review => interpreter-inline => review => interpreter-inline
      R2 => ~bundle exec rails runner 'x' -e production~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~rake -e 'system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~rake -qe 'system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~rake --execute-print='system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~python manage.py shell -c 'import os; os.system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~python manage.py shell --command='x'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~python manage.py shell --comm 'x'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~python manage.py dbshell -- -c '\\! id'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~echo 'import os' | python manage.py shell~ => review => interpreter-inline => review => interpreter-inline
      R2 => python manage.py shell < script.py => review => interpreter-inline => review => interpreter-inline
      R2 => ~flask shell <<< 'import os'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~php artisan tinker --execute='system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~php artisan tinker --execute 'system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~mix run -e 'System.cmd("id", [])'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~mix run --eval='x'~ => review => interpreter-inline => review => interpreter-inline
      R2 => mix do run -e x => review => interpreter-inline => review => interpreter-inline
      R2 => ~sbt 'eval sys.process.Process("id").!'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~sbt 'set name := "x"'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~lein run -m clojure.main -e '(x)'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~drush ev 'system("id");'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~drush php:eval 'x'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~wp eval 'system("id");'~ => review => interpreter-inline => review => interpreter-inline
      R2 => wp eval-file - => review => nested-shell => review => nested-shell
      R2 => ~wp --exec='system("id");' option get home~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~wp db query '\\! id'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~sail php -r 'system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R3 => mongosh => review => nested-shell => review => nested-shell
      R3 => mongosh mongodb://db1/app => review => nested-shell => review => nested-shell
      R3 => mongosh --nodb => review => nested-shell => review => nested-shell
      R3 => mongo => review => nested-shell => review => nested-shell
      R3 => mongo --shell script.js => review => nested-shell => review => nested-shell
      R3 => ~mongosh --eval 'require("child_process").execSync("id")'~ => review => interpreter-inline => review => interpreter-inline
      R3 => ~mongosh --quiet --eval='db.stats()'~ => review => interpreter-inline => review => interpreter-inline
      R3 => ~mongo --eval 'run("id")'~ => review => interpreter-inline => review => interpreter-inline
      R4 => litecli d.db => review => nested-shell => review => nested-shell
      R4 => ~litecli -e 'system id' d.db~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~litecli --execute='SYSTEM id' d.db~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~printf 'system id\\n' | litecli d.db~ => review => interpreter-inline => review => interpreter-inline
      R4 => pgcli -h db1 app => review => nested-shell => review => nested-shell
      R4 => usql pg://db1/app => review => nested-shell => review => nested-shell
      R4 => ~usql pg://db1/app -c '\\! id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => cockroach sql => review => nested-shell => review => nested-shell
      R4 => ~cockroach sql -e '\\! id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~cockroach sql --execute='\\| echo select 1'~ => review => interpreter-inline => review => interpreter-inline
      R4 => cockroach demo => review => nested-shell => review => nested-shell
      R4 => sqlcmd -S db => review => nested-shell => review => nested-shell
      R4 => ~sqlcmd -S db -Q '!! id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => sqlplus u/p => review => nested-shell => review => nested-shell
      R4 => sqlplus -s u/p @x.sql => review => nested-shell => review => nested-shell
      R4 => isql-fb => review => nested-shell => review => nested-shell
      R4 => beeline -u jdbc:hive2://h => review => nested-shell => review => nested-shell
      R4 => ~beeline -u jdbc:hive2://h -e '!sh id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => hive => review => nested-shell => review => nested-shell
      R4 => ~hive -e '!id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => spark-sql => review => nested-shell => review => nested-shell
      R4 => spark-shell => review => nested-shell => review => nested-shell
      R4 => pyspark => review => nested-shell => review => nested-shell
      R4 => sparkR => review => nested-shell => review => nested-shell
      R4 => duckdb => review => nested-shell => review => nested-shell
      R4 => duckdb d.db => review => nested-shell => review => nested-shell
      R4 => ~duckdb -cmd 'select 1' d.db~ => review => nested-shell => review => nested-shell
      R4 => ~duckdb d.db -c '.sh id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~duckdb -s '.system id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~duckdb d.db "COPY (SELECT 'id') TO '/root/.bashrc' (HEADER false, QUOTE '')"~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~duckdb -c "INSTALL x; LOAD x"~ => review => interpreter-inline => review => interpreter-inline
      R4 => duckdb -ui => review => interpreter-inline => review => interpreter-inline
      R4 => clickhouse-client => review => nested-shell => review => nested-shell
      R4 => clickhouse client => review => nested-shell => review => nested-shell
      R4 => clickhouse-local => review => nested-shell => review => nested-shell
      R4 => ~clickhouse-client -q "SELECT 'id' INTO OUTFILE '/root/.bashrc' FORMAT TSVRaw"~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~clickhouse local --query="INSERT INTO FUNCTION file('/root/.bashrc', 'TSVRaw') SELECT 'id'"~ => review => interpreter-inline => review => interpreter-inline
      R4 => cqlsh => review => nested-shell => review => nested-shell
      R4 => cqlsh db1 9042 => review => nested-shell => review => nested-shell
      R4 => ~cqlsh -e "COPY ks.t TO '/root/.bashrc'"~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~cqlsh -e 'CAPTURE "/root/.bashrc"'~ => review => interpreter-inline => review => interpreter-inline
      R5 => redis-cli => review => nested-shell => review => nested-shell
      R5 => redis-cli -n 2 => review => nested-shell => review => nested-shell
      R5 => redis-cli -h 127.0.0.1 -p 6380 => review => nested-shell => review => nested-shell
      R5 => redis-cli -s /run/redis/redis.sock => review => nested-shell => review => nested-shell
      R5 => redis-cli -u redis://localhost:6379 => review => nested-shell => review => nested-shell
      R5 => valkey-cli => review => nested-shell => review => nested-shell
      R5 => ~echo 'CONFIG SET dir /root/.ssh' | redis-cli~ => review => interpreter-inline => review => interpreter-inline
      R5 => ~redis-cli <<< 'MODULE LOAD /tmp/m.so'~ => review => interpreter-inline => review => interpreter-inline
      R1 => script/console => review => nested-shell => review => nested-shell
      R2 => ~script/runner 'system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~mongosh -f /dev/stdin <<< 'x'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~usql -f /dev/stdin pg://h <<< '\\! id'~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~printf 'system id' > q; litecli d.db < q~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~echo 'run("id")' > x.js; mongo x.js~ => review => interpreter-inline => review => interpreter-inline
      R2 => ~echo '.sh id' > i.sql; duckdb -init i.sql~ => review => interpreter-inline => review => interpreter-inline
      R5 => redis-cli -h 0 => review => nested-shell => review => nested-shell
      R5 => ~redis-cli -h "$REDIS_HOST"~ => review => nested-shell => review => nested-shell
      R5 => redis-cli -h 127.1 => review => nested-shell => review => nested-shell
      R5 => redis-cli -u redis://127.0.0.1 => review => nested-shell => review => nested-shell
      R6 => foreman run rails console => review => nested-shell => review => nested-shell
      R6 => honcho run python manage.py shell => review => nested-shell => review => nested-shell
      R6 => ~echo 'web: reboot' > Procfile; foreman start~ => review => interpreter-inline => review => interpreter-inline
      R6 => ~printf 'w: id\\n' > P2; honcho -f P2 start~ => review => interpreter-inline => review => interpreter-inline
      R7 => jupyter console => review => nested-shell => review => nested-shell
      R7 => jupyter qtconsole => review => nested-shell => review => nested-shell
      R7 => jupyter notebook => review => nested-shell => review => nested-shell
      R7 => jupyter lab --no-browser => review => nested-shell => review => nested-shell
      R7 => jupyter server => review => nested-shell => review => nested-shell
      R7 => python3 -m notebook => review => nested-shell => review => nested-shell
      R7 => python3 -m jupyter lab => review => nested-shell => review => nested-shell
      R7 => python3 -m ipykernel => review => nested-shell => review => nested-shell
      R7 => marimo edit => review => nested-shell => review => nested-shell
      R7 => code-server => review => nested-shell => review => nested-shell
      R6 => foreman run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      R6 => honcho run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      R6 => forego run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      R6 => overmind run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      R6 => heroku local:run rm -rf / => block => recursive-delete-root => block => recursive-delete-root
      R1 => rails cons => review => nested-shell => review => nested-shell
      R1 => rails -e production console => review => nested-shell => review => nested-shell
      R2 => ~rails runn 'system("id")'~ => review => interpreter-inline => review => interpreter-inline
      R4 => vsql -h db1 => review => nested-shell => review => nested-shell
      R4 => ~vsql -c '\\! id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => ysqlsh => review => nested-shell => review => nested-shell
      R4 => nzsql => review => nested-shell => review => nested-shell
      R4 => snowsql -a acct => review => nested-shell => review => nested-shell
      R4 => ~snowsql -q '!system id'~ => review => interpreter-inline => review => interpreter-inline
      R4 => arangosh => review => nested-shell => review => nested-shell
      R4 => ~arangosh --javascript.execute-string 'x'~ => review => interpreter-inline => review => interpreter-inline
      R4 => bteq => review => nested-shell => review => nested-shell
      R2 => elixir -S mix run -e x => review => interpreter-inline => review => interpreter-inline
      R4 => ~duckdb d.db "COPY (SELECT 'id') TO 'x.sh' (HEADER false, QUOTE '')"~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~clickhouse-client -q "SELECT 'id' INTO OUTFILE 'x.sh' FORMAT TSVRaw"~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~clickhouse local --query="INSERT INTO FUNCTION file('x.sh', 'TSVRaw') SELECT 'id'"~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~cqlsh -e "COPY ks.t TO 'x.csv'"~ => review => interpreter-inline => review => interpreter-inline
      R4 => ~cqlsh -e 'CAPTURE "out.txt"'~ => review => interpreter-inline => review => interpreter-inline
      R5 => ~echo 'CONFIG SET dir /var/spool/cron' | redis-cli~ => review => interpreter-inline => review => interpreter-inline
      """)
  void fixed(String finding, String text, String exec, String execRule, String typed, String typedRule) {
    ShellJudgeTest.assertExecAndTyped(text, exec, execRule, typed, typedRule);
  }

  /** Everyday work near the fixes stays allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      rails routes
      rails db:migrate:status
      bin/rails db:migrate:status
      bin/rails db:migrate
      rails server
      rails s -p 3000
      rails g model User name:string
      rails test
      rails --version
      rails runner lib/tasks/cleanup.rb
      ruby bin/rails runner script/backfill.rb
      rake -T
      rake -T db
      rake db:migrate
      bundle exec rake assets:precompile
      python manage.py check
      python manage.py showmigrations
      python manage.py migrate
      python manage.py collectstatic --noinput
      python manage.py runserver 0.0.0.0:8000
      python manage.py shell --help
      python3 -m django --version
      django-admin startproject site
      flask run
      flask --app hello run --debug
      flask routes
      python3 -m flask run
      php artisan migrate:status
      php artisan route:list
      php artisan migrate
      php artisan db:seed
      php artisan queue:work
      sail up -d
      sail artisan migrate
      sail php --version
      drush cr
      drush status
      drush scr scripts/fix.php
      wp plugin list
      wp option get home
      ~wp db query 'SELECT 1'~
      wp eval-file scripts/fix.php
      mix test
      mix phx.server
      mix run
      sbt compile test
      sbt --version
      sbt -J-Xmx2g compile
      lein test
      lein uberjar
      mongosh --version
      mongosh --help
      mongosh script.js
      mongosh -f script.js
      mongo host/db script.js
      redis-cli ping
      redis-cli info
      redis-cli -h 127.0.0.1 -p 6380 info
      redis-cli -h cache-1
      redis-cli -u redis://cache-1:6379
      redis-cli --stat
      redis-cli --bigkeys
      ~redis-cli --scan --pattern 'sess:*'~
      redis-cli --version
      redis-cli < cmds.txt
      cqlsh --version
      ~cqlsh -e 'SELECT * FROM ks.t LIMIT 1'~
      cqlsh -f schema.cql
      clickhouse-client --version
      ~clickhouse-client --query='SELECT 1'~
      ~clickhouse-client -h ch1 --query 'SELECT count() FROM system.tables'~
      clickhouse-client --queries-file q.sql
      spark-shell --version
      spark-submit app.py
      ~beeline -u jdbc:hive2://h -e 'SELECT 1'~
      ~hive -e 'SELECT 1'~
      hive -f q.hql
      ~spark-sql -e 'SELECT 1'~
      duckdb --version
      ~duckdb -c 'SELECT 1'~
      ~duckdb d.db 'SELECT count(*) FROM t'~
      duckdb d.db < q.sql
      litecli --version
      ~litecli -e 'SELECT 1' d.db~
      pgcli --version
      ~usql pg://db1/app -c 'SELECT 1'~
      usql -f q.sql pg://db1/app
      ~cockroach sql -e 'SELECT 1'~
      cockroach sql --file q.sql
      cockroach start --insecure
      ~sqlcmd -S db -Q 'SELECT 1'~
      sqlcmd -S db -i q.sql
      sqlplus -V
      ~trino --execute 'SELECT 1'~
      influx
      etcdctl get foo
      isql -v dsn
      ~bq query 'SELECT 1'~
      node server.js
      node --inspect app.js
      gradle --console=plain build
      script/runner lib/x.rb
      foreman start
      honcho start
      git pull && foreman start
      foreman run -e .env.prod bin/rails db:migrate
      heroku logs --tail
      jupyter --version
      jupyter nbconvert --to html nb.ipynb
      jupyter execute nb.ipynb
      jupyter kernelspec list
      marimo run app.py
      vsql --version
      ~vsql -c 'SELECT 1'~
      ~snowsql -q 'SELECT 1'~
      snowsql -f q.sql
      arangosh --version
      rails credentials:edit
      rails destroy model x
      rails d model x
      elixir -S mix test
      """)
  void everydayStaysAllowed(String text) {
    ShellAttack17cjTest.assertAllowed(text);
  }

  /**
   * The proven findings, run under bash in a throwaway sandbox ({@code /} read-only, a private
   * {@code /tmp} as the working directory and HOME, no network): after the setup, the text, then
   * the check, whose output holds the expected line. The guard now refuses each text.
   */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      R1 => printf 'from flask import Flask\\napp = Flask(__name__)\\n' > app.py => ~flask shell <<< 'import os; os.system("touch ran")' > /dev/null 2>&1~ => ls => ran
      R1 => printf 'from flask import Flask\\napp = Flask(__name__)\\n' > app.py => ~echo 'import os; os.system("touch ran")' | flask shell > /dev/null 2>&1~ => ls => ran
      R1 => printf 'from flask import Flask\\napp = Flask(__name__)\\n' > app.py => ~python3 -m flask shell <<< 'import os; os.system("touch ran")' > /dev/null 2>&1~ => ls => ran
      R4 => true => ~litecli -e 'system touch ran' d.db~ => ls => ran
      R4 => true => ~litecli --execute='system touch ran' d.db~ => ls => ran
      R4 => true => ~printf 'system touch ran\\n' | litecli d.db > /dev/null~ => ls => ran
      """)
  void provenInSandbox(String finding, String setup, String text, String check, String expected) throws Exception {
    String tool = finding.equals("R1") ? "flask" : "litecli";
    String out = TestPrograms.sandboxOutput(tool, setup, text, check);
    assertThat(out).as("%s: %s (output: %s)", finding, text, out).contains(expected);
    ShellJudgeTest.assertRefusedBoth(text);
  }
}
