/**
 * The solver's side of the remote build cache (issue 9): {@link
 * dev.kiln.solver.remote.CacheExportWalker} turns a solve's key graph into core's {@link
 * dev.kiln.core.cache.remote.CacheChains} for {@code mode=min|max}, asking a {@link
 * dev.kiln.solver.remote.ResultLayers} for each result's layers in the export's compression ({@link
 * dev.kiln.solver.remote.WorkerResultLayers} over today's worker). Imported caches are queried
 * through {@link dev.kiln.solver.cache.CombinedCacheManager} and fetched lazily through {@link
 * dev.kiln.solver.cache.FetchingContentStore}. See {@code solver/SCHEDULER.md}.
 */
package dev.kiln.solver.remote;
