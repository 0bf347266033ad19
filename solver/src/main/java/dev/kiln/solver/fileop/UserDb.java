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
 * Turns an {@link Owner} into numeric ids as BuildKit does: a user name is looked up in the
 * destination's {@code /etc/passwd} (giving its uid and primary gid), a numeric user gives gid =
 * uid, and a group, when set, replaces the gid (by name from {@code /etc/group}). The files are
 * opened through {@link RootedFs}, so a symlinked {@code /etc/passwd} cannot point outside the
 * destination. Stateless.
 */
final class UserDb {
  private UserDb() {}

  /** Numeric owner ids. */
  record Ids(long uid, long gid) {}

  static Ids resolve(Owner owner, RootedFs dest, String action)
      throws IOException, FileOpException {
    long uid;
    long gid;
    if (owner.user().byName()) {
      String[] entry = lookup(dest, "/etc/passwd", owner.user().name(), action, "user");
      uid = number(entry, 2, "/etc/passwd", action);
      gid = number(entry, 3, "/etc/passwd", action);
    } else {
      uid = owner.user().id();
      gid = uid;
    }
    if (owner.group() != null) {
      if (owner.group().byName()) {
        String[] entry = lookup(dest, "/etc/group", owner.group().name(), action, "group");
        gid = number(entry, 2, "/etc/group", action);
      } else {
        gid = owner.group().id();
      }
    }
    return new Ids(uid, gid);
  }

  private static String[] lookup(
      RootedFs dest, String file, String name, String action, String kind)
      throws IOException, FileOpException {
    Path p;
    try {
      p = dest.resolve(file, true);
    } catch (NotDirectoryException e) {
      p = null;
    }
    BasicFileAttributes a = p == null ? null : RootedFs.lstat(p);
    if (a == null || !a.isRegularFile()) {
      throw new FileOpException(
          action
              + ": unknown "
              + kind
              + " '"
              + name
              + "': the destination has no "
              + file
              + " (use a numeric id)");
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
    throw new FileOpException(
        action + ": unknown " + kind + " '" + name + "': not found in " + file + " of the image");
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
