package dev.kiln.core.graph;

import dev.kiln.core.graph.internal.OpCodec;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.util.List;
import java.util.Objects;

/**
 * A node of the build graph: an op applied to the outputs of other vertices.
 *
 * <p>The {@link #digest()} is the sha256 of the vertex's canonical bytes ({@link
 * #canonicalBytes()}), which cover the op and the digests and output indexes of its inputs, so it
 * identifies the whole sub-graph below the vertex. {@link #metadata()} is not covered. Two vertices
 * are {@link #equals equal} exactly when their digests are equal, whatever their metadata.
 *
 * <p>Immutable and thread-safe. The digest is computed once, at construction; construction of a
 * vertex never recurses into its inputs, so graphs of any depth can be built.
 */
public final class Vertex {

  private final Op op;
  private final List<Edge> inputs;
  private final VertexMetadata metadata;
  private final Digest digest;

  private Vertex(Op op, List<Edge> inputs, VertexMetadata metadata, Digest digest) {
    this.op = op;
    this.inputs = inputs;
    this.metadata = metadata;
    this.digest = digest;
  }

  /**
   * Creates a vertex.
   *
   * @throws IllegalArgumentException if the op cannot take these inputs
   */
  public static Vertex of(Op op, List<Edge> inputs, VertexMetadata metadata) {
    Objects.requireNonNull(op, "op");
    List<Edge> in = List.copyOf(inputs);
    op.checkInputCount(in.size());
    VertexMetadata md = metadata == null ? VertexMetadata.EMPTY : metadata;
    return new Vertex(op, in, md, Digests.sha256(OpCodec.canonicalVertexBytes(op, in)));
  }

  /** Creates a vertex without metadata. */
  public static Vertex of(Op op, List<Edge> inputs) {
    return of(op, inputs, VertexMetadata.EMPTY);
  }

  /** The op. */
  public Op op() {
    return op;
  }

  /** The inputs, in the order the op refers to them. */
  public List<Edge> inputs() {
    return inputs;
  }

  /** Descriptive metadata; not part of the digest. */
  public VertexMetadata metadata() {
    return metadata;
  }

  /** The vertex digest: sha256 of {@link #canonicalBytes()}. */
  public Digest digest() {
    return digest;
  }

  /** The canonical bytes (recomputed on each call; see {@code core/README.md} for the form). */
  public byte[] canonicalBytes() {
    return OpCodec.canonicalVertexBytes(op, inputs);
  }

  /** The same vertex (same digest) with other metadata. */
  public Vertex withMetadata(VertexMetadata newMetadata) {
    return new Vertex(op, inputs, Objects.requireNonNull(newMetadata, "metadata"), digest);
  }

  /** Output {@code index} of this vertex as an edge. */
  public Edge output(int index) {
    return new Edge(this, index);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vertex v && digest.equals(v.digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Vertex[" + op.getClass().getSimpleName() + " " + digest.shortForm() + "]";
  }
}
