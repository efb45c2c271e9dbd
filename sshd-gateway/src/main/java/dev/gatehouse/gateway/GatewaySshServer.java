package dev.gatehouse.gateway;

import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;

/** MINA's server with one addition: stop listening while live sessions finish (drain). */
final class GatewaySshServer extends SshServer {
  static GatewaySshServer create() {
    return (GatewaySshServer) ServerBuilder.builder().factory(GatewaySshServer::new).build();
  }

  void stopListening() {
    // Read once: a stop on another thread sets the field to null between a check and a use.
    IoAcceptor listening = acceptor;
    if (listening != null) {
      listening.unbind();
    }
  }
}
