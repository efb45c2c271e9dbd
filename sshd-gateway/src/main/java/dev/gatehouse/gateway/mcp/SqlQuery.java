package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.approval.ApprovalGate;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.postgres.ForwardingStatementGate;
import dev.gatehouse.gateway.postgres.PgProxySession;
import dev.gatehouse.gateway.postgres.PostgresTargets;
import dev.gatehouse.gateway.postgres.StatementGate;
import dev.gatehouse.policy.StandardConformingStrings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code sql_query}: the caller's text goes through the target's own wire proxy, exactly as
 * {@code ssh prod-db@gw 'SQL'} sends it through psql: the same judgement, masking, row limit
 * ({@code maxRowsChanged}), statement audit lines and approvals. The proxy runs in-process on a
 * pair of pipes; nothing listens on a socket.
 *
 * <pre>
 *  WireQueryClient ─pipe─▶ PgProxySession (judge ─ mask ─ count) ─TCP/TLS, SCRAM─▶ PostgreSQL
 *        ▲                        │ StatementGate: ApprovalGate (never waits) ◀ Remembering
 *        └──── masked rows ◀──────┘
 * </pre>
 */
final class SqlQuery {
  private SqlQuery() {}

  static ToolResult run(McpConnection conn, McpConnection.Call call, TargetConfig target, String sql, int maxRows,
      long maxBytes) throws IOException {
    GatewayServices s = conn.services();
    PostgresTargets.Access access = s.postgres().open(target);
    // An agent never waits on a held statement: a review makes a request and returns pending; the
    // same statement again runs once it is approved (the GATEHOUSE_NOWAIT retry).
    Remembering gate = new Remembering(new ApprovalGate(access.gate(), s.approvals(), target,
        s.postgres().policyFor(target), call.approvalSession(), true));
    Pipe toProxy = Pipe.open();
    Pipe fromProxy = Pipe.open();
    InputStream proxyIn = Channels.newInputStream(toProxy.source());
    OutputStream proxyOut = Channels.newOutputStream(fromProxy.sink());
    PgProxySession proxy = new PgProxySession(proxyIn, proxyOut, target.postgres(), gate, access.masker(),
        call.statementLog(), s.cancels());
    WireQueryClient.Result r;
    try (AutoCloseable ignored = conn.running(proxy::shutdown)) {
      s.pumps().execute(() -> {
        try {
          proxy.run();
        } finally {
          closeQuietly(proxyOut);
          closeQuietly(proxyIn);
        }
      });
      try (InputStream in = Channels.newInputStream(fromProxy.source());
          OutputStream out = Channels.newOutputStream(toProxy.sink())) {
        r = new WireQueryClient(in, out, maxRows, maxBytes)
            .run(target.postgres().database(), "gatehouse-mcp/" + call.user().identity(), sql);
      }
    } catch (IOException e) {
      StatementGate.Decision refused = gate.refusal.get();
      if (refused != null) {
        return GatehouseTools.refusal(refused, call);
      }
      return ToolResult.error("target-failed", "target '" + target.name() + "': " + e.getMessage());
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      proxy.shutdown();
    }
    StatementGate.Decision refused = gate.refusal.get();
    if (refused != null) {
      return GatehouseTools.refusal(refused, call);
    }
    if (r.error() != null) {
      ObjectNode n = ToolResult.JSON.createObjectNode();
      n.put("status", "error");
      n.put("error", "sql-error");
      n.put("sqlState", r.error().sqlState());
      n.put("message", r.error().message());
      return new ToolResult(true, n, "error", "sql-error", r.error().message());
    }
    return ToolResult.ok(body(r));
  }

  private static ObjectNode body(WireQueryClient.Result r) {
    ObjectNode n = ToolResult.JSON.createObjectNode();
    ArrayNode cols = n.putArray("columns");
    r.columns().forEach(cols::add);
    ArrayNode rows = n.putArray("rows");
    for (List<String> row : r.rows()) {
      ArrayNode a = rows.addArray();
      row.forEach(a::add);
    }
    n.put("rowCount", r.rowCount());
    n.put("truncated", r.truncated());
    ArrayNode notices = n.putArray("notices");
    r.notices().forEach(notices::add);
    return n;
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /**
   * The gate of this call, remembering its first refusal (blocked, a review's pending request,
   * denied…) so the result can say which, with the rule and reason, rather than the server's text.
   */
  private static final class Remembering extends ForwardingStatementGate {
    final AtomicReference<Decision> refusal;

    Remembering(StatementGate inner) {
      this(inner, new AtomicReference<>());
    }

    private Remembering(StatementGate inner, AtomicReference<Decision> refusal) {
      super(inner);
      this.refusal = refusal;
    }

    @Override
    public StatementGate forConnection() {
      return new Remembering(inner.forConnection(), refusal);
    }

    @Override
    public Decision judge(String sql) {
      return remember(inner.judge(sql));
    }

    @Override
    public Decision judge(String sql, StandardConformingStrings standardStrings) {
      return remember(inner.judge(sql, standardStrings));
    }

    @Override
    public Decision settle(String sql, StandardConformingStrings standardStrings, Decision review, Hold hold) {
      Decision d = inner.settle(sql, standardStrings, review, hold);
      if (d.allowed()) {
        refusal.set(null); // the review was settled by an approval: it ran
      }
      return remember(d);
    }

    @Override
    public void refusedLater(String sql, Decision d) {
      remember(d);
    }

    private Decision remember(Decision d) {
      // A review is only final once settled: settle() says what became of it.
      if (!d.allowed()) {
        refusal.compareAndSet(null, d);
        if (!d.review()) {
          refusal.set(refusal.get().review() ? d : refusal.get());
        }
      }
      return d;
    }
  }
}
