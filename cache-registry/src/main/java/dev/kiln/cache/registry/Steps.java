package dev.kiln.cache.registry;

import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress steps of a cache import or export, shown like buildx's vertices (one per step, named as
 * buildx names them). Step identities are digests of the cache's name and the step name, outside
 * any build-graph digest. Thread-safe.
 */
final class Steps {

  private final String scope;
  private final ProgressListener progress;
  private final Set<Step> open = ConcurrentHashMap.newKeySet();

  Steps(String scope, ProgressListener progress) {
    this.scope = scope;
    this.progress = progress;
  }

  /** One running step. */
  final class Step {
    private final Digest vertex;
    private final String name;

    private Step(String name) {
      this.vertex = Digests.sha256("kiln.cache-step:" + scope + "\n" + name);
      this.name = name;
    }

    Digest vertex() {
      return vertex;
    }

    void done() {
      if (open.remove(this)) {
        progress.vertexCompleted(vertex, name);
      }
    }

    /**
     * Ends the step with a warning line instead of an error: for failures the build goes on without
     * (a cache import).
     */
    void warn(String message) {
      if (open.remove(this)) {
        progress.log(vertex, ProgressListener.LogStream.STDERR, "WARNING: " + message);
        progress.vertexCompleted(vertex, name);
      }
    }

    void failed(String message) {
      if (open.remove(this)) {
        progress.vertexFailed(vertex, name, message);
      }
    }
  }

  Step start(String name) {
    Step s = new Step(name);
    open.add(s);
    progress.vertexStarted(s.vertex, name);
    return s;
  }

  void bytes(Step step, Descriptor blob, long sent) {
    progress.bytes(step.vertex, blob.digest().toString(), sent, blob.size());
  }

  /** Marks every step still open as failed (innermost first is not needed: each is one line). */
  void failAll(String message) {
    for (Step s : Set.copyOf(open)) {
      s.failed(message);
    }
  }
}
