package dev.kiln.oci.registry;

/** How blob bytes are sent. */
public enum UploadMode {
  /** POST to open a session, then one PUT {@code ?digest=} carrying the whole blob. */
  MONOLITHIC,
  /**
   * POST, then PATCH requests of at most the configured chunk size with {@code Content-Range}, then
   * PUT {@code ?digest=} without a body. For registries or proxies that cap request sizes.
   */
  CHUNKED
}
