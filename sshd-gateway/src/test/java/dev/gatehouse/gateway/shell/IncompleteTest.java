package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IncompleteTest {
  @ParameterizedTest
  @ValueSource(strings = {"echo 'abc", "echo \"abc", "echo $'a\\'b", "echo abc \\", "echo $(ls", "echo `ls",
      "cat <<EOF", "cat <<EOF\nhello", "cat <<'EOF'\nx\n", "cat <<-EOF\n\tx", "echo \"$(echo 'x", "a <<A; b <<B\nx\nA\n"})
  void bashWouldReadMore(String text) {
    assertThat(Incomplete.check(text)).as(text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ls -la", "echo 'a b'", "echo \"it's\"", "echo a\\ b", "echo $(ls)", "echo `ls`",
      "cat <<EOF\nhello\nEOF", "cat <<'EOF'\nx\nEOF", "cat <<-EOF\n\tx\n\tEOF", "echo a # it's a comment",
      "echo a#'b'", "x=$(( 1 + 2 ))", "echo \"a\nb\"", "a <<A; b <<B\nx\nA\ny\nB", "cat <<< 'x'"})
  void bashWouldRunIt(String text) {
    assertThat(Incomplete.check(text)).as(text).isFalse();
  }
}
