package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Everyday ctest, npm and JDK forms the 17aa fixes keep allowed. */
class ShellFix17aaEverydayTest {
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {"ctest", "ctest --test-dir build -j2", "cmake --build build && ctest --test-dir build",
      "cmake -S . -B build && cmake --build build -j2 && ctest --test-dir build -j2", "ctest -N", "cd build && ctest --output-on-failure",
      "npm ci", "npm run build", "npm --prefix app ci", "npx eslint .", "java -jar app.jar", "java -Xmx2g -jar app.jar",
      "javac X.java", "java -cp lib/a.jar Main", "keytool -list -keystore ks.jks"})
  void allowed(String text) {
    ShellJudgement j = ShellJudgeTest.DEFAULT.judge(text);
    assertThat(j.verdict().label()).as("%s %s", text, j.commands()).isEqualTo("allow");
  }
}
