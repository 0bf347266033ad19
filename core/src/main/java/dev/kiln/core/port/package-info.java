/**
 * The ports of kiln's core: interfaces implemented by adapters in other modules, with the value
 * types and exceptions their contracts need. Core code depends only on these interfaces, never on
 * an adapter. Each port documents its thread-safety and failure contract; {@code
 * ContentStoreContract} in core's test-jar is the executable contract of {@link
 * dev.kiln.core.port.ContentStore}.
 */
package dev.kiln.core.port;
