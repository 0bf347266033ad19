package dev.kiln.image;

import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.image.internal.RegistryErrors;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.Manifests;
import dev.kiln.oci.OciFormatException;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import dev.kiln.oci.Reference;
import dev.kiln.oci.registry.ManifestContent;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An {@link ImageSource} for images in a registry ({@code busybox}, {@code localhost:5000/a/b:1},
 * {@code ghcr.io/x/y@sha256:…}). Resolving fetches the top-level manifest (following an index or
 * manifest list to the platform's manifest) and the config, eagerly; layers are fetched only when
 * {@link #openBlob} is called. All bytes are digest-verified by the registry client.
 *
 * <p>Thread-safe; clients come from a shared {@link RegistryClients}, one per registry host.
 */
public final class RegistryImageSource implements ImageSource {

  private static final long MAX_CONFIG_BYTES = 8L * 1024 * 1024;

  private final RegistryClients clients;
  private final Path tempDir;

  /**
   * Creates the source.
   *
   * @param clients the registry clients (credentials, insecure hosts)
   * @param tempDir where layer downloads are staged before they are handed out verified
   */
  public RegistryImageSource(RegistryClients clients, Path tempDir) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
  }

  /** A source staging downloads in {@code java.io.tmpdir}. */
  public RegistryImageSource(RegistryClients clients) {
    this(clients, Path.of(System.getProperty("java.io.tmpdir")));
  }

  @Override
  public ResolvedImage resolve(String ref, Platform platform) throws IOException {
    Reference reference = parse(ref);
    String host = reference.registryApiHost();
    RegistryClient client = clients.forHost(host);
    String repo = reference.repository();
    String what = "pulling " + reference.familiar() + " from " + reference.registry();
    try {
      ManifestContent top = client.pullManifest(repo, reference.identifier());
      Manifest parsed = Manifests.parse(top.bytes(), top.mediaType());
      Descriptor manifestDesc = top.descriptor();
      ImageManifest manifest;
      if (parsed instanceof ImageIndex index) {
        manifestDesc =
            ImageSources.forPlatform(
                index,
                platform,
                what,
                "the image is published for",
                "; kiln builds only for the native platform");
        ManifestContent platformManifest =
            client.pullManifest(repo, manifestDesc.digest().toString());
        Manifest inner = Manifests.parse(platformManifest.bytes(), platformManifest.mediaType());
        if (!(inner instanceof ImageManifest im)) {
          throw new ImageSourceException(
              what + ": the index entry for " + platform + " is itself an index; not supported");
        }
        manifest = im;
      } else {
        manifest = (ImageManifest) parsed;
      }
      ImageConfig config = fetchConfig(client, repo, manifest.config(), what);
      return new ResolvedImage(
          ref,
          top.digest(),
          manifestDesc,
          manifest.config(),
          platform,
          manifest.layers(),
          config.diffIds());
    } catch (RegistryException e) {
      throw new ImageSourceException(what + ": " + RegistryErrors.explain(e, host), e);
    } catch (OciFormatException e) {
      throw new ImageSourceException(what + ": invalid image: " + e.getMessage(), e);
    }
  }

  private static ImageConfig fetchConfig(
      RegistryClient client, String repo, Descriptor config, String what)
      throws RegistryException, IOException {
    if (config.size() > MAX_CONFIG_BYTES) {
      throw new ImageSourceException(
          what + ": the image config is " + config.size() + " bytes, more than kiln accepts");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream((int) config.size());
    client.pullBlob(repo, config.digest(), config.size(), buf);
    return OciJson.parse(buf.toByteArray(), ImageConfig.class);
  }

  /**
   * Downloads the blob into a staging file (verified by size and digest while streaming), then
   * returns a stream over the file that deletes it on close.
   */
  @Override
  public InputStream openBlob(ResolvedImage image, Descriptor blob) throws IOException {
    Reference reference = parse(image.ref());
    String host = reference.registryApiHost();
    RegistryClient client = clients.forHost(host);
    Files.createDirectories(tempDir);
    Path staged = Files.createTempFile(tempDir, "kiln-blob-", ".part");
    boolean handedOut = false;
    try {
      client.pullBlob(reference.repository(), blob, staged);
      InputStream in = new DeletingInputStream(Files.newInputStream(staged), staged);
      handedOut = true;
      return in;
    } catch (RegistryException e) {
      throw new ImageSourceException(
          "pulling layer "
              + blob.digest().shortForm()
              + " of "
              + reference.familiar()
              + " from "
              + reference.registry()
              + ": "
              + RegistryErrors.explain(e, host),
          e);
    } finally {
      if (!handedOut) {
        Files.deleteIfExists(staged);
      }
    }
  }

  private static Reference parse(String ref) throws ImageSourceException {
    try {
      return Reference.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new ImageSourceException(e.getMessage(), e);
    }
  }

  /** Deletes the staged file when the reader is done with it. */
  private static final class DeletingInputStream extends FilterInputStream {
    private final Path file;

    DeletingInputStream(InputStream in, Path file) {
      super(in);
      this.file = file;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }
}
