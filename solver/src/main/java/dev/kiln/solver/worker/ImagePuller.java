package dev.kiln.solver.worker;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.store.ProgressInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Materialises a resolved base image: fetches each missing layer blob into the content store
 * (verified by the store against the descriptor's digest), reporting bytes, then applies the layers
 * in order into a new snapshot. The result's layers are the image's own descriptors, annotated with
 * their diffIDs, so an exported image reuses the base blobs unchanged. Thread-safe.
 */
final class ImagePuller {

  private final ImageSource images;
  private final ContentStore store;
  private final SnapshotStore snapshots;
  private final ProgressListener progress;

  ImagePuller(
      ImageSource images, ContentStore store, SnapshotStore snapshots, ProgressListener progress) {
    this.images = images;
    this.store = store;
    this.snapshots = snapshots;
    this.progress = progress;
  }

  CacheResult pull(Digest vertex, ResolvedImage image) throws IOException, InterruptedException {
    boolean diffIdsKnown = image.diffIds().size() == image.layers().size();
    for (Descriptor d : image.layers()) {
      fetch(vertex, image, d);
    }
    if (diffIdsKnown) {
      List<Descriptor> layers = annotated(image, null);
      String id = SnapshotStore.chainId(layers);
      if (snapshots.exists(id)) {
        return new CacheResult(id, layers);
      }
    }
    Path temp = snapshots.newTemp();
    try {
      List<Digest> applied = new ArrayList<>();
      for (Descriptor d : image.layers()) {
        checkInterrupted();
        Digest expected = diffIdsKnown ? image.diffIds().get(applied.size()) : null;
        applied.add(snapshots.applyOne(d, temp.resolve("rootfs"), expected));
      }
      List<Descriptor> layers = annotated(image, applied);
      String id = SnapshotStore.chainId(layers);
      snapshots.commit(temp, id, layers);
      return new CacheResult(id, layers);
    } catch (IOException | RuntimeException | InterruptedException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  private static List<Descriptor> annotated(ResolvedImage image, List<Digest> applied) {
    List<Descriptor> out = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      Digest diffId = applied != null ? applied.get(i) : image.diffIds().get(i);
      out.add(image.layers().get(i).withAnnotation(SnapshotStore.UNCOMPRESSED, diffId.toString()));
    }
    return out;
  }

  private void fetch(Digest vertex, ResolvedImage image, Descriptor d)
      throws IOException, InterruptedException {
    checkInterrupted();
    if (store.contains(d.digest())) {
      return;
    }
    String id = d.digest().toString();
    progress.bytes(vertex, id, 0, d.size());
    try (InputStream in =
        new ProgressInputStream(images.openBlob(image, d), progress, vertex, id, d.size())) {
      store.write(in, d.digest());
    } catch (IOException e) {
      throw new IOException(
          "pulling layer " + id + " of " + image.ref() + ": " + e.getMessage(), e);
    }
  }

  private static void checkInterrupted() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("image pull cancelled");
    }
  }
}
