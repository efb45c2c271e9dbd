package dev.gatehouse.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gatehouse.policy.ContentDetectors;
import dev.gatehouse.policy.MaskForm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Masks what an API response shows, in place on a Jackson tree:
 *
 * <ul>
 *   <li>Secret values: {@code data} (each value becomes the base64 of {@code ********}, so clients
 *       that decode it still can) and {@code stringData} of every Secret — a {@code Secret}, the
 *       items of a {@code SecretList} (whose items carry no kind), a watch event's object, a {@code
 *       Table} row's {@code object} ({@code includeObject=Object}, as {@code kubectl get --sort-by}
 *       asks), and the {@code kubectl.kubernetes.io/last-applied-configuration} annotation, which
 *       holds a Secret's whole earlier manifest as JSON text;
 *   <li>every other string value through the policy's content detectors, as a second net.
 * </ul>
 *
 * <p>{@code secretContext} says the request was for the core {@code secrets} resource, so an object
 * with {@code data} and no kind is taken for a Secret (fail closed).
 */
final class ResponseMasker {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  static final String MASK = "********";
  static final String MASK_BASE64 = Base64.getEncoder().encodeToString(MASK.getBytes(StandardCharsets.US_ASCII));
  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean secrets;
  private final ContentDetectors detectors;

  ResponseMasker(boolean secrets, List<String> detectorNames) {
    this.secrets = secrets;
    this.detectors = detectorNames.isEmpty() ? null : ContentDetectors.of(detectorNames);
  }

  /** Whether this masker changes anything at all (else responses stream through untouched). */
  boolean active() {
    return secrets || detectors != null;
  }

  boolean detects() {
    return detectors != null;
  }

  /** Masks a text line (logs) with the content detectors. */
  String maskText(String text) {
    return detectors == null ? text : detectors.mask(text, MaskForm.FULL);
  }

  /**
   * A whole (non-watch) JSON response as the proxy sends it on: parsed, masked in place, written
   * again. bench/kube times exactly this call.
   */
  byte[] maskDocument(byte[] json, boolean secretContext) throws IOException {
    JsonNode tree = JSON.readTree(json);
    return JSON.writeValueAsBytes(mask(tree, secretContext));
  }

  /** Masks a whole response document or one watch event. */
  JsonNode mask(JsonNode root, boolean secretContext) {
    if (root instanceof ObjectNode o) {
      object(o, secretContext && looksLikeSecret(o), secretContext);
      return o;
    }
    if (root instanceof ArrayNode a) {
      array(a, secretContext);
      return a;
    }
    if (root != null && root.isTextual()) {
      return TextNode.valueOf(maskText(root.asText()));
    }
    return root;
  }

  private static boolean looksLikeSecret(ObjectNode o) {
    JsonNode kind = o.get("kind");
    return kind == null ? o.has("data") || o.has("stringData") : kind.asText().equals("Secret");
  }

  /**
   * @param isSecret this object is a Secret
   * @param secretContext the request was for Secrets: items, event objects and row objects are too
   */
  private void object(ObjectNode o, boolean isSecret, boolean secretContext) {
    String kind = o.path("kind").asText("");
    boolean secret = isSecret || kind.equals("Secret");
    boolean secretList = kind.equals("SecretList") || (secretContext && o.has("items") && !kind.equals("Table"));
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    for (String field : names) {
      JsonNode v = o.get(field);
      if (secret && secrets && (field.equals("data") || field.equals("stringData")) && v instanceof ObjectNode values) {
        maskValues(values, field.equals("data"));
        continue;
      }
      if (field.equals("metadata") && v instanceof ObjectNode meta) {
        metadata(meta, secret, secretContext);
        continue;
      }
      if (field.equals("items") && v instanceof ArrayNode items && (secretList || secretContext)) {
        for (JsonNode item : items) {
          if (item instanceof ObjectNode io) {
            object(io, secretList || looksLikeSecret(io), secretContext);
          }
        }
        continue;
      }
      if (field.equals("object") && v instanceof ObjectNode obj) {
        // a watch event ({type, object}) or a Table row ({cells, object})
        object(obj, secretContext && looksLikeSecret(obj), secretContext);
        continue;
      }
      if (field.equals("rows") && v instanceof ArrayNode rows) {
        array(rows, secretContext);
        continue;
      }
      value(o, field, v, secretContext);
    }
  }

  private void metadata(ObjectNode meta, boolean secret, boolean secretContext) {
    JsonNode annotations = meta.get("annotations");
    if (annotations instanceof ObjectNode ann && ann.get(LAST_APPLIED) != null && ann.get(LAST_APPLIED).isTextual()) {
      ann.put(LAST_APPLIED, lastApplied(ann.get(LAST_APPLIED).asText(), secret));
    }
    List<String> names = new ArrayList<>();
    meta.fieldNames().forEachRemaining(names::add);
    for (String f : names) {
      if (f.equals("annotations") && meta.get(f) instanceof ObjectNode ann) {
        List<String> keys = new ArrayList<>();
        ann.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
          if (!k.equals(LAST_APPLIED)) {
            value(ann, k, ann.get(k), secretContext);
          }
        }
      } else if (!f.equals("managedFields")) { // field paths, never values
        value(meta, f, meta.get(f), secretContext);
      }
    }
  }

  /** The earlier manifest kept as JSON text: masked as a document; unreadable text of a Secret is dropped. */
  private String lastApplied(String text, boolean secret) {
    try {
      JsonNode doc = JSON.readTree(text);
      if (doc == null) {
        return secret ? MASK : maskText(text);
      }
      return JSON.writeValueAsString(mask(doc, secret)) + (text.endsWith("\n") ? "\n" : "");
    } catch (java.io.IOException e) {
      return secret && secrets ? MASK : maskText(text);
    }
  }

  private static void maskValues(ObjectNode values, boolean base64) {
    Iterator<Map.Entry<String, JsonNode>> it = values.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNull()) {
        e.setValue(TextNode.valueOf(base64 ? MASK_BASE64 : MASK));
      }
    }
  }

  private void array(ArrayNode a, boolean secretContext) {
    for (int i = 0; i < a.size(); i++) {
      JsonNode v = a.get(i);
      if (v instanceof ObjectNode o) {
        object(o, false, secretContext);
      } else if (v instanceof ArrayNode inner) {
        array(inner, secretContext);
      } else if (v.isTextual() && detectors != null) {
        a.set(i, TextNode.valueOf(maskText(v.asText())));
      }
    }
  }

  private void value(ObjectNode parent, String field, JsonNode v, boolean secretContext) {
    if (v instanceof ObjectNode o) {
      object(o, false, secretContext);
    } else if (v instanceof ArrayNode a) {
      array(a, secretContext);
    } else if (v != null && v.isTextual() && detectors != null) {
      String masked = maskText(v.asText());
      if (!masked.equals(v.asText())) {
        parent.put(field, masked);
      }
    }
  }
}
