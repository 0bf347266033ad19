package dev.kiln.solver.worker;

import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of a base image: its layer descriptors, each annotated with its diffID from the
 * config, and nothing downloaded — the layers are fetched and unpacked (each into its own snapshot,
 * shared by every build) only when a step that runs needs the files, or an output the bytes (see
 * {@link Chains}, {@link BlobFetcher}). An exported image reuses the base blobs unchanged. A config
 * without usable {@code diff_ids} makes the layers be fetched and unpacked now, to learn them.
 * Thread-safe.
 */
final class ImagePuller {

  private final ImageSource images;
  private final BlobFetcher blobs;
  private final Chains chains;

  ImagePuller(ImageSource images, BlobFetcher blobs, Chains chains) {
    this.images = images;
    this.blobs = blobs;
    this.chains = chains;
  }

  /** Makes the layers of {@code image} fetchable on demand, with progress under {@code vertex}. */
  void register(Digest vertex, ResolvedImage image) {
    blobs.registerImage(vertex, images, image);
  }

  CacheResult pull(Digest vertex, ResolvedImage image) throws IOException, InterruptedException {
    register(vertex, image);
    List<Digest> diffIds = image.diffIds();
    if (diffIds.size() != image.layers().size()) {
      diffIds = unpackAll(image);
    }
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      layers.add(
          image
              .layers()
              .get(i)
              .withAnnotation(SnapshotStore.UNCOMPRESSED, diffIds.get(i).toString()));
    }
    return new CacheResult("", layers);
  }

  private List<Digest> unpackAll(ResolvedImage image) throws IOException, InterruptedException {
    List<Digest> diffIds = new ArrayList<>();
    String parent = null;
    for (Descriptor d : image.layers()) {
      if (Thread.interrupted()) {
        throw new InterruptedException("image pull cancelled");
      }
      parent = chains.layerOfUnknownDiff(parent, d, diffIds);
      diffIds.add(SnapshotStore.diffId(chains.blobOf(parent)));
    }
    return diffIds;
  }
}
