package dev.kiln.cli.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.oci.Digest;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * {@code --progress=rawjson}: one JSON object per line and event, shaped like BuildKit's {@code
 * SolveStatus} ({@code vertexes} with digest, name, started, completed, cached, error; {@code
 * statuses} for transfers; {@code logs} with base64 data and stream 1 or 2). Thread-safe.
 */
final class RawJsonDisplay implements ProgressDisplay {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final Steps steps = new Steps();
  private final Clock clock;

  RawJsonDisplay(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public void vertexStarted(Digest vertex, String name) {
    emit(vertex, name, v -> v.put("started", now()));
  }

  @Override
  public void vertexCached(Digest vertex, String name) {
    emit(
        vertex,
        name,
        v -> {
          String t = now();
          v.put("started", t).put("completed", t).put("cached", true);
        });
  }

  @Override
  public void vertexCompleted(Digest vertex, String name) {
    emit(vertex, name, v -> v.put("completed", now()));
  }

  @Override
  public void vertexFailed(Digest vertex, String name, String message) {
    emit(vertex, name, v -> v.put("completed", now()).put("error", message));
  }

  @Override
  public void bytes(Digest vertex, String id, long current, long total) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode status =
        root.putArray("statuses")
            .addObject()
            .put("id", id)
            .put("vertex", vertex.toString())
            .put("current", current)
            .put("timestamp", now());
    if (total >= 0) {
      status.put("total", total);
      if (current >= total) {
        status.put("completed", now());
      }
    }
    print(root);
  }

  @Override
  public void log(Digest vertex, LogStream stream, String line) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("logs")
        .addObject()
        .put("vertex", vertex.toString())
        .put("stream", stream == LogStream.STDOUT ? 1 : 2)
        .put(
            "data",
            Base64.getEncoder().encodeToString((line + "\n").getBytes(StandardCharsets.UTF_8)))
        .put("timestamp", now());
    print(root);
  }

  /** Left out: standard error carries JSON events only, which tools parse line by line. */
  @Override
  public void notice(String line) {}

  @Override
  public void finish(boolean success) {
    synchronized (steps) {
      out.flush();
    }
  }

  @Override
  public void close() {
    finish(false);
  }

  private void emit(Digest vertex, String name, java.util.function.Consumer<ObjectNode> fill) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode vertexes = root.putArray("vertexes");
    ObjectNode v = vertexes.addObject().put("digest", vertex.toString());
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, name);
      v.put("name", s.name);
      if (s.started < 0) {
        s.started = clock.nanos();
      }
    }
    fill.accept(v);
    print(root);
  }

  private void print(ObjectNode node) {
    String line = node.toString();
    synchronized (steps) {
      out.println(line);
    }
  }

  private static String now() {
    return Instant.now().toString();
  }
}
