package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingsTest {
  @TempDir Path dir;

  static final String HEADER = "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1}\n";

  @Test
  void repairDropsAPartialTrailingLineAndNothingElse() throws Exception {
    Path f = dir.resolve("a.cast");
    String whole = HEADER + "[0.1, \"o\", \"one\"]\n[0.2, \"o\", \"two\"]\n";
    Files.writeString(f, whole + "[0.3, \"o\", \"thr");
    RepairResult r = Recordings.repair(f);
    assertThat(r.changed()).isTrue();
    assertThat(r.bytesDropped()).isEqualTo("[0.3, \"o\", \"thr".length());
    assertThat(Files.readString(f)).isEqualTo(whole);
    assertThat(r.sha256()).isEqualTo(Recordings.sha256(f));
    assertThat(Asciinema.catString(f)).isEqualTo("onetwo");
  }

  @Test
  void repairLeavesAWholeFileAlone() throws Exception {
    Path f = dir.resolve("b.cast");
    Files.writeString(f, HEADER + "[0.1, \"o\", \"one\"]\n");
    RepairResult r = Recordings.repair(f);
    assertThat(r.changed()).isFalse();
    assertThat(r.bytesDropped()).isZero();
    assertThat(Files.readString(f)).isEqualTo(HEADER + "[0.1, \"o\", \"one\"]\n");
  }

  @Test
  void repairSaysSoAndWritesNothingWhenTheHeaderIsPartial() throws Exception {
    Path f = dir.resolve("c.cast");
    Files.writeString(f, "{\"version\":2,\"wid");
    assertThatThrownBy(() -> Recordings.repair(f))
        .isInstanceOf(RecordingHeaderMissingException.class)
        .hasMessageContaining("no complete header");
    assertThat(Files.readString(f)).isEqualTo("{\"version\":2,\"wid");
    Path empty = Files.createFile(dir.resolve("d.cast"));
    assertThatThrownBy(() -> Recordings.repair(empty))
        .isInstanceOf(RecordingHeaderMissingException.class);
  }

  @Test
  void pathIsUnderTheUtcDateOfStart() {
    assertThat(Recordings.pathFor(dir, "s-1", Instant.parse("2026-01-02T23:59:59Z")))
        .isEqualTo(dir.resolve("recordings/2026/01/02/s-1.cast"));
    assertThatThrownBy(() -> Recordings.pathFor(dir, "../x", Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
