package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.config.PostgresSettings;
import dev.gatehouse.gateway.postgres.Pending.Kind;
import dev.gatehouse.gateway.postgres.Pending.Step;
import dev.gatehouse.gateway.postgres.Pending.Unit;
import dev.gatehouse.gateway.postgres.StatementGate.Decision;
import dev.gatehouse.policy.NoWaiting;
import dev.gatehouse.policy.RowWrites;
import dev.gatehouse.policy.StandardConformingStrings;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection through the PostgreSQL wire proxy, over any pair of byte streams (an SSH
 * channel, a Unix socket, a TCP socket). {@link #run()} answers the client's startup, logs in to
 * the target with its stored credentials, then reads the client's messages on the calling thread
 * (judging each statement before anything of it reaches the server) while a second thread carries
 * the server's answers back through the masking. See {@code package-info.java}.
 */
public final class PgProxySession implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PgProxySession.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  /** Fails at parse analysis, without side effects, in any transaction state. */
  static final String BLOCK_SQL = "SELECT 'gatehouse: statement blocked'::pg_catalog.int4";

  static final String BLOCK_STATEMENT = "gatehouse_blocked";
  static final int MAX_BATCH_BYTES = 64 << 20;
  static final int MAX_BATCH_MESSAGES = 100_000;
  static final int MAX_NAMED = 10_000;
  static final int MAX_UNITS_IN_FLIGHT = 1024;

  /** Startup parameters passed to the server (lower-case name → the name sent). */
  static final Map<String, String> ALLOWED_PARAMETERS = allowed(
      "application_name", "client_encoding", "DateStyle", "TimeZone", "extra_float_digits", "IntervalStyle");

  /** SQL that drops server-side prepared statements the proxy remembers: forget them all. */
  private static final Pattern FORGETS = Pattern.compile("(?i)\\b(deallocate|discard)\\b");

  private static final String UNKNOWN = new String("<unknown>");

  private final InputStream fromClient;
  private final OutputStream toClient;
  private final InputStream clientIn;
  final ClientOutput client;
  private final PostgresSettings upstream;
  private final StatementGate gate;
  final ResultMasker masker;
  final StatementLog log;
  private final CancelRegistry cancels;
  final String name = "pg-" + IDS.incrementAndGet();

  final BlockingQueue<Unit> units = new ArrayBlockingQueue<>(MAX_UNITS_IN_FLIGHT);
  /** Set by the server→client thread while the server is in COPY FROM STDIN. */
  volatile boolean copyIn;
  /** The client_encoding in force, from the server's ParameterStatus. */
  volatile Charset charset = StandardCharsets.UTF_8;
  /** The last ReadyForQuery status (I, T or E). */
  volatile char transactionStatus = 'I';
  /** standard_conforming_strings as the server last reported it (ParameterStatus; GUC_REPORT). */
  private volatile StandardConformingStrings standardConformingStrings = StandardConformingStrings.UNKNOWN;
  /**
   * Query and Sync messages forwarded whose ReadyForQuery has not come back: while any is out, a
   * SET may have changed standard_conforming_strings without the report having arrived yet.
   */
  final AtomicInteger readyPending = new AtomicInteger();
  /** ReadyForQuery messages relayed so far (counted before {@link #readyPending} goes down). */
  final AtomicLong answered = new AtomicLong();
  /** ReadyForQuery messages written to the client (counted after each is, so never ahead of {@link #answered}). */
  final AtomicLong relayed = new AtomicLong();
  /**
   * The ReadyForQuery messages owed for what was forwarded before the client message the session's
   * thread handles now: a review of that message waits until as many are written ({@link #awaitEarlierAnswers}).
   */
  private long turn;
  /** An extended batch went out with Flush and no Sync: the server reports settings only at Sync. */
  private boolean flushedWithoutSync;

  Upstream up;
  private OutputStream upOut;
  CancelRegistry.Key proxyKey;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Named statements and portals as the server holds them: name → query text. */
  private final Map<String, String> statements = new HashMap<>();
  private final Map<String, String> portals = new HashMap<>();

  /**
   * Held by the client thread while it queues a unit and writes it, so that the server thread can
   * re-run an approved statement only when nothing else was sent after it.
   */
  private final ReentrantLock sending = new ReentrantLock();

  /**
   * The row check's hidden statements as prepared statements of the server session: {@link
   * #forgetAll} (DEALLOCATE, DISCARD) starts a new generation; the server thread records the
   * generation in which both were parsed.
   */
  private final AtomicInteger rowStatementsGeneration = new AtomicInteger();
  private final AtomicInteger rowStatementsPrepared = new AtomicInteger(-1);
  private final AtomicInteger rowStatementsParsed = new AtomicInteger();
  /** The server is between the client's units (the last batch ended with Sync or was a Query). */
  private boolean atSync = true;

  public PgProxySession(
      InputStream fromClient,
      OutputStream toClient,
      PostgresSettings upstream,
      StatementGate gate,
      ResultMasker masker,
      StatementLog log,
      CancelRegistry cancels) {
    this.fromClient = fromClient;
    this.toClient = toClient;
    this.clientIn = new BufferedInputStream(fromClient, 65536);
    this.client = new ClientOutput(toClient);
    this.upstream = upstream;
    this.gate = gate.forConnection();
    this.masker = masker == null ? ResultMasker.NONE : masker;
    this.log = log == null ? StatementLog.NONE : log;
    this.cancels = cancels;
  }

  @Override
  public void run() {
    try {
      Map<String, String> parameters = startup();
      if (parameters == null) {
        return;
      }
      try {
        up = Upstream.connect(upstream, parameters);
      } catch (UpstreamFailure e) {
        LOG.warn("{}: cannot open the target database {}: {}", name, upstream, e.getMessage());
        fatal(e.sqlState(), "gatehouse: cannot open the target database: " + e.getMessage());
        return;
      }
      upOut = up.out;
      proxyKey = cancels.register(upstream, up.pid, up.secret);
      client.send('R', new Wire.Body().int32(0).build());
      for (byte[] status : up.parameterStatus) {
        noteParameter(status);
        client.send('S', status);
      }
      client.send('K', new Wire.Body().int32(proxyKey.pid()).int32(proxyKey.secret()).build());
      transactionStatus = up.transactionStatus;
      client.send('Z', new Wire.Body().int8(up.transactionStatus).build());
      client.flush();
      Thread server = new Thread(new ServerToClient(this), name + "-server");
      server.setDaemon(true);
      server.start();
      clientMessages();
    } catch (ProtocolViolation e) {
      LOG.info("{}: ending the session: {}", name, e.getMessage());
      fatal(e.sqlState(), "gatehouse: " + e.getMessage());
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.debug("{}: client connection ended: {}", name, e.toString());
    } catch (RuntimeException e) {
      LOG.error("{}: proxy session failed", name, e);
      fatal("XX000", "gatehouse: internal error in the proxy; the session ends");
    } finally {
      shutdown();
    }
  }

  /** Answers SSL/GSS requests and cancels; returns the allowed parameters, or null to end. */
  private Map<String, String> startup() throws IOException {
    while (true) {
      int first = clientIn.read();
      if (first < 0) {
        return null;
      }
      int len = (first << 24) | (clientIn.read() << 16) | (clientIn.read() << 8) | clientIn.read();
      if (len < 8 || len > Wire.MAX_STARTUP) {
        throw new ProtocolViolation("invalid startup packet length " + len);
      }
      byte[] body = clientIn.readNBytes(len - 4);
      if (body.length != len - 4) {
        return null;
      }
      Wire.Fields f = new Wire.Fields(body);
      int code = f.int32();
      if (code == Wire.SSL_REQUEST || code == Wire.GSSENC_REQUEST) {
        f.end();
        client.sendByte('N'); // the client is already inside SSH or on a local socket
        continue;
      }
      if (code == Wire.CANCEL_REQUEST) {
        int pid = f.int32();
        int secret = f.int32();
        f.end();
        cancels.cancel(pid, secret);
        return null;
      }
      if (code >> 16 != 3) {
        throw new ProtocolViolation(
            "0A000", "unsupported frontend protocol " + (code >> 16) + "." + (code & 0xffff) + ": the gateway speaks 3.0");
      }
      Map<String, String> pass = new LinkedHashMap<>();
      List<String> unsupported = new ArrayList<>();
      while (true) {
        String key = f.cstring(StandardCharsets.UTF_8);
        if (key.isEmpty()) {
          break;
        }
        String value = f.cstring(StandardCharsets.UTF_8);
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.equals("user") || lower.equals("database")) {
          continue; // the target's own are used
        }
        if (key.startsWith("_pq_.")) {
          unsupported.add(key);
          continue;
        }
        String canonical = ALLOWED_PARAMETERS.get(lower);
        if (canonical == null) {
          throw new ProtocolViolation(
              "42501",
              "startup parameter \"" + key + "\" is not allowed (allowed: "
                  + String.join(", ", ALLOWED_PARAMETERS.values()) + ")");
        }
        if (canonical.equals("client_encoding") && Wire.unsafeEncoding(value)) {
          throw new ProtocolViolation("0A000", "client_encoding " + value + " is refused; use UTF8");
        }
        pass.put(canonical, value);
      }
      if ((code & 0xffff) != 0 || !unsupported.isEmpty()) {
        Wire.Body v = new Wire.Body().int32(0).int32(unsupported.size());
        unsupported.forEach(u -> v.cstring(u, StandardCharsets.UTF_8));
        client.send('v', v.build());
      }
      return pass;
    }
  }

  /**
   * The client's messages, read on this thread; or, when the session is {@link #pushed}, handled
   * where they arrive and on this thread only when handed over (see {@link ClientInbox}).
   */
  private void clientMessages() throws IOException {
    if (pusher != null) {
      ClientInbox in = pusher.attach(() -> {
        byte[] ahead;
        try {
          ahead = clientIn.readNBytes(clientIn.available()); // read ahead with the startup: all there
        } catch (IOException e) {
          ahead = new byte[0]; // the stream is closed: the client's end of input ends the session
        }
        ClientInbox made = new ClientInbox(inboxSession, ahead);
        inbox = made;
        return made;
      });
      if (closed.get()) {
        in.close();
      }
      in.run();
      return;
    }
    while (true) {
      Wire.Message m = Wire.read(clientIn, "client");
      if (m == null || !step(m)) {
        return;
      }
    }
  }

  /** The extended-protocol messages since the last Sync or Flush, and their size. */
  private final List<Wire.Message> batch = new ArrayList<>();
  private long batchBytes;

  /** One message from the client; false when the client said goodbye. */
  private boolean step(Wire.Message m) throws IOException {
    if (!onReceivingThread()) {
      long a = answered.get(); // before readyPending: never too late (a ReadyForQuery in between only lowers it)
      turn = a + readyPending.get();
    }
    try {
      switch (m.kind()) {
        case 'Q' -> {
          if (!batch.isEmpty()) {
            sendBatch(batch, false);
            batchBytes = 0;
            if (onReceivingThread()) { // sent: what its judging learned stands
              gate.endAttempt(true);
              gate.beginAttempt();
            }
          }
          gate.unnamedPortalDropped();
          query(m);
        }
        case 'P', 'B', 'D', 'E', 'C', 'H', 'S' -> {
          batch.add(m);
          batchBytes += m.body().length + 5;
          if (batchBytes > MAX_BATCH_BYTES || batch.size() > MAX_BATCH_MESSAGES) {
            throw new ProtocolViolation(
                "54000", "extended-protocol batch over " + (MAX_BATCH_BYTES >> 20) + " MiB or "
                    + MAX_BATCH_MESSAGES + " messages before Sync or Flush");
          }
          if (m.kind() == 'S' || m.kind() == 'H') {
            try {
              sendBatch(batch, m.kind() == 'S');
            } catch (NoWaiting.WouldWait h) {
              batch.remove(batch.size() - 1); // handled again from the start on the session's thread
              batchBytes -= m.body().length + 5;
              throw h;
            }
            batchBytes = 0;
          }
        }
        case 'd', 'c', 'f' -> {
          if (copyIn) { // otherwise ignored, as the server itself ignores them
            Wire.write(upOut, m.kind(), m.body());
            if (m.kind() != 'd' || clientIn.available() == 0) {
              upOut.flush();
            }
          }
        }
        case 'F' -> functionCall(m);
        case 'X' -> {
          Wire.write(upOut, 'X', new byte[0]);
          upOut.flush();
          return false;
        }
        default -> throw new ProtocolViolation(
            "unknown message type '" + Wire.printable(m.type() & 0xff) + "' from the client");
      }
      return true;
    } finally {
      if (!onReceivingThread()) {
        long pending = readyPending.get(); // before answered: never too early
        quickFrom = flushedWithoutSync ? Long.MAX_VALUE : answered.get() + pending;
      }
    }
  }

  // ---- pushed mode: see ClientInbox ----

  /** Where a pushed session's bytes come from: see {@link #pushed}. */
  public interface Pusher {
    /**
     * Makes the inbox ({@code make} reads what the stream still holds) and sends every byte of the
     * client's from now on to it, with no byte delivered in between; tells it of an end of input
     * that came before. Called on the session's thread.
     */
    ClientInbox attach(java.util.function.Supplier<ClientInbox> make);

    /** {@code bytes} of the client's were consumed (the SSH window may re-open by as many). */
    void acknowledge(long bytes);
  }

  private Pusher pusher;
  private volatile ClientInbox inbox;

  /**
   * After the startup, take the client's messages pushed by the thread that receives them instead
   * of reading {@code fromClient}: an ordinary statement is then judged and sent to the server on
   * that thread, with no hand-off to this session's thread. Call before {@link #run()}.
   */
  public void pushed(Pusher pusher) {
    this.pusher = pusher;
  }

  /** The most one message (with the batch it ends) handled on the receiving thread may write. */
  static final int QUICK_MESSAGE_BYTES = 8 << 10;
  /** Queries and Syncs in flight above which the receiving thread hands over (the server is behind). */
  static final int QUICK_IN_FLIGHT = 4;
  /**
   * The count of answered Queries and Syncs ({@link #answered}) from which the receiving thread may
   * write again: everything the session's thread last wrote has been answered, so the server has
   * read it. Long.MAX_VALUE after a batch ended with Flush (no answer tells when it was read).
   */
  private volatile long quickFrom;

  private final ClientInbox.Session inboxSession = new ClientInbox.Session() {
    @Override
    public boolean quick(Wire.Message m) {
      // Nothing handled on the receiving thread may wait: not for an approver, not for the disk
      // (a refusal's audit line is written at once), not for a server that does not read its
      // input. So it writes only where the server has read all the session's thread wrote, and
      // at most QUICK_IN_FLIGHT × QUICK_MESSAGE_BYTES of its own: far below what the sockets'
      // buffers take before a write would block.
      return switch (m.kind()) {
        case 'P', 'B', 'D', 'E', 'C' -> !copyIn; // only added to the batch
        case 'Q', 'S' -> !copyIn
            && batchBytes + m.body().length + 5 <= QUICK_MESSAGE_BYTES
            && readyPending.get() < QUICK_IN_FLIGHT
            && units.size() < QUICK_IN_FLIGHT
            && answered.get() >= quickFrom;
        default -> false; // Flush, COPY data, a function call, goodbye, the unknown: the session's thread
      };
    }
    @Override
    public boolean step(Wire.Message m) throws IOException {
      if (!onReceivingThread()) {
        return PgProxySession.this.step(m);
      }
      // Handed over halfway, the message is judged again from the start on the session's thread:
      // nothing its first judging learned may be kept for that.
      gate.beginAttempt();
      boolean done = false;
      try {
        boolean goOn = PgProxySession.this.step(m);
        done = true;
        return goOn;
      } finally {
        gate.endAttempt(done);
      }
    }

    @Override
    public void acknowledge(long bytes) {
      pusher.acknowledge(bytes);
    }
  };

  private boolean onReceivingThread() {
    ClientInbox in = inbox;
    return in != null && in.onReceivingThread();
  }

  /** On the receiving thread: what must be handled on the session's thread goes there now. */
  private void handOffIfReceiving() {
    if (onReceivingThread()) {
      throw NoWaiting.WouldWait.INSTANCE;
    }
  }

  private void query(Wire.Message m) throws IOException {
    Wire.Fields f = new Wire.Fields(m.body());
    String sql = f.cstring(charset);
    f.end();
    // The server reads the whole message with the value in force when it arrives: a SET inside
    // the message changes the reading of later messages only.
    Decision d = encodingUncertain(m.body(), readyPending.get() != 0);
    if (d == null) {
      d = judge(sql, stringsReading());
    }
    if (!d.allowed()) {
      refuse(sql, d);
      return;
    }
    RowLimit rows = rowLimit(sql);
    if (rows.limit() > 0 && rows.plan() instanceof RowWrites.Refused r) {
      refuse(sql, new Decision(Decision.BLOCK, RowLimit.RULE, r.reason()));
      return;
    }
    String maskedSql = d.readsMasked() ? sql : null;
    if (rows.counts()) {
      sendCounted(sql, rows, rows.limit(), false, maskedSql);
      atSync = true;
    } else {
      sending.lock();
      try {
        enqueue(new Unit(List.of(new Step(Kind.QUERY, sql, System.nanoTime(), null, false)), null, maskedSql));
        readyPending.incrementAndGet();
        Wire.write(upOut, 'Q', m.body());
        upOut.flush();
        atSync = true;
      } finally {
        sending.unlock();
      }
    }
    if (FORGETS.matcher(sql).find()) {
      forgetAll();
    }
  }

  /** Sends a Query whose changed rows the server counts: see {@link RowLimit}. */
  private void sendCounted(String sql, RowLimit rows, long limit, boolean approved, String maskedSql)
      throws IOException {
    boolean prepared = rowStatementsReady();
    byte[] body = Wire.cstringBody(rows.wrap(limit, prepared), charset);
    Unit unit = new Unit(List.of(new Step(Kind.COUNTED_QUERY, sql, System.nanoTime(), null, false, limit)),
        new Pending.Rerun(rows, approved), maskedSql);
    sending.lock();
    try {
      if (!prepared && atSync) {
        prepareRowStatements();
      }
      enqueue(unit);
      readyPending.incrementAndGet(); // one ReadyForQuery reaches the client (a re-run's, if any)
      Wire.write(upOut, 'Q', body);
      upOut.flush();
    } finally {
      sending.unlock();
    }
  }

  /**
   * On the server thread, after an over-limit statement was approved and undone: runs it again
   * with the approved count as its limit, unless the client has sent anything since (then the
   * order of its statements would change) — false then.
   */
  boolean rerun(String sql, RowLimit rows, long approvedLimit, String maskedSql) throws IOException {
    if (!sending.tryLock()) {
      return false;
    }
    try {
      if (!units.isEmpty()) {
        return false;
      }
      Unit unit = new Unit(List.of(new Step(Kind.COUNTED_QUERY, sql, System.nanoTime(), null, false, approvedLimit)),
          new Pending.Rerun(rows, true), maskedSql);
      if (!units.offer(unit)) {
        return false;
      }
      Wire.write(upOut, 'Q', Wire.cstringBody(rows.wrap(approvedLimit, rowStatementsReady()), charset));
      upOut.flush();
      return true;
    } finally {
      sending.unlock();
    }
  }

  boolean rowStatementsReady() {
    return rowStatementsPrepared.get() == rowStatementsGeneration.get();
  }

  /** On the server thread: one hidden statement's ParseComplete of a prepare unit arrived. */
  void rowStatementParsed(int generation) {
    if (rowStatementsParsed.incrementAndGet() % 2 == 0 && generation == rowStatementsGeneration.get()) {
      rowStatementsPrepared.set(generation);
    }
  }

  /** On the server thread: the server no longer has them (SQLSTATE 26000); prepare them again. */
  void rowStatementsLost() {
    rowStatementsGeneration.incrementAndGet();
  }

  /**
   * A unit of the proxy's own between the client's: the two hidden statements parsed under their
   * names and a Sync. Only where the server is between the client's units, so the Sync ends no
   * extended-protocol transaction of the client's; its answers, errors included, are swallowed
   * (in an aborted transaction the Parse fails and the next counted statement tries again).
   */
  private void prepareRowStatements() throws IOException {
    int generation = rowStatementsGeneration.get();
    rowStatementsParsed.set(0);
    Charset u = StandardCharsets.UTF_8;
    List<Step> steps = new ArrayList<>();
    for (String[] st : new String[][] {{RowLimit.SNAPSHOT_STATEMENT, RowLimit.SNAPSHOT_SQL},
        {RowLimit.CHECK_STATEMENT, RowLimit.CHECK_SQL}}) {
      Wire.write(upOut, 'C', new Wire.Body().int8('S').cstring(st[0], u).build());
      Wire.write(upOut, 'P', new Wire.Body().cstring(st[0], u).cstring(st[1], u).int16(0).build());
      steps.add(new Step(Kind.HIDDEN_CLOSE, null, 0, null, true));
      steps.add(new Step(Kind.HIDDEN_PREPARE, null, 0, null, true, generation));
    }
    Wire.write(upOut, 'S', new byte[0]);
    steps.add(Step.of(Kind.HIDDEN_SYNC));
    enqueue(new Unit(steps));
  }

  /** The row limit of an allowed query string; when the gate fails, every write is refused. */
  private RowLimit rowLimit(String sql) {
    try {
      RowLimit r = gate.rowLimit(sql);
      return r == null ? RowLimit.OFF : r;
    } catch (NoWaiting.WouldWait w) {
      throw w;
    } catch (RuntimeException e) {
      LOG.error("{}: the row limit could not be planned; refusing the statement", name, e);
      return new RowLimit(1, new RowWrites.Refused("the row limit could not be planned for this statement"));
    }
  }

  /** A row-limit review found by the server thread, settled like any review (it may wait). */
  Decision settleLater(String sql, Decision review) {
    // Judged (and run) earlier under a value this thread cannot be sure of: both readings.
    return settle(sql, StandardConformingStrings.UNKNOWN, review);
  }

  /** Tells the gate of a refusal the server thread decided without settling it. */
  void refusedLater(String sql, Decision refusal) {
    try {
      gate.refusedLater(sql, refusal);
    } catch (RuntimeException e) {
      LOG.error("{}: the gate failed to note a refusal", name, e);
    }
  }

  /**
   * Text that is not plain ASCII, sent while an earlier statement may still change the client
   * encoding (it is in flight, or runs earlier in the same extended batch): the server decodes
   * it with the encoding in force when it reads it, which the proxy does not know yet, and in
   * some encodings a byte 0x5C inside a character is no backslash. Refused (null: fine). ASCII
   * text reads the same in every encoding the proxy accepts.
   */
  private static Decision encodingUncertain(byte[] body, boolean settingsInFlight) {
    if (!settingsInFlight) {
      return null;
    }
    for (byte b : body) {
      if (b < 0) {
        return new Decision(Decision.BLOCK, "encoding-uncertain",
            "non-ASCII statement text sent before the previous statement's result: the client encoding may be "
                + "changing; wait for the result (Sync) first");
      }
    }
    return null;
  }

  /** Stands in a failing statement for the refused one, so the server aborts its transaction too. */
  private void refuse(String sql, Decision d) throws IOException {
    handOffIfReceiving();
    logBlocked(sql, d);
    sending.lock();
    try {
      enqueue(new Unit(List.of(new Step(Kind.BLOCKED_QUERY, null, 0, refusal(d), false))));
      readyPending.incrementAndGet();
      Wire.write(upOut, 'Q', Wire.cstringBody(BLOCK_SQL, StandardCharsets.UTF_8));
      upOut.flush();
      atSync = true;
    } finally {
      sending.unlock();
    }
  }

  private void functionCall(Wire.Message m) throws IOException {
    Wire.Fields f = new Wire.Fields(m.body());
    int oid = f.int32();
    refuse(
        "FunctionCall oid " + Integer.toUnsignedString(oid),
        new Decision(
            Decision.BLOCK, "function-call", "the FunctionCall protocol message is refused; call the function in a statement"));
  }

  /**
   * Whether {@code batch} binds the unnamed portal before it executes anything: the server drops
   * the unnamed portal left by an earlier batch at that Bind, so nothing of this batch can read it.
   */
  private static boolean rebindsUnnamedPortalFirst(List<Wire.Message> batch) {
    for (Wire.Message m : batch) {
      if (m.kind() == 'E') {
        return false;
      }
      if (m.kind() == 'B' && m.body().length > 0 && m.body()[0] == 0) {
        return true;
      }
    }
    return false;
  }

  /** A text as the judge read it: the same text may read differently after a SET runs. */
  private record Reading(String sql, StandardConformingStrings strings) {}

  /**
   * Judges a whole extended-protocol batch; forwards all of it, or none of it.
   *
   * <p>Verdicts are judged once per text (and reading) of the batch, but a {@code review} is
   * settled per execution: every Execute of a reviewed statement is one use of one approval, so
   * the batch is counted whole first, and a batch that would execute a reviewed text more than once
   * is refused before any approval is used or anything is forwarded. Approvals are used only once
   * nothing else in the batch is refused.
   */
  private void sendBatch(List<Wire.Message> batch, boolean sync) throws IOException {
    Map<String, String> stmts = new HashMap<>(); // this batch's changes; null value = closed
    Map<String, String> ports = new HashMap<>();
    // Verdicts of this batch (allow, block, or review not yet settled), one per text and reading.
    Map<Reading, Decision> judged = new HashMap<>();
    if (rebindsUnnamedPortalFirst(batch)) {
      gate.unnamedPortalDropped();
    }
    // The reviewed texts this batch executes, in order, with how many Executes each.
    Map<Reading, Integer> reviewedExecutions = new LinkedHashMap<>();
    // How the statements parsed (and the portals bound) in this batch were read; others: unknown.
    Map<String, StandardConformingStrings> statementReadings = new HashMap<>();
    Map<String, StandardConformingStrings> portalReadings = new HashMap<>();
    String maskedSql = null; // the first statement of the batch that touches a masked column
    List<Step> steps = new ArrayList<>(batch.size() + 4);
    boolean[] injectDescribe = new boolean[batch.size()];
    long[] rowLimits = new long[batch.size()]; // > 0: a counted Execute
    boolean hiddenPrepared = rowStatementsReady();
    Decision reserved = null;
    Decision blocked = null;
    String blockedSql = null;
    boolean forgets = false;
    boolean executes = false; // a Parse after an Execute is read after that Execute ran (maybe a SET)
    StandardConformingStrings reading = stringsReading();
    String previousDescribedPortal = null;
    for (int i = 0; i < batch.size(); i++) {
      Wire.Message m = batch.get(i);
      Wire.Fields f = new Wire.Fields(m.body());
      String describedPortal = null;
      switch (m.kind()) {
        case 'P' -> {
          String stmt = f.cstring(charset);
          reserved = reserved != null ? reserved : reserved("prepared statement", stmt);
          String sql = f.cstring(charset);
          int n = f.int16();
          f.skip(4 * Math.max(0, n));
          f.end();
          Decision encoding = encodingUncertain(m.body(), executes || readyPending.get() != 0);
          if (encoding != null && blocked == null) {
            blocked = encoding;
            blockedSql = sql;
          }
          // A Parse runs nothing: a review is settled at the Executes (each one a use), but a
          // block refuses the batch here.
          Reading read = new Reading(sql, executes ? StandardConformingStrings.UNKNOWN : reading);
          if (!judged.containsKey(read)) {
            Decision d = verdict(read);
            judged.put(read, d);
            if (d.readsMasked() && maskedSql == null) {
              maskedSql = sql;
            }
            if (!d.allowed() && !d.review() && blocked == null) {
              blocked = d;
              blockedSql = sql;
            }
            forgets |= FORGETS.matcher(sql).find();
          }
          statementReadings.put(stmt, read.strings());
          if (!stmt.isEmpty() && lookup(statements, stmts, stmt) == null && statements.size() + stmts.size() >= MAX_NAMED && blocked == null) {
            blocked = new Decision(Decision.BLOCK, "proxy-limit", "more than " + MAX_NAMED + " prepared statements in one session");
            blockedSql = sql;
          }
          stmts.put(stmt, sql);
          steps.add(Step.of(Kind.PARSE));
        }
        case 'B' -> {
          String portal = f.cstring(charset);
          String stmt = f.cstring(charset);
          reserved = reserved != null ? reserved : reserved("portal", portal);
          String sql = lookup(statements, stmts, stmt);
          if (!portal.isEmpty() && lookup(portals, ports, portal) == null && portals.size() + ports.size() >= MAX_NAMED && blocked == null) {
            blocked = new Decision(Decision.BLOCK, "proxy-limit", "more than " + MAX_NAMED + " open portals in one session");
            blockedSql = sql;
          }
          ports.put(portal, sql == null ? UNKNOWN : sql);
          tellGate();
          if (gate.portal(portal, sql == UNKNOWN ? null : sql)) {
            // A cursor the gate must know of may be open from here on: what this batch judged
            // allowed before it is judged again at its Execute.
            judged.entrySet().removeIf(e -> e.getValue().allowed());
          }
          portalReadings.put(portal, statementReadings.getOrDefault(stmt, StandardConformingStrings.UNKNOWN));
          steps.add(Step.of(Kind.BIND));
        }
        case 'D' -> {
          int what = f.int8();
          String target = f.cstring(charset);
          f.end();
          if (what == 'S') {
            steps.add(Step.of(Kind.DESCRIBE_STATEMENT));
          } else if (what == 'P') {
            steps.add(new Step(Kind.DESCRIBE_PORTAL, null, 0, null, false));
            describedPortal = target;
          } else {
            throw new ProtocolViolation("Describe of unknown kind '" + Wire.printable(what) + "'");
          }
        }
        case 'E' -> {
          String portal = f.cstring(charset);
          f.int32();
          f.end();
          String sql = lookup(portals, ports, portal);
          if (sql == null || sql == UNKNOWN) {
            if (blocked == null) {
              blocked = new Decision(
                  Decision.BLOCK, "unknown-statement",
                  "Execute of portal \"" + portal + "\" whose statement the gateway did not see prepared");
              blockedSql = "EXECUTE portal " + portal;
            }
          } else {
            // Read as its Parse in this batch was; parsed in an earlier batch, under whatever
            // value was in force then: both readings.
            Reading read = new Reading(sql, portalReadings.getOrDefault(portal, StandardConformingStrings.UNKNOWN));
            Decision d = judged.get(read);
            if (d == null) {
              gate.executing(portal);
              try {
                d = verdict(read);
              } finally {
                gate.executing(null);
              }
              judged.put(read, d);
              if (d.readsMasked() && maskedSql == null) {
                maskedSql = sql;
              }
            }
            if (d.review()) {
              // Every Execute is an execution, a portal's continuation after PortalSuspended too.
              reviewedExecutions.merge(read, 1, Integer::sum);
            } else if (!d.allowed() && blocked == null) {
              blocked = d;
              blockedSql = sql;
            }
          }
          if (sql != null && sql != UNKNOWN && blocked == null) {
            RowLimit rows = rowLimit(sql);
            if (rows.limit() > 0 && rows.plan() instanceof RowWrites.Refused r) {
              blocked = new Decision(Decision.BLOCK, RowLimit.RULE, r.reason());
              blockedSql = sql;
            } else if (rows.counts() && ((RowWrites.Counted) rows.plan()).copies()) {
              blocked = new Decision(Decision.BLOCK, RowLimit.RULE,
                  "COPY through the extended protocol cannot be counted; send it as a simple query");
              blockedSql = sql;
            } else if (rows.counts()) {
              rowLimits[i] = rows.limit();
              hiddenSteps(steps, Kind.HIDDEN_EXECUTE, sql, 0, hiddenPrepared);
            }
          }
          if (!portal.equals(previousDescribedPortal)) {
            injectDescribe[i] = true; // the row shape must be known to mask the rows
            steps.add(new Step(Kind.DESCRIBE_PORTAL, null, 0, null, true));
          }
          steps.add(new Step(Kind.EXECUTE, sql, 0, null, false));
          executes = true;
          if (rowLimits[i] > 0) {
            hiddenSteps(steps, Kind.ROW_CHECK, sql, rowLimits[i], hiddenPrepared);
          }
        }
        case 'C' -> {
          int what = f.int8();
          String target = f.cstring(charset);
          f.end();
          reserved = reserved != null ? reserved : reserved(what == 'S' ? "prepared statement" : "portal", target);
          if (what == 'S') {
            stmts.put(target, null);
            statementReadings.remove(target);
          } else if (what == 'P') {
            ports.put(target, null);
            portalReadings.remove(target);
          } else {
            throw new ProtocolViolation("Close of unknown kind '" + Wire.printable(what) + "'");
          }
          steps.add(Step.of(Kind.CLOSE));
        }
        case 'S' -> steps.add(Step.of(Kind.SYNC));
        default -> {} // Flush: no answer of its own
      }
      previousDescribedPortal = describedPortal;
    }
    if (reserved != null && blocked == null) {
      blocked = reserved;
      blockedSql = "a name starting with " + RowLimit.RESERVED_PREFIX;
    }
    // Counted by text: the same text read two ways (parsed again after a SET) is still executed twice.
    Map<String, Integer> executionsOfText = new HashMap<>();
    reviewedExecutions.forEach((r, n) -> executionsOfText.merge(r.sql(), n, Integer::sum));
    for (Reading r : reviewedExecutions.keySet()) {
      int n = executionsOfText.get(r.sql());
      if (blocked == null && n > 1) {
        blocked = oneApprovalOneExecution(judged.get(r), n);
        blockedSql = r.sql();
      }
    }
    // Only now, with nothing else in the batch refused: one use of one approval per reviewed Execute.
    for (Reading r : reviewedExecutions.keySet()) {
      if (blocked == null) {
        Decision d = settleReview(r.sql(), r.strings(), judged.get(r));
        if (!d.allowed()) {
          blocked = d;
          blockedSql = r.sql();
        }
      }
    }
    if (blocked != null) {
      handOffIfReceiving();
    }
    sending.lock();
    try {
      if (blocked != null) {
        logBlocked(blockedSql, blocked);
        List<Step> refused = new ArrayList<>();
        refused.add(new Step(Kind.BLOCKED_PARSE, null, 0, refusal(blocked), false));
        if (sync) {
          refused.add(Step.of(Kind.SYNC));
        }
        enqueue(new Unit(refused));
        noteSync(sync);
        Wire.write(upOut, 'P', new Wire.Body()
            .cstring(BLOCK_STATEMENT, StandardCharsets.UTF_8)
            .cstring(BLOCK_SQL, StandardCharsets.UTF_8)
            .int16(0)
            .build());
        Wire.write(upOut, sync ? 'S' : 'H', new byte[0]);
        upOut.flush();
        atSync = sync;
        return;
      }
      if (!hiddenPrepared && atSync && java.util.Arrays.stream(rowLimits).anyMatch(l -> l > 0)) {
        prepareRowStatements(); // for the batches after this one, which parses its own
      }
      apply(statements, stmts);
      apply(portals, ports);
      long now = System.nanoTime();
      List<Step> timed = new ArrayList<>(steps.size());
      for (Step s : steps) {
        timed.add(s.kind() == Kind.EXECUTE ? new Step(Kind.EXECUTE, s.sql(), now, null, false, s.limit()) : s);
      }
      enqueue(new Unit(timed, null, maskedSql));
      noteSync(sync);
      for (int i = 0; i < batch.size(); i++) {
        Wire.Message m = batch.get(i);
        if (rowLimits[i] > 0) {
          writeHidden(RowLimit.SNAPSHOT_STATEMENT, RowLimit.SNAPSHOT_SQL, null, hiddenPrepared);
        }
        if (injectDescribe[i]) {
          byte[] body = m.body();
          int nul = 0;
          while (body[nul] != 0) {
            nul++;
          }
          Wire.write(upOut, 'D', new Wire.Body().int8('P').bytes(body, 0, nul + 1).build());
        }
        Wire.write(upOut, m.kind(), m.body());
        if (rowLimits[i] > 0) {
          writeHidden(RowLimit.CHECK_STATEMENT, RowLimit.CHECK_SQL, Long.toString(rowLimits[i]), hiddenPrepared);
        }
      }
      upOut.flush();
      atSync = sync;
      if (forgets) {
        forgetAll();
      }
    } finally {
      sending.unlock();
      batch.clear();
    }
  }

  /** A refusal when a client names a statement or portal with the proxy's own prefix. */
  private static Decision reserved(String what, String name) {
    if (!name.regionMatches(true, 0, RowLimit.RESERVED_PREFIX, 0, RowLimit.RESERVED_PREFIX.length())) {
      return null;
    }
    return new Decision(Decision.BLOCK, "proxy-reserved",
        "the " + what + " name prefix " + RowLimit.RESERVED_PREFIX + " is reserved for the gateway");
  }

  /** The answers to {@link #writeHidden}: Close, Parse, Bind, Execute (or the check), Close. */
  private static void hiddenSteps(List<Step> steps, Kind execute, String sql, long limit, boolean prepared) {
    if (!prepared) {
      steps.add(Step.of(Kind.HIDDEN_CLOSE));
      steps.add(Step.of(Kind.HIDDEN_PARSE));
    }
    steps.add(Step.of(Kind.HIDDEN_BIND));
    steps.add(new Step(execute, sql, 0, null, true, limit));
    steps.add(Step.of(Kind.HIDDEN_CLOSE));
  }

  /**
   * One hidden statement in the client's extended batch, under names the client may not use: the
   * statement is closed first (it outlives a failed transaction), its portal after.
   */
  private void writeHidden(String statement, String sql, String parameter, boolean prepared) throws IOException {
    Charset u = StandardCharsets.UTF_8;
    if (!prepared) {
      Wire.write(upOut, 'C', new Wire.Body().int8('S').cstring(statement, u).build());
      Wire.write(upOut, 'P', new Wire.Body().cstring(statement, u).cstring(sql, u).int16(0).build());
    }
    Wire.Body bind = new Wire.Body().cstring(RowLimit.PORTAL, u).cstring(statement, u).int16(0);
    if (parameter == null) {
      bind.int16(0);
    } else {
      byte[] value = parameter.getBytes(u);
      bind.int16(1).int32(value.length).bytes(value, 0, value.length);
    }
    Wire.write(upOut, 'B', bind.int16(0).build());
    Wire.write(upOut, 'E', new Wire.Body().cstring(RowLimit.PORTAL, u).int32(0).build());
    Wire.write(upOut, 'C', new Wire.Body().int8('P').cstring(RowLimit.PORTAL, u).build());
  }

  private static String lookup(Map<String, String> base, Map<String, String> changes, String key) {
    return changes.containsKey(key) ? changes.get(key) : base.get(key);
  }

  private static void apply(Map<String, String> base, Map<String, String> changes) {
    changes.forEach((k, v) -> {
      if (v == null) {
        base.remove(k);
      } else {
        base.put(k, v);
      }
    });
  }

  /** After DEALLOCATE or DISCARD the proxy no longer knows which statements exist: fail closed. */
  private void forgetAll() {
    statements.clear();
    portals.clear();
    rowStatementsGeneration.incrementAndGet();
  }

  private void noteSync(boolean sync) {
    if (sync) {
      readyPending.incrementAndGet();
    }
    flushedWithoutSync = !sync;
  }

  /**
   * How the server will read the next text: with the reported standard_conforming_strings when
   * nothing sent before can still change it, else unknown (the judge then reads it both ways).
   */
  private StandardConformingStrings stringsReading() {
    if (readyPending.get() != 0 || flushedWithoutSync) {
      return StandardConformingStrings.UNKNOWN;
    }
    return standardConformingStrings;
  }

  /**
   * standard_conforming_strings as the server last reported it for this session: {@code ON}, a
   * backslash in a plain {@code '...'} string is an ordinary character; {@code OFF}, it escapes;
   * {@code UNKNOWN} before the server has reported it. The server reports it at startup and after
   * every change (SET, RESET, SET LOCAL, set_config, a function's SET clause), before the
   * ReadyForQuery that ends the message which changed it.
   */
  public StandardConformingStrings standardConformingStrings() {
    return standardConformingStrings;
  }

  /** The verdict on one execution of {@code sql}, a review settled (one use of one approval). */
  private Decision judge(String sql, StandardConformingStrings reading) {
    Decision d = verdict(new Reading(sql, reading));
    return d.review() ? settleReview(sql, reading, d) : d;
  }

  /** Tells the gate where the connection stands (read in this order: see ServerToClient.ready). */
  private void tellGate() {
    long unanswered = readyPending.get();
    char status = transactionStatus;
    gate.connection(answered.get(), unanswered, status);
  }

  /** The gate's verdict, a review not yet settled; a failing gate blocks. */
  private Decision verdict(Reading read) {
    Decision d;
    try {
      tellGate();
      d = gate.judge(read.sql(), read.strings());
    } catch (NoWaiting.WouldWait h) {
      throw h;
    } catch (RuntimeException e) {
      LOG.error("{}: the statement gate failed; refusing the statement", name, e);
      return new Decision(Decision.BLOCK, "gate-error", "the policy could not judge the statement");
    }
    if (d == null || d.verdict() == null) {
      return new Decision(Decision.BLOCK, "gate-error", "the policy gave no verdict");
    }
    return d;
  }

  private Decision settleReview(String sql, StandardConformingStrings reading, Decision review) {
    handOffIfReceiving();
    awaitEarlierAnswers();
    Decision settled = settle(sql, reading, review);
    return review.readsMasked() ? settled.readingMasked() : settled; // an approval does not unhide errors
  }

  /**
   * The refusal of a batch that executes a reviewed text {@code executions} times: an approval
   * covers one execution, and the batch runs all or nothing, so no approval is used for it.
   */
  static Decision oneApprovalOneExecution(Decision review, int executions) {
    Decision d = new Decision(Decision.REVIEW, review.rule(), review.reason()
        + "; one approval covers one execution and this batch executes the statement " + executions
        + " times: send each execution in a batch of its own (one Sync each)");
    return review.readsMasked() ? d.readingMasked() : d;
  }

  /** A review: held here (this thread waits; no other is made) until the gate has decided. */
  private Decision settle(String sql, StandardConformingStrings reading, Decision review) {
    handOffIfReceiving();
    Decision d;
    try {
      d = gate.settle(sql, reading, review, hold);
    } catch (RuntimeException e) {
      LOG.error("{}: settling a review failed; refusing the statement", name, e);
      return review;
    }
    return d == null || d.verdict() == null ? review : d;
  }

  /**
   * A held statement waits for its turn: the answers to everything the client sent before it
   * (pipelined) are written first, so its "waiting for approval" notice, and the request the
   * approvers see, come after them and not inside the answer to an earlier statement, where a
   * client reading answer by answer takes the notice for the earlier one's. Ends when the session does.
   */
  private void awaitEarlierAnswers() {
    while (!closed.get() && relayed.get() < turn) {
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
  }

  private final StatementGate.Hold hold = new StatementGate.Hold() {
    @Override
    public void notice(String message) {
      try {
        client.send('N', Wire.error("NOTICE", "00000", message));
        client.flush();
      } catch (IOException e) {
        LOG.debug("{}: could not send a notice: {}", name, e.toString());
      }
    }

    @Override
    public AutoCloseable onCancel(Runnable onCancel) {
      Runnable once = new Runnable() {
        private final AtomicBoolean ran = new AtomicBoolean();

        @Override
        public void run() {
          if (ran.compareAndSet(false, true)) {
            onCancel.run();
          }
        }
      };
      heldCancel = once;
      AutoCloseable registered = cancels.holding(proxyKey, once);
      if (closed.get()) {
        once.run();
      }
      return () -> {
        heldCancel = null;
        registered.close();
      };
    }
  };

  /** What ends a held statement's wait when the session ends. */
  private volatile Runnable heldCancel;

  private void logBlocked(String sql, Decision d) {
    statementLog(sql, d.verdict(), d.rule(), d.reason(), 0, Duration.ZERO);
  }

  void statementLog(String sql, String verdict, String rule, String reason, long rows, Duration duration) {
    try {
      log.statement(sql, verdict, rule, reason, rows, duration);
    } catch (RuntimeException e) {
      LOG.error("{}: the statement log failed", name, e);
    }
  }

  /** The original text of an error or notice the client got hidden: to the audit log only. */
  void errorHidden(String sql, String sqlState, String text) {
    try {
      log.errorHidden(sql, sqlState, text);
    } catch (RuntimeException e) {
      LOG.error("{}: the statement log failed to record a hidden error (SQLSTATE {})", name, sqlState);
    }
  }

  /** The ErrorResponse a refused statement gets (SQLSTATE 42501). */
  static byte[] refusal(Decision d) {
    return Wire.error("ERROR", Decision.CANCELLED.equals(d.verdict()) ? "57014" : "42501", d.describe());
  }

  private void enqueue(Unit unit) throws IOException {
    if (!units.offer(unit)) {
      if (onReceivingThread()) {
        // quick() keeps the queue far from full here; never wait on the receiving thread
        throw new IllegalStateException("the unit queue is full on the receiving thread");
      }
      upOut.flush(); // everything queued so far must reach the server for the queue to drain
      try {
        units.put(unit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while the server was behind");
      }
    }
  }

  /**
   * Tracks client_encoding (a multi-byte encoding unsafe for SQL text ends the session) and
   * standard_conforming_strings (the judge, and psql's meta-command guard, lex string literals by
   * it). Noted before the message goes on to the client.
   */
  void noteParameter(byte[] body) throws ProtocolViolation {
    Wire.Fields f = new Wire.Fields(body);
    String key = f.cstring(StandardCharsets.UTF_8);
    String value = f.cstring(StandardCharsets.UTF_8);
    if (key.equals("client_encoding")) {
      if (Wire.unsafeEncoding(value)) {
        throw new ProtocolViolation("0A000", "client_encoding " + value + " is refused; use UTF8");
      }
      charset = Wire.charset(value);
    } else if (key.equals("standard_conforming_strings")) {
      standardConformingStrings = StandardConformingStrings.reported(value);
    }
  }

  void fatal(String sqlState, String message) {
    try {
      client.send('E', Wire.error("FATAL", sqlState, message));
      client.flush();
    } catch (IOException e) {
      LOG.debug("{}: could not tell the client: {}", name, e.toString());
    }
  }

  /** Ends both directions; safe to call from any thread, more than once. */
  public void shutdown() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Runnable held = heldCancel;
    if (held != null) {
      held.run();
    }
    ClientInbox in = inbox;
    if (in != null) {
      in.close();
    }
    cancels.unregister(proxyKey);
    if (up != null) {
      up.close();
    }
    closeQuietly(fromClient);
    closeQuietly(toClient);
    LOG.debug("{}: session ended", name);
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static Map<String, String> allowed(String... names) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n.toLowerCase(Locale.ROOT), n);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
