package dev.kiln.oci.layout;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.DigestMismatchException;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.OciFormatException;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI image layout directory: an {@code oci-layout} marker ({@code imageLayoutVersion} 1.0.0),
 * an {@code index.json}, and content-addressed blobs under {@code blobs/<alg>/<hex>}. Tags are
 * index entries annotated with {@code org.opencontainers.image.ref.name}, as skopeo, umoci and
 * BuildKit's {@code type=oci} exporter write them.
 *
 * <p>Blob writes go to a temporary file in the blob's directory and are atomically renamed into
 * place after their digest has been checked; a blob that already exists counts as written. Blob
 * reads are verified against the digest. Blob methods are safe to call from several threads and
 * processes. Index updates ({@link #tag}, {@link #writeIndex}) are atomic replacements of {@code
 * index.json} and are serialised within one {@code OciLayout} instance, but two processes updating
 * the same index concurrently can lose an update.
 */
public final class OciLayout {

  /** The name of the layout marker file. */
  public static final String LAYOUT_FILE = "oci-layout";

  /** The name of the index file. */
  public static final String INDEX_FILE = "index.json";

  /** The directory holding blobs. */
  public static final String BLOBS_DIR = "blobs";

  /** The layout version this class reads and writes. */
  public static final String LAYOUT_VERSION = "1.0.0";

  /** The index annotation that carries a tag. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final byte[] LAYOUT_JSON =
      ("{\"imageLayoutVersion\":\"" + LAYOUT_VERSION + "\"}").getBytes(StandardCharsets.UTF_8);

  private final Path root;
  private final Object indexLock = new Object();

  private OciLayout(Path root) {
    this.root = root;
  }

  /**
   * Opens the layout at {@code root}, creating the directory, the marker and an empty index when
   * they are missing.
   *
   * @throws OciLayoutException if {@code root} holds a layout of another version
   */
  public static OciLayout create(Path root) throws IOException {
    Files.createDirectories(root.resolve(BLOBS_DIR));
    OciLayout layout = new OciLayout(root);
    if (!Files.exists(root.resolve(LAYOUT_FILE))) {
      layout.writeAtomically(root.resolve(LAYOUT_FILE), LAYOUT_JSON);
    }
    if (!Files.exists(root.resolve(INDEX_FILE))) {
      layout.writeIndex(ImageIndex.oci(List.of()));
    }
    return open(root);
  }

  /**
   * Opens an existing layout.
   *
   * @throws OciLayoutException if the marker is missing or names another version
   */
  public static OciLayout open(Path root) throws IOException {
    Path marker = root.resolve(LAYOUT_FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(marker);
    } catch (NoSuchFileException e) {
      throw new OciLayoutException(
          root + " is not an OCI image layout: " + LAYOUT_FILE + " is missing", e);
    }
    String version;
    try {
      version = OciJson.parseTree(bytes).path("imageLayoutVersion").asText("");
    } catch (OciFormatException e) {
      throw new OciLayoutException(marker + " is not valid JSON", e);
    }
    if (!LAYOUT_VERSION.equals(version)) {
      throw new OciLayoutException(
          marker + " declares imageLayoutVersion '" + version + "', expected " + LAYOUT_VERSION);
    }
    return new OciLayout(root);
  }

  /** The layout's root directory. */
  public Path root() {
    return root;
  }

  /** Where the blob with {@code digest} lives (whether or not it exists). */
  public Path blobPath(Digest digest) {
    return root.resolve(BLOBS_DIR).resolve(digest.algorithm()).resolve(digest.hex());
  }

  /** True when the blob exists (its content is not checked). */
  public boolean hasBlob(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  /** Stores {@code content} as a blob and describes it with {@code mediaType}. */
  public Descriptor writeBlob(String mediaType, byte[] content) throws IOException {
    Digest digest = Digests.sha256(content);
    Path target = blobPath(digest);
    if (!Files.exists(target)) {
      Path tmp = Files.createTempFile(blobDir(digest.algorithm()), ".tmp-", "");
      try {
        Files.write(tmp, content);
        LayoutFiles.atomicPublish(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return Descriptor.of(mediaType, digest, content.length);
  }

  /** Streams {@code content} into a sha256 blob, hashing while writing, and describes it. */
  public Descriptor writeBlob(String mediaType, InputStream content) throws IOException {
    Path dir = blobDir(Digest.SHA256);
    Path tmp = Files.createTempFile(dir, ".tmp-", "");
    try {
      Digests.Sized sized;
      try (OutputStream file = Files.newOutputStream(tmp);
          Digests.CountingDigestOutputStream out =
              new Digests.CountingDigestOutputStream(file, Digest.SHA256)) {
        content.transferTo(out);
        out.flush();
        sized = new Digests.Sized(out.digest(), out.count());
      }
      LayoutFiles.atomicPublish(tmp, blobPath(sized.digest()));
      return Descriptor.of(mediaType, sized.digest(), sized.size());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Streams {@code content} into the blob {@code expected} describes, checking digest and size
   * before it becomes visible. When the blob already exists, {@code content} is not read.
   *
   * @throws DigestMismatchException if the content does not match {@code expected}; nothing is
   *     stored then
   */
  public void writeBlob(Descriptor expected, InputStream content) throws IOException {
    Digest digest = expected.digest();
    Path target = blobPath(digest);
    if (Files.exists(target)) {
      return;
    }
    Path tmp = Files.createTempFile(blobDir(digest.algorithm()), ".tmp-", "");
    try {
      try (OutputStream out = Files.newOutputStream(tmp);
          InputStream in =
              new VerifyingInputStream(content, digest, expected.size(), describe(digest))) {
        in.transferTo(out);
      }
      LayoutFiles.atomicPublish(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Serialises {@code value} canonically ({@link OciJson}), stores it and describes it. */
  public Descriptor writeJson(Object value, String mediaType) throws IOException {
    OciJson.Encoded encoded = OciJson.encode(value, mediaType);
    return writeBlob(mediaType, encoded.bytes());
  }

  /** Stores a manifest or index under its effective media type and describes it. */
  public Descriptor writeManifest(Manifest manifest) throws IOException {
    return writeJson(manifest, manifest.effectiveMediaType());
  }

  /**
   * Opens a blob for reading. The stream fails with {@link DigestMismatchException} at its end if
   * the content does not hash to {@code digest}; read it to the end before trusting it.
   *
   * @throws OciLayoutException if the blob does not exist
   */
  public InputStream openBlob(Digest digest) throws IOException {
    return new VerifyingInputStream(rawBlob(digest), digest, -1, describe(digest));
  }

  /**
   * Reads a whole blob and checks its digest and size; for manifests, configs and other small
   * blobs.
   *
   * @throws DigestMismatchException if the blob is corrupt
   * @throws OciLayoutException if it does not exist
   */
  public byte[] readBlob(Descriptor descriptor) throws IOException {
    try (InputStream in =
        new VerifyingInputStream(
            rawBlob(descriptor.digest()),
            descriptor.digest(),
            descriptor.size(),
            describe(descriptor.digest()))) {
      return in.readAllBytes();
    }
  }

  /** Reads and parses the manifest or index a descriptor points to, verifying its digest. */
  public Manifest readManifest(Descriptor descriptor) throws IOException {
    return dev.kiln.oci.Manifests.parse(readBlob(descriptor), descriptor.mediaType());
  }

  /** The current {@code index.json}. */
  public ImageIndex index() throws IOException {
    Path file = root.resolve(INDEX_FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new OciLayoutException(root + " is not an OCI image layout: index.json is missing", e);
    }
    try {
      return OciJson.parse(bytes, ImageIndex.class);
    } catch (OciFormatException e) {
      throw new OciLayoutException(file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces {@code index.json} atomically. */
  public void writeIndex(ImageIndex index) throws IOException {
    synchronized (indexLock) {
      writeAtomically(root.resolve(INDEX_FILE), OciJson.toBytes(index));
    }
  }

  /**
   * Points {@code tag} at {@code target}: the index entry already carrying this tag is replaced in
   * place, otherwise a new entry is appended. Other entries are kept.
   *
   * @return the index entry as written (with the ref.name annotation)
   */
  public Descriptor tag(String tag, Descriptor target) throws IOException {
    checkTag(tag);
    Descriptor entry = target.withAnnotation(REF_NAME, tag);
    synchronized (indexLock) {
      ImageIndex index = index();
      List<Descriptor> entries = new ArrayList<>();
      boolean replaced = false;
      for (Descriptor d : index.manifests()) {
        if (tag.equals(d.annotation(REF_NAME))) {
          if (!replaced) {
            entries.add(entry);
            replaced = true;
          }
        } else {
          entries.add(d);
        }
      }
      if (!replaced) {
        entries.add(entry);
      }
      writeIndex(index.withManifests(entries));
    }
    return entry;
  }

  /** The index entry tagged {@code tag}, if any. */
  public Optional<Descriptor> resolve(String tag) throws IOException {
    checkTag(tag);
    return index().manifests().stream().filter(d -> tag.equals(d.annotation(REF_NAME))).findFirst();
  }

  /** Every tag in the index, in index order. */
  public List<String> tags() throws IOException {
    return index().manifests().stream()
        .map(d -> d.annotation(REF_NAME))
        .filter(Objects::nonNull)
        .toList();
  }

  private static void checkTag(String tag) {
    if (tag == null || tag.isEmpty() || tag.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "invalid layout tag '" + tag + "': must be non-empty without control characters");
    }
  }

  private InputStream rawBlob(Digest digest) throws IOException {
    try {
      return Files.newInputStream(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw new OciLayoutException("blob " + digest + " is not in the layout at " + root, e);
    }
  }

  private String describe(Digest digest) {
    return "blob " + digest.shortForm() + " in " + root;
  }

  private Path blobDir(String algorithm) throws IOException {
    return Files.createDirectories(root.resolve(BLOBS_DIR).resolve(algorithm));
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
    try {
      Files.write(tmp, bytes);
      LayoutFiles.atomicReplace(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
