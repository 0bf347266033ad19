/**
 * The parallel scheduler: solves a core {@link dev.kiln.core.graph.Definition} with cache lookups
 * and pluggable {@link dev.kiln.solver.scheduler.OpRunner}s. Entry point {@link
 * dev.kiln.solver.scheduler.Scheduler}; see {@code solver/SCHEDULER.md}.
 */
package dev.kiln.solver.scheduler;
