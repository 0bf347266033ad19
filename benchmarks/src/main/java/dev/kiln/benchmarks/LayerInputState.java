package dev.kiln.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** JMH state: the {@link LayerInput} tree on disk and its tar in memory, made once per fork. */
@State(Scope.Benchmark)
public class LayerInputState {
  private static final int CHUNK = 256 * 1024;

  /** The tree (in a temp dir removed at teardown). */
  public Path tree;

  /** The tree's tar as kiln writes it, ~70 MiB. */
  public byte[] tar;

  /** Creates the tree and its tar. */
  @Setup(Level.Trial)
  public void create() throws IOException {
    tree = LayerInput.tempTree();
    tar = LayerInput.tar(tree);
  }

  /** Writes the tar to {@code out} in 256 KiB writes, as the layer writer feeds a compressor. */
  public void writeTar(OutputStream out) throws IOException {
    for (int off = 0; off < tar.length; off += CHUNK) {
      out.write(tar, off, Math.min(CHUNK, tar.length - off));
    }
  }

  /** Removes the temp dir. */
  @TearDown(Level.Trial)
  public void delete() {
    LayerInput.delete(tree.getParent());
  }
}
