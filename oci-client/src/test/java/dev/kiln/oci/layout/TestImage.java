package dev.kiln.oci.layout;

import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** A tiny real image (one gzip layer holding hello.txt) written into a layout by tests. */
record TestImage(Descriptor manifest, Descriptor config, Descriptor layer, Digest diffId) {

  static final String CREATED_BY = "COPY hello.txt /hello.txt # kiln-test";

  static TestImage writeTo(OciLayout layout, String tag) throws IOException {
    byte[] tar = layerTar("hello from kiln\n");
    Digest diffId = Digests.sha256(tar);
    Descriptor layer = layout.writeBlob(MediaTypes.OCI_LAYER_GZIP, gzip(tar));
    ImageConfig config =
        ImageConfig.of(Platform.of("linux", "amd64"))
            .withCreated("2024-01-01T00:00:00Z")
            .withConfig(
                ContainerConfig.empty()
                    .withEnv(List.of("PATH=/bin"))
                    .withEntrypointAndCmd(null, List.of("cat", "/hello.txt")))
            .withLayer(
                diffId, ImageConfig.History.of("2024-01-01T00:00:00Z", CREATED_BY, null, false));
    Descriptor configDesc = layout.writeJson(config, MediaTypes.OCI_CONFIG);
    Descriptor manifest = layout.writeManifest(ImageManifest.oci(configDesc, List.of(layer)));
    layout.tag(tag, manifest.withPlatform(Platform.of("linux", "amd64")));
    return new TestImage(manifest, configDesc, layer, diffId);
  }

  static byte[] layerTar(String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry("hello.txt");
      e.setSize(data.length);
      e.setMode(0100644);
      e.setModTime(0);
      tar.putArchiveEntry(e);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }
}
