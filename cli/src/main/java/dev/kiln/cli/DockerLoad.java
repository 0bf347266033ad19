package dev.kiln.cli;

import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --load}: hands a docker archive to {@code docker load}, as buildx's docker driver does.
 * The docker CLI on PATH talks to whatever engine it is configured for ({@code DOCKER_HOST}).
 */
final class DockerLoad {

  private DockerLoad() {}

  /**
   * Runs {@code docker load -i archive}, reporting its output lines on {@code step}.
   *
   * @throws IOException if docker is missing or the load fails; the message says which
   */
  static void load(Path archive, ProgressListener progress, Digest step) throws IOException {
    Process p;
    try {
      p =
          new ProcessBuilder("docker", "load", "-i", archive.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IOException("--load needs the docker command on PATH (" + e.getMessage() + ")", e);
    }
    p.getOutputStream().close();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
        progress.log(step, ProgressListener.LogStream.STDOUT, line);
      }
    }
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("docker load interrupted", e);
    }
    if (code != 0) {
      String last = lines.isEmpty() ? "exit code " + code : lines.get(lines.size() - 1);
      throw new IOException("docker load failed: " + last);
    }
  }
}
