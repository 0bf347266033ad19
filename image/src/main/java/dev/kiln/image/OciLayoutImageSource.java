package dev.kiln.image;

import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import dev.kiln.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * An {@link ImageSource} for images in an OCI image layout directory, referenced as {@code
 * oci-layout://PATH[:TAG]} or {@code oci-layout://PATH@sha256:…} (BuildKit's syntax). Without tag
 * or digest, the layout's only entry is used, or the entry tagged {@code latest} when there are
 * several. Blob reads are digest-verified. Stateless and thread-safe.
 */
public final class OciLayoutImageSource implements ImageSource {

  /** The reference prefix this source handles. */
  public static final String PREFIX = "oci-layout://";

  /** Creates the source. */
  public OciLayoutImageSource() {}

  /**
   * A parsed {@code oci-layout://} reference.
   *
   * @param path the layout directory
   * @param tag the tag, or null
   * @param digest the digest, or null
   */
  record LayoutRef(Path path, String tag, Digest digest) {

    static LayoutRef parse(String ref) throws ImageSourceException {
      if (!ref.startsWith(PREFIX) || ref.length() == PREFIX.length()) {
        throw new ImageSourceException(
            "invalid reference '" + ref + "': expected oci-layout://PATH[:TAG] or PATH@DIGEST");
      }
      String rest = ref.substring(PREFIX.length());
      Digest digest = null;
      String tag = null;
      int at = rest.lastIndexOf('@');
      if (at > 0) {
        try {
          digest = Digest.parse(rest.substring(at + 1));
        } catch (IllegalArgumentException e) {
          throw new ImageSourceException("invalid digest in '" + ref + "': " + e.getMessage(), e);
        }
        rest = rest.substring(0, at);
      }
      int colon = rest.lastIndexOf(':');
      if (colon > rest.lastIndexOf('/') && colon > 0) {
        tag = rest.substring(colon + 1);
        rest = rest.substring(0, colon);
      }
      return new LayoutRef(Path.of(rest), tag, digest);
    }
  }

  @Override
  public ResolvedImage resolve(String ref, Platform platform) throws IOException {
    LayoutRef lr = LayoutRef.parse(ref);
    String what = "reading " + ref;
    try {
      OciLayout layout = OciLayout.open(lr.path());
      Descriptor top = entry(layout, lr, what);
      Manifest parsed = layout.readManifest(top);
      Descriptor manifestDesc = top;
      if (parsed instanceof ImageIndex index) {
        manifestDesc = ImageSources.forPlatform(index, platform, what, "the layout has", "");
        parsed = layout.readManifest(manifestDesc);
      }
      if (!(parsed instanceof ImageManifest manifest)) {
        throw new ImageSourceException(what + ": nested indexes are not supported");
      }
      ImageConfig config = OciJson.parse(layout.readBlob(manifest.config()), ImageConfig.class);
      return new ResolvedImage(
          ref,
          top.digest(),
          Descriptor.of(manifestDesc.mediaType(), manifestDesc.digest(), manifestDesc.size()),
          manifest.config(),
          platform,
          manifest.layers(),
          config.diffIds());
    } catch (ImageSourceException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageSourceException(what + ": " + e.getMessage(), e);
    }
  }

  private static Descriptor entry(OciLayout layout, LayoutRef lr, String what) throws IOException {
    List<Descriptor> entries = layout.index().manifests();
    if (lr.digest() != null) {
      return entries.stream()
          .filter(d -> d.digest().equals(lr.digest()))
          .findFirst()
          .orElseGet(() -> Descriptor.of(MediaTypes.OCI_MANIFEST, lr.digest(), sizeOf(layout, lr)));
    }
    if (lr.tag() != null) {
      return layout
          .resolve(lr.tag())
          .orElseThrow(
              () ->
                  new ImageSourceException(
                      what
                          + ": no image tagged '"
                          + lr.tag()
                          + "'; the layout has tags "
                          + tags(layout)));
    }
    if (entries.size() == 1) {
      return entries.get(0);
    }
    return layout
        .resolve("latest")
        .orElseThrow(
            () ->
                new ImageSourceException(
                    what
                        + ": the layout holds "
                        + entries.size()
                        + " images; name one with :TAG or @DIGEST"));
  }

  private static long sizeOf(OciLayout layout, LayoutRef lr) {
    try {
      return java.nio.file.Files.size(layout.blobPath(lr.digest()));
    } catch (IOException e) {
      return 0;
    }
  }

  private static List<String> tags(OciLayout layout) {
    try {
      return layout.tags();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public InputStream openBlob(ResolvedImage image, Descriptor blob) throws IOException {
    LayoutRef lr = LayoutRef.parse(image.ref());
    try {
      return OciLayout.open(lr.path()).openBlob(blob.digest());
    } catch (IOException e) {
      throw new ImageSourceException(
          "reading blob "
              + blob.digest().shortForm()
              + " of "
              + image.ref()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
