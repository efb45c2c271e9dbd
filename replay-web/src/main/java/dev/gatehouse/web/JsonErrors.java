package dev.gatehouse.web;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The server's error handler: every answer Jetty itself writes (a request line or headers over the
 * limit, a bad URI or percent-encoding in the path, a body over the server-wide limit, an exception
 * that escaped a handler) is the same {@code {"error": slug, "message": ...}} JSON with the same
 * security headers as every other answer, on every path, never Jetty's HTML page.
 *
 * <p>A 500 never shows the exception's text (it may hold internals); the log has it. Other statuses
 * show Jetty's reason, one line, at most {@value #MAX_MESSAGE} characters.
 */
public final class JsonErrors implements Request.Handler {
  static final int MAX_MESSAGE = 200;

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    if (status < 400) {
      // Jetty asks for an error page only with an error status; anything else is a 500.
      status = 500;
    }
    String message;
    if (status == 500) {
      // An exception escaped a handler: its text may hold internals; the log has it.
      message = "the server could not answer; see its log";
    } else {
      Object reason = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
      message = reason instanceof String s && !s.isBlank() ? Replies.clean(s, MAX_MESSAGE) : HttpStatus.getMessage(status);
    }
    return Replies.error(response, callback, status, slug(status), message);
  }

  /** The slug of a status Jetty answers by itself. */
  public static String slug(int status) {
    return switch (status) {
      case 400 -> "bad-request";
      case 401 -> "login-required";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 408 -> "request-timeout";
      case 413 -> "body-too-large";
      case 414 -> "uri-too-long";
      case 415 -> "unsupported-media-type";
      case 426 -> "upgrade-required";
      case 431 -> "headers-too-large";
      case 501 -> "not-implemented";
      case 503 -> "unavailable";
      case 505 -> "http-version-not-supported";
      default -> status >= 500 ? "internal-error" : "http-" + status;
    };
  }
}
