package dev.gatehouse.web;

import dev.gatehouse.recorder.SessionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/sessions/{id}/recording}: the .cast file streamed from disk in chunks (never held
 * in memory), with single-range requests ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}) as
 * 206 and unsatisfiable ones as 416. The path comes from the index row, never from the URL, and
 * must lie under {@code dataDir/recordings}. A running session's file is served as far as it is
 * written when the request arrives.
 */
final class RecordingDownload {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private RecordingDownload() {}

  static boolean send(SessionRecord s, Path file, Request request, Response response, Callback callback)
      throws IOException {
    if (file == null || !Files.isRegularFile(file)) {
      return Replies.error(response, callback, 404, "recording-missing", "the recording file of this session is missing");
    }
    long size = Files.size(file);
    long from = 0;
    long to = size - 1;
    boolean partial = false;
    String range = request.getHeaders().get(HttpHeader.RANGE);
    if (range != null) {
      Matcher m = RANGE.matcher(range.strip());
      // Several ranges or another unit: ignored, the whole file is sent (RFC 9110 allows it).
      if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
        try {
          if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            from = Math.max(0, size - suffix);
          } else {
            from = Long.parseLong(m.group(1));
            if (!m.group(2).isEmpty()) {
              to = Math.min(Long.parseLong(m.group(2)), size - 1);
            }
          }
        } catch (NumberFormatException e) {
          return unsatisfiable(size, response, callback);
        }
        if (from >= size || from > to || size == 0) {
          return unsatisfiable(size, response, callback);
        }
        partial = true;
      }
    }
    long length = size == 0 ? 0 : to - from + 1;
    Replies.common(response, Replies.API_CSP);
    response.setStatus(partial ? 206 : 200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-asciicast");
    response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + s.id() + ".cast\"");
    response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "private, no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    if (partial) {
      response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + to + "/" + size);
    }
    if (length == 0) {
      response.write(true, null, callback);
      return true;
    }
    Content.copy(Content.Source.from(file, from, length), response, callback);
    return true;
  }

  private static boolean unsatisfiable(long size, Response response, Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
    return Replies.error(response, callback, 416, "range-not-satisfiable", "the file has " + size + " bytes");
  }
}
