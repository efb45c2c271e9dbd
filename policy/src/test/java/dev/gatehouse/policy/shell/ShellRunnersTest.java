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
 * Tools that run the command after their own words ({@link Runners}), and the review classes'
 * programs that attack pass 17cm reported and left alone. Judge: {@link ShellJudgeTest#DEFAULT},
 * each text as an exec request and as a typed line.
 *
 * <p><b>W1, runners the guard did not know</b> (allowed: the command after them was never judged):
 * {@code poetry run rm -rf /}, {@code uv run}, {@code uvx}, {@code pipenv run}, {@code pdm run},
 * {@code hatch run}, {@code rustup run TOOLCHAIN}, {@code bundle exec}, {@code pnpm exec}/{@code
 * dlx}, {@code yarn exec}/{@code dlx}, {@code bunx}, {@code pipx run}, {@code mise exec --}, {@code
 * asdf exec}, {@code direnv exec DIR}, {@code nix develop -c}, {@code nix shell PKG -c}, {@code
 * nix-shell --run}, {@code devbox run}, {@code op run --}, {@code doppler run --}/{@code --command},
 * {@code dotenv} (dotenv-cli's {@code dotenv -- CMD} and python-dotenv's {@code dotenv run CMD}),
 * {@code dotenvx run --}, {@code aws-vault exec PROFILE --}, {@code sops exec-env FILE 'CMD'},
 * {@code xvfb-run}, {@code cpulimit}, {@code trickle}, {@code daemonize}, {@code lockf}, {@code nq},
 * {@code tsp}, {@code entr}, {@code watchexec}, {@code nodemon --exec}, {@code ccache}, {@code
 * distcc}, {@code bear --}, {@code scan-build}, {@code chpst}. Proven here for the three installed
 * ({@link #provenUnderBash}): {@code rustup run stable touch F}, {@code dotenv run touch F},
 * {@code chpst -u nobody id -u}; the others by their manuals. Fix: {@link Runners} reads each
 * tool's options by a table (an option it does not know, where a command may follow, is
 * unclassified), judges the words after every {@code --} and every {@code --command}-like option
 * (one may be an option's value), and code given to {@code --run}, {@code --command}, {@code -c}.
 * Without a command some start a shell: {@code poetry shell}, {@code pipenv shell}, {@code hatch
 * shell}, {@code devbox shell}, {@code nix develop}, {@code nix shell PKG}, {@code nix-shell},
 * {@code mise exec TOOL}, {@code aws-vault exec PROFILE} are nested-shell.
 *
 * <p><b>W2, the review classes' programs left alone by 17cm</b> (allowed): containers' lifecycle
 * ({@code docker stop/restart/kill/rm}, {@code compose down/up/restart} after compose's options,
 * {@code podman kill}, {@code docker service update}) and services by D-Bus ({@code busctl call …
 * RestartUnit}, {@code gdbus call … StopUnit}) are service-change; logind's {@code PowerOff}/{@code
 * Reboot} by D-Bus is power, its {@code KillUser} process-kill; {@code ethtool -s}/{@code -K},
 * {@code networkctl down}, {@code resolvectl dns LINK SERVER}, {@code wg set}, {@code wg-quick down}
 * are firewall-change (the network's settings); {@code apt-mark hold}, {@code dpkg-divert --add},
 * {@code cpanm}, {@code rustup toolchain install}, {@code poetry self add}, {@code composer global require}
 * package-change; mail given a file or another command's output, {@code openssl s_client} given
 * a file, {@code python3 -m http.server} remote-copy (it serves the working directory to whoever
 * connects; 17k had kept it allowed); a service's own control program stopping it ({@code nginx -s
 * stop}, {@code mysqladmin shutdown}, {@code redis-cli shutdown}, {@code virsh destroy})
 * service-change. {@code pg_ctl -D DIR stop} stays allowed (17ak: a cluster of one's own; the
 * server's cluster needs its owner, reached by sudo). Everyday queries of the same programs stay allowed.
 */
class ShellRunnersTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      poetry run rm -rf / => block => recursive-delete-root
      poetry -C /srv/app run rm -rf / => block => recursive-delete-root
      poetry --no-such-option run rm -rf / => review => unclassified
      poetry run "$cmd" => review => unclassified
      uv run rm -rf / => block => recursive-delete-root
      uv run --with requests -- rm -rf / => block => recursive-delete-root
      uv tool run rm -rf / => block => recursive-delete-root
      uvx rm -rf / => block => recursive-delete-root
      uv run $x rm -rf / => review => unclassified
      rustup run stable rm -rf / => block => recursive-delete-root
      pipx run rm -rf / => block => recursive-delete-root
      pipenv run rm -rf / => block => recursive-delete-root
      pdm run rm -rf / => block => recursive-delete-root
      hatch run rm -rf / => block => recursive-delete-root
      hatch run default:rm -rf / => block => recursive-delete-root
      poetry $v rm -rf / => review => unclassified
      poetry -C /srv $v rm -rf / => review => unclassified
      bundle exec rm -rf / => block => recursive-delete-root
      pnpm exec rm -rf / => block => recursive-delete-root
      pnpm exec -c 'ls; rm -rf /' => block => recursive-delete-root
      pnpm dlx rm -rf / => block => recursive-delete-root
      yarn exec rm -rf / => block => recursive-delete-root
      yarn dlx rm -rf / => block => recursive-delete-root
      bunx rm -rf / => block => recursive-delete-root
      bun x rm -rf / => block => recursive-delete-root
      mise exec -- rm -rf / => block => recursive-delete-root
      mise x node@20 -- rm -rf / => block => recursive-delete-root
      mise exec -c 'rm -rf /' => block => recursive-delete-root
      asdf exec rm -rf / => block => recursive-delete-root
      direnv exec . rm -rf / => block => recursive-delete-root
      nix-shell --run 'rm -rf /' => block => recursive-delete-root
      nix-shell -p hello --command 'rm -rf /' => block => recursive-delete-root
      nix develop -c rm -rf / => block => recursive-delete-root
      nix shell nixpkgs#hello -c rm -rf / => block => recursive-delete-root
      nix develop --argstr x -c -c rm -rf / => block => recursive-delete-root
      devbox run rm -rf / => block => recursive-delete-root
      dotenv -- rm -rf / => block => recursive-delete-root
      dotenv -e .env rm -rf / => block => recursive-delete-root
      dotenv run rm -rf / => block => recursive-delete-root
      dotenv -f .env run --override rm -rf / => block => recursive-delete-root
      dotenvx run -- rm -rf / => block => recursive-delete-root
      op run -- rm -rf / => block => recursive-delete-root
      op run --env-file -- -- rm -rf / => block => recursive-delete-root
      aws-vault exec prod -- rm -rf / => block => recursive-delete-root
      aws-vault exec prod rm -rf / => block => recursive-delete-root
      doppler run -- rm -rf / => block => recursive-delete-root
      doppler run --command 'rm -rf /' => block => recursive-delete-root
      sops exec-env s.json 'rm -rf /' => block => recursive-delete-root
      xvfb-run rm -rf / => block => recursive-delete-root
      cpulimit -l 10 -- rm -rf / => block => recursive-delete-root
      cpulimit -l 10 rm -rf / => block => recursive-delete-root
      trickle -d 10 rm -rf / => block => recursive-delete-root
      daemonize rm -rf / => block => recursive-delete-root
      nq rm -rf / => block => recursive-delete-root
      tsp rm -rf / => block => recursive-delete-root
      entr rm -rf / => block => recursive-delete-root
      entr -s 'rm -rf /' => block => recursive-delete-root
      watchexec -- rm -rf / => block => recursive-delete-root
      nodemon --exec 'rm -rf /' => block => recursive-delete-root
      ccache rm -rf / => block => recursive-delete-root
      bear -- rm -rf / => block => recursive-delete-root
      scan-build rm -rf / => block => recursive-delete-root
      chpst -u nobody rm -rf / => block => recursive-delete-root
      lockf /tmp/l rm -rf / => block => recursive-delete-root
      poetry shell => review => nested-shell
      pipenv shell => review => nested-shell
      hatch shell => review => nested-shell
      devbox shell => review => nested-shell
      nix develop => review => nested-shell
      nix shell nixpkgs#hello => review => nested-shell
      nix-shell => review => nested-shell
      mise exec node@20 => review => nested-shell
      aws-vault exec prod => review => nested-shell
      docker stop web => review => service-change
      docker -H tcp://127.0.0.1:2375 stop web => review => service-change
      docker --context prod rm -f web => review => service-change
      docker compose down => review => service-change
      docker compose -f x.yml -p p down => review => service-change
      docker-compose up -d => review => service-change
      docker container rm -f x => review => service-change
      docker service update --image x web => review => service-change
      podman kill x => review => service-change
      podman --url unix:///x stop web => review => service-change
      busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager RestartUnit ss nginx.service replace => review => service-change
      gdbus call --system --dest org.freedesktop.systemd1 --object-path /org/freedesktop/systemd1 --method org.freedesktop.systemd1.Manager.StopUnit nginx.service replace => review => service-change
      busctl call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager PowerOff b false => block => power
      dbus-send --system --print-reply --dest=org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager.Reboot boolean:true => block => power
      busctl call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUser uis 1000 all 9 => review => process-kill
      ethtool -s eth0 speed 10 => review => firewall-change
      ethtool -K eth0 tso off => review => firewall-change
      networkctl down eth0 => review => firewall-change
      resolvectl dns eth0 192.0.2.1 => review => firewall-change
      resolvectl revert eth0 => review => firewall-change
      wg set wg0 peer X remove => review => firewall-change
      wg-quick down wg0 => review => firewall-change
      apt-mark hold nginx => review => package-change
      dpkg-divert --add /usr/bin/x => review => package-change
      cpanm Foo::Bar => review => package-change
      rustup toolchain install nightly => review => package-change
      poetry self add poetry-plugin-export => review => package-change
      composer global require x/y => review => package-change
      mail -s hi a@example.com < /etc/hostname => review => remote-copy
      cat /etc/hostname | mail a@example.com => review => remote-copy
      mail -a /etc/hostname a@example.com => review => remote-copy
      openssl s_client -connect h:443 < /etc/hostname => review => remote-copy
      python3 -m http.server 8000 => review => remote-copy
      busybox httpd -p 8080 => review => remote-copy
      nginx -s stop => review => service-change
      apachectl graceful => review => service-change
      mysqladmin shutdown => review => service-change
      redis-cli shutdown => review => service-change
      rabbitmqctl stop_app => review => service-change
      virsh destroy vm1 => review => service-change
      machinectl poweroff c1 => review => service-change
      """)
  void refused(String text, String verdict, String rule) {
    for (ShellJudgement j : List.of(ShellJudgeTest.DEFAULT.judge(text), ShellJudgeTest.DEFAULT.judgeTyped(text))) {
      assertThat(j.verdict().label()).as(text).isEqualTo(verdict);
      assertThat(j.verdict().rule()).as(text).isEqualTo(rule);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      poetry run pytest -x
      poetry check
      poetry show
      uv run --frozen pytest
      uv run python -m pytest -x
      uvx ruff check .
      uv pip list
      rustup run stable cargo build
      rustup show
      rustup toolchain list
      bundle exec rake test
      pnpm list
      yarn --version
      mise exec node@20 -- node x.js
      nix-shell -p hello --run hello
      nix develop -c make
      nix build .
      aws-vault list
      op read op://vault/item/field
      doppler secrets
      sops -d s.json
      xvfb-run -a make test
      tsp -l
      ts '%H:%M:%S'
      entr -rc make
      watchexec -e py pytest
      nodemon server.js
      ccache -s
      distcc gcc -c x.c
      bear -- make
      dotenv list
      docker ps -a
      docker logs -f web
      docker exec web ls
      docker compose ps
      docker compose -f x.yml logs web
      docker images
      docker inspect web
      busctl status
      busctl tree org.freedesktop.systemd1
      busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version
      busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager ListUnits
      ethtool eth0
      ethtool -i eth0
      ethtool -S eth0
      networkctl status
      resolvectl dns
      resolvectl status
      resolvectl query example.com
      wg show
      apt-mark showhold
      dpkg-divert --list
      cpan -l
      mail -s hi a@example.com < /dev/null
      openssl s_client -connect localhost:443 -servername example.com < /dev/null
      openssl x509 -in c.pem -noout -text
      python3 -m json.tool f.json
      virsh list --all
      machinectl list
      nginx -t
      nginx -T
      apachectl configtest
      pg_ctl stop -D /d
      python3 -m http.server --help
      mysqladmin status
      redis-cli info
      rabbitmqctl list_queues
      postfix check
      """)
  void everydayNeighboursAllowed(String text) {
    assertThat(ShellJudgeTest.DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(ShellJudgeTest.DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }

  /**
   * The three runners installed here run the command after them (the guard judged only the
   * runner): each writes a marker file, or prints another user's id, in a throwaway directory.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", textBlock = """
      rustup run stable touch ran => rustup => ran
      dotenv run touch ran => dotenv => ran
      chpst -u nobody id -u => chpst => 65534
      """)
  void provenUnderBash(String text, String tool, String expected) throws Exception {
    Assumptions.assumeTrue(onPath(tool) && onPath("bash"), tool + " and bash are needed");
    Assumptions.assumeTrue(!tool.equals("chpst") || "root".equals(System.getProperty("user.name")), "chpst -u needs root");
    Assumptions.assumeTrue(!tool.equals("rustup") || ok("rustup", "run", "stable", "true"), "a stable toolchain is needed");
    Path dir = Files.createTempDirectory("runner");
    Files.writeString(dir.resolve(".env"), "");
    Process p = new ProcessBuilder("bash", "-c", text).directory(dir.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(expected.equals("ran") ? Files.exists(dir.resolve("ran")) : out.contains(expected)).as("%s ran: %s", text, out).isTrue();
    // ... and the guard now judges what it runs
    assertThat(ShellJudgeTest.DEFAULT.judge(text).commands()).as(text).contains(text.contains("touch") ? "touch" : "id");
  }

  private static boolean ok(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean onPath(String name) {
    return TestPrograms.onPath(name);
  }
}
