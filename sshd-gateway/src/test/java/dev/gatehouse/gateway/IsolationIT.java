package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A command session runs as its runAs user with nothing of the gateway's: keys, env, descriptors. */
@ExtendWith(GatewayLogOnFailure.class)
class IsolationIT {
  @TempDir static Path dir;
  static GatewayFixture gw;
  static SshClientKey key;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir);
    key = gw.sign(GatewayFixture.uniqueIdentity("isolation"), List.of("dev"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void sessionCannotReadTheCaKey() throws Exception {
    Path caKey = gw.dataDir().resolve("ca/user_ca");

    SshResult r = gw.ssh(key, "shell").run("id -un; cat " + caKey);

    assertThat(r.exitCode()).as("%s", r).isNotZero();
    assertThat(r.out()).isEqualTo("nobody\n");
    assertThat(r.err()).contains("Permission denied");
    assertThat(r.out() + r.err()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void sessionCannotListTheDataDirectory() throws Exception {
    SshResult r = gw.ssh(key, "shell").run("ls " + gw.dataDir());

    assertThat(r.exitCode()).as("%s", r).isNotZero();
    assertThat(r.err()).contains("Permission denied");
    assertThat(r.out()).doesNotContain("gatehouse.db");
  }

  @Test
  void sessionCannotReadTheGatewaysEnvironment() throws Exception {
    long gatewayPid = ProcessHandle.current().pid(); // the gateway runs in this JVM

    SshResult r = gw.ssh(key, "shell").run("cat /proc/" + gatewayPid + "/environ");

    assertThat(r.exitCode()).as("%s", r).isNotZero();
    assertThat(r.err()).contains("Permission denied");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void childEnvironmentIsTheTargetsEnvPlusLangAndLcFromTheClient() throws Exception {
    SshResult r = gw.ssh(key, "shell")
        .options("-o", "SetEnv=LC_FOO=x EVIL=y LANG=C.UTF-8 GATEHOUSE_MODE=z LD_PRELOAD=/tmp/x.so")
        .run("tr '\\0' '\\n' < /proc/$$/environ");

    assertThat(r.exitCode()).as("%s", r).isZero();
    // What the gateway passed to the child (the shell's own initial environment, before sh adds
    // anything): the target's env, and of the client's only LANG and LC_*.
    Set<String> env = new TreeSet<>(r.out().lines().toList());
    assertThat(env).containsExactlyInAnyOrder(
        "PATH=/usr/bin:/bin", "PS1=gh$ ", "GH_TARGET_ENV=from-target", "LC_FOO=x", "LANG=C.UTF-8");
  }

  @Test
  void childWithATerminalAlsoGetsTerm() throws Exception {
    SshResult r = gw.ssh(key, "shell").options("-tt").run("tr '\\0' '\\n' < /proc/$$/environ | grep -c . ; echo TERM=$TERM");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("4\r\nTERM=xterm-256color\r\n");
  }

  @Test
  void childInheritsNoDescriptorsOfTheGateway() throws Exception {
    // ls runs as a child of sh; its own directory handle aside, it sees what sh was given.
    SshResult r = gw.ssh(key, "shell").run("ls /proc/$$/fd");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out().lines().toList()).containsExactlyInAnyOrder("0", "1", "2");
  }
}
