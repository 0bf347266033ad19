package dev.kiln.core.port;

import dev.kiln.oci.Digest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records progress events as lines ("started NAME", "completed NAME", "log TEXT", …); for the cache
 * backends' tests.
 */
public final class RecordingProgress implements ProgressListener {

  public final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void vertexStarted(Digest vertex, String name) {
    events.add("started " + name);
  }

  @Override
  public void vertexCompleted(Digest vertex, String name) {
    events.add("completed " + name);
  }

  @Override
  public void vertexFailed(Digest vertex, String name, String message) {
    events.add("failed " + name + ": " + message);
  }

  @Override
  public void log(Digest vertex, LogStream stream, String line) {
    events.add("log " + line);
  }

  /** The recorded lines that start with {@code prefix}. */
  public List<String> named(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).toList();
  }
}
