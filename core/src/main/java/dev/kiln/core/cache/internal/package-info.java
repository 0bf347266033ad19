/** Go-JSON helpers shared by the cache packages; public only for them, not an API. */
package dev.kiln.core.cache.internal;
