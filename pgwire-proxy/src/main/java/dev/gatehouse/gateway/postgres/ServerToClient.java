package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.postgres.Pending.Kind;
import dev.gatehouse.gateway.postgres.Pending.Step;
import dev.gatehouse.gateway.postgres.Pending.Unit;
import dev.gatehouse.gateway.postgres.StatementGate.Decision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server→client half of a session: reads the server's messages in lockstep with the {@link
 * Pending} steps, masks rows, notices, notifications and errors, swaps the stand-in errors of
 * refused statements for the refusal, and logs each finished statement. Errors and notices about
 * a statement that touches a masked column are hidden (see {@link #hide}).
 */
final class ServerToClient implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerToClient.class);

  /** Types whose binary form is the text itself (jsonb: a version byte, then the text). */
  private static final int TEXT = 25, VARCHAR = 1043, BPCHAR = 1042, NAME = 19, JSON = 114, JSONB = 3802,
      XML = 142, UNKNOWN = 705, CHAR = 18;

  private final PgProxySession s;
  private Unit unit;
  private boolean skipUntilSync;
  private boolean refusalSent;
  private Columns columns;
  private long rows;
  private long dataRows;
  private boolean copyOutText;

  /** A counted Query's results, held until its check passed (see {@link RowLimit}). */
  static final int MAX_HELD_BYTES = 1 << 20;

  private final List<Wire.Message> held = new ArrayList<>();
  private long heldBytes;
  private boolean holding;
  /** Past {@link #MAX_HELD_BYTES}: the rest streams; a failed check still ends it with the refusal. */
  private boolean streaming;
  private boolean inHiddenResult;
  private RowLimit.Over over;
  /**
   * A statement that touches a masked column ran in the server's current transaction (its text;
   * null: none): until the transaction ends, every error and notice reaches the client with its
   * SQLSTATE only — a deferred constraint checked at COMMIT reports the row another statement wrote.
   */
  private String maskedTransaction;

  ServerToClient(PgProxySession session) {
    this.s = session;
  }

  /** The shape of the rows that follow: which columns to mask, their types and formats. */
  private record Columns(boolean[] mask, int[] types, int[] formats) {}

  @Override
  public void run() {
    try {
      Wire.Message m;
      while ((m = Wire.read(s.up.in, "database server")) != null) {
        handle(m);
        // Nothing more yet: what was answered goes out now. After ReadyForQuery the server sends
        // nothing until the client asks again (bar an asynchronous notice), so only the buffer is
        // looked at: no ioctl on the socket once per statement.
        boolean more = m.kind() == 'Z' ? s.up.in.buffered() : s.up.in.moreReady();
        if (!more) {
          s.client.flush();
        }
      }
      s.client.flush();
    } catch (ProtocolViolation e) {
      LOG.warn("{}: ending the session: {}", s.name, e.getMessage());
      s.fatal(e.sqlState(), "gatehouse: " + e.getMessage());
    } catch (IOException e) {
      LOG.debug("{}: server connection ended: {}", s.name, e.toString());
    } catch (RuntimeException e) {
      LOG.error("{}: proxy session failed", s.name, e);
      s.fatal("XX000", "gatehouse: internal error in the proxy; the session ends");
    } finally {
      s.shutdown();
    }
  }

  private void handle(Wire.Message m) throws IOException {
    char k = m.kind();
    switch (k) {
      case 'S' -> {
        s.noteParameter(m.body());
        s.client.send('S', m.body());
        return;
      }
      case 'N' -> {
        Step current = head(); // a notice can be the first answer of its unit
        s.client.send('N', forClient(m.body(), current));
        return;
      }
      case 'A' -> {
        s.client.send('A', notification(m.body()));
        return;
      }
      default -> {}
    }
    Step step = head();
    if (step == null) {
      if (k == 'E') { // e.g. FATAL: terminating connection due to administrator command
        s.client.send('E', forClient(m.body(), null));
        return;
      }
      throw desync(k, null);
    }
    switch (step.kind()) {
      case QUERY -> {
        if (k == 'Z') {
          s.statementLog(step.sql(), "allow", null, null, rows, since(step));
          ready(m);
          pop();
        } else if (!result(m) && k != 'E') {
          throw desync(k, step);
        } else if (k == 'E') {
          s.client.send('E', forClient(m.body(), step));
          s.copyIn = false;
        }
      }
      case BLOCKED_QUERY -> {
        if (k == 'E' || k == 'Z') {
          if (!refusalSent) {
            s.client.send('E', step.error());
            refusalSent = true;
          }
          if (k == 'Z') {
            refusalSent = false;
            ready(m);
            pop();
          }
        } else {
          throw desync(k, step);
        }
      }
      case BLOCKED_PARSE -> {
        if (k == 'E') {
          s.client.send('E', step.error());
          pop();
          skipUntilSync = true;
        } else if (k == 'Z') { // the server was already skipping to Sync: nothing to swap
          pop();
          handle(m);
        } else {
          throw desync(k, step);
        }
      }
      case COUNTED_QUERY -> counted(step, m);
      case HIDDEN_SYNC -> {
        if (k == 'Z') { // the proxy's own unit: nothing of it reaches the client
          skipUntilSync = false;
          pop();
        } else if (k != 'E') {
          throw desync(k, step);
        }
      }
      case SYNC -> {
        if (k == 'Z') {
          skipUntilSync = false;
          ready(m);
          pop();
        } else if (k == 'E') {
          s.client.send('E', forClient(m.body(), step));
        } else {
          throw desync(k, step);
        }
      }
      default -> extended(step, m);
    }
  }

  private void extended(Step step, Wire.Message m) throws IOException {
    char k = m.kind();
    if (k == 'E' && step.kind() == Kind.ROW_CHECK) {
      RowLimit.Over o = RowLimit.over(m.body());
      if (o != null) {
        Decision d = new Decision(Decision.REVIEW, RowLimit.RULE, RowLimit.reason(o, step.limit())
            + " (a statement over the limit is held for approval only as a simple query)");
        s.refusedLater(step.sql(), d);
        s.statementLog(step.sql(), d.verdict(), d.rule(), d.reason(), 0, Duration.ZERO);
        s.client.send('E', PgProxySession.refusal(d));
        pop();
        skipUntilSync = true;
        return;
      }
    }
    if (k == 'E' && step.injected() && (step.kind() == Kind.HIDDEN_CLOSE || step.kind() == Kind.HIDDEN_PREPARE)) {
      pop(); // the proxy's own prepare unit failed (an aborted transaction): tried again later
      skipUntilSync = true;
      return;
    }
    if (k == 'E' && RowLimit.lostPreparedStatement(m.body())) {
      s.rowStatementsLost();
    }
    if (k == 'E') {
      if (step.kind() == Kind.EXECUTE) {
        s.statementLog(step.sql(), "allow", null, null, rows, since(step));
      }
      s.client.send('E', forClient(m.body(), step));
      s.copyIn = false;
      pop();
      skipUntilSync = true; // the server discards the rest up to Sync
      return;
    }
    switch (step.kind()) {
      case PARSE -> expect(step, k, '1', m);
      case BIND -> expect(step, k, '2', m);
      case CLOSE -> expect(step, k, '3', m);
      case HIDDEN_CLOSE -> swallow(step, k, '3');
      case HIDDEN_PARSE -> swallow(step, k, '1');
      case HIDDEN_PREPARE -> {
        swallow(step, k, '1');
        s.rowStatementParsed((int) step.limit());
      }
      case HIDDEN_BIND -> swallow(step, k, '2');
      case HIDDEN_EXECUTE, ROW_CHECK -> {
        if (k == 'C') {
          pop();
        } else if (k != 'D') {
          throw desync(k, step);
        }
      }
      case DESCRIBE_STATEMENT -> {
        if (k == 't') {
          s.client.send(k, m.body());
        } else if (k == 'T' || k == 'n') {
          columns = null; // a statement's formats are not known before Bind
          s.client.send(k, m.body());
          pop();
        } else {
          throw desync(k, step);
        }
      }
      case DESCRIBE_PORTAL -> {
        if (k == 'T') {
          columns = describe(m.body());
        } else if (k == 'n') {
          columns = new Columns(new boolean[0], new int[0], new int[0]);
        } else {
          throw desync(k, step);
        }
        if (!step.injected()) {
          s.client.send(k, m.body());
        }
        pop();
      }
      case EXECUTE -> {
        if (k == 'C' || k == 'I' || k == 's') {
          if (k == 'C') {
            rows += count(m.body());
          } else if (k == 's') {
            rows += dataRows;
          }
          s.statementLog(step.sql(), "allow", null, null, rows, since(step));
          s.client.send(k, m.body());
          s.copyIn = false;
          rows = 0;
          dataRows = 0;
          pop();
        } else if (k == 'T' || !result(m)) {
          throw desync(k, step);
        }
      }
      default -> throw desync(k, step);
    }
  }

  /**
   * Messages of a running statement: row descriptions, rows, completions, COPY. Returns false
   * for a message that is none of these.
   */
  private boolean result(Wire.Message m) throws IOException {
    switch (m.kind()) {
      case 'T' -> {
        columns = describe(m.body());
        emit('T', m.body());
      }
      case 'D' -> {
        if (columns == null) {
          throw new ProtocolViolation("the server sent rows of an unknown shape; refusing to pass them unmasked");
        }
        dataRows++;
        emit('D', maskRow(m.body()));
      }
      case 'C' -> {
        rows += count(m.body());
        s.copyIn = false;
        emit('C', m.body());
      }
      case 'I' -> emit('I', m.body());
      case 'G', 'W' -> {
        flushHeld(); // the client sends its data only after this: nothing can be held past it
        s.copyIn = true; // before the client can see it and start sending CopyData
        copyOutText = m.body().length > 0 && m.body()[0] == 0;
        s.client.send(m.kind(), m.body());
      }
      case 'H' -> {
        copyOutText = m.body().length > 0 && m.body()[0] == 0;
        emit('H', m.body());
      }
      case 'd' -> emit('d', copyOutText ? maskCopy(m.body()) : m.body());
      case 'c' -> emit('c', m.body());
      default -> {
        return false;
      }
    }
    return true;
  }

  private void swallow(Step step, char got, char want) throws ProtocolViolation {
    if (got != want) {
      throw desync(got, step);
    }
    pop();
  }

  /** A counted Query: hidden results swallowed, the rest held until ReadyForQuery. */
  private void counted(Step step, Wire.Message m) throws IOException {
    char k = m.kind();
    holding = true;
    switch (k) {
      case 'T' -> {
        if (RowLimit.hiddenResult(m.body())) {
          inHiddenResult = true;
          return;
        }
      }
      case 'D' -> {
        if (inHiddenResult) {
          return;
        }
      }
      case 'C' -> {
        if (inHiddenResult) {
          inHiddenResult = false;
          return;
        }
      }
      case 'E' -> {
        inHiddenResult = false;
        s.copyIn = false;
        RowLimit.Over o = RowLimit.over(m.body());
        if (o != null) {
          over = o;
        } else {
          if (RowLimit.lostPreparedStatement(m.body())) {
            s.rowStatementsLost(); // e.g. DEALLOCATE inside a function: parsed again next time
          }
          emit('E', forClient(m.body(), step));
        }
        return;
      }
      case 'Z' -> {
        finishCounted(step, m);
        return;
      }
      default -> {}
    }
    if (!result(m)) {
      throw desync(k, step);
    }
  }

  private void finishCounted(Step step, Wire.Message z) throws IOException {
    Pending.Rerun rerun = unit.rerun;
    String maskedSql = unit.maskedSql;
    pop();
    RowLimit.Over o = over;
    over = null;
    holding = false;
    inHiddenResult = false;
    if (o == null) {
      flushHeld();
      streaming = false;
      s.statementLog(step.sql(), "allow", null, null, rows, since(step));
      ready(z);
      return;
    }
    held.clear();
    heldBytes = 0;
    streaming = false;
    boolean idle = z.body().length == 1 && z.body()[0] == 'I';
    Decision d;
    if (rerun != null && rerun.approved()) {
      d = new Decision(Decision.BLOCK, RowLimit.RULE, RowLimit.overApproved(o, step.limit()));
      s.refusedLater(step.sql(), d);
    } else if (rerun != null && idle && s.units.isEmpty()) {
      Decision review = new Decision(Decision.REVIEW, RowLimit.RULE, RowLimit.reason(o, step.limit()));
      d = s.settleLater(step.sql(), review);
      if (d.allowed()) {
        long approved = RowLimit.approvedCount(d.reason());
        if (s.rerun(step.sql(), rerun.rowLimit(), approved >= 0 ? approved : o.rows(), maskedSql)) {
          return; // the re-run's own answers end this statement for the client
        }
        d = new Decision(Decision.EXPIRED, RowLimit.RULE,
            "approved, but the client sent more statements meanwhile; run it again to use the approval");
        s.refusedLater(step.sql(), d);
      }
    } else {
      d = new Decision(Decision.REVIEW, RowLimit.RULE, RowLimit.reason(o, step.limit())
          + (idle ? "" : "; inside a transaction it cannot be held for approval: run it on its own"));
      s.refusedLater(step.sql(), d);
    }
    s.statementLog(step.sql(), d.verdict(), d.rule(), d.reason(), 0, since(step));
    s.client.send('E', PgProxySession.refusal(d));
    ready(z);
  }

  /** A result message to the client now, or held while a counted Query's check is outstanding. */
  private void emit(char k, byte[] body) throws IOException {
    if (!holding || streaming) {
      s.client.send(k, body);
      return;
    }
    held.add(new Wire.Message((byte) k, body));
    heldBytes += body.length + 5;
    if (heldBytes > MAX_HELD_BYTES) {
      flushHeld();
      streaming = true;
    }
  }

  private void flushHeld() throws IOException {
    for (Wire.Message h : held) {
      s.client.send(h.kind(), h.body());
    }
    held.clear();
    heldBytes = 0;
  }

  private void expect(Step step, char got, char want, Wire.Message m) throws IOException {
    if (got != want) {
      throw desync(got, step);
    }
    s.client.send(got, m.body());
    pop();
  }

  private void ready(Wire.Message m) throws IOException {
    if (m.body().length == 1) {
      s.transactionStatus = (char) m.body()[0];
      if (m.body()[0] == 'I') {
        maskedTransaction = null;
      }
    }
    // The status and the count first: a client thread that sees nothing pending sees them too.
    s.answered.incrementAndGet();
    s.readyPending.decrementAndGet(); // after any ParameterStatus the server sent before it
    s.copyIn = false;
    columns = null;
    rows = 0;
    dataRows = 0;
    s.client.send('Z', m.body());
    s.relayed.incrementAndGet();
  }

  private Step head() {
    while (true) {
      if (unit == null || unit.steps.isEmpty()) {
        unit = s.units.poll(); // queued before its messages were written, so it is there
        if (unit == null) {
          return null;
        }
        if (unit.maskedSql != null) {
          maskedTransaction = unit.maskedSql;
        }
        continue;
      }
      Step st = unit.steps.peekFirst();
      if (skipUntilSync && st.kind() != Kind.SYNC && st.kind() != Kind.HIDDEN_SYNC) {
        unit.steps.pollFirst(); // the server discards these without an answer
        continue;
      }
      return st;
    }
  }

  private void pop() {
    unit.steps.pollFirst();
  }

  private static Duration since(Step step) {
    return Duration.ofNanos(Math.max(0, System.nanoTime() - step.startNanos()));
  }

  private ProtocolViolation desync(char got, Step step) {
    return new ProtocolViolation(
        "the server sent '" + Wire.printable(got) + "' while the proxy expected the answer to "
            + (step == null ? "nothing" : step.kind()) + "; ending the session rather than guessing");
  }

  /** Rows from a CommandComplete tag (SELECT n, INSERT 0 n, UPDATE n, COPY n, ...). */
  static long count(byte[] body) {
    int end = body.length;
    while (end > 0 && body[end - 1] == 0) {
      end--;
    }
    int space = end;
    while (space > 0 && body[space - 1] != ' ') {
      space--;
    }
    if (space == 0 || space == end) {
      return 0;
    }
    long n = 0;
    for (int i = space; i < end; i++) {
      int c = body[i];
      if (c < '0' || c > '9' || n > Long.MAX_VALUE / 10) {
        return 0;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private Columns describe(byte[] body) throws ProtocolViolation {
    Charset cs = s.charset;
    Wire.Fields f = new Wire.Fields(body);
    int n = f.int16();
    if (n < 0) {
      throw new ProtocolViolation("RowDescription with " + n + " columns");
    }
    List<ResultMasker.Column> list = new ArrayList<>(n);
    int[] types = new int[n];
    int[] formats = new int[n];
    for (int i = 0; i < n; i++) {
      String name = f.cstring(cs);
      int table = f.int32();
      int attnum = f.int16();
      types[i] = f.int32();
      f.int16();
      f.int32();
      formats[i] = f.int16();
      list.add(new ResultMasker.Column(table, attnum, name, types[i], formats[i]));
    }
    f.end();
    boolean[] mask;
    try {
      mask = s.masker.columnsToMask(List.copyOf(list));
    } catch (RuntimeException e) {
      LOG.error("{}: the masker failed; masking every column", s.name, e);
      mask = new boolean[n];
      java.util.Arrays.fill(mask, true);
    }
    if (mask == null) {
      mask = new boolean[n];
    } else if (mask.length != n) {
      throw new IllegalStateException("the masker answered " + mask.length + " flags for " + n + " columns");
    }
    return new Columns(mask, types, formats);
  }

  private static boolean textLike(int type) {
    return type == TEXT || type == VARCHAR || type == BPCHAR || type == NAME || type == JSON || type == JSONB
        || type == XML || type == UNKNOWN || type == CHAR;
  }

  /** A DataRow with masked columns replaced and the others through the content detectors. */
  private byte[] maskRow(byte[] body) throws IOException {
    Columns c = columns;
    Charset cs = s.charset;
    Wire.Fields f = new Wire.Fields(body);
    int n = f.int16();
    if (n != c.mask().length) {
      throw new ProtocolViolation("a DataRow has " + n + " columns where its RowDescription had " + c.mask().length);
    }
    ByteArrayOutputStream out = null;
    int copiedTo = 0;
    for (int i = 0; i < n; i++) {
      int at = f.pos;
      int len = f.int32();
      if (len < -1) {
        throw new ProtocolViolation("a DataRow value of length " + len);
      }
      int start = f.pos;
      f.skip(Math.max(len, 0));
      if (len < 0) {
        continue;
      }
      boolean binary = c.formats()[i] != 0;
      int type = c.types()[i];
      byte[] replacement = null;
      boolean toNull = false;
      if (binary && !textLike(type)) {
        toNull = c.mask()[i]; // a masked binary value of another type: nothing safe to show
      } else {
        int textStart = binary && type == JSONB && len > 0 ? start + 1 : start;
        String value = new String(body, textStart, start + len - textStart, cs);
        String shown = c.mask()[i] ? s.masker.maskValue(value) : s.masker.maskText(value);
        if (shown == null) {
          toNull = true;
        } else if (c.mask()[i] || !shown.equals(value)) {
          byte[] text = shown.getBytes(cs);
          if (textStart != start) {
            replacement = new byte[text.length + 1];
            replacement[0] = body[start];
            System.arraycopy(text, 0, replacement, 1, text.length);
          } else {
            replacement = text;
          }
        }
      }
      if (replacement != null || toNull) {
        if (out == null) {
          out = new ByteArrayOutputStream(body.length + 16);
        }
        out.write(body, copiedTo, at - copiedTo);
        Wire.writeInt(out, toNull ? -1 : replacement.length);
        if (!toNull) {
          out.write(replacement);
        }
        copiedTo = start + len;
      }
    }
    f.end();
    if (out == null) {
      return body;
    }
    out.write(body, copiedTo, body.length - copiedTo);
    return out.toByteArray();
  }

  /** An error or notice for the client: hidden while a masked column was touched, else through the detectors. */
  private byte[] forClient(byte[] body, Step step) {
    if (maskedTransaction == null) {
      return maskFields(body);
    }
    return hide(body, step != null && step.sql() != null ? step.sql() : maskedTransaction);
  }

  /**
   * An error or notice about a statement that touches a masked column: any of its texts may quote
   * a masked value (the input a cast refused, the failing row, a key, a value a function raised),
   * so the client gets only severity, SQLSTATE and position (an offset into its own statement)
   * and a message saying where the text went; the whole original goes to the audit log.
   */
  private byte[] hide(byte[] body, String sql) {
    Charset cs = s.charset;
    Wire.Body out = new Wire.Body();
    StringBuilder original = new StringBuilder();
    String severity = "ERROR";
    String code = "XX000";
    String message = "";
    String position = null;
    int i = 0;
    while (i < body.length && body[i] != 0) {
      int field = body[i++];
      int end = i;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      String value = new String(body, i, end - i, cs);
      i = end + 1;
      switch (field) {
        case 'S' -> out.int8(field).cstring(value, cs);
        case 'V' -> {
          severity = value;
          out.int8(field).cstring(value, cs);
        }
        case 'C' -> code = value;
        case 'M' -> message = value;
        case 'P' -> position = value;
        default -> original.append('\n').append(FIELD_NAMES.getOrDefault((char) field, String.valueOf((char) field)))
            .append(": ").append(value);
      }
    }
    boolean notice = !severity.equals("ERROR") && !severity.equals("FATAL") && !severity.equals("PANIC");
    out.int8('C').cstring(code, cs);
    out.int8('M').cstring("gatehouse: " + (notice ? "notice" : "error") + " hidden: this statement"
        + (sql.equals(maskedTransaction) ? "" : " or an earlier one in its transaction")
        + " reads a masked column (SQLSTATE " + code + "); the full text is in the audit log", cs);
    if (position != null) {
      out.int8('P').cstring(position, cs);
    }
    s.errorHidden(sql, code, severity + " " + code + ": " + message + original);
    return out.int8(0).build();
  }

  private static final java.util.Map<Character, String> FIELD_NAMES = java.util.Map.ofEntries(
      java.util.Map.entry('D', "DETAIL"), java.util.Map.entry('H', "HINT"), java.util.Map.entry('W', "CONTEXT"),
      java.util.Map.entry('q', "QUERY"), java.util.Map.entry('p', "QUERY POSITION"),
      java.util.Map.entry('s', "SCHEMA"), java.util.Map.entry('t', "TABLE"), java.util.Map.entry('c', "COLUMN"),
      java.util.Map.entry('d', "DATATYPE"), java.util.Map.entry('n', "CONSTRAINT"),
      java.util.Map.entry('F', "FILE"), java.util.Map.entry('L', "LINE"), java.util.Map.entry('R', "ROUTINE"));

  /** Error and notice fields through the content detectors (not severity, code or position). */
  private byte[] maskFields(byte[] body) {
    Charset cs = s.charset;
    Wire.Body out = new Wire.Body();
    boolean changed = false;
    int i = 0;
    while (i < body.length && body[i] != 0) {
      int code = body[i++];
      int end = i;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      String value = new String(body, i, end - i, cs);
      String shown = value;
      if ("SVCFLRPp".indexOf(code) < 0) {
        shown = s.masker.maskText(value);
        if (shown == null) {
          shown = "";
        }
        changed |= !shown.equals(value);
      }
      out.int8(code).cstring(shown, cs);
      i = end + 1;
    }
    return changed ? out.int8(0).build() : body;
  }

  /** NotificationResponse: the proxy's pid for the session's own, the payload through the detectors. */
  private byte[] notification(byte[] body) throws ProtocolViolation {
    Charset cs = s.charset;
    Wire.Fields f = new Wire.Fields(body);
    int pid = f.int32();
    String channel = f.cstring(cs);
    String payload = f.cstring(cs);
    if (pid == s.up.pid && s.proxyKey != null) {
      pid = s.proxyKey.pid();
    }
    String shown = s.masker.maskText(payload);
    return new Wire.Body().int32(pid).cstring(channel, cs).cstring(shown == null ? "" : shown, cs).build();
  }

  private byte[] maskCopy(byte[] data) {
    Charset cs = s.charset;
    String value = new String(data, cs);
    String shown = s.masker.maskText(value);
    return shown == null || shown.equals(value) ? data : shown.getBytes(cs);
  }
}
