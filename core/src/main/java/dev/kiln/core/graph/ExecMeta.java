package dev.kiln.core.graph;

import java.util.List;

/**
 * The process of an {@link ExecOp}.
 *
 * @param args argv, at least one element (the frontend adds {@code /bin/sh -c} for shell form)
 * @param env environment as {@code KEY=value} strings, in order
 * @param cwd absolute working directory
 * @param user user spec as in a Dockerfile {@code USER} ({@code name}, {@code uid}, {@code
 *     uid:gid}); empty for root
 */
public record ExecMeta(List<String> args, List<String> env, String cwd, String user) {

  /** Validates and copies. */
  public ExecMeta {
    args = Ops.copyStrings("exec argument", args);
    if (args.isEmpty()) {
      throw new IllegalArgumentException("exec op needs at least one argument");
    }
    env = Ops.copyStrings("exec env entry", env);
    for (String e : env) {
      if (e.indexOf('=') <= 0) {
        throw new IllegalArgumentException("exec env entry must be KEY=value, got '" + e + "'");
      }
    }
    cwd = Ops.requireAbsolute("exec working directory", cwd == null ? "/" : cwd);
    user = user == null ? "" : user;
  }
}
