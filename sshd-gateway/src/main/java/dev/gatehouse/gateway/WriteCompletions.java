package dev.gatehouse.gateway;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.Factory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.SshThreadPoolExecutor;
import org.apache.sshd.common.util.threads.SshdThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's NIO2 transport, with every completion run on the thread that has it in hand instead of
 * being handed to another thread: a read's on the channel group's polling thread, a socket write's
 * started on a thread of the gateway's own (the proxy writing an answer into a forwarded channel) on
 * that thread.
 *
 * <p><b>Reads.</b> MINA builds its channel group with {@code AsynchronousChannelGroup.withThreadPool},
 * where one JDK thread polls and hands every completed read to the group's executor: per client
 * message a wake-up of a worker and a sleep, about a fifth of the gateway's CPU per PostgreSQL
 * transaction (docs/PERFORMANCE-postgres.md). The pool below runs the completions the polling
 * thread hands it on that thread itself, so the poller decrypts and handles what it read and then
 * polls again, as a one-threaded event loop (OpenSSH's sshd is one too). This relies on what the
 * gateway already keeps to: no handler on MINA's threads waits for long (a client's bytes are queued
 * for the session's own thread whenever handling them could wait: {@code CommandSession}'s input
 * pump, the PostgreSQL proxy's {@code ClientInbox}); what still happens there (a forced audit line at
 * a login or a session's start, starting a process) holds every connection's input for its few
 * milliseconds. Completions handed over while one runs (a read that completed at once inside a
 * handler) are queued and run after it, not nested.
 *
 * <p>One slow completion must not hold everyone's input: a completion (or the queue behind it) that
 * kept the poller busy for more than {@link Pool#SLOW} sends the queue's rest and every completion
 * of the next {@link Pool#HAND_OFF} to the workers, as before the change, while the poller goes on
 * polling. Without it a client with no credentials starved every session: connections that arrive
 * with their bytes already sent complete their accept and first read at once, and the JDK runs such
 * completions directly on the thread that started them, so the poller went from one connection's
 * key exchange to the next and never asked epoll about anyone else's socket. (The key exchanges
 * themselves were made cheap too: see the server's list in {@code Gateway}.) The polling thread is
 * found as the thread the JDK starts while the group is made, and names itself {@code
 * gh-ssh-poller}; if none is found (another JDK), reads go to the pool as before.
 *
 * <p><b>Writes.</b>
 When a write completes at once (the usual case: the socket has room), the JDK calls its completion handler
 * directly only on a thread of the group; on any other thread it hands the handler to the group's
 * executor, which wakes a worker to run a few lines of MINA's bookkeeping (the write's future, the
 * next queued write). The pool below runs such a handler on the calling thread while that thread is
 * inside {@link #onWritingThread}'s stream, as the JDK itself does on the group's threads; every other
 * task (writes that had to wait for the socket, completed by the poller) is the poller's as above.
 *
 * <p>A task run here carries the JDK's binding of the thread to the group (a thread-local it never
 * clears), so the JDK may later call up to 16 completions of that thread's writes directly without
 * asking the pool, as it does on its own threads; that is the same handling as above.
 */
public final class WriteCompletions {
  private static final Logger LOG = LoggerFactory.getLogger(WriteCompletions.class);
  private static final ThreadLocal<Boolean> WRITING = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private WriteCompletions() {}

  /**
   * MINA's own NIO2 service factory on the pool below (the server's: set before {@code start()}).
   * The pool has MINA's size and names ({@code nio-workers}, {@code sshd-…-nio2-thread-N}).
   */
  public static IoServiceFactoryFactory factoryFactory() {
    return new IoServiceFactoryFactory() {
      @Override
      public IoServiceFactory create(FactoryManager manager) {
        int workers = Nio2ServiceFactory.getNioWorkers(manager);
        Pool pool = new Pool(manager + "-nio2", workers);
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Nio2ServiceFactory factory = new Nio2ServiceFactory(manager, pool, null);
        pool.usePollers(before);
        return factory;
      }

      @Override
      public void setExecutorServiceFactory(Factory<CloseableExecutorService> factory) {
        throw new UnsupportedOperationException("the gateway's SSH transport brings its own pool");
      }
    };
  }

  /**
   * {@code channelStream} (a channel's output stream) whose writes and flushes run the completion
   * of the socket writes they start on the calling thread.
   */
  public static OutputStream onWritingThread(OutputStream channelStream) {
    return new FilterOutputStream(channelStream) {
      @Override
      public void write(int b) throws IOException {
        boolean outer = enter();
        try {
          out.write(b);
        } finally {
          leave(outer);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        boolean outer = enter();
        try {
          out.write(b, off, len);
        } finally {
          leave(outer);
        }
      }

      @Override
      public void flush() throws IOException {
        boolean outer = enter();
        try {
          out.flush();
        } finally {
          leave(outer);
        }
      }

      @Override
      public void close() throws IOException {
        boolean outer = enter();
        try {
          out.close();
        } finally {
          leave(outer);
        }
      }
    };
  }

  private static boolean enter() {
    boolean outer = !WRITING.get();
    if (outer) {
      WRITING.set(Boolean.TRUE);
    }
    return outer;
  }

  private static void leave(boolean outer) {
    if (outer) {
      WRITING.set(Boolean.FALSE);
    }
  }

  /** MINA's fixed pool ({@code ThreadUtils.newFixedThreadPool}), but for the writing thread's own completions. */
  static final class Pool extends SshThreadPoolExecutor {
    Pool(String name, int threads) {
      super(threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new SshdThreadFactory(name),
          new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** The JDK's polling threads of this pool's channel group (see the class comment). */
    private volatile Set<Thread> pollers = Set.of();
    /** On a poller, inside a completion: the completions handed over meanwhile, to run after it. */
    private static final ThreadLocal<ArrayDeque<Runnable>> LATER = new ThreadLocal<>();
    private static final String POLLER_NAME = "gh-ssh-poller";

    /**
     * Takes the threads started since {@code before} as the group's pollers: the JDK starts its
     * polling thread (a daemon named {@code Thread-N}) in the group's constructor.
     */
    void usePollers(Set<Thread> before) {
      Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
      started.removeAll(before);
      started.removeIf(t -> !t.isDaemon() || !t.getName().startsWith("Thread-"));
      if (started.isEmpty()) {
        LOG.warn("no polling thread of the SSH channel group found: completed reads go to the pool");
        return;
      }
      pollers = Set.copyOf(started);
    }

    /**
     * A completion that holds the poller longer than this hands the poller's work to the workers...
     * Wall time: a disk that is slow to sync must count. Not lower: on a machine with more runnable
     * threads than cores a short completion can be preempted for several milliseconds, and at 5 ms
     * the A/B bench under a full test run handed off often enough to put 7 µs per transaction back
     * on the workers.
     */
    static final long SLOW = TimeUnit.MILLISECONDS.toNanos(20);
    /** ...for this long. */
    static final long HAND_OFF = TimeUnit.SECONDS.toNanos(1);
    /** Until when ({@link System#nanoTime}) completions go to the workers; only the poller writes it. */
    private volatile long handOffUntil;
    private volatile boolean handingOff;
    private long lastLogged = System.nanoTime() - TimeUnit.MINUTES.toNanos(2);

    @Override
    public void execute(Runnable task) {
      if (pollers.contains(Thread.currentThread())) {
        if (handingOff && System.nanoTime() - handOffUntil < 0) {
          super.execute(task);
        } else {
          handingOff = false;
          runOnPoller(task);
        }
        return;
      }
      if (!WRITING.get()) {
        super.execute(task);
        return;
      }
      // The JDK's handler wrapper clears the interrupt flag, as on its own threads: keep the writer's.
      boolean interrupted = Thread.currentThread().isInterrupted();
      try {
        task.run();
      } catch (RuntimeException e) {
        // On a pool thread this would end that thread; here it must not end the writer's stream.
        LOG.warn("SSH write completion failed on the writing thread", e);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void runOnPoller(Runnable task) {
      ArrayDeque<Runnable> later = LATER.get();
      if (later != null) {
        later.add(task); // a completion handed over inside another: after it, so the stack stays flat
        return;
      }
      Thread poller = Thread.currentThread();
      if (!POLLER_NAME.equals(poller.getName())) {
        poller.setName(POLLER_NAME); // by the thread itself: only then does the system's name (top, /proc) change too
      }
      later = new ArrayDeque<>();
      LATER.set(later);
      long start = System.nanoTime();
      try {
        for (Runnable r = task; r != null; r = later.poll()) {
          try {
            r.run();
          } catch (RuntimeException e) {
            // On a pool thread this would end that thread; the poller must go on polling.
            LOG.warn("SSH completion failed on the polling thread", e);
          }
          Thread.interrupted(); // a handler's interrupt must not cut the next poll short
          long now = System.nanoTime();
          if (now - start > SLOW) {
            handOff(now, (now - start) / 1_000_000, later);
            return;
          }
        }
      } finally {
        LATER.remove();
      }
    }

    /** On the poller: the queue's rest and the next {@link #HAND_OFF} of completions go to the workers. */
    private void handOff(long now, long heldMillis, ArrayDeque<Runnable> rest) {
      handOffUntil = now + HAND_OFF;
      handingOff = true;
      for (Runnable r; (r = rest.poll()) != null; ) {
        super.execute(r);
      }
      boolean log = now - lastLogged > TimeUnit.MINUTES.toNanos(1);
      if (log) {
        lastLogged = now;
        LOG.info("SSH input held the polling thread for {} ms: completions go to the workers for a second"
            + " (logged at most once a minute)", heldMillis);
      } else {
        LOG.debug("SSH input held the polling thread for {} ms", heldMillis);
      }
    }
  }
}
