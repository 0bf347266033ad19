package dev.kiln.solver.layer;

import java.io.IOException;

/** Receives layer entries in order, as an {@link EntrySource} produces them. */
@FunctionalInterface
public interface EntrySink {

  /** Accepts the next entry; a failure stops the source. */
  void accept(LayerEntry entry) throws IOException;
}
