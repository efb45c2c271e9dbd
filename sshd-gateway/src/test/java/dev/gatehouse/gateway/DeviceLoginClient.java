package dev.gatehouse.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractive;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * MINA's SSH client doing the no-client-install device login with a self-made plain key: proves the
 * key (publickey), then keyboard-interactive; records what the gateway showed. Many of them are
 * cheap, so a test can keep a hundred waiting. {@link Misbehaviour} makes it act as an attacker's
 * client would: a second keyboard-interactive request while the first waits, or a second answer.
 */
final class DeviceLoginClient implements AutoCloseable {
  /** What the client does after the gateway showed the code. */
  enum Misbehaviour {
    NONE,
    /** Asks for a second code on the same connection (a new keyboard-interactive request). */
    SECOND_REQUEST,
    /** Sends a second, unrequested answer. */
    SECOND_ANSWER
  }

  private static final AttributeKey<Login> LOGIN = new AttributeKey<>();

  /** One connection's device login. */
  static final class Login {
    final KeyPair key;
    final ClientSession session;
    final List<String> shown = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> firstCode = new CompletableFuture<>();
    AuthFuture auth;

    Login(KeyPair key, ClientSession session) {
      this.key = key;
      this.session = session;
    }

    String fingerprint() {
      return KeyUtils.getFingerPrint(key.getPublic());
    }
  }

  private final SshClient client;
  private final GatewayFixture gw;
  private final Misbehaviour misbehaviour;

  DeviceLoginClient(GatewayFixture gw, Misbehaviour misbehaviour) {
    this.gw = gw;
    this.misbehaviour = misbehaviour;
    PublicKey hostCa = gw.ca().hostCertificate().getCaPubKey();
    client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier((session, remote, serverKey) ->
        serverKey instanceof OpenSshCertificate c
            && c.getType() == OpenSshCertificate.Type.HOST
            && KeyUtils.compareKeys(c.getCaPubKey(), hostCa));
    client.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory(), new UserAuthKeyboardInteractiveFactory() {
      @Override
      public UserAuthKeyboardInteractive createUserAuth(ClientSession session) {
        return new Recording();
      }
    }));
    // One round of keyboard-interactive per connection, as a person's client would do.
    CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1);
    client.start();
  }

  static KeyPair newKey() throws GeneralSecurityException {
    return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
  }

  /** Connects to 127.0.0.1 as {@code target} and starts the login; does not wait. */
  Login start(String target, KeyPair key) throws IOException {
    return start(target, key, new InetSocketAddress("127.0.0.1", gw.port()), null);
  }

  /** Connects to {@code gateway} from {@code local} (null: any) and starts the login; does not wait. */
  Login start(String target, KeyPair key, InetSocketAddress gateway, SocketAddress local) throws IOException {
    ClientSession session = client.connect(target, gateway, (AttributeRepository) null, local)
        .verify(Duration.ofSeconds(10)).getSession();
    Login login = new Login(key, session);
    session.setAttribute(LOGIN, login);
    session.addPublicKeyIdentity(key);
    login.auth = session.auth();
    return login;
  }

  /** How long a certificate login (connect, key exchange, publickey) takes with this client. */
  Duration certificateLogin(String target, SshClientKey key) throws Exception {
    KeyPair plain = new FileKeyPairProvider(key.key()).loadKeys(null).iterator().next();
    KeyPair withCert = new KeyPair(GatewayFixture.readPublicKey(key.certificate()), plain.getPrivate());
    long t0 = System.nanoTime();
    try (ClientSession session = client.connect(target, new InetSocketAddress("127.0.0.1", gw.port()))
        .verify(Duration.ofSeconds(30)).getSession()) {
      session.addPublicKeyIdentity(withCert);
      session.auth().verify(Duration.ofSeconds(30));
      return Duration.ofNanos(System.nanoTime() - t0);
    }
  }

  /** Records the instruction of every INFO_REQUEST, and misbehaves as asked. */
  private final class Recording extends UserAuthKeyboardInteractive {
    @Override
    protected boolean processAuthDataRequest(ClientSession session, String service, Buffer buffer) throws Exception {
      int start = buffer.rpos();
      if (buffer.getUByte() == SshConstants.SSH_MSG_USERAUTH_INFO_REQUEST) {
        buffer.getString(); // name
        String instruction = buffer.getString();
        Login login = session.getAttribute(LOGIN);
        login.shown.add(instruction);
        login.firstCode.complete(instruction);
      }
      buffer.rpos(start);
      boolean answered = super.processAuthDataRequest(session, service, buffer);
      if (misbehaviour == Misbehaviour.SECOND_ANSWER) {
        Buffer again = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_INFO_RESPONSE);
        again.putUInt(0);
        session.writePacket(again);
      } else if (misbehaviour == Misbehaviour.SECOND_REQUEST) {
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST);
        request.putString(session.getUsername());
        request.putString(service);
        request.putString("keyboard-interactive");
        request.putString(""); // language
        request.putString(""); // submethods
        session.writePacket(request);
      }
      return answered;
    }
  }

  @Override
  public void close() throws IOException {
    client.stop();
    client.close();
  }
}
