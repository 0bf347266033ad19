/**
 * BuildKit's remote cache format (cache-format.md §2–§4): the wire model {@link
 * dev.kiln.core.cache.remote.CacheConfig} and its Go-JSON-exact codec {@link
 * dev.kiln.core.cache.remote.CacheConfigCodec}; the exporter-side graph {@link
 * dev.kiln.core.cache.remote.CacheChains} that normalises and orders as BuildKit does (§2.3) into a
 * {@link dev.kiln.core.cache.remote.MarshalledCache}; and the importer-side read-only graph {@link
 * dev.kiln.core.cache.remote.ImportedCache} with a lazy {@link
 * dev.kiln.core.cache.remote.BlobFetcher}. Shared by the registry, local and inline backends.
 */
package dev.kiln.core.cache.remote;
