package dev.kiln.solver.layer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Produces the entries of a layer, in order, by pushing them into a sink. Sources stream: they hold
 * at most one directory listing per level of the tree, never whole files. A source may be emitted
 * more than once (each call walks again); it is not thread-safe.
 */
@FunctionalInterface
public interface EntrySource {

  /** Pushes every entry into {@code sink}, in layer order. */
  void emit(EntrySink sink) throws IOException;

  /** A source over a fixed list of entries. */
  static EntrySource of(List<LayerEntry> entries) {
    List<LayerEntry> copy = List.copyOf(entries);
    return sink -> {
      for (LayerEntry e : copy) {
        sink.accept(e);
      }
    };
  }

  /** Collects the entries of this source into a list (for tests and small layers). */
  default List<LayerEntry> toList() throws IOException {
    List<LayerEntry> out = new ArrayList<>();
    emit(out::add);
    return out;
  }
}
