package dev.kiln.solver.exec;

import java.util.List;

/**
 * A resolved process identity.
 *
 * @param uid user id
 * @param gid primary group id
 * @param additionalGids supplementary groups (from {@code /etc/group} membership)
 */
record ExecUser(long uid, long gid, List<Long> additionalGids) {

  ExecUser {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must not be negative: " + uid + ":" + gid);
    }
    additionalGids = List.copyOf(additionalGids);
  }
}
