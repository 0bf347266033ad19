/**
 * Cache keys, following BuildKit's model (cache-format.md §8).
 *
 * <p>{@link dev.kiln.core.cache.CacheMaps} computes, per vertex, a {@link
 * dev.kiln.core.cache.CacheMap}: the op digest (versioned with {@code kiln.cachekey.v1}, or
 * BuildKit's exact formulas for image sources, see {@link dev.kiln.core.cache.ImageKeys}), per
 * input a selector and, where safe, the paths of a content-based ("slow") key. The solver combines
 * them into structural {@link dev.kiln.core.cache.CacheKey}s whose record digest is {@code
 * rootKey(D, out)}. {@link dev.kiln.core.cache.DirectoryChecksummer} computes content checksums
 * ({@code kiln.contenthash.v1}) over a directory tree. Everything here is pure and thread-safe.
 */
package dev.kiln.core.cache;
