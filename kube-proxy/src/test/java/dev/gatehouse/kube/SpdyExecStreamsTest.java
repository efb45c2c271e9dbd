package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SPDY streams a client of an exec or attach query must open, as the kubelet expects them. */
class SpdyExecStreamsTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "command=sh&stdin=true&stdout=true&stderr=true | error stdin stdout stderr",
      "command=ls&stdout=true&stderr=true | error stdout stderr",
      "command=sh&stdin=true&stdout=true&tty=true | error stdin stdout resize",
      // a terminal has one output stream: stderr is not asked for even when the query names it
      "command=sh&stdin=1&stdout=1&stderr=1&tty=1 | error stdin stdout resize",
      "command=sh&stdin=false&stdout=true | error stdout",
      "stdout=yes&stderr=no | ''",
      "command=sh | ''"})
  void theStreamsFollowTheQuery(String query, String streams) {
    List<String> expected = streams.isEmpty() ? List.of() : List.of(streams.split(" "));
    assertThat(SpdyExecRelay.expectedStreams(query)).containsExactlyElementsOf(expected);
  }
}
