/**
 * The local worker ({@link dev.kiln.solver.worker.LocalWorker}): runs source, file and merge ops on
 * host snapshot directories with layer chains in a content store; see {@code solver/WORKER.md}.
 */
package dev.kiln.solver.worker;
