package dev.gatehouse.gateway;

import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * The server's memory while it streams a 10 MiB recording (bench/search runs it): a real gateway
 * with a real OIDC provider, a recording made by the real ssh client, downloaded by curl processes
 * (so no client buffers share this JVM) with a bearer token, 4 at a time, 5 rounds. Samples this
 * JVM's heap every 10 ms, the live heap after a GC in the middle of each round, and the RSS.
 * Prints Markdown.
 */
public final class DownloadMemoryBench {
  private DownloadMemoryBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    MockOAuth2Server idp = OidcGatewayFixture.startProvider();
    OidcGatewayFixture gw = OidcGatewayFixture.start(dir, idp.issuerUrl("corp").uri(), "", "roles: { auditor: [security] }");
    try {
      GatewayFixture ssh = GatewayFixture.external(dir, dir.resolve("gatehouse.yaml"), gw.sshPort());
      String me = GatewayFixture.uniqueIdentity("bench");
      SshClientKey key = ssh.sign(me, List.of("dev"));
      SshResult made = ssh.ssh(key, "shell").timeout(Duration.ofSeconds(120))
          .run("yes 'The quick brown fox jumps over the lazy dog; 0123456789' | head -c 10485760");
      if (made.exitCode() != 0) {
        throw new IllegalStateException("recording session failed: " + made);
      }
      SessionRecord s = ssh.awaitSession(me, x -> x.state() != SessionState.ACTIVE);
      long size = Files.size(gw.config().dataDir().resolve(s.path()));
      String token = OidcGatewayFixture.accessToken(idp, "corp", OidcGatewayFixture.CLIENT, "sub",
          Map.of("email", me, "groups", List.of("dev")));
      String url = gw.webUrl() + "/api/sessions/" + s.id() + "/recording";

      long baselineLive = liveHeap();
      long baselineRss = rss();
      AtomicLong peakHeap = new AtomicLong();
      AtomicLong peakRss = new AtomicLong();
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peakHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
          peakRss.accumulateAndGet(rss(), Math::max);
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.setDaemon(true);
      peakHeap.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      sampler.start();
      List<Long> liveDuring = new ArrayList<>();
      List<Double> seconds = new ArrayList<>();
      List<Double> firstByte = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        List<Process> curls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          // --limit-rate keeps each download in flight ~2 s, so the mid-round sample sees 4 open streams.
          curls.add(new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "--limit-rate", "5M", "-w",
              "%{http_code} %{size_download} %{time_starttransfer} %{time_total}", "-H", "Authorization: Bearer " + token,
              url).redirectErrorStream(true).start());
        }
        Thread.sleep(1000);
        liveDuring.add(liveHeap());
        for (Process p : curls) {
          String out = new String(p.getInputStream().readAllBytes()).strip();
          p.waitFor(60, TimeUnit.SECONDS);
          String[] f = out.split(" ");
          if (!f[0].equals("200") || Long.parseLong(f[1]) != size) {
            throw new IllegalStateException("download failed: " + out);
          }
          firstByte.add(Double.parseDouble(f[2]));
          seconds.add(Double.parseDouble(f[3]));
        }
      }
      sampler.interrupt();
      long afterLive = liveHeap();
      // Unthrottled: how fast one download is when nothing holds it back.
      Process fast = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{time_starttransfer} %{time_total}",
          "-H", "Authorization: Bearer " + token, url).redirectErrorStream(true).start();
      String[] ft = new String(fast.getInputStream().readAllBytes()).strip().split(" ");
      fast.waitFor(60, TimeUnit.SECONDS);

      System.out.println("| 10 MiB recording download (server in this JVM, curl clients) | value |");
      System.out.println("|---|---:|");
      System.out.printf(Locale.ROOT, "| recording file size | %.2f MiB |%n", size / 1048576.0);
      System.out.printf(Locale.ROOT, "| downloads | 20 (5 rounds of 4 at once, each limited to 5 MB/s by curl) |%n");
      System.out.printf(Locale.ROOT, "| live heap after GC: before / during (max of 5 mid-round samples) / after | %.1f / %.1f / %.1f MiB |%n",
          baselineLive / 1048576.0, liveDuring.stream().mapToLong(Long::longValue).max().orElse(0) / 1048576.0,
          afterLive / 1048576.0);
      System.out.printf(Locale.ROOT, "| heap used, peak sampled every 10 ms (garbage included) | %.1f MiB |%n",
          peakHeap.get() / 1048576.0);
      System.out.printf(Locale.ROOT, "| process RSS: before / peak | %.0f / %.0f MiB |%n", baselineRss / 1048576.0,
          peakRss.get() / 1048576.0);
      System.out.printf(Locale.ROOT, "| time to first byte, median of 20 | %.1f ms |%n", median(firstByte) * 1000);
      System.out.printf(Locale.ROOT, "| one unthrottled download: first byte / total | %.1f ms / %.0f ms |%n",
          Double.parseDouble(ft[0]) * 1000, Double.parseDouble(ft[1]) * 1000);
    } finally {
      gw.close();
      idp.shutdown();
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(Double::compare);
    return s.get(s.size() / 2);
  }

  static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long rss() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException e) {
      return 0;
    }
    return 0;
  }
}
