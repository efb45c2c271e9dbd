package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Gateway;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.web.OperatorLinks;
import dev.gatehouse.web.login.LoginLinks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gatehouse serve}: runs the gateway until stopped (SIGTERM drains, SIGHUP reloads). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    Path file = ConfigLoader.locate(config.file);
    GatewayConfig cfg = file == null ? ConfigLoader.defaults() : ConfigLoader.load(file);
    for (String w : ConfigLoader.warnings(cfg)) {
      LOG.warn("config: {}", w);
    }
    // SIGHUP's default is to end the JVM: take it over before the port opens, so a reload sent
    // as soon as the gateway answers can never kill it.
    java.util.concurrent.atomic.AtomicReference<Gateway> running = new java.util.concurrent.atomic.AtomicReference<>();
    Reload.onHangup(() -> {
      Gateway g = running.get();
      // The JVM runs signal handlers on a thread of their own: waiting for the start is fine.
      for (int i = 0; g == null && i < 600; i++) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        g = running.get();
      }
      if (g == null) {
        LOG.warn("SIGHUP while the gateway was still starting: ignored");
        return;
      }
      try {
        GatewayConfig next = file == null ? ConfigLoader.defaults() : ConfigLoader.load(file);
        g.reload(next);
        LOG.info("configuration reloaded from {}: applies to new sessions", file == null ? "embedded defaults" : file);
      } catch (Exception e) {
        LOG.error("reload refused, keeping the running configuration: {}", e.getMessage());
      }
    });
    Gateway gateway = Gateway.start(cfg, file);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping: draining live sessions");
      gateway.close();
      stopped.countDown();
    }, "gh-shutdown"));
    running.set(gateway);
    printWelcome(cfg, gateway, file);
    printOperatorLink(cfg, gateway, file);
    stopped.await();
    return 0;
  }

  private static void printWelcome(GatewayConfig cfg, Gateway gateway, Path file) {
    String host = gateway.boundAddress().getHostString();
    int port = gateway.port();
    String gh = "bin/gatehouse" + (file == null ? "" : " --config " + file);
    String target = cfg.targets().isEmpty() ? "TARGET" : cfg.targets().get(0).name();
    System.out.printf(
        "Gatehouse is listening on %s:%d (data in %s, config: %s)%n%n"
            + "Connect in three steps:%n"
            + "  1. trust the gateway:  bin/gatehouse ca known-hosts%s > ~/.ssh/gatehouse_known_hosts%n"
            + "  2. get a certificate:  bin/gatehouse ca sign%s --public-key ~/.ssh/id_ed25519.pub --identity you@example.com --groups dev%n"
            + "  3. connect:            ssh -p %d -o UserKnownHostsFile=~/.ssh/gatehouse_known_hosts %s@%s%n%n",
        host, port, cfg.dataDir(), file == null ? "embedded defaults" : file,
        file == null ? "" : " --config " + file, file == null ? "" : " --config " + file,
        port, target, host.equals("0.0.0.0") ? "localhost" : host);
    System.out.flush();
  }

  /**
   * With {@code web.localLogin}: a one-time link that logs the operator in to the replay web. On
   * stdout only (the terminal of the quick start, or the journal under systemd), never in the log.
   */
  private static void printOperatorLink(GatewayConfig cfg, Gateway gateway, Path file) {
    if (cfg.web() == null || !cfg.web().localLogin()) {
      return;
    }
    OperatorLinks.OperatorLink link;
    try {
      link = OperatorLinks.issue(cfg, gateway.webPort(), "serve");
    } catch (IOException e) {
      LOG.error("no operator link: {} (try: gatehouse web login-link)", e.getMessage());
      return;
    }
    System.out.printf(
        "Replay sessions in the browser: open this link (it works once, for %d minutes; "
            + "bin/gatehouse web login-link%s makes another):%n  %s%n%n",
        LoginLinks.TTL.toMinutes(), file == null ? "" : " --config " + file, link.url());
    System.out.flush();
  }
}
