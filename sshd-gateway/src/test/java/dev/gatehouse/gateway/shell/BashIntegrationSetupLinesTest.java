package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The integration's setup is typed into bash's terminal, whose line discipline keeps at most 4095
 * bytes of a line in canonical mode and drops the rest: a longer line reaches bash cut, the hook
 * is defined broken, and every session on the target ends at its start (the hook's own X marker).
 * Each physical line must stay within {@link GuardedShell#MAX_PHYSICAL_LINE}, for both forms (the
 * {@code command} target's PS0 waits for the gateway's release and is the longer).
 */
class BashIntegrationSetupLinesTest {
  @ParameterizedTest(name = "waitsForRelease={0}")
  @ValueSource(booleans = {false, true})
  void everyLineOfTheSetupFitsTheTerminalsLineBuffer(boolean waitsForRelease) {
    String setup = new String(BashIntegration.setup(waitsForRelease), StandardCharsets.UTF_8);
    assertThat(setup).endsWith("\n");
    for (String line : setup.split("\n")) {
      assertThat(line.getBytes(StandardCharsets.UTF_8).length).as("a line of the setup: %s…", line.substring(0, 60))
          .isLessThanOrEqualTo(GuardedShell.MAX_PHYSICAL_LINE);
    }
  }
}
