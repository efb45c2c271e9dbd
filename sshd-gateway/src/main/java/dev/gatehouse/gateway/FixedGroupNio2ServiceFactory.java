package dev.gatehouse.gateway;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.Factory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Acceptor;
import org.apache.sshd.common.io.nio2.Nio2Connector;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;

/**
 * MINA's NIO2 transport on a channel group whose threads both wait for the sockets and run what
 * MINA does with each event (decrypt a packet, hand channel data on).
 *
 * <p>MINA's own {@link Nio2ServiceFactory} builds its group with {@code
 * AsynchronousChannelGroup.withThreadPool}: the JDK then waits for socket events on one internal
 * thread of its own ({@code Thread-N}) and hands every completion to MINA's pool, a queue and a
 * thread wake-up per packet read. A group from {@code withFixedThreadPool} runs the completion
 * handlers on the threads that polled. The threads are as many as MINA's pool would have ({@code
 * nio-workers}, CPUs + 1 by default), so a handler that blocks holds one of them, as before.
 *
 * <p>MINA's factory is still the base class, for the sessions it makes ({@link
 * Nio2ServiceFactory#createSession}); the group it builds for itself carries no socket and keeps one
 * idle JDK thread. Acceptors and connectors are built on this class's group.
 */
public final class FixedGroupNio2ServiceFactory extends Nio2ServiceFactory {
  private final AsynchronousChannelGroup group;
  private final CloseableExecutorService resuming;

  private FixedGroupNio2ServiceFactory(FactoryManager manager, String threadPrefix, CloseableExecutorService resuming) {
    super(manager, null, resuming);
    this.resuming = resuming;
    try {
      group = AsynchronousChannelGroup.withFixedThreadPool(getNioWorkers(manager), daemonThreads(threadPrefix));
    } catch (IOException e) {
      close(true);
      throw new java.io.UncheckedIOException("cannot start the SSH transport's channel group", e);
    }
  }

  /**
   * The factory MINA asks for when a server or client starts: set it with {@code
   * setIoServiceFactoryFactory} before {@code start()}. {@code threadPrefix} names the group's
   * threads ({@code sshd-} first, as MINA's own, so per-thread tables group them together).
   */
  public static IoServiceFactoryFactory factoryFactory(String threadPrefix) {
    return new IoServiceFactoryFactory() {
      @Override
      public IoServiceFactory create(FactoryManager manager) {
        // Resuming a suspended read runs on a pool of its own, as in MINA's factory.
        CloseableExecutorService resume =
            ThreadUtils.newFixedThreadPool(threadPrefix + "resume", getNioWorkers(manager));
        return new FixedGroupNio2ServiceFactory(manager, threadPrefix, resume);
      }

      @Override
      public void setExecutorServiceFactory(Factory<CloseableExecutorService> factory) {
        // The group makes its own threads: an executor from outside would bring back the hand-off.
        throw new UnsupportedOperationException("the gateway's SSH transport runs on its own channel group");
      }
    };
  }

  @Override
  public IoConnector createConnector(IoHandler handler) {
    return autowireCreatedService(new Nio2Connector(this, getFactoryManager(), handler, group, resuming));
  }

  @Override
  public IoAcceptor createAcceptor(IoHandler handler) {
    return autowireCreatedService(new Nio2Acceptor(this, getFactoryManager(), handler, group, resuming));
  }

  @Override
  protected void doCloseImmediately() {
    try {
      if (group != null && !group.isShutdown()) {
        group.shutdownNow();
        if (!group.awaitTermination(5, TimeUnit.SECONDS)) {
          log.debug("SSH transport channel group: not all handlers ended within 5 s");
        }
      }
    } catch (IOException e) {
      log.debug("closing the SSH transport's channel group", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      super.doCloseImmediately();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
