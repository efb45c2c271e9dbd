package dev.gatehouse.gateway;

import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;

/** MINA's server with one addition: stop listening while live sessions finish (drain). */
final class GatewaySshServer extends SshServer {
  static GatewaySshServer create() {
    return (GatewaySshServer) ServerBuilder.builder().factory(GatewaySshServer::new).build();
  }

  void stopListening() {
    if (acceptor != null) {
      acceptor.unbind();
    }
  }
}
