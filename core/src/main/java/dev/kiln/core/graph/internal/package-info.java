/** Encoding internals of the build graph (canonical JSON, op codec); not a public API. */
package dev.kiln.core.graph.internal;
