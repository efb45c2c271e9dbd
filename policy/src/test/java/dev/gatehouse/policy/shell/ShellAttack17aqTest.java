package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17aq (live through the gateway, ShellLiveAttack17aqIT) on the judge: systemd's bus
 * library (sd-bus, systemd 252) and libdbus connect to the bus named by {@code
 * DBUS_SESSION_BUS_ADDRESS} ({@code --user}) or {@code DBUS_SYSTEM_BUS_ADDRESS}, and an address
 * {@code unixexec:path=PROG,argv1=…} starts PROG with those arguments. Neither variable was in the
 * judge's tables (ShellJudge.LOOKUP_VARS for allow-list mode, ShellClass's code variables for the
 * deny-list), so {@code DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=W systemctl --user
 * status} was allowed under the docs' allow-list ({@code "systemctl status"}) and the default
 * deny-list while it ran {@code touch W}; the same through {@code busctl}, {@code networkctl},
 * {@code systemd-run --user} and {@code systemd-analyze --user}. Each case is run under real bash
 * ({@link BashWitness#assertRunsNoUnjudgedTouch}); each created the witness here before the fix.
 */
class ShellAttack17aqTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;

  @ParameterizedTest(name = "allow-list [ls, cat, less, …, \"systemctl status\"]: {0}")
  @ValueSource(strings = {
      "DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS systemctl --user status",
      "export DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS; systemctl --user status",
      "DBUS_SESSION_BUS_ADDRESS=unixexec:path=sh,argv1=-c,argv2=touch%20WITNESS systemctl --user status"})
  void allowListSystemctlStatusStartsTheBusAddressProgram(String text, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, text, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: {0}")
  @ValueSource(strings = {
      "DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS systemctl --user status",
      "declare -x DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS; systemctl --user status",
      "DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS busctl --user list",
      "DBUS_SYSTEM_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS busctl list",
      "DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS systemd-analyze --user blame",
      "DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS systemd-run --user true",
      "env DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS systemctl --user status",
      "a=unixexec:path=touch,argv1=WITNESS; DBUS_SESSION_BUS_ADDRESS=$a systemctl --user status"})
  void denyListBusAddressStartsAProgram(String text, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, text, tmp, false);
  }

  /** An address that only connects to a socket stays allowed: admins point systemctl --user at a user's bus. */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {
      "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus systemctl --user status",
      "export DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
      "DBUS_SYSTEM_BUS_ADDRESS='unix:path=/run/dbus/system_bus_socket;tcp:host=127.0.0.1,port=1' busctl list"})
  void aSocketAddressIsAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).isEqualTo("allow");
  }
}
