package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.StatementGate;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every gate that wraps another passes each of the gate's methods on. They have defaults that do
 * nothing (so a small gate can be a lambda); a wrapper that inherited one would leave the gate it
 * wraps blind to what the proxy tells it (the connection's transactions and cursors, refusals made
 * later), and nothing else would fail: the approval gate once did.
 */
class StatementGateWrappersTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "dev.gatehouse.gateway.approval.ApprovalGate",
      "dev.gatehouse.gateway.psql.PsqlSession$GatedStatements",
      "dev.gatehouse.gateway.mcp.SqlQuery$Remembering",
      "dev.gatehouse.gateway.postgres.ForwardingStatementGate"})
  void aWrappingGatePassesOnEveryMethodOfTheGate(String className) throws Exception {
    Class<?> wrapper = Class.forName(className);
    assertThat(StatementGate.class).isAssignableFrom(wrapper);
    List<String> inherited = new ArrayList<>();
    for (Method m : StatementGate.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      if (!declaredInClasses(wrapper, m)) {
        inherited.add(m.getName() + Arrays.toString(m.getParameterTypes()));
      }
    }
    assertThat(inherited).as("methods %s inherits instead of passing on", wrapper.getSimpleName()).isEmpty();
  }

  /**
   * Whether {@code wrapper} or a class it extends (ForwardingStatementGate) declares {@code m}:
   * else the interface's do-nothing default is what runs.
   */
  private static boolean declaredInClasses(Class<?> wrapper, Method m) {
    for (Class<?> c = wrapper; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod(m.getName(), m.getParameterTypes());
        return true;
      } catch (NoSuchMethodException e) {
        // not here: the class it extends
      }
    }
    return false;
  }
}
