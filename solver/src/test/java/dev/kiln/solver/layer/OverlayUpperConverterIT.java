package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The getfattr-based probe on real trusted.* xattrs (needs root and the attr package). */
class OverlayUpperConverterIT {
  @TempDir Path upper;

  @Test
  void getfattrProbe_trustedAndUserOpaqueMarks_detected() throws Exception {
    Path trusted = Trees.dir(upper, "trusted", 0755);
    Path user = Trees.dir(upper, "user", 0755);
    Trees.dir(upper, "plain", 0755);
    Trees.run("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", trusted.toString());
    Trees.xattr(user, "overlay.opaque", "y");

    List<String> paths =
        new OverlayUpperConverter(upper, OpaqueProbe.getfattr())
            .toList().stream().map(LayerEntry::path).toList();

    assertThat(paths)
        .containsExactly("plain", "trusted", "trusted/.wh..wh..opq", "user", "user/.wh..wh..opq");
    assertThat(Files.exists(upper.resolve("trusted/.wh..wh..opq"))).isFalse();
  }
}
