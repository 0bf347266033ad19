package dev.kiln.oci.registry;

import okhttp3.OkHttpClient;

/** The endpoint objects behind one {@link RegistryClient}, all sharing one transport. */
record RegistryClientParts(
    OkHttpClient http,
    RegistryTransport transport,
    Ping ping,
    ManifestPuller manifestPuller,
    ManifestPusher manifestPusher,
    ManifestDeleter manifestDeleter,
    BlobChecker blobChecker,
    BlobPuller blobPuller,
    BlobPusher blobPusher,
    TagLister tagLister) {

  static RegistryClientParts create(
      OkHttpClient http,
      RegistryTransport transport,
      UploadMode mode,
      long chunkSize,
      ProgressListener listener) {
    return new RegistryClientParts(
        http,
        transport,
        new Ping(transport),
        new ManifestPuller(transport),
        new ManifestPusher(transport),
        new ManifestDeleter(transport),
        new BlobChecker(transport),
        new BlobPuller(transport, listener),
        new BlobPusher(transport, mode, chunkSize, listener),
        new TagLister(transport));
  }
}
