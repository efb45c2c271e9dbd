package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

class CrashRecoveryTest {
  @TempDir Path dir;

  @RepeatedTest(3)
  void aKilledWriterLosesAtMost100MillisecondsAndTheRepairedFilePlays() throws Exception {
    Path file = dir.resolve("crash.cast");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                cp,
                CrashWriterMain.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<long[]> acks = new ArrayList<>(); // {bytes, epochMillis}
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  String[] p = line.split(" ");
                  if (p.length == 3 && p[0].equals("wrote")) {
                    synchronized (acks) {
                      acks.add(new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
                    }
                  }
                }
              } catch (Exception ignored) {
                // the child was killed; what it printed so far is what counts
              }
            });
    reader.start();
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      synchronized (acks) {
        if (!acks.isEmpty() && acks.get(acks.size() - 1)[1] - acks.get(0)[1] > 1500) {
          break;
        }
      }
      Thread.sleep(20);
    }
    long killedAt = System.currentTimeMillis();
    child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);

    long mustHave = 0;
    long lastAck = 0;
    synchronized (acks) {
      for (long[] a : acks) {
        if (a[1] <= killedAt - 150) {
          mustHave = Math.max(mustHave, a[0]);
        }
        lastAck = Math.max(lastAck, a[0]);
      }
    }
    assertThat(mustHave).as("child acknowledged output well before the kill").isPositive();

    RepairResult repair = Recordings.repair(file);
    byte[] played = Asciinema.cat(file);
    StringBuilder expected = new StringBuilder();
    for (long i = 0; expected.toString().getBytes(StandardCharsets.UTF_8).length < played.length;
        i++) {
      expected.append(CrashWriterMain.chunk(i));
    }
    byte[] exp = expected.toString().getBytes(StandardCharsets.UTF_8);
    System.out.printf(
        "CRASH acknowledged %d bytes by kill-150ms, %d in all; file plays %d bytes; repair"
            + " dropped %d%n",
        mustHave, lastAck, played.length, repair.bytesDropped());
    assertThat(played.length).isGreaterThanOrEqualTo((int) mustHave);
    // What plays is exactly a prefix of what was written: nothing garbled, nothing reordered.
    assertThat(java.util.Arrays.copyOf(exp, played.length)).isEqualTo(played);
  }
}
