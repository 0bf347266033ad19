/**
 * Cache backend {@code type=inline} (cache-format.md §4): {@link
 * dev.kiln.cache.inline.InlineCacheEmbedderFactory} creates the {@link
 * dev.kiln.core.port.CacheEmbedder} that puts a build's cache into the config of the image it
 * exports. Reading an inline cache needs no adapter of its own: {@code --cache-from
 * type=registry,ref=IMAGE} detects it by content. Depends on core only.
 */
package dev.kiln.cache.inline;
