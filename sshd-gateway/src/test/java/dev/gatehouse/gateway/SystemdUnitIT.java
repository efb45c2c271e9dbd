package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service files in {@code systemd/}: the unit passes {@code systemd-analyze verify} (where
 * systemd's tools are installed), and {@code install.sh} with {@code DESTDIR} puts every file in
 * place with the modes the docs promise; the sysusers and tmpfiles files are read by the real
 * systemd-sysusers and systemd-tmpfiles against that staging root.
 */
class SystemdUnitIT {
  /** The repository root: failsafe runs in the module directory. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path UNIT = REPO.resolve("systemd/gatehouse.service");

  record Run(int exitCode, String output) {}

  private static Run run(Map<String, String> env, String... argv) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", Arrays.toString(argv)).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void unitPassesSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("systemd-analyze"), "systemd-analyze installed");
    Path launcher = REPO.resolve("bin/gatehouse");
    assertThat(launcher).isExecutable();
    String unit = Files.readString(UNIT);
    assertThat(unit).contains("ExecStart=/usr/bin/gatehouse serve").contains("ExecReload=/bin/kill -HUP $MAINPID");
    // verify checks that ExecStart's program exists: point it at this checkout's launcher. Keep
    // the file name, so any complaint names gatehouse.service.
    Path copy = dir.resolve("gatehouse.service");
    Files.writeString(copy, unit.replace("ExecStart=/usr/bin/gatehouse ", "ExecStart=" + launcher + " "));

    Run r = run(Map.of("SYSTEMD_LOG_COLOR", "0"), "systemd-analyze", "verify", copy.toString());

    assertThat(r.exitCode()).as(r.output()).isZero();
    // Unknown keys and bad values are only warnings (exit 0): none may mention the unit.
    assertThat(r.output().lines().filter(l -> l.contains("gatehouse.service")).toList()).as(r.output()).isEmpty();
  }

  @Test
  void unitSandboxingExposureIsAtMostWhatTheDocsSay(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("systemd-analyze"), "systemd-analyze installed");
    Path copy = dir.resolve("gatehouse.service");
    Files.writeString(copy, Files.readString(UNIT)
        .replace("ExecStart=/usr/bin/gatehouse ", "ExecStart=" + REPO.resolve("bin/gatehouse") + " "));

    Run r = run(Map.of("SYSTEMD_LOG_COLOR", "0", "SYSTEMD_COLORS", "0"),
        "systemd-analyze", "security", "--offline=true", "--no-pager", copy.toString());
    assumeTrue(!r.output().contains("Unknown option") && !r.output().contains("unrecognized option"),
        "systemd-analyze security --offline (systemd 250+)");

    // docs/operations.md: "systemd-analyze security gatehouse rates it 3.2 OK".
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("Overall exposure level for gatehouse\\.service: (\\d+\\.\\d)").matcher(r.output());
    assertThat(m.find()).as(r.output()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as(r.output()).isLessThanOrEqualTo(3.2);
  }

  @Test
  void systemdAnalyzeVerifyCatchesABadValueInTheUnit(@TempDir Path dir) throws Exception {
    // The check above has teeth: the same unit with one bad value is reported.
    assumeTrue(onPath("systemd-analyze"), "systemd-analyze installed");
    Path copy = dir.resolve("gatehouse.service");
    Files.writeString(copy, Files.readString(UNIT)
        .replace("ExecStart=/usr/bin/gatehouse ", "ExecStart=" + REPO.resolve("bin/gatehouse") + " ")
        .replace("ProtectSystem=strict", "ProtectSystem=strictly"));

    Run r = run(Map.of("SYSTEMD_LOG_COLOR", "0"), "systemd-analyze", "verify", copy.toString());

    assertThat(r.output()).contains("gatehouse.service").contains("strictly");
  }

  @Test
  void installScriptWithDestdirPutsEveryFileInPlace(@TempDir Path dest) throws Exception {
    Path jar = GatewayProcess.JAR;
    assertThat(jar).as("built jar").exists();

    Run r = run(Map.of("DESTDIR", dest.toString()), "bash", REPO.resolve("systemd/install.sh").toString());

    assertThat(r.exitCode()).as(r.output()).isZero();
    Path installedJar = dest.resolve("usr/share/gatehouse/gatehouse.jar");
    assertThat(installedJar).exists().hasSameBinaryContentAs(jar);
    Path launcher = dest.resolve("usr/bin/gatehouse");
    assertThat(launcher).isExecutable();
    assertThat(Files.readString(launcher)).startsWith("#!/bin/sh").contains("-jar /usr/share/gatehouse/gatehouse.jar");
    assertThat(dest.resolve("etc/systemd/system/gatehouse.service")).hasSameTextualContentAs(UNIT);
    assertThat(dest.resolve("usr/lib/sysusers.d/gatehouse.conf"))
        .hasSameTextualContentAs(REPO.resolve("systemd/gatehouse.sysusers"));
    assertThat(dest.resolve("usr/lib/tmpfiles.d/gatehouse.conf"))
        .hasSameTextualContentAs(REPO.resolve("systemd/gatehouse.tmpfiles"));
    Path config = dest.resolve("etc/gatehouse/gatehouse.yaml");
    assertThat(config).hasSameTextualContentAs(REPO.resolve("systemd/gatehouse.yaml"));
    // The config may name secrets' files and targets: not world-readable.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher))).isEqualTo("rwxr-xr-x");

    // Run again: idempotent, and an operator's edited config is kept.
    Files.writeString(config, "# edited by the operator\n", java.nio.file.StandardOpenOption.APPEND);
    Run again = run(Map.of("DESTDIR", dest.toString()), "bash", REPO.resolve("systemd/install.sh").toString());
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(Files.readString(config)).endsWith("# edited by the operator\n");
  }

  @Test
  void sysusersAndTmpfilesMakeTheAccountsAndAPrivateDataDirectory(@TempDir Path dest) throws Exception {
    assumeTrue(onPath("systemd-sysusers") && onPath("systemd-tmpfiles"), "systemd-sysusers and systemd-tmpfiles");
    assumeTrue("root".equals(System.getProperty("user.name")), "root (tmpfiles sets owners)");
    Run install = run(Map.of("DESTDIR", dest.toString()), "bash", REPO.resolve("systemd/install.sh").toString());
    assertThat(install.exitCode()).as(install.output()).isZero();
    Files.writeString(dest.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    Files.writeString(dest.resolve("etc/group"), "root:x:0:\n");

    // Against the staging root only: this host's accounts are not touched.
    Run users = run(Map.of(), "systemd-sysusers", "--root=" + dest);
    assertThat(users.exitCode()).as(users.output()).isZero();
    List<String> passwd = Files.readAllLines(dest.resolve("etc/passwd"));
    assertThat(passwd).anyMatch(l -> l.startsWith("gatehouse:") && l.endsWith(":/var/lib/gatehouse:/usr/sbin/nologin"));
    assertThat(passwd).anyMatch(l -> l.startsWith("gatehouse-session:") && l.endsWith(":/usr/sbin/nologin"));

    Run tmp = run(Map.of(), "systemd-tmpfiles", "--root=" + dest, "--create", "gatehouse.conf");
    assertThat(tmp.exitCode()).as(tmp.output()).isZero();
    Path data = dest.resolve("var/lib/gatehouse");
    assertThat(data).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    String uid = passwd.stream().filter(l -> l.startsWith("gatehouse:")).findFirst().orElseThrow().split(":")[2];
    assertThat(Files.getAttribute(data, "unix:uid")).isEqualTo(Integer.parseInt(uid));
    Path etc = dest.resolve("etc/gatehouse");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(etc))).isEqualTo("rwxr-x---");
    String gid = Files.readAllLines(dest.resolve("etc/group")).stream().filter(l -> l.startsWith("gatehouse:"))
        .findFirst().orElseThrow().split(":")[2];
    assertThat(Files.getAttribute(etc, "unix:gid")).isEqualTo(Integer.parseInt(gid));
  }
}
