package dev.gatehouse.gateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads gatehouse.yaml. Unknown keys and bad values fail naming file, line and key; keys of
 * capabilities not built yet are accepted and reported by {@link #warnings(GatewayConfig)}.
 *
 * <p>Lookup order (docs/configuration.md): {@code --config}, {@code $GATEHOUSE_CONFIG}, {@code
 * /etc/gatehouse/gatehouse.yaml}, else embedded defaults with data in ./var/gatehouse.
 */
public final class ConfigLoader {
  public static final Path SYSTEM_CONFIG = Path.of("/etc/gatehouse/gatehouse.yaml");
  private static final ObjectMapper YAML = mapper();
  /** A message that starts with the dotted key it is about: {@code web.mcp: ...}. */
  private static final java.util.regex.Pattern NAMED_KEY = java.util.regex.Pattern.compile("([A-Za-z]+(?:\\.[A-Za-z]+)+): ");

  private ConfigLoader() {}

  /** Where the configuration comes from; {@code null} means embedded defaults. */
  public static Path locate(Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    String env = System.getenv("GATEHOUSE_CONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Files.isRegularFile(SYSTEM_CONFIG) ? SYSTEM_CONFIG : null;
  }

  /** Loads the located file, or the embedded defaults when there is none. */
  public static GatewayConfig loadOrDefaults(Path explicit) throws ConfigException {
    Path file = locate(explicit);
    return file == null ? defaults() : load(file);
  }

  public static GatewayConfig load(Path file) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such configuration file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      GatewayConfig config = read(in, file.toString());
      Path dataDir = config.dataDir();
      if (!dataDir.isAbsolute()) {
        // A relative dataDir is relative to the config file, not to wherever the service starts.
        Path base = file.toAbsolutePath().getParent();
        config = withDataDir(config, base.resolve(dataDir).normalize());
      }
      return config;
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The embedded defaults: SSH on 127.0.0.1:2222, a demo 'shell' target, data in ./var/gatehouse. */
  public static GatewayConfig defaults() throws ConfigException {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/gatehouse-defaults.yaml")) {
      if (in == null) {
        throw new ConfigException("embedded defaults missing from the jar");
      }
      GatewayConfig config = read(in, "(embedded defaults)");
      return withDataDir(config, Path.of("var/gatehouse").toAbsolutePath());
    } catch (IOException e) {
      throw new ConfigException("embedded defaults: " + e.getMessage(), e);
    }
  }

  /** Parses YAML text; {@code source} names it in errors. */
  public static GatewayConfig read(InputStream in, String source) throws ConfigException {
    byte[] text;
    try {
      text = in.readAllBytes();
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
    }
    try {
      GatewayConfig config = YAML.readValue(text, GatewayConfig.class);
      if (config == null) {
        throw new ConfigException(source + ": the file is empty");
      }
      return config;
    } catch (JsonMappingException e) {
      throw new ConfigException(describe(source, text, e), e);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      throw new ConfigException(
          source + at(loc) + ": not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Keys present in the file that this version accepts but does not act on yet. */
  public static List<String> warnings(GatewayConfig c) {
    List<String> w = new ArrayList<>();
    if (c.web() != null && c.oidc() == null && !c.web().localLogin()) {
      w.add("web is set but neither oidc nor web.localLogin is: no one can log in to the replay web, and the"
          + " issuance endpoints answer 503 until oidc is configured");
    }
    for (TargetConfig t : c.targets()) {
      if (t.type() == TargetType.KUBERNETES) {
        w.add("target '" + t.name() + "': kubernetes targets are served through ssh -L (PORT:" + t.name()
            + ":443) only in this version; shell and exec sessions to it are refused");
      }
      if (t.type() == TargetType.POSTGRES && t.approverRule().isEmpty()) {
        w.add("target '" + t.name() + "': no approvers, so statements the policy sends to review are refused");
      }
      if ((t.type() == TargetType.COMMAND || t.type() == TargetType.SSH) && t.policy() != null) {
        if (t.approverRule().isEmpty()) {
          w.add("target '" + t.name() + "': no approvers, so commands the policy sends to review are refused");
        }
        w.add("target '" + t.name() + "': its policy judges exec requests (ssh " + t.name()
            + "@gw 'CMD'); interactive sessions are recorded but not judged in this version");
      }
    }
    return w;
  }

  static GatewayConfig withDataDir(GatewayConfig c, Path dataDir) {
    return new GatewayConfig(
        dataDir, c.ssh(), c.web(), c.oidc(), c.recording(), c.approvals(), c.targets(), c.policies(), c.mcp(), c.audit());
  }

  private static String describe(String source, byte[] text, JsonMappingException e) {
    String key = path(e.getPath());
    String what;
    if (e instanceof UnrecognizedPropertyException u) {
      what = "unknown key '" + u.getPropertyName() + "'";
    } else {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      what =
          root instanceof IllegalArgumentException || root instanceof ArithmeticException
              ? root.getMessage()
              : e.getOriginalMessage();
    }
    List<JsonMappingException.Reference> refs = e.getPath();
    if (refs.isEmpty() && what != null) {
      // A check across sections (GatewayConfig's) fails on the whole file: its message names its
      // key first ("web.mcp: ..."), and the line shown is that key's.
      java.util.regex.Matcher named = NAMED_KEY.matcher(what);
      if (named.lookingAt()) {
        refs = new ArrayList<>();
        for (String part : named.group(1).split("\\.")) {
          refs.add(new JsonMappingException.Reference(null, part));
        }
      }
    }
    int line = lineOf(text, refs);
    return source + (line > 0 ? ":" + line : at(e.getLocation())) + (key.isEmpty() ? "" : ": key " + key) + ": " + what;
  }

  /**
   * The line on which the value at {@code refs} starts (its key, for an object member). Jackson's
   * own location is where the parser stopped, for an unknown key after its value: often the next
   * line, or past the end of the file. -1 when it cannot be found.
   */
  private static int lineOf(byte[] text, List<JsonMappingException.Reference> refs) {
    if (refs.isEmpty()) {
      return -1;
    }
    JsonPointer want = JsonPointer.empty();
    for (JsonMappingException.Reference r : refs) {
      want = r.getFieldName() != null ? want.appendProperty(r.getFieldName()) : want.appendIndex(r.getIndex());
    }
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      while (p.nextToken() != null) {
        if (want.equals(p.getParsingContext().pathAsPointer())) {
          return p.currentTokenLocation().getLineNr();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall back to Jackson's location.
    }
    return -1;
  }

  private static String at(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 0 ? "" : ":" + loc.getLineNr();
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static ObjectMapper mapper() {
    SimpleModule durations = new SimpleModule("gatehouse-durations");
    durations.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            try {
              return Durations.parse(p.getValueAsString());
            } catch (RuntimeException e) {
              throw JsonMappingException.from(p, e.getMessage(), e);
            }
          }
        });
    return YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .addModule(durations)
        .build();
  }
}
