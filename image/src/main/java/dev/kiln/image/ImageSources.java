package dev.kiln.image;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * The image source kiln uses for {@code FROM}: references starting with {@code oci-layout://} are
 * read from an OCI layout directory, every other reference from a registry. Also fetches layers
 * into a {@link ContentStore}. Thread-safe.
 */
public final class ImageSources implements ImageSource {

  private final ImageSource registry;
  private final ImageSource layout;

  /** Routes between the two given sources by reference prefix. */
  public ImageSources(ImageSource registry, ImageSource layout) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.layout = Objects.requireNonNull(layout, "layout");
  }

  /** A router over a {@link RegistryImageSource} on {@code clients} and an OCI layout source. */
  public static ImageSources create(RegistryClients clients) {
    return new ImageSources(new RegistryImageSource(clients), new OciLayoutImageSource());
  }

  /** The source that handles {@code ref}. */
  public ImageSource sourceFor(String ref) {
    return ref.startsWith(OciLayoutImageSource.PREFIX) ? layout : registry;
  }

  @Override
  public ResolvedImage resolve(String ref, Platform platform) throws IOException {
    return sourceFor(ref).resolve(ref, platform);
  }

  @Override
  public InputStream openBlob(ResolvedImage image, Descriptor blob) throws IOException {
    return sourceFor(image.ref()).openBlob(image, blob);
  }

  /**
   * Fetches a blob of a resolved image into {@code store} unless it is already there; the store
   * checks the digest before the blob becomes visible.
   *
   * @return the digest and size stored
   */
  public static Digests.Sized fetchInto(
      ImageSource source, ResolvedImage image, Descriptor blob, ContentStore store)
      throws IOException {
    if (store.contains(blob.digest())) {
      return new Digests.Sized(blob.digest(), store.size(blob.digest()));
    }
    try (InputStream in = source.openBlob(image, blob)) {
      return store.write(in, blob.digest());
    }
  }

  /** The platforms an index offers, for error messages. */
  /**
   * The index entry for {@code platform}, or an error "{@code what}: no manifest for platform … —
   * {@code offered} [platforms]{@code hint}".
   */
  static dev.kiln.oci.Descriptor forPlatform(
      ImageIndex index, dev.kiln.oci.Platform platform, String what, String offered, String hint)
      throws ImageSourceException {
    return index
        .forPlatform(platform)
        .orElseThrow(
            () ->
                new ImageSourceException(
                    what
                        + ": no manifest for platform "
                        + platform
                        + " — "
                        + offered
                        + " "
                        + platformsOf(index)
                        + hint));
  }

  static List<String> platformsOf(ImageIndex index) {
    return index.manifests().stream()
        .filter(d -> d.platform() != null)
        .map(d -> d.platform().toString())
        .distinct()
        .toList();
  }
}
