package dev.kiln.oci.registry;

/** What pushing a blob did. */
public enum BlobOutcome {
  /** The bytes were uploaded. */
  PUSHED,
  /** The repository already had the blob; nothing was sent. */
  EXISTING,
  /** The registry linked the blob from another repository (cross-repository mount). */
  MOUNTED
}
