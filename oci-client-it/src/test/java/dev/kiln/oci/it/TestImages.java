package dev.kiln.oci.it;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Small, valid images built in the test: a gzip tar layer, a config and a manifest. */
final class TestImages {

  private TestImages() {}

  /** One layer of an image: the compressed blob and the digest of its uncompressed tar. */
  record Layer(byte[] blob, Digest digest, Digest diffId) {}

  /** An image ready to push: layers, config bytes and manifest bytes. */
  record Image(List<Layer> layers, OciJson.Encoded config, OciJson.Encoded manifest) {

    /** Pushes blobs then the manifest by tag; returns the manifest digest the registry stored. */
    Digest push(RegistryClient client, String repository, String tag) throws RegistryException {
      for (Layer l : layers) {
        client.pushBlob(repository, BlobSource.of(l.blob()));
      }
      client.pushBlob(repository, BlobSource.of(config.bytes()));
      return client.pushManifest(
          repository, tag, manifest.bytes(), manifest.descriptor().mediaType());
    }
  }

  /** A single-file tar, gzip-compressed. */
  static Layer layer(String fileName, String content) {
    byte[] tar = tar(fileName, content.getBytes(StandardCharsets.UTF_8));
    return new Layer(gzip(tar), Digests.sha256(gzip(tar)), Digests.sha256(tar));
  }

  /** A layer holding {@code size} pseudo-random bytes (deterministic for a seed). */
  static Layer randomLayer(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    byte[] tar = tar("data.bin", data);
    byte[] gz = gzip(tar);
    return new Layer(gz, Digests.sha256(gz), Digests.sha256(tar));
  }

  /** An image of the given layers with an Env entry, OCI or Docker typed. */
  static Image image(boolean oci, String env, Layer... layers) {
    ImageConfig config = ImageConfig.of(Platform.of("linux", "amd64"));
    config = config.withConfig(config.containerConfig().withEnv(List.of(env)));
    for (Layer l : layers) {
      config =
          config.withLayer(l.diffId(), ImageConfig.History.of(null, "test layer", null, false));
    }
    OciJson.Encoded cfg =
        OciJson.encode(config, oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG);
    List<Descriptor> layerDescs =
        java.util.Arrays.stream(layers)
            .map(
                l ->
                    Descriptor.of(
                        oci ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.DOCKER_LAYER_GZIP,
                        l.digest(),
                        l.blob().length))
            .toList();
    ImageManifest manifest =
        oci
            ? ImageManifest.oci(cfg.descriptor(), layerDescs)
            : ImageManifest.docker(cfg.descriptor(), layerDescs);
    return new Image(List.of(layers), cfg, OciJson.encode(manifest));
  }

  private static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(data);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A minimal ustar archive with one regular file, mode 0644, owned by root, mtime 0. */
  static byte[] tar(String name, byte[] content) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, "00000000000");
    java.util.Arrays.fill(header, 148, 156, (byte) ' ');
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    header[155] = ' ';
    int padded = (content.length + 511) / 512 * 512;
    byte[] out = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, out, 0, 512);
    System.arraycopy(content, 0, out, 512, content.length);
    return out;
  }

  private static void put(byte[] buf, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, buf, off, b.length);
  }
}
