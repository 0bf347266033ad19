package dev.kiln.solver.worker;

import dev.kiln.core.port.ImageSource;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Platform;
import dev.kiln.solver.exec.BusyboxRootfs;
import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.LayerBlob;
import dev.kiln.solver.layer.LayerWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Test helper: an {@link ImageSource} serving one image whose single gzip layer is a busybox rootfs
 * ({@link BusyboxRootfs} plus the few applets the worker tests need), as a registry would after
 * resolving.
 */
final class BusyboxImage extends OneLayerImages {

  static final String REF = "example.com/busybox:test";
  static final Platform AMD64 = Platform.of("linux", "amd64");

  /** Applets used by the worker tests beyond those {@link BusyboxRootfs} links. */
  private static final List<String> EXTRA_APPLETS = List.of("dd", "head", "mv", "chmod", "tail");

  private final Path rootfs;

  private BusyboxImage(Path rootfs, LayerBlob blob) {
    super(blob, Descriptor.of(blob.mediaType(), blob.digest(), blob.size()));
    this.rootfs = rootfs;
  }

  /** Builds the rootfs (with /etc/hosts and /etc/resolv.conf) and its layer under {@code dir}. */
  static BusyboxImage create(Path dir) throws Exception {
    return create(dir, true);
  }

  /** Builds the rootfs and its layer blob under {@code dir} (created). */
  static BusyboxImage create(Path dir, boolean withEtcNetFiles) throws Exception {
    Path rootfs =
        BusyboxRootfs.create(Files.createDirectories(dir.resolve("rootfs")), withEtcNetFiles);
    for (String applet : EXTRA_APPLETS) {
      Path link = rootfs.resolve("bin").resolve(applet);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of("busybox"));
      }
    }
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults())
            .write(DirectoryWalker.of(rootfs), dir.resolve("blobs"));
    return new BusyboxImage(rootfs, blob);
  }

  /** The tree the layer was written from. */
  Path rootfs() {
    return rootfs;
  }
}
