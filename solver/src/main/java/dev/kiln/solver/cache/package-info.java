/**
 * The solver's cache manager: maps core {@link dev.kiln.core.cache.CacheKey}s to {@link
 * dev.kiln.solver.cache.CacheResult}s. {@link dev.kiln.solver.cache.CacheManager} is the interface
 * the scheduler uses; {@link dev.kiln.solver.cache.LocalCacheManager} persists it in a crash-safe
 * journal under a root directory. See {@code solver/SCHEDULER.md}.
 */
package dev.kiln.solver.cache;
