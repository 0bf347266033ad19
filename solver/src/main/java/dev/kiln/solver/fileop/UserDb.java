package dev.kiln.solver.fileop;

import dev.kiln.core.graph.Owner;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Turns an {@link Owner} into numeric ids as BuildKit does ({@code solver/llbsolver/ops} {@code
 * readUser}): a user name is looked up in the destination's {@code /etc/passwd} (giving its uid and
 * primary gid), a numeric user gives gid = uid, and a group, when set, replaces the gid (by name
 * from {@code /etc/group}). A name that is not found, or a missing file, is not an error: an
 * unknown user counts as uid 0 and gid 0, an unknown group leaves the gid as the user part gave it.
 * The files are opened through {@link RootedFs}, so a symlinked {@code /etc/passwd} cannot point
 * outside the destination; one that exists but is not a regular file is an error, as in BuildKit.
 * Stateless.
 */
final class UserDb {
  private UserDb() {}

  /** Numeric owner ids. */
  record Ids(long uid, long gid) {}

  static Ids resolve(Owner owner, RootedFs dest, String action)
      throws IOException, FileOpException {
    long uid = 0;
    long gid = 0;
    if (owner.user().byName()) {
      String[] entry = lookup(dest, "/etc/passwd", owner.user().name(), action);
      if (entry != null) {
        uid = number(entry, 2, "/etc/passwd", action);
        gid = number(entry, 3, "/etc/passwd", action);
      }
    } else {
      uid = owner.user().id();
      gid = uid;
    }
    if (owner.group() != null) {
      if (owner.group().byName()) {
        String[] entry = lookup(dest, "/etc/group", owner.group().name(), action);
        if (entry != null) {
          gid = number(entry, 2, "/etc/group", action);
        }
      } else {
        gid = owner.group().id();
      }
    }
    return new Ids(uid, gid);
  }

  /** The entry named {@code name} in {@code file}, or null when there is none (or no file). */
  private static String[] lookup(RootedFs dest, String file, String name, String action)
      throws IOException, FileOpException {
    Path p;
    try {
      p = dest.resolve(file, true);
    } catch (NotDirectoryException e) {
      return null;
    }
    BasicFileAttributes a = RootedFs.lstat(p);
    if (a == null) {
      return null;
    }
    if (!a.isRegularFile()) {
      throw new FileOpException(action + ": " + file + " of the image is not a regular file");
    }
    try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split(":", -1);
        if (f.length >= 3 && f[0].equals(name)) {
          return f;
        }
      }
    }
    return null;
  }

  private static long number(String[] entry, int field, String file, String action)
      throws FileOpException {
    try {
      long v = Long.parseLong(entry[field]);
      if (v < 0 || v > 0xffffffffL) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new FileOpException(
          action + ": malformed entry for '" + entry[0] + "' in " + file + " of the image");
    }
  }
}
