package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cn on 36b35e91, on the ways around the guarded prompt: {@code nested-shell},
 * {@code guard-tamper}, {@code interpreter-inline}, {@code curl-pipe-shell}. Judge: {@link
 * ShellJudgeTest#DEFAULT}. Each text is judged as an exec request and as typed lines. Findings
 * marked proven were run under bash 5.2 (Debian 12) in a throwaway bubblewrap sandbox (its own pid,
 * ipc, uts and network namespaces, {@code /} read-only, a private {@code /tmp}), a terminal given by
 * {@code script} where the program reads one: {@link #provenInSandbox} runs them again (each is
 * skipped where its program is not installed). Every finding was allowed, as exec and typed.
 *
 * <p><b>N1, python's profile and trace runners by an abbreviated option</b> (allowed; now
 * nested-shell): {@code python3 -m cProfile --out /tmp/p -m code} and {@code python3 -m trace
 * --trace --mod code} start python's prompt (proven: {@code os.system} typed there ran). The
 * reading took {@code --out}'s value for the script (optparse and argparse take any unambiguous
 * prefix: {@code --so}, {@code --outf}, {@code --mod}, {@code --ignore-mod X}, {@code --cov},
 * {@code --fi}) and matched {@code --module} whole. Also python 3.13's {@code -m _pyrepl}, {@code -m
 * xonsh} and {@code -m bpdb}, prompts the module list did not name (not proven: python 3.11 here).
 * Fix: {@code Interpreters.moduleSource} reads the runners' long options by prefix; the three join
 * REPL_MODULES.
 *
 * <p><b>N2, programs that run a program, unknown to the reading</b> (allowed, whatever they ran):
 * runit's {@code chpst -n 1 bash -c 'rm -rf /'} and {@code chpst bash}, daemontools' {@code
 * softlimit}, {@code setlock}, {@code pgrphack}, {@code fghack}, {@code argv0} (proven: each ran
 * the command it was given, {@code chpst -n 1 bash} a shell on the terminal); by their manuals (not
 * installed here): {@code runcon CONTEXT CMD}, {@code xvfb-run}, {@code proot} (a shell without a
 * command), {@code daemonize}, {@code nocache}, {@code trickle}, {@code timelimit}, {@code cpulimit
 * -- CMD}, {@code pasuspender --}, the LD_PRELOAD launchers ({@code vglrun}, {@code optirun}, {@code
 * primusrun}, {@code prime-run}, {@code gamemoderun}, {@code mangohud}, {@code padsp}, {@code
 * aoss}, {@code tsocks} (a shell without a command), {@code torify}, {@code apulse}, {@code
 * box64}), {@code fakechroot} (a shell without a command), task-spooler's {@code tsp}, {@code nq},
 * {@code schedtool -e}. Fix: each is a wrapper in {@code Wrappers.unwrap} by its documented syntax
 * (an option outside it unknown; {@code chpst -b} and {@code argv0}, which rename the program (bash
 * named sh is POSIX mode), and {@code daemonize -E}, which sets its environment, unknown); {@code
 * proot}, {@code fakechroot}, {@code tsocks} without a command are nested shells.
 *
 * <p><b>N3, shells by other names</b> (allowed): {@code rc}, {@code sash}, {@code lksh}, {@code
 * mksh-static} (proven: each ran what was typed; {@code rc -c CMD} too), and {@code es}, Oils'
 * {@code osh}/{@code ysh}/{@code oil}, {@code scsh}, the Schily shells, {@code oksh}, {@code loksh},
 * {@code pdksh}, {@code bash-static}, {@code zsh-static}, {@code zsh5} (Debian's names, not
 * installed here). Fix: the Korn builds join BASH_LIKE, the others OTHER_SHELLS; {@code
 * ProgramNames} reads a shell's static or versioned build as the shell.
 *
 * <p><b>N4, interpreters and prompts the lists did not know</b> (allowed): {@code ocaml}, {@code
 * swipl /tmp/f.pl} (it loads the file, then its prompt), {@code gforth /tmp/f.fs} (the same),
 * {@code clisp}, {@code gnuplot} ({@code !CMD}; {@code -e 'system("CMD")'}), GNU {@code dc}
 * ({@code !CMD} at its prompt and in {@code -e}), {@code m4} ({@code syscmd}, {@code esyscmd}: at
 * its prompt and from a here-string), {@code jshell F.jsh} (loads it, then its prompt) (proven:
 * each ran {@code touch}); by their manuals: {@code iex -S mix}, {@code ghci F.hs}, {@code erl -s
 * M} (prompts after what they load), {@code irb -r LIB}, {@code guile -l F}, {@code sbcl --load F}
 * (a library or file taken for the script), {@code lua -i F}, {@code julia -i F}, {@code octave
 * --persist F} (a prompt after the script), {@code deno repl}, {@code bun repl}, {@code utop},
 * {@code octave}, {@code maxima}, {@code gp}, {@code csi}, {@code scheme}, {@code coffee}, {@code
 * ts-node}, {@code clojure}, {@code psysh}, {@code jython}, {@code jruby -e}. Fix: the names join
 * {@code Interpreters.LANGUAGES} with their inline options; PROMPT_AFTER_LOAD lists the ones whose
 * prompt follows a file; the interactive letters per language; irb's, guile's, sbcl's and m4's
 * options with a value.
 *
 * <p><b>N5, mysql's prompt</b> (allowed; now nested-shell): {@code mysql}, {@code mysql -u root db},
 * {@code mariadb} read the terminal, where {@code system CMD} and {@code \! CMD} run a command, as
 * psql's {@code \!} does; {@code mysql -e 'system id'} runs it at once (batch mode keeps the
 * client's commands). Not proven (no server here: the client connects first; mysql(1), "mysql
 * Client Commands"). Fix: {@code CommandPrompts.mysqlRuns}; {@code mysql -e 'show processlist'} and
 * {@code mysql db < dump.sql} stay allowed.
 *
 * <p><b>N6, a shell served per connection, and curl's telnet</b> (allowed): {@code tcpserver
 * 127.0.0.1 9999 sh & sleep 1; curl -s telnet://127.0.0.1:9999} gives a shell on the terminal, its
 * lines unjudged (proven); {@code tcpserver 0 9999 rm -rf /} ran anything; ipsvd's {@code
 * tcpsvd}/{@code udpsvd}, {@code ttyd}, {@code websocketd}, {@code gotty}, {@code telnetd -l},
 * {@code inetd CONFIG} by their manuals. Fix: the servers are wrappers (their program judged: a
 * shell reading its input is a nested shell), {@code telnetd -l} and {@code inetd} with a
 * configuration unknown; {@code curl} with a {@code telnet://} URL, {@code --proto-default telnet},
 * its input the terminal, is a nested shell as telnet is (a URL only known when it runs is left
 * alone: {@code curl -o "$t" URL} is everyday).
 *
 * <p><b>N7, an editor given code to run</b> (allowed; now interpreter-inline): {@code emacs --batch
 * --eval '(shell-command "CMD")'} and kakoune's {@code kak -e 'nop %sh{CMD}'} (proven); {@code
 * --ev=}, {@code -eval}, {@code --exec}, {@code emacsclient -e}. Fix: {@code
 * CommandPrompts.editorGivenCode}; visual {@code emacs FILE} and {@code kak FILE} stay allowed, as
 * vim does.
 *
 * <p><b>N8, inline code by options of known interpreters the tables did not list</b> (allowed; now
 * interpreter-inline, or nested-shell for a prompt): {@code php -B 'system("id");' -R ''} and
 * {@code php -E CODE} (code before, for each line of, after the input), {@code julia -E CODE},
 * {@code groovy -e}, {@code scala -e}, {@code racket -e}, {@code jrunscript -e}, {@code lldb -o
 * 'platform shell CMD'} (also {@code -O}, {@code -k}, {@code -K}), {@code deno eval CODE}, {@code
 * deno run data:,CODE}, {@code julia -L F} (loads F, then its prompt), {@code ruby -S irb} (irb
 * from PATH: its prompt); new names: {@code kotlin -e}, babashka's {@code bb -e}, {@code nbb -e},
 * {@code hy -c}, {@code pry}, radare2 and rizin ({@code -c '!CMD'}; {@code r2 FILE} starts its
 * prompt, whose {@code !CMD} runs a shell, as gdb's does). Not proven: none is installed here
 * (php(1), julia(1), racket(1), lldb(1), deno's and radare2's manuals). Fix: the per-language inline
 * and value letters in {@code Interpreters}, deno's subcommands, a {@code data:} script, ruby's
 * {@code -S} of a prompt.
 *
 * <p><b>Left alone</b>: visual programs with a shell escape typed into them ({@code mc}, {@code
 * ranger}, {@code nnn}, {@code vifm}, {@code cscope}, {@code mutt}, {@code lynx}, {@code w3m},
 * {@code tig}, {@code ncdu}, util-linux {@code more}'s {@code !}): what is typed into a running
 * program goes to it raw, the limit the policy documents for visual vim; framework prompts started
 * by a subcommand ({@code rails console}, {@code python3 manage.py shell}, {@code flask shell},
 * {@code php artisan tinker}, {@code lein repl}, {@code sbt console}) and database or cluster
 * shells other than mysql's ({@code mongosh}, {@code mongo}, {@code spark-shell}, {@code pyspark},
 * {@code beeline}/{@code hive} ({@code !sh}), {@code sqlcmd} ({@code !!})): not read by this pass;
 * container shells ({@code docker exec -it c sh}, {@code kubectl exec}): the container's shell, out
 * of this pass; {@code ccache}/{@code distcc}, {@code qemu-*} user emulators, {@code wine}, {@code
 * lxc-execute}, {@code empty -f}, {@code pseudo}: other runners not read; {@code sshd}/{@code
 * dropbear} started on another port: reaching them takes {@code ssh}, reviewed.
 */
class ShellAttack17cnTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      N1 => python3 -m cProfile --out /tmp/p -m code => review => nested-shell
      N1 => python3 -m cProfile --so time -m code => review => nested-shell
      N1 => python3 -m profile --outf /tmp/p -m pdb => review => nested-shell
      N1 => python3 -m trace --trace --mod code => review => nested-shell
      N1 => python3 -m trace --trace --modu pdb => review => nested-shell
      N1 => python3 -m trace --ignore-mod x --module code => review => nested-shell
      N1 => python3 -m trace --cov /tmp -t --module code => review => nested-shell
      N1 => python3 -m trace --fi /tmp/c -t --module code => review => nested-shell
      N1 => python3 -m _pyrepl => review => nested-shell
      N1 => python3 -m xonsh => review => nested-shell
      N2 => chpst -n 1 bash -c 'rm -rf /' => block => recursive-delete-root
      N2 => chpst bash => review => nested-shell
      N2 => chpst -b sh bash => review => unclassified
      N2 => softlimit -m 100000000 bash => review => nested-shell
      N2 => softlimit -m 100000000 sh -c 'reboot' => block => power
      N2 => setlock /tmp/l bash => review => nested-shell
      N2 => setlock -n /tmp/l rm -rf / => block => recursive-delete-root
      N2 => pgrphack bash => review => nested-shell
      N2 => fghack sh -c 'reboot' => block => power
      N2 => argv0 /bin/bash sh -c 'touch /tmp/w' => review => unclassified
      N2 => runcon -t unconfined_t bash => review => nested-shell
      N2 => runcon system_u:system_r:unconfined_t:s0 rm -rf / => block => recursive-delete-root
      N2 => xvfb-run -a bash => review => nested-shell
      N2 => proot -0 bash => review => nested-shell
      N2 => proot => review => nested-shell
      N2 => daemonize -E BASH_ENV=/tmp/x /bin/bash /tmp/s => review => unclassified
      N2 => nocache bash => review => nested-shell
      N2 => trickle -d 10 bash => review => nested-shell
      N2 => timelimit -t 5 bash => review => nested-shell
      N2 => cpulimit -l 50 -- bash => review => nested-shell
      N2 => pasuspender -- bash => review => nested-shell
      N2 => vglrun bash => review => nested-shell
      N2 => gamemoderun sh -c 'reboot' => block => power
      N2 => tsocks => review => nested-shell
      N2 => tsocks bash => review => nested-shell
      N2 => fakechroot => review => nested-shell
      N2 => fakechroot bash => review => nested-shell
      N2 => tsp bash -c 'rm -rf /' => block => recursive-delete-root
      N2 => nq sh -c 'reboot' => block => power
      N2 => schedtool -n 5 -e bash => review => nested-shell
      N3 => rc => review => nested-shell
      N3 => rc -c 'rm -rf /' => review => unclassified
      N3 => es => review => nested-shell
      N3 => sash => review => nested-shell
      N3 => sash -c 'rm -rf /' => review => unclassified
      N3 => osh => review => nested-shell
      N3 => ysh -c id => review => unclassified
      N3 => oil => review => nested-shell
      N3 => scsh => review => nested-shell
      N3 => lksh => review => nested-shell
      N3 => lksh -c 'rm -rf /' => block => recursive-delete-root
      N3 => oksh => review => nested-shell
      N3 => loksh => review => nested-shell
      N3 => pdksh => review => nested-shell
      N3 => mksh-static => review => nested-shell
      N3 => bash-static => review => nested-shell
      N3 => bash-static -c 'rm -rf /' => block => recursive-delete-root
      N3 => zsh-static => review => nested-shell
      N3 => zsh5 => review => nested-shell
      N4 => ocaml => review => nested-shell
      N4 => utop => review => nested-shell
      N4 => swipl => review => nested-shell
      N4 => swipl /tmp/f.pl => review => nested-shell
      N4 => swipl -g 'shell("id")' => review => interpreter-inline
      N4 => gforth => review => nested-shell
      N4 => gforth /tmp/f.fs => review => nested-shell
      N4 => gforth -e 's" id" system bye' => review => interpreter-inline
      N4 => clisp -q => review => nested-shell
      N4 => clisp -x '(ext:shell "id")' => review => interpreter-inline
      N4 => gnuplot => review => nested-shell
      N4 => gnuplot -e 'system("id")' => review => interpreter-inline
      N4 => dc => review => nested-shell
      N4 => dc -e '!id' => review => interpreter-inline
      N4 => dc --expression='!id' => review => nested-shell
      N4 => m4 => review => nested-shell
      N4 => m4 <<< 'syscmd(id)' => review => interpreter-inline
      N4 => echo 'esyscmd(id)' | m4 => review => interpreter-inline
      N4 => jshell /tmp/F.jsh => review => nested-shell
      N4 => iex -S mix => review => nested-shell
      N4 => iex x.exs => review => nested-shell
      N4 => ghci F.hs => review => nested-shell
      N4 => erl -s x => review => nested-shell
      N4 => irb -r x => review => nested-shell
      N4 => guile -l f.scm => review => nested-shell
      N4 => sbcl --load f.lisp => review => nested-shell
      N4 => lua -i f.lua => review => nested-shell
      N4 => julia -i f.jl => review => nested-shell
      N4 => deno repl => review => nested-shell
      N4 => bun repl => review => nested-shell
      N4 => octave => review => nested-shell
      N4 => octave --persist f.m => review => nested-shell
      N4 => octave --eval 'system("id")' => review => interpreter-inline
      N4 => maxima => review => nested-shell
      N4 => gp f.gp => review => nested-shell
      N4 => csi f.scm => review => nested-shell
      N4 => scheme f.ss => review => nested-shell
      N4 => coffee => review => nested-shell
      N4 => ts-node => review => nested-shell
      N4 => clojure => review => nested-shell
      N4 => psysh => review => nested-shell
      N4 => jython => review => nested-shell
      N4 => jruby -e 'system("id")' => review => interpreter-inline
      N5 => mysql => review => nested-shell
      N5 => mysql -u root db => review => nested-shell
      N5 => mysql -hdb1 -u app => review => nested-shell
      N5 => mariadb => review => nested-shell
      N5 => mysql -e 'system id' => review => nested-shell
      N5 => mysql -e '\\! id' => review => nested-shell
      N5 => mysql --exec='select 1; system id' => review => nested-shell
      N6 => tcpserver 127.0.0.1 9999 sh & sleep 1; curl -s telnet://127.0.0.1:9999 => review => nested-shell
      N6 => tcpserver 127.0.0.1 9999 sh => review => nested-shell
      N6 => tcpserver 0 9999 rm -rf / => block => recursive-delete-root
      N6 => tcpsvd 127.0.0.1 9999 sh => review => nested-shell
      N6 => udpsvd 0 9999 sh => review => nested-shell
      N6 => ttyd bash => review => nested-shell
      N6 => websocketd --port=9999 sh => review => unclassified
      N6 => gotty -w bash => review => unclassified
      N6 => busybox telnetd -l /bin/sh -p 9999 => review => unclassified
      N6 => inetd /tmp/inetd.conf => review => unclassified
      N6 => curl telnet://127.0.0.1:9999 => review => nested-shell
      N6 => curl --proto-default telnet 127.0.0.1:9999 => review => nested-shell
      N6 => curl -s TELNET://localhost:23 => review => nested-shell
      N7 => emacs --batch --eval '(shell-command "id")' => review => interpreter-inline
      N7 => emacs --ev='(shell-command "id")' => review => interpreter-inline
      N7 => emacs -batch -eval '(shell-command "id")' => review => interpreter-inline
      N7 => emacs --exec='(shell-command "id")' => review => interpreter-inline
      N7 => emacs-nox --eval '(shell)' => review => interpreter-inline
      N7 => emacsclient -e '(shell-command "id")' => review => interpreter-inline
      N7 => emacsclient --eval='(shell-command "id")' => review => interpreter-inline
      N7 => kak -e 'nop %sh{id}' => review => interpreter-inline
      N7 => kak -n -E 'nop %sh{id}' f => review => interpreter-inline
      N8 => php -B 'system("id");' -R '' => review => interpreter-inline
      N8 => php -E 'system("id");' => review => interpreter-inline
      N8 => julia -E 'run(`id`)' => review => interpreter-inline
      N8 => julia -L f.jl => review => nested-shell
      N8 => groovy -e 'x' => review => interpreter-inline
      N8 => scala -e x => review => interpreter-inline
      N8 => racket -e '(system "id")' => review => interpreter-inline
      N8 => jrunscript -e x => review => interpreter-inline
      N8 => kotlin -e x => review => interpreter-inline
      N8 => bb -e '(shell/sh "id")' => review => interpreter-inline
      N8 => nbb -e x => review => interpreter-inline
      N8 => hy -c x => review => interpreter-inline
      N8 => lldb -o 'platform shell id' => review => interpreter-inline
      N8 => lldb -b -o 'script import os' => review => interpreter-inline
      N8 => radare2 -c '!id' /bin/ls => review => interpreter-inline
      N8 => r2 /bin/ls => review => nested-shell
      N8 => rizin -c '!id' - => review => interpreter-inline
      N8 => deno eval 'Deno.run' => review => interpreter-inline
      N8 => deno run -A data:,x => review => interpreter-inline
      N8 => node data:,x => review => interpreter-inline
      N8 => ruby -S irb => review => nested-shell
      N8 => pry => review => nested-shell
      """)
  void judgedByItsClass(String finding, String text, String label, String rule) {
    ShellAttack17cjTest.assertJudged(finding, text, label, rule);
  }

  /** Everyday work near the fixes stays allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      chpst -n 5 ls /srv
      softlimit -m 100000000 ls
      setlock /tmp/l ls
      runcon -t unconfined_t ls
      xvfb-run -a ls
      proot -r /srv/root ls
      nocache cp a b
      trickle -d 100 curl -o x http://h/x
      cpulimit -l 50 -- make
      cpulimit -p 123 -l 50
      tsp make
      nq make
      schedtool -n 5 123
      python3 -m trace --count f.py
      python3 -m cProfile --out p f.py
      python3 -m cProfile -o p -s time f.py
      python3 -m trace --ignore-dir /usr --trace f.py
      python3 -m json.tool f
      irb f.rb
      guile f.scm
      guile -s f.scm
      sbcl --script f.lisp
      node f.js
      lua f.lua
      julia f.jl
      deno run f.ts
      octave f.m
      gnuplot plot.gp
      dc -f calc.dc
      m4 in.m4 > out
      m4 -DX=1 in.m4
      ocaml f.ml
      coffee f.coffee
      ts-node f.ts
      bash x.sh
      mksh x.sh
      rc x.rc
      bash-static x.sh
      mysql -e 'show processlist'
      mysql -uroot -e 'select 1'
      mysql db < dump.sql
      gunzip < d.gz | mysql db
      mysql --version
      curl -sS -o /dev/null -w '%{http_code}\\n' http://localhost:8080/healthz
      curl -s http://x/telnet
      curl -s "http://$h/x"
      tcpserver -v 0 9999 cat
      ttyd -p 7681 htop
      telnetd
      emacs f.txt
      emacs -nw /etc/hosts
      emacs --batch -f batch-byte-compile f.el
      emacsclient -t f
      kak f.txt
      vim f.txt
      t=$(mktemp); curl -o "$t" https://example.com/y
      deno run f.ts
      deno run --allow-net f.ts
      ruby -S rake test
      ruby -S bundle exec rake
      php f.php
      julia f.jl
      julia -t 4 f.jl
      bun run build
      """)
  void everydayStaysAllowed(String text) {
    ShellAttack17cjTest.assertAllowed(text);
  }

  /**
   * Each proven finding: the judged text is no longer allowed, and under bash in a throwaway
   * sandbox (a terminal by {@code script} where the program reads one, what is typed fed to it) it
   * runs {@code touch /tmp/w}, which the judgement did not list.
   */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      N1 => python3 => python3 -m cProfile --out /tmp/p -m code => printf 'import os; os.system("touch /tmp/w")\\nexit()\\n' | script -qec 'python3 -m cProfile --out /tmp/p -m code' /dev/null
      N1 => python3 => python3 -m trace --trace --mod code => printf 'import os; os.system("touch /tmp/w")\\nexit()\\n' | script -qec 'python3 -m trace --trace --mod code' /dev/null
      N2 => chpst => chpst -n 1 bash -c 'touch /tmp/w' => chpst -n 1 bash -c 'touch /tmp/w'
      N2 => softlimit => softlimit -m 100000000 bash -c 'touch /tmp/w' => softlimit -m 100000000 bash -c 'touch /tmp/w'
      N2 => setlock => setlock /tmp/l bash -c 'touch /tmp/w' => setlock /tmp/l bash -c 'touch /tmp/w'
      N2 => pgrphack => pgrphack bash -c 'touch /tmp/w' => pgrphack bash -c 'touch /tmp/w'
      N2 => fghack => fghack bash -c 'touch /tmp/w' => fghack bash -c 'touch /tmp/w'
      N2 => argv0 => argv0 /bin/bash sh -c 'touch /tmp/w' => argv0 /bin/bash sh -c 'touch /tmp/w'
      N2 => chpst => chpst -n 1 bash => printf 'touch /tmp/w\\nexit\\n' | script -qec 'chpst -n 1 bash' /dev/null
      N3 => rc => rc => printf 'touch /tmp/w\\nexit\\n' | script -qec rc /dev/null
      N3 => sash => sash => printf 'touch /tmp/w\\nexit\\n' | script -qec sash /dev/null
      N3 => lksh => lksh => printf 'touch /tmp/w\\nexit\\n' | script -qec lksh /dev/null
      N3 => mksh-static => mksh-static => printf 'touch /tmp/w\\nexit\\n' | script -qec mksh-static /dev/null
      N3 => rc => rc -c 'touch /tmp/w' => rc -c 'touch /tmp/w'
      N4 => ocaml => ocaml => (sleep 1; printf 'Sys.command "touch /tmp/w";;\\n#quit;;\\n') | script -qec ocaml /dev/null
      N4 => swipl => swipl /tmp/f.pl => echo ':- true.' > /tmp/f.pl; (sleep 1; printf 'shell("touch /tmp/w").\\nhalt.\\n') | script -qec 'swipl /tmp/f.pl' /dev/null
      N4 => gforth => gforth /tmp/f.fs => echo ': x ;' > /tmp/f.fs; (sleep 1; printf 's" touch /tmp/w" system\\nbye\\n') | script -qec 'gforth /tmp/f.fs' /dev/null
      N4 => clisp => clisp -q => (sleep 1; printf '(ext:shell "touch /tmp/w")\\n(quit)\\n') | script -qec 'clisp -q' /dev/null
      N4 => gnuplot => gnuplot -e 'system("touch /tmp/w")' => gnuplot -e 'system("touch /tmp/w")'
      N4 => gnuplot => gnuplot => printf '! touch /tmp/w\\nexit\\n' | script -qec gnuplot /dev/null
      N4 => dc => dc -e '!touch /tmp/w' => dc -e '!touch /tmp/w'
      N4 => dc => dc => printf '!touch /tmp/w\\nq\\n' | script -qec dc /dev/null
      N4 => m4 => m4 <<< 'syscmd(touch /tmp/w)' => m4 <<< 'syscmd(touch /tmp/w)'
      N4 => m4 => m4 => printf 'syscmd(touch /tmp/w)\\n' | script -qec m4 /dev/null
      N4 => jshell => jshell /tmp/F.jsh => echo 'int x = 1;' > /tmp/F.jsh; (sleep 5; printf 'Runtime.getRuntime().exec(new String[]{"touch","/tmp/w"}).waitFor()\\n/exit\\n'; sleep 4) | script -qec 'jshell /tmp/F.jsh' /dev/null
      N6 => tcpserver => tcpserver 127.0.0.1 9999 sh & sleep 1; curl -s telnet://127.0.0.1:9999 => (sleep 2; printf 'touch /tmp/w\\n'; sleep 2) | timeout 30 script -qec 'tcpserver 127.0.0.1 9999 sh & s=$!; sleep 1; curl -s -m 8 telnet://127.0.0.1:9999; kill $s' /dev/null
      N7 => emacs => emacs --batch --eval '(shell-command "touch /tmp/w")' => emacs --batch --eval '(shell-command "touch /tmp/w")'
      N7 => kak => kak -e 'nop %sh{touch /tmp/w}' => kak -n -ui dummy -e 'nop %sh{touch /tmp/w}; kill'
      """)
  void provenInSandbox(String finding, String tool, String judged, String run) throws Exception {
    assertThat(BashWitness.allowedWithoutTouch(DEFAULT.judge(judged))).as("%s exec: %s", finding, judged).isFalse();
    assertThat(BashWitness.allowedWithoutTouch(DEFAULT.judgeTyped(judged))).as("%s typed: %s", finding, judged).isFalse();
    Assumptions.assumeTrue(onPath("bwrap") && onPath("bash") && onPath("script") && onPath(tool),
        "bwrap, bash, script and " + tool + " are needed");
    Assumptions.assumeTrue(!run.contains("curl") || onPath("curl") && onPath("ip"), "curl and ip are needed");
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the sandbox without a user namespace needs root");
    String script = "cd /tmp; ip link set lo up 2>/dev/null; (" + run + ") >/dev/null 2>&1; test -e /tmp/w && echo PROVEN\n";
    List<String> cmd = List.of("bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
        "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--setenv", "HOME", "/tmp", "--setenv", "TERM", "xterm", "--chdir", "/tmp", "bash", "-c", script);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    boolean finished = p.waitFor(90, TimeUnit.SECONDS);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    assertThat(finished).as("the sandbox finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).as("%s: %s", finding, run).contains("PROVEN");
  }

  private static boolean onPath(String name) {
    return TestPrograms.onPath(name);
  }
}
