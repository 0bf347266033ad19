package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class Fixtures {
  static final Platform AMD64 = Platform.of("linux", "amd64");
  static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private Fixtures() {}

  static ImageConfig busybox(List<String> onBuild) {
    ContainerConfig c =
        new ContainerConfig(
            null,
            null,
            List.of(PATH),
            null,
            List.of("sh"),
            null,
            null,
            null,
            null,
            null,
            onBuild,
            null,
            null,
            null);
    return ImageConfig.of(AMD64)
        .withConfig(c)
        .withHistoryEntry(ImageConfig.History.of(null, "busybox rootfs", null, false));
  }

  /** A resolver of fixed configs; unknown references fail like a registry would. */
  static ImageConfigResolver resolver(Map<String, ImageConfig> configs) {
    return (ref, platform) -> {
      ImageConfig c = configs.get(ref);
      if (c == null) {
        throw new IOException("manifest unknown: " + ref);
      }
      return c;
    };
  }

  static ImageConfigResolver busyboxResolver() {
    return resolver(Map.of("docker.io/library/busybox:latest", busybox(List.of())));
  }

  static ConversionResult convert(String dockerfile) throws Exception {
    return DockerfileConverter.convert(ConversionRequest.of(dockerfile, AMD64, busyboxResolver()));
  }

  static Vertex input(Vertex v, int i) {
    return v.inputs().get(i).vertex();
  }

  /** All vertices reachable from {@code e}, as the definition lists them. */
  static List<Vertex> vertices(Edge e) {
    return new ArrayList<>(dev.kiln.core.graph.Definition.of(e).vertices());
  }
}
