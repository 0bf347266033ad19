package dev.kiln.solver.worker;

import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.Platform;
import dev.kiln.solver.layer.LayerBlob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * Test helper: an {@link ImageSource} that resolves every reference to one image whose only layer
 * is a blob file written by the layer writer, as a registry would after resolving.
 */
class OneLayerImages implements ImageSource {

  private final LayerBlob blob;
  private final Descriptor layer;

  OneLayerImages(LayerBlob blob, Descriptor layer) {
    this.blob = blob;
    this.layer = layer;
  }

  @Override
  public ResolvedImage resolve(String ref, Platform platform) {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    return new ResolvedImage(
        ref,
        Digests.sha256("index of " + ref),
        Descriptor.of(MediaTypes.OCI_MANIFEST, Digests.sha256("manifest of " + ref), 100),
        Descriptor.of(MediaTypes.OCI_CONFIG, Digests.sha256(config), config.length),
        platform,
        List.of(layer),
        List.of(blob.diffId()));
  }

  @Override
  public InputStream openBlob(ResolvedImage image, Descriptor d) throws IOException {
    if (!d.digest().equals(blob.digest())) {
      throw new IOException("unknown blob " + d.digest());
    }
    return Files.newInputStream(blob.path());
  }
}
