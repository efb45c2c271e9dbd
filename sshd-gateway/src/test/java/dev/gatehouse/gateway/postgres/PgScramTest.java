package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The SCRAM-SHA-256 client against the test vector of RFC 7677, section 3. */
class PgScramTest {
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  @Test
  void clientProofAndServerSignatureMatchRfc7677() throws Exception {
    ScramClient scram = new ScramClient("pencil".toCharArray(), "user", "rOprNGfwEbeRWgbNEkqO");
    assertThat(scram.clientFirst()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    assertThat(scram.clientFinal(SERVER_FIRST)).isEqualTo(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  }

  @Test
  void aServerThatDoesNotKnowThePasswordIsRejected() throws Exception {
    ScramClient scram = new ScramClient("pencil".toCharArray(), "user", "rOprNGfwEbeRWgbNEkqO");
    scram.clientFinal(SERVER_FIRST);
    assertThatThrownBy(() -> scram.verifyServerFinal("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        .isInstanceOf(UpstreamFailure.class)
        .hasMessageContaining("signature is wrong");
  }

  @Test
  void aServerNonceThatDoesNotExtendOursIsRejected() {
    ScramClient scram = new ScramClient("pencil".toCharArray(), "user", "abc");
    assertThatThrownBy(() -> scram.clientFinal("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .isInstanceOf(UpstreamFailure.class);
  }
}
