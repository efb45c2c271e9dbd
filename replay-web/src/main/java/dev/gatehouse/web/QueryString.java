package dev.gatehouse.web;

import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * A request's query parameters, read strictly: malformed percent-encoding is an error (not Jetty's
 * HTML 400), and a parameter that is read must appear at most once. {@code ?identity=alice&identity=bob}
 * has no single meaning (a proxy in front may take the last, Jetty the first), so it is refused
 * rather than guessed. Its length is bounded before this by the server's request-header limit.
 */
final class QueryString {
  /** The query cannot be read; the message names the parameter where there is one. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  private final Fields fields;

  private QueryString(Fields fields) {
    this.fields = fields;
  }

  static QueryString of(Request request) throws Malformed {
    try {
      return new QueryString(Request.extractQueryParameters(request));
    } catch (RuntimeException e) {
      // Jetty's BadMessageException: a '%' not followed by two hex digits, or bytes that are no UTF-8.
      throw new Malformed("the query string is malformed (percent-encoding or UTF-8)");
    }
  }

  /** The parameter's one value, null when absent. */
  String get(String name) throws Malformed {
    List<String> values = fields.getValues(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new Malformed(name + ": given " + values.size() + " times; give it once");
    }
    return values.get(0);
  }
}
