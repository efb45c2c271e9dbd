package dev.gatehouse.gateway;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
 * MINA's NIO2 transport, with the completion of a socket write started on a thread of the gateway's
 * own (the proxy writing an answer into a forwarded channel) run on that thread instead of being
 * handed to MINA's pool.
 *
 * <p>MINA builds its channel group with {@code AsynchronousChannelGroup.withThreadPool}. When a write
 * completes at once (the usual case: the socket has room), the JDK calls its completion handler
 * directly only on a thread of the group; on any other thread it hands the handler to the group's
 * executor, which wakes a worker to run a few lines of MINA's bookkeeping (the write's future, the
 * next queued write). The pool below runs such a handler on the calling thread while that thread is
 * inside {@link #onWritingThread}'s stream, as the JDK itself does on the group's threads; every other
 * task (reads, writes that had to wait for the socket) goes to the pool as before, so the group's
 * polling thread still hands every read on.
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
        return new Nio2ServiceFactory(manager, new Pool(manager + "-nio2", workers), null);
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

    @Override
    public void execute(Runnable task) {
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
  }
}
