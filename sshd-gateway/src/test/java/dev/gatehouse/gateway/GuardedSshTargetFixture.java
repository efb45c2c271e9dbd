package dev.gatehouse.gateway;

import java.nio.file.Path;

/**
 * A gateway with one guarded {@code ssh} target, {@code web-ssh}: a real OpenSSH sshd on loopback
 * (so a witness file in /tmp is seen by the test), the account's login bash, ShellGuardIT's
 * policies ({@code default-shell}), approvers in group {@code ops-leads}.
 */
final class GuardedSshTargetFixture implements AutoCloseable {
  /** The account's bash prompt as a screen regex. */
  static final String PROMPT = SshdProcess.TARGET_USER + "@[^:\\n]*:~\\$ ?";

  final SshdProcess sshd;
  final GatewayFixture gw;

  private GatewayFixture started;

  private GuardedSshTargetFixture(SshdProcess sshd, GatewayFixture gw) {
    this.sshd = sshd;
    this.gw = gw;
  }

  static GuardedSshTargetFixture start(Path dir) throws Exception {
    SshdProcess sshd = SshdProcess.prepare(dir.resolve("sshd"));
    String targets = "targets:\n"
        + "  - name: web-ssh\n    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SshdProcess.TARGET_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n"
        + "    policy: default-shell\n    approvers: { groups: [ops-leads], min: 1 }\n"
        + ShellGuardIT.POLICIES;
    GatewayFixture gw;
    try {
      gw = GatewayFixture.start(dir, "", targets);
    } catch (Exception | Error e) {
      sshd.close();
      throw e;
    }
    GuardedSshTargetFixture f = new GuardedSshTargetFixture(sshd, gw);
    try {
      sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine());
    } catch (Exception | Error e) {
      f.close();
      throw e;
    }
    return f;
  }

  @Override
  public void close() throws Exception {
    try {
      gw.close();
    } finally {
      sshd.close();
    }
  }
}
