package dev.gatehouse.recorder.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What of a recording goes into the search index: its markers, and its output as plain text in
 * chunks, each with the time it starts at, so a hit can link to its moment. Read line by line: a
 * recording is never held in memory whole. Output past {@link #MAX_TEXT} characters is not indexed
 * (markers always are).
 */
public final class RecordingText {
  /** Output text indexed per session; beyond it only markers are searchable. */
  static final int MAX_TEXT = 8 * 1024 * 1024;
  /** A chunk ends at the first line end after this many characters... */
  static final int CHUNK = 400;
  /** ...or at any line end after a pause this long, so hits land near their moment. */
  static final double PAUSE_SECONDS = 2.0;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Output text starting at {@code t} seconds. */
  public record Chunk(double t, String text) {}

  private final List<Marker> markers;
  private final List<Chunk> chunks;

  RecordingText(List<Marker> markers, List<Chunk> chunks) {
    this.markers = List.copyOf(markers);
    this.chunks = List.copyOf(chunks);
  }

  public List<Marker> markers() {
    return markers;
  }

  public List<Chunk> chunks() {
    return chunks;
  }

  public boolean flagged() {
    return markers.stream().anyMatch(Marker::flagged);
  }

  /** Reads markers and output text. A line that does not parse (a torn last line) is skipped. */
  public static RecordingText read(Path cast) throws IOException {
    List<Marker> markers = new ArrayList<>();
    List<Chunk> chunks = new ArrayList<>();
    TerminalText text = new TerminalText();
    double chunkStart = -1;
    double lastOutput = 0;
    long total = 0;
    try (BufferedReader r = Files.newBufferedReader(cast, StandardCharsets.UTF_8)) {
      r.readLine(); // header
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode ev = event(line);
        if (ev == null) {
          continue;
        }
        double t = ev.get(0).asDouble();
        String type = ev.get(1).asText();
        if (type.equals("m")) {
          markers.add(Marker.parse(t, ev.get(2).asText()));
        } else if (type.equals("o") && total < MAX_TEXT) {
          if (chunkStart >= 0 && t - lastOutput >= PAUSE_SECONDS && text.endsLine()) {
            total += emit(chunks, chunkStart, text);
            chunkStart = -1;
          }
          if (chunkStart < 0) {
            chunkStart = t;
          }
          lastOutput = t;
          text.feed(ev.get(2).asText());
          if (text.length() >= CHUNK && text.endsLine() || text.length() >= 4 * CHUNK) {
            total += emit(chunks, chunkStart, text);
            chunkStart = -1;
          }
        }
      }
    }
    if (chunkStart >= 0) {
      emit(chunks, chunkStart, text);
    }
    return new RecordingText(markers, chunks);
  }

  /** Only the markers, in order; lines of other events are not parsed. */
  public static List<Marker> markers(Path cast) throws IOException {
    List<Marker> markers = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(cast, StandardCharsets.UTF_8)) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        if (!isMarkerLine(line)) {
          continue;
        }
        JsonNode ev = event(line);
        if (ev != null && ev.get(1).asText().equals("m")) {
          markers.add(Marker.parse(ev.get(0).asDouble(), ev.get(2).asText()));
        }
      }
    }
    return markers;
  }

  /** Cheap pre-check on the writer's format: {@code [12.000345, "m", "..."]}. */
  private static boolean isMarkerLine(String line) {
    int comma = line.indexOf(',');
    return comma > 0 && line.startsWith("\"m\"", comma + 1 + (line.startsWith(" ", comma + 1) ? 1 : 0));
  }

  private static JsonNode event(String line) {
    if (line.isEmpty()) {
      return null;
    }
    try {
      JsonNode ev = JSON.readTree(line);
      if (ev == null || !ev.isArray() || ev.size() < 3 || !ev.get(0).isNumber()) {
        return null;
      }
      return ev;
    } catch (IOException e) {
      return null;
    }
  }

  private static int emit(List<Chunk> chunks, double t, TerminalText text) {
    String s = text.take().strip();
    if (!s.isEmpty()) {
      chunks.add(new Chunk(t, s));
    }
    return s.length();
  }
}
