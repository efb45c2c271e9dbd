package dev.gatehouse.gateway;

/**
 * The targets the live attack passes on the shell guard log in to: a {@code command} target running
 * bash and an {@code ssh} target (a real sshd), each under the example deny-list ({@code
 * default-shell}) and under the docs' own allow-list ({@code docs-allow-list}).
 */
final class ShellLiveTargets {
  private ShellLiveTargets() {}

  static final String POLICIES = """
      policies:
        default-shell:
          type: shell
          block:  [recursive-delete-root, filesystem-format, raw-device-write, power, fork-bomb, history-tamper, audit-tamper]
          review: [sudo, package-change, service-change, process-kill, firewall-change, user-change, scheduler-change,
                   curl-pipe-shell, interpreter-inline, remote-copy, guard-tamper]
          unclassified: review
        docs-allow-list:
          type: shell
          mode: allow-list
          allowCommands: [ls, cat, less, grep, tail, journalctl, "systemctl status"]
          block: [recursive-delete-root]
      """;

  /** {@code web-strict}, {@code web-default} (command targets), {@code ssh-strict}, {@code ssh-default} (the sshd's host). */
  static String fourTargets(SshdProcess sshd) throws java.io.IOException {
    String command = """
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
        """;
    String host = "    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SshdProcess.TARGET_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n";
    return "targets:\n"
        + "  - name: web-strict\n" + command + "    policy: docs-allow-list\n"
        + "  - name: web-default\n" + command + "    policy: default-shell\n"
        + "  - name: ssh-strict\n" + host + "    policy: docs-allow-list\n"
        + "  - name: ssh-default\n" + host + "    policy: default-shell\n"
        + POLICIES;
  }
}
