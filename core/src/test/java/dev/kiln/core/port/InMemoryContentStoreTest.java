package dev.kiln.core.port;

import dev.kiln.oci.Digest;

/** Runs the {@link ContentStore} contract against the in-memory fake. */
class InMemoryContentStoreTest extends ContentStoreContract {

  @Override
  protected ContentStore newStore() {
    return new InMemoryContentStore();
  }

  @Override
  protected void corrupt(ContentStore store, Digest digest, byte[] bytes) {
    ((InMemoryContentStore) store).corrupt(digest, bytes);
  }
}
