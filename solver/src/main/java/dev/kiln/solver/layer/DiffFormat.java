package dev.kiln.solver.layer;

import java.nio.file.Path;

/**
 * How a layer unpacked into its own diff directory ({@link LayerApplier#unpack}) keeps its
 * whiteouts, instead of applying them to what is below: in overlayfs' form (a character device 0/0
 * per deleted name, hard-linked from {@code whiteoutTemplate}; the xattr {@code
 * trusted.overlay.opaque=y} on opaque directories), which needs root and lets the directory be an
 * overlay lower layer; or, without privileges, in the OCI form ({@code .wh.NAME} and {@code
 * .wh..wh..opq} files), which only the native snapshotter and {@link
 * OverlayUpperConverter#ofOciMarkers} read.
 *
 * @param whiteoutTemplate a character device 0/0 on the same file system, or null for the OCI form
 */
public record DiffFormat(Path whiteoutTemplate) {

  /** OCI markers, for unprivileged workers. */
  public static DiffFormat oci() {
    return new DiffFormat(null);
  }

  /** overlayfs markers; whiteouts are hard links of {@code template}. */
  public static DiffFormat overlay(Path template) {
    return new DiffFormat(java.util.Objects.requireNonNull(template, "template"));
  }

  /** True for overlayfs markers. */
  public boolean overlayForm() {
    return whiteoutTemplate != null;
  }
}
