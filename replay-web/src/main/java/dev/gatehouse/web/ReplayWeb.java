package dev.gatehouse.web;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The web side of the gateway: OIDC login and one-time operator links, the JSON API over the
 * session index, recordings and approvals, the live view, the metrics and the UI's pages. The gateway supplies a {@link
 * ReplayWebContext} and mounts {@link #handler()}; paths it does not serve fall through.
 *
 * <pre>
 *  browser ──/auth/login──▶ IdP ──/auth/callback──▶ gh_session cookie
 *  browser ──/auth/local?token=… (operator link, web.localLogin)──▶ gh_session cookie (operator@local)
 *  browser/script ──/api/... (cookie + X-CSRF-Token, or Bearer)──▶ Router ──▶ SearchIndex / SessionIndex /
 *      recordings on disk / Approvals
 *  browser ──WS /api/sessions/{id}/live──▶ LiveTail (follows the .cast file)
 * </pre>
 */
public final class ReplayWeb implements AutoCloseable {
  static final int MAX_INCOMING = 4 * 1024;
  private final Metrics metrics;
  private final ScheduledExecutorService scheduler;
  private final WebSocketUpgradeHandler handler;
  private final Router router;

  private ReplayWeb(Server server, ReplayWebContext ctx, Metrics metrics) {
    this.metrics = metrics;
    this.scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "gh-web-live");
      t.setDaemon(true);
      return t;
    });
    this.handler = WebSocketUpgradeHandler.from(server, container -> {
      // The live view only sends; a viewer has nothing to say. Whatever it sends anyway is bounded
      // on the wire (a frame) and inflated (a message), so a compressed bomb ends the socket (1009).
      container.setMaxFrameSize(MAX_INCOMING);
      container.setMaxTextMessageSize(MAX_INCOMING);
      container.setMaxBinaryMessageSize(MAX_INCOMING);
      container.setIdleTimeout(java.time.Duration.ofMinutes(10));
    });
    this.router = new Router(ctx, metrics, scheduler, Clock.systemUTC());
    handler.setHandler(router);
  }

  /**
   * Call after the gateway's configuration was reloaded: what the new settings end, ends now
   * rather than at a browser's next request (operator sessions once {@code web.localLogin} is off).
   * Returns how many browser sessions ended.
   */
  public int configChanged() {
    return router.configChanged();
  }

  /** Builds the handler for {@code server}; {@code metrics} is fed by the gateway's audit stream. */
  public static ReplayWeb create(Server server, ReplayWebContext ctx, Metrics metrics) {
    return new ReplayWeb(server, ctx, metrics);
  }

  public Handler handler() {
    return handler;
  }

  public Metrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
