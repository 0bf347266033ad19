/**
 * The file op runner: {@link dev.kiln.solver.fileop.FileOpExecutor} applies a core {@code FileOp}
 * (copy, mkdir, mkfile, rm, symlink) to a snapshot directory with Docker's COPY rules, confined to
 * the roots it is given. See {@code solver/FILEOP.md}.
 */
package dev.kiln.solver.fileop;
