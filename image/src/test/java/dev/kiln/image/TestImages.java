package dev.kiln.image;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.Platform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds small real images in tests: gzip layer tars made in Java, stored in a content store. */
public final class TestImages {

  private TestImages() {}

  /** A layer: its gzip blob bytes and its diff ID. */
  public record Layer(byte[] gzip, Digest diffId) {
    /** The OCI gzip descriptor of the blob. */
    public Descriptor descriptor() {
      return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(gzip), gzip.length);
    }
  }

  /** A layer holding the given files (path → text content), mode 0644, mtime 0. */
  public static Layer layer(Map<String, String> files) {
    try {
      ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
        for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
          byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
          TarArchiveEntry e = new TarArchiveEntry(f.getKey());
          e.setSize(data.length);
          e.setMode(0100644);
          e.setModTime(0);
          tar.putArchiveEntry(e);
          tar.write(data);
          tar.closeArchiveEntry();
        }
      }
      byte[] tar = tarBytes.toByteArray();
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        out.write(tar);
      }
      return new Layer(gz.toByteArray(), Digests.sha256(tar));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stores the layers and returns an image of them with {@code env} in its config. */
  public static ExportableImage image(ContentStore store, List<String> env, Layer... layers)
      throws IOException {
    List<ExportLayer> out = new java.util.ArrayList<>();
    for (Layer l : layers) {
      store.write(new ByteArrayInputStream(l.gzip()), l.descriptor().digest());
      out.add(ExportLayer.of(l.descriptor(), l.diffId()));
    }
    ImageConfig config =
        ImageConfig.of(Platform.current())
            .withConfig(
                ContainerConfig.empty()
                    .withEnv(env)
                    .withEntrypointAndCmd(null, List.of("/hello.txt")));
    return ExportableImage.of(config, out);
  }
}
