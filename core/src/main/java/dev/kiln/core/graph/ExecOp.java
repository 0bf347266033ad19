package dev.kiln.core.graph;

import dev.kiln.oci.Platform;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a process in a root filesystem with further mounts.
 *
 * <p>Outputs: every writable {@link Mount.Type#BIND} mount produces one output, numbered in mount
 * order; the root mount ({@code /}) must be such a mount and is therefore output 0. Read-only,
 * tmpfs and cache mounts produce no output.
 *
 * @param meta the process: args, env, cwd, user
 * @param mounts the mounts; exactly one has target {@code /}, a writable bind, listed first
 * @param network the network mode of the process
 * @param platform the platform the process runs as; part of identity
 */
public record ExecOp(ExecMeta meta, List<Mount> mounts, NetworkMode network, Platform platform)
    implements Op {

  /** Validates the mount layout. */
  public ExecOp {
    Objects.requireNonNull(meta, "exec meta");
    Objects.requireNonNull(network, "exec network mode");
    Objects.requireNonNull(platform, "exec platform");
    mounts = List.copyOf(Objects.requireNonNull(mounts, "exec mounts"));
    if (mounts.isEmpty()
        || !mounts.get(0).target().equals("/")
        || mounts.get(0).type() != Mount.Type.BIND
        || mounts.get(0).readOnly()) {
      throw new IllegalArgumentException(
          "exec op needs a writable bind mount at '/' as its first mount");
    }
    Set<String> targets = new HashSet<>();
    for (Mount m : mounts) {
      if (m.target() != null && !targets.add(m.target())) {
        throw new IllegalArgumentException("exec op mounts '" + m.target() + "' twice");
      }
    }
  }

  @Override
  public int outputCount() {
    int n = 0;
    for (Mount m : mounts) {
      if (m.hasOutput()) {
        n++;
      }
    }
    return n;
  }

  /** The output index of mount {@code mountIndex}, or -1 if that mount has no output. */
  public int outputOf(int mountIndex) {
    if (!mounts.get(mountIndex).hasOutput()) {
      return -1;
    }
    int n = 0;
    for (int i = 0; i < mountIndex; i++) {
      if (mounts.get(i).hasOutput()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void checkInputCount(int inputCount) {
    Set<Integer> used = new HashSet<>();
    for (Mount m : mounts) {
      if (m.input() >= inputCount) {
        throw new IllegalArgumentException(
            "exec mount '" + m.target() + "' uses input " + m.input() + " of " + inputCount);
      }
      if (m.input() >= 0) {
        used.add(m.input());
      }
    }
    if (used.size() != inputCount) {
      throw new IllegalArgumentException(
          "exec op has " + inputCount + " inputs but its mounts use only " + used.size());
    }
  }
}
