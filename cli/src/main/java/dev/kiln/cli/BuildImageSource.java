package dev.kiln.cli;

import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import dev.kiln.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The image source of one build: resolves each reference once (the Dockerfile frontend reading a
 * base image's config and the worker pulling its layers see the same manifest even if the tag moves
 * meanwhile), shows each resolution as an {@code [internal] load metadata for REF} step, and
 * remembers which registry repository each base layer came from so a push can mount it instead of
 * uploading it. Thread-safe.
 */
final class BuildImageSource implements ImageSource {

  private static final long MAX_CONFIG_BYTES = 8L << 20;

  private final ImageSource delegate;
  private final ProgressListener progress;
  private final Map<String, ResolvedImage> resolved = new ConcurrentHashMap<>();
  private final Map<Digest, String> origins = new ConcurrentHashMap<>();

  BuildImageSource(ImageSource delegate, ProgressListener progress) {
    this.delegate = delegate;
    this.progress = progress;
  }

  @Override
  public ResolvedImage resolve(String ref, Platform platform) throws IOException {
    String key = ref + "|" + platform;
    ResolvedImage r = resolved.get(key);
    if (r != null) {
      return r;
    }
    String name = "[internal] load metadata for " + ref;
    Digest step = Digests.sha256(name.getBytes(StandardCharsets.UTF_8));
    progress.vertexStarted(step, name);
    try {
      r = delegate.resolve(ref, platform);
    } catch (IOException | RuntimeException e) {
      progress.vertexFailed(step, name, String.valueOf(e.getMessage()));
      throw e;
    }
    progress.vertexCompleted(step, name);
    ResolvedImage existing = resolved.putIfAbsent(key, r);
    if (existing != null) {
      return existing;
    }
    recordOrigin(ref, r);
    return r;
  }

  @Override
  public InputStream openBlob(ResolvedImage image, Descriptor blob) throws IOException {
    return delegate.openBlob(image, blob);
  }

  /** The config of {@code ref}: what the Dockerfile frontend needs of a base image. */
  ImageConfig config(String ref, Platform platform) throws IOException {
    ResolvedImage r = resolve(ref, platform);
    if (r.config().size() > MAX_CONFIG_BYTES) {
      throw new IOException(
          "image " + ref + ": its config is " + r.config().size() + " bytes, more than allowed");
    }
    byte[] bytes;
    try (InputStream in = delegate.openBlob(r, r.config())) {
      bytes = in.readAllBytes();
    }
    return OciJson.parse(bytes, ImageConfig.class);
  }

  /** The {@code registry/repository} a base layer was resolved from, or null. */
  String origin(Digest layer) {
    return origins.get(layer);
  }

  private void recordOrigin(String ref, ResolvedImage r) {
    if (ref.startsWith("oci-layout://")) {
      return;
    }
    try {
      Reference parsed = Reference.parse(ref);
      String origin = parsed.registry() + "/" + parsed.repository();
      for (Descriptor layer : r.layers()) {
        origins.putIfAbsent(layer.digest(), origin);
      }
    } catch (IllegalArgumentException e) {
      // Not a registry reference: nothing to mount from.
    }
  }
}
