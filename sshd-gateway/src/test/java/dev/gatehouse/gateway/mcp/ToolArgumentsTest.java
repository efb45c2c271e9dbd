package dev.gatehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {

  /** The tools check argument names themselves: their list must be the published schemas'. */
  @Test
  void theArgumentNamesCheckedAreThoseEachToolsSchemaPublishes() {
    var pool = Executors.newSingleThreadExecutor();
    try {
      Map<String, Object> published = McpToolSpecs.tools(exchange -> null, pool).stream()
          .map(AsyncToolSpecification::tool)
          .collect(Collectors.toMap(t -> t.name(), t -> ((Map<?, ?>) t.inputSchema().get("properties")).keySet()));
      assertThat(published).isEqualTo(Map.copyOf(GatehouseTools.ARGUMENTS));
    } finally {
      pool.shutdownNow();
    }
  }
}
