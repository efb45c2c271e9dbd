package dev.gatehouse.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which locales a client's LANG and LC_* may carry to a target (the character set must read ASCII as ASCII). */
class LocaleEnvTest {
  @ParameterizedTest
  @ValueSource(strings = {"C", "POSIX", "C.UTF-8", "C.utf8", "en_US.UTF-8", "de_DE.UTF-8@euro", "sr_RS.utf8@latin",
      "zh_CN.UTF-8", ""})
  void cPosixAndUtf8LocalesArePassedOn(String value) {
    assertThat(GatewayChannel.acceptedEnvValue("LC_ALL", value)).isTrue();
    assertThat(GatewayChannel.acceptedEnvValue("LANG", value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"zh_CN.GBK", "zh_CN.GB18030", "zh_TW.BIG5", "ja_JP.SJIS", "zh_CN", "ja_JP.EUC-JP",
      "en_US.ISO-8859-1", "../../tmp/x", "en_US.UTF-8\nLC_ALL=zh_CN.GBK"})
  void otherCharacterSetsAreNot(String value) {
    assertThat(GatewayChannel.acceptedEnvValue("LC_CTYPE", value)).isFalse();
    assertThat(GatewayChannel.acceptedEnvValue("LANG", value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"xterm-256color", "GATEHOUSE_NOWAIT"})
  void otherNamesAreNotJudgedByLocale(String value) {
    assertThat(GatewayChannel.acceptedEnvValue("TERM", value)).isTrue();
  }
}
