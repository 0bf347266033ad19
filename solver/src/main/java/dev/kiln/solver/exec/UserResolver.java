package dev.kiln.solver.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Resolves a Dockerfile {@code USER} value against a rootfs's {@code /etc/passwd} and {@code
 * /etc/group}, with the rules of runc's {@code user.GetExecUser} (which Docker and BuildKit use):
 *
 * <ul>
 *   <li>empty means {@code 0}; a name must exist in passwd, a number need not (then gid is 0);
 *   <li>a found user gets its passwd gid; an explicit group (name or number) overrides it and then
 *       no supplementary groups are added; a group name must exist, a number need not;
 *   <li>without an explicit group, the groups that list the user's name become supplementary.
 * </ul>
 *
 * Stateless.
 */
final class UserResolver {

  private UserResolver() {}

  /**
   * Reads the files from the rootfs (symlinks resolved inside it) and resolves {@code spec}.
   *
   * @throws ExecException when a name cannot be found or a file cannot be read
   */
  static ExecUser resolve(Path rootfs, String spec) throws ExecException {
    try {
      return resolve(spec, read(rootfs, "/etc/passwd"), read(rootfs, "/etc/group"));
    } catch (IOException e) {
      throw new ExecException("reading users of rootfs " + rootfs + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path rootfs, String path) throws IOException {
    Path p = RootfsPath.resolve(rootfs, path);
    return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  /**
   * @param spec {@code user[:group]}
   * @param passwd contents of /etc/passwd (empty when missing)
   * @param group contents of /etc/group (empty when missing)
   */
  static ExecUser resolve(String spec, String passwd, String group) throws ExecException {
    int colon = spec.indexOf(':');
    String userArg = colon < 0 ? spec : spec.substring(0, colon);
    String groupArg = colon < 0 ? "" : spec.substring(colon + 1);
    if (userArg.isEmpty()) {
      userArg = "0";
    }
    long uidArg = number(userArg);
    long uid = uidArg;
    long gid = 0;
    String matchedName = null;
    for (String[] f : entries(passwd, 7)) {
      long entryUid = number(f[2]);
      if (f[0].equals(userArg) || (uidArg >= 0 && entryUid == uidArg)) {
        uid = entryUid;
        gid = Math.max(0, number(f[3]));
        matchedName = f[0];
        break;
      }
    }
    if (matchedName == null && uidArg < 0) {
      throw new ExecException(
          "unable to find user " + userArg + ": no matching entries in passwd file");
    }
    List<Long> additional = new ArrayList<>();
    if (!groupArg.isEmpty()) {
      long gidArg = number(groupArg);
      Long found = null;
      for (String[] f : entries(group, 4)) {
        if (f[0].equals(groupArg) || (gidArg >= 0 && number(f[2]) == gidArg)) {
          found = number(f[2]);
          break;
        }
      }
      if (found == null && gidArg < 0) {
        throw new ExecException(
            "unable to find group " + groupArg + ": no matching entries in group file");
      }
      gid = found != null ? found : gidArg;
    } else if (matchedName != null) {
      for (String[] f : entries(group, 4)) {
        if (Arrays.asList(f[3].split(",")).contains(matchedName) && number(f[2]) >= 0) {
          additional.add(number(f[2]));
        }
      }
    }
    if (uid < 0 || gid < 0) {
      throw new ExecException("invalid user " + spec + ": ids must be non-negative numbers");
    }
    return new ExecUser(uid, gid, additional);
  }

  /** Parses colon-separated lines, skipping comments and short lines; pads to {@code fields}. */
  private static List<String[]> entries(String content, int fields) {
    List<String[]> out = new ArrayList<>();
    for (String line : content.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split(":", -1);
      if (parts.length < 3) {
        continue;
      }
      String[] padded = Arrays.copyOf(parts, Math.max(fields, parts.length));
      for (int i = 0; i < padded.length; i++) {
        padded[i] = padded[i] == null ? "" : padded[i];
      }
      out.add(padded);
    }
    return out;
  }

  /**
   * @return the non-negative decimal value, or -1 when {@code s} is not one.
   */
  private static long number(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    long v = Long.parseLong(s);
    return v > Integer.MAX_VALUE ? -1 : v;
  }
}
