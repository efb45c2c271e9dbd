package dev.gatehouse.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The last chain head the gateway wrote to the journal, kept beside the audit log ({@code
 * journaled-head}, one {@code audit chain head seq=N hash=H} line), so that the next start can
 * tell which lines came after it: lines written after the gateway's last head (a crash between an
 * end line and its head, or lines added while no gateway ran) are not vouched for by the journal.
 *
 * <p>Whoever can write the data directory can change this file too: it lets the start-up repair
 * and the replay page flag what a plain crash leaves behind, while only {@code sessions verify
 * --journal} (the journal's own copy) is proof.
 */
public final class JournaledHead {
  static final String FILE_NAME = "journaled-head";

  private final Path file;
  private long recordedSeq = -1;

  private JournaledHead(Path file) {
    this.file = file;
  }

  /** The file beside {@code auditFile}. */
  public static JournaledHead besides(Path auditFile) {
    return new JournaledHead(auditFile.resolveSibling(FILE_NAME));
  }

  public Path file() {
    return file;
  }

  /** The head recorded last; empty when there is no file, or it holds no head. */
  public Optional<ChainHead> read() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    List<ChainHead> heads = ChainHead.fromJournal(Files.readString(file, StandardCharsets.UTF_8));
    return heads.isEmpty() ? Optional.empty() : Optional.of(heads.get(heads.size() - 1));
  }

  /**
   * Records {@code head}, just written to the journal, unless a later one was recorded already
   * (heads are logged from several threads). Written whole (a new file moved into place) and
   * synced, so that a crash leaves the old head or the new one.
   */
  public synchronized void record(ChainHead head) throws IOException {
    if (head.seq() <= recordedSeq) {
      return;
    }
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap((head.journalLine() + "\n").getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    recordedSeq = head.seq();
  }
}
