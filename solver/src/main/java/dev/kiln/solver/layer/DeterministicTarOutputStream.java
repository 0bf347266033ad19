package dev.kiln.solver.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * commons-compress' tar writer in PAX mode, made reproducible: the PAX extended headers it
 * synthesises carry the JVM's {@code user.name} as owner name, which would make the same tree hash
 * differently on another machine. Those headers are given empty names and owner 0 here.
 */
final class DeterministicTarOutputStream extends TarArchiveOutputStream {

  DeterministicTarOutputStream(OutputStream out) {
    super(out, StandardCharsets.UTF_8.name());
    setLongFileMode(LONGFILE_POSIX);
    setBigNumberMode(BIGNUMBER_POSIX);
    setAddPaxHeadersForNonAsciiNames(true);
  }

  @Override
  public void putArchiveEntry(TarArchiveEntry entry) throws IOException {
    if (entry.isPaxHeader()) {
      entry.setUserName("");
      entry.setGroupName("");
      entry.setUserId(0);
      entry.setGroupId(0);
      entry.setMode(0644);
    }
    super.putArchiveEntry(entry);
  }
}
