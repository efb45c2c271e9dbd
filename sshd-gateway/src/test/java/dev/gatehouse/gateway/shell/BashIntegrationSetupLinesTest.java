package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The integration's setup is typed into bash's terminal, whose line discipline keeps at most 4095
 * bytes of typed input ahead of its reader (and of one line in canonical mode, dropping the rest):
 * a longer line reaches bash cut, the hook is defined broken, and every session on the target ends
 * at its start (the hook's own X marker). What comes in beyond the buffer is converted under the
 * settings in force when it does, which a startup file's {@code stty} may have changed: so the
 * first part, typed before the startup files run, must fit the buffer whole, and each physical line
 * of the second part (typed once the first put the settings right) within {@link
 * GuardedShell#MAX_PHYSICAL_LINE}, for both forms (the {@code command} target's PS0 waits for the
 * gateway's release and is the longer).
 */
class BashIntegrationSetupLinesTest {
  private static final String TOKEN = "00112233445566778899aabbccddeeff";

  @Test
  void theFirstPartFitsTheTerminalsBufferWholeAndEndsWithTheTokensMarker() {
    String first = new String(BashIntegration.firstPart(TOKEN), StandardCharsets.UTF_8);
    assertThat(first).endsWith("builtin printf '\\e]133;S;%s\\a' " + TOKEN + "\n");
    assertThat(first.getBytes(StandardCharsets.UTF_8).length).as("the first part, all its lines")
        .isLessThanOrEqualTo(GuardedShell.MAX_PHYSICAL_LINE);
  }

  @ParameterizedTest(name = "waitsForRelease={0}")
  @ValueSource(booleans = {false, true})
  void everyLineOfTheSecondPartFitsTheTerminalsLineBuffer(boolean waitsForRelease) {
    String setup = new String(BashIntegration.secondPart(waitsForRelease), StandardCharsets.UTF_8);
    assertThat(setup).endsWith("\n");
    for (String line : setup.split("\n")) {
      assertThat(line.getBytes(StandardCharsets.UTF_8).length).as("a line of the setup: %s…", line.substring(0, 60))
          .isLessThanOrEqualTo(GuardedShell.MAX_PHYSICAL_LINE);
    }
  }

  @Test
  void aTokenThatIsNotHexIsRefused() {
    assertThatThrownBy(() -> BashIntegration.firstPart("x'; touch /tmp/w; '0123456789abcdef01")).isInstanceOf(IllegalArgumentException.class);
  }
}
