package dev.kiln.image.export;

import dev.kiln.core.port.ContentNotFoundException;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.ImageExporter;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.image.RegistryClients;
import dev.kiln.image.internal.RegistryErrors;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Reference;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code type=image,name=REF[,REF…],push=true}: pushes the layers (skipping blobs the repository
 * has, mounting from the layer's origin repository when it is on the same registry), then the
 * config, then the manifest under each name's tag (or digest). The manifest goes last so that no
 * tag ever points at missing content.
 */
final class RegistryImageExporter implements ImageExporter {

  private final RegistryClients clients;
  private final List<Reference> names;
  private final ExportOptions options;

  RegistryImageExporter(RegistryClients clients, List<Reference> names, ExportOptions options) {
    this.clients = clients;
    this.names = List.copyOf(names);
    this.options = options;
  }

  @Override
  public LayerRequest layerRequest() {
    return options.layerRequest();
  }

  @Override
  public ExportResult export(ExportableImage image, ContentStore content) throws IOException {
    ExportableImage prepared = options.prepare(image, content);
    ImageAssembler.Assembled assembled = ImageAssembler.assemble(prepared, options);
    Set<String> hosts = new LinkedHashSet<>();
    List<String> pushed = new ArrayList<>();
    for (Reference name : names) {
      push(name, prepared.layers(), assembled, content);
      hosts.add(name.registry());
      pushed.add(name.toString());
    }
    return new ExportResult(
        "image",
        assembled.manifest().descriptor(),
        assembled.config().digest(),
        pushed,
        String.join(",", hosts));
  }

  private void push(
      Reference name,
      List<ExportLayer> layers,
      ImageAssembler.Assembled assembled,
      ContentStore content)
      throws IOException {
    String host = name.registryApiHost();
    RegistryClient client = clients.forHost(host);
    String repo = name.repository();
    String what = "pushing " + name.familiar() + " to " + name.registry();
    try {
      for (ExportLayer layer : layers) {
        Descriptor blob = layer.blob();
        String mount = mountSource(layer, name);
        // A layer of a result found in an imported cache may not be here yet (lazy): when the
        // target has it already or can mount it, its bytes are never needed; otherwise it is
        // brought into the store before the upload reads it.
        if (mount == null
            && !content.contains(blob.digest())
            && client.checkBlob(repo, blob.digest()).isEmpty()) {
          fetch(content, blob, what);
        }
        client.pushBlob(repo, new StoreBlobSource(content, blob), mount);
      }
      client.pushBlob(repo, BlobSource.of(assembled.config().bytes()));
      String tag = name.tag() != null ? name.tag() : name.digest().toString();
      client.pushManifest(
          repo, tag, assembled.manifest().bytes(), assembled.manifest().descriptor().mediaType());
    } catch (RegistryException e) {
      throw new IOException(what + ": " + RegistryErrors.explain(e, host), e);
    }
  }

  /** Makes the store hold {@code blob} (a lazy store fetches it where it lives). */
  private static void fetch(ContentStore content, Descriptor blob, String what) throws IOException {
    try {
      content.size(blob.digest());
    } catch (ContentNotFoundException e) {
      throw new IOException(
          what
              + ": layer "
              + blob.digest().shortForm()
              + " is not in the content store; the build result is incomplete",
          e);
    }
  }

  /** The origin repository when it is on the target's registry (a mount is possible), or null. */
  static String mountSource(ExportLayer layer, Reference target) {
    if (layer.origin() == null) {
      return null;
    }
    try {
      Reference origin = Reference.parse(layer.origin());
      return origin.registry().equals(target.registry())
              && !origin.repository().equals(target.repository())
          ? origin.repository()
          : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
