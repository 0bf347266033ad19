package dev.kiln.solver.scheduler;

import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Collects progress events per vertex. */
final class RecordingProgress implements ProgressListener {

  final Set<Digest> started = ConcurrentHashMap.newKeySet();
  final Set<Digest> cached = ConcurrentHashMap.newKeySet();
  final Set<Digest> completed = ConcurrentHashMap.newKeySet();
  final Map<String, String> failed = new ConcurrentHashMap<>();

  @Override
  public void vertexStarted(Digest vertex, String name) {
    started.add(vertex);
  }

  @Override
  public void vertexCached(Digest vertex, String name) {
    cached.add(vertex);
  }

  @Override
  public void vertexCompleted(Digest vertex, String name) {
    completed.add(vertex);
  }

  @Override
  public void vertexFailed(Digest vertex, String name, String message) {
    failed.put(name, message);
  }
}
