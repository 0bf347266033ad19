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
 * /etc/group} as current BuildKit does ({@code executor/oci.GetUser} over moby/sys/user's {@code
 * GetExecUser}, then {@code WithUIDGID}):
 *
 * <ul>
 *   <li>empty means {@code 0} (root), looked up like any uid, so root gets the supplementary groups
 *       that list it (BuildKit since v0.10; before, an unset user got none); if that lookup fails,
 *       plain {@code 0:0};
 *   <li>{@code uid:gid} with both numeric (or {@code root}) is taken as is, without reading files;
 *   <li>otherwise a numeric user is a uid, anything else a name that must exist in passwd; a found
 *       user gets its passwd gid; an explicit group (name or number) overrides it and then no
 *       supplementary groups are added; a group name must exist, a number need not;
 *   <li>without an explicit group, the groups listing the user's name are supplementary;
 *   <li>the primary gid is always among the supplementary groups, first when added (BuildKit's
 *       {@code ensureAdditionalGids}, since v0.12).
 * </ul>
 *
 * Stateless.
 */
final class UserResolver {

  /** moby/sys/user's maximum id. */
  private static final long MAX_ID = Integer.MAX_VALUE;

  private UserResolver() {}

  /**
   * Reads the files from the rootfs (symlinks resolved inside it) when needed and resolves {@code
   * spec}.
   *
   * @throws ExecException when a name cannot be found or a file cannot be read
   */
  static ExecUser resolve(Path rootfs, String spec) throws ExecException {
    ExecUser fast = fastPath(spec.isEmpty() ? "0" : spec);
    if (fast != null) {
      return fast;
    }
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
   * @param spec {@code user[:group]}, empty for the default (root)
   * @param passwd contents of /etc/passwd (empty when missing)
   * @param group contents of /etc/group (empty when missing)
   */
  static ExecUser resolve(String spec, String passwd, String group) throws ExecException {
    boolean isDefault = spec.isEmpty();
    String s = isDefault ? "0" : spec;
    ExecUser fast = fastPath(s);
    if (fast != null) {
      return fast;
    }
    try {
      return execUser(s, passwd, group);
    } catch (ExecException e) {
      if (isDefault) {
        return withPrimary(0, 0, List.of());
      }
      throw e;
    }
  }

  /** BuildKit's {@code ParseUIDGID}: {@code uid:gid}, each a number or {@code root}. */
  private static ExecUser fastPath(String spec) {
    int colon = spec.indexOf(':');
    if (colon < 0) {
      return null;
    }
    long uid = rootOrNumber(spec.substring(0, colon));
    long gid = rootOrNumber(spec.substring(colon + 1));
    return uid < 0 || gid < 0 ? null : withPrimary(uid, gid, List.of());
  }

  private static long rootOrNumber(String s) {
    if (s.equals("root")) {
      return 0;
    }
    if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    long v = Long.parseLong(s);
    return v > 0xFFFFFFFFL ? -1 : v;
  }

  /** moby/sys/user's {@code GetExecUser} with no defaults. */
  private static ExecUser execUser(String spec, String passwd, String group) throws ExecException {
    int colon = spec.indexOf(':');
    String userArg = colon < 0 ? spec : spec.substring(0, colon);
    String groupArg = colon < 0 ? "" : spec.substring(colon + 1);
    Long uidArg = numeric(userArg, spec);
    Long gidArg = numeric(groupArg, spec);
    long uid = 0;
    long gid = 0;
    String matchedName = null;
    for (String[] u : entries(passwd, 7)) {
      boolean match =
          userArg.isEmpty()
              ? atoi(u[2]) == 0
              : uidArg != null ? atoi(u[2]) == uidArg : u[0].equals(userArg);
      if (match) {
        matchedName = u[0];
        uid = atoi(u[2]);
        gid = atoi(u[3]);
        break;
      }
    }
    if (matchedName == null && !userArg.isEmpty()) {
      if (uidArg == null) {
        throw new ExecException(
            "unable to find user " + userArg + ": no matching entries in passwd file");
      }
      uid = uidArg;
    }
    List<Long> additional = new ArrayList<>();
    if (!groupArg.isEmpty()) {
      Long found = null;
      for (String[] g : entries(group, 4)) {
        if (gidArg != null ? atoi(g[2]) == gidArg : g[0].equals(groupArg)) {
          found = atoi(g[2]);
          break;
        }
      }
      if (found == null && gidArg == null) {
        throw new ExecException(
            "unable to find group " + groupArg + ": no matching entries in group file");
      }
      gid = found != null ? found : gidArg;
    } else if (matchedName != null) {
      for (String[] g : entries(group, 4)) {
        if (!g[3].isEmpty() && Arrays.asList(g[3].split(",", -1)).contains(matchedName)) {
          additional.add(atoi(g[2]));
        }
      }
    }
    return withPrimary(uid, gid, additional);
  }

  /** BuildKit's {@code ensureAdditionalGids}: the primary gid first unless already listed. */
  private static ExecUser withPrimary(long uid, long gid, List<Long> supplementary) {
    List<Long> all = new ArrayList<>();
    if (!supplementary.contains(gid)) {
      all.add(gid);
    }
    all.addAll(supplementary);
    return new ExecUser(uid, gid, all);
  }

  /**
   * moby/sys/user's {@code parseNumeric}: null for a name (or empty), the value for a number in
   * range; an out-of-range number is an error.
   */
  private static Long numeric(String s, String spec) throws ExecException {
    if (s.isEmpty() || !s.matches("[+-]?[0-9]+")) {
      return null;
    }
    long v;
    try {
      v = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      v = -1;
    }
    if (v < 0 || v > MAX_ID) {
      throw new ExecException(
          "invalid user " + spec + ": uids and gids must be in range 0-" + MAX_ID);
    }
    return v;
  }

  /** Go's {@code Atoi} with errors ignored (0), as the passwd/group parsers read numbers. */
  private static long atoi(String s) {
    try {
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Colon-separated lines, trimmed, blank and {@code #} lines skipped, padded to {@code fields}
   * (missing fields are empty, as moby/sys/user reads short lines).
   */
  private static List<String[]> entries(String content, int fields) {
    List<String[]> out = new ArrayList<>();
    for (String line : content.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split(":", -1);
      String[] padded = Arrays.copyOf(parts, Math.max(fields, parts.length));
      for (int i = 0; i < padded.length; i++) {
        padded[i] = padded[i] == null ? "" : padded[i];
      }
      out.add(padded);
    }
    return out;
  }
}
