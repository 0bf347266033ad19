package dev.kiln.image.export;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.ImageExporter;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Reference;
import dev.kiln.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type=oci} (an OCI layout tar, or with {@code tar=false} a layout directory, added to when
 * it exists) and {@code type=docker} (one tar that is both an OCI layout and a docker-archive for
 * {@code docker load}: Docker's {@code manifest.json} points at the same {@code blobs/} entries,
 * gzip layers included, as BuildKit writes it).
 */
final class LayoutImageExporter implements ImageExporter {

  /** The index annotation BuildKit and containerd use for the full image name. */
  static final String IMAGE_NAME = "io.containerd.image.name";

  private final String type;
  private final Path dest;
  private final boolean tar;
  private final List<Reference> names;
  private final ExportOptions options;

  LayoutImageExporter(
      String type, Path dest, boolean tar, List<Reference> names, ExportOptions options) {
    this.type = type;
    this.dest = dest;
    this.tar = tar;
    this.names = List.copyOf(names);
    this.options = options;
  }

  @Override
  public LayerRequest layerRequest() {
    return options.layerRequest();
  }

  @Override
  public ExportResult export(ExportableImage image, ContentStore content) throws IOException {
    ExportableImage withAnnotations = options.prepare(image, content);
    ImageAssembler.Assembled a = ImageAssembler.assemble(withAnnotations, options);
    Descriptor manifest = a.manifest().descriptor();
    try {
      if (tar) {
        writeTar(a, content);
      } else {
        writeDir(a, content);
      }
    } catch (IOException e) {
      throw new IOException(
          "exporting " + type + " image to " + dest + ": " + IoMessages.describe(e), e);
    }
    return new ExportResult(
        type,
        manifest,
        a.config().digest(),
        names.stream().map(Reference::toString).toList(),
        dest.toString());
  }

  private void writeTar(ImageAssembler.Assembled a, ContentStore content) throws IOException {
    LayoutTarWriter writer = new LayoutTarWriter();
    for (Descriptor layer : a.layers()) {
      writer.addStoredBlob(layer);
    }
    writer.addBlob(a.config().descriptor(), a.config().bytes());
    writer.addBlob(a.manifest().descriptor(), a.manifest().bytes());
    byte[] dockerManifest = type.equals("docker") ? dockerManifest(a) : null;
    writer.writeTo(
        dest, content, ImageIndex.oci(indexEntries(a.manifest().descriptor())), dockerManifest);
  }

  private void writeDir(ImageAssembler.Assembled a, ContentStore content) throws IOException {
    OciLayout layout = OciLayout.create(dest);
    for (Descriptor layer : a.layers()) {
      try (InputStream in = content.open(layer.digest())) {
        layout.writeBlob(layer, in);
      }
    }
    layout.writeBlob(a.config().descriptor().mediaType(), a.config().bytes());
    Descriptor manifest =
        layout.writeBlob(a.manifest().descriptor().mediaType(), a.manifest().bytes());
    List<Descriptor> entries = indexEntries(manifest);
    for (Descriptor entry : entries) {
      String tag = entry.annotation(OciLayout.REF_NAME);
      if (tag != null) {
        layout.tag(tag, entry.withAnnotations(withoutRefName(entry.annotations())));
      } else {
        ImageIndex index = layout.index();
        if (index.manifests().stream().noneMatch(d -> d.digest().equals(manifest.digest()))) {
          layout.writeIndex(index.plus(entry));
        }
      }
    }
  }

  private static Map<String, String> withoutRefName(Map<String, String> annotations) {
    Map<String, String> copy = new LinkedHashMap<>(annotations);
    copy.remove(OciLayout.REF_NAME);
    return copy;
  }

  /** One index entry per name (BuildKit's annotations), or one plain entry without names. */
  private List<Descriptor> indexEntries(Descriptor manifest) {
    if (names.isEmpty()) {
      return List.of(manifest);
    }
    List<Descriptor> out = new ArrayList<>();
    for (Reference name : names) {
      Descriptor d = manifest.withAnnotation(IMAGE_NAME, name.toString());
      if (name.tag() != null) {
        d = d.withAnnotation(OciLayout.REF_NAME, name.tag());
      }
      out.add(d);
    }
    return out;
  }

  /** Docker's {@code manifest.json}: config and layers as paths inside the tar, plus RepoTags. */
  private byte[] dockerManifest(ImageAssembler.Assembled a) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("Config", LayoutTarWriter.blobName(a.config().digest()));
    entry.put(
        "RepoTags",
        names.stream()
            .filter(n -> n.tag() != null)
            .map(n -> n.withTag(n.tag()).familiar())
            .toList());
    entry.put(
        "Layers", a.layers().stream().map(l -> LayoutTarWriter.blobName(l.digest())).toList());
    return OciJson.toBytes(List.of(entry));
  }
}
