package dev.gatehouse.gateway.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.sshd.common.session.Session;

/** The client's IP address as text and as an address, for audit lines and source-address checks. */
public final class ClientAddress {
  private ClientAddress() {}

  public static InetAddress of(Session session) {
    SocketAddress remote = session.getIoSession().getRemoteAddress();
    return remote instanceof InetSocketAddress isa ? isa.getAddress() : null;
  }

  public static String text(Session session) {
    InetAddress a = of(session);
    return a == null ? "unknown" : a.getHostAddress();
  }
}
