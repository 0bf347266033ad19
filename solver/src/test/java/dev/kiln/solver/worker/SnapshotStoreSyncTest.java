package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits start background syncs; {@link SnapshotStore#sync} waits and reports failures. */
class SnapshotStoreSyncTest {

  @TempDir Path tmp;

  @Test
  void commits_thenSync_durableAndIdempotent() throws Exception {
    SnapshotStore store = new SnapshotStore(tmp.resolve("worker"));
    for (int i = 0; i < 5; i++) {
      Path temp = store.newTemp();
      Files.writeString(Files.createDirectories(temp.resolve("d")).resolve("f"), "x" + i);
      store.commit(temp, SnapshotStore.newId(), SnapshotMeta.tree());
    }
    store.sync();
    store.sync(); // nothing committed since: no second sync needed, and no failure
  }

  @Test
  void syncFailing_inTheBackground_reportedBySync() throws Exception {
    // a sync that always fails (the background one after the commit, and the one at close)
    SnapshotStore store =
        new SnapshotStore(tmp.resolve("worker"), java.util.List.of("sh", "-c", "exit 3", "sync"));
    Path temp = store.newTemp();
    Files.createDirectories(temp.resolve("d"));
    store.commit(temp, SnapshotStore.newId(), SnapshotMeta.tree());
    assertThatThrownBy(store::sync).isInstanceOf(IOException.class);
  }
}
