package dev.kiln.solver.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlayMountTest {

  @Test
  void options_lowersBottomFirst_writtenTopFirst() throws Exception {
    OverlayMount.Options o =
        OverlayMount.options(
            List.of(Path.of("/l/base"), Path.of("/l/mid"), Path.of("/l/top")),
            Path.of("/s/u"),
            Path.of("/s/w"),
            false);
    assertThat(o.cwd()).isNull();
    assertThat(o.options())
        .startsWith("lowerdir=/l/top:/l/mid:/l/base,upperdir=/s/u,workdir=/s/w")
        .doesNotContain("volatile");
  }

  @Test
  void options_volatile_onlyWithAnUpper() throws Exception {
    assertThat(
            OverlayMount.options(List.of(Path.of("/a")), Path.of("/u"), Path.of("/w"), true)
                .options())
        .endsWith(",volatile");
    assertThat(
            OverlayMount.options(List.of(Path.of("/a"), Path.of("/b")), null, null, true).options())
        .doesNotContain("volatile");
  }

  @Test
  void options_viewWithoutUpper_onlyLowers() throws Exception {
    assertThat(
            OverlayMount.options(List.of(Path.of("/a"), Path.of("/b")), null, null, false)
                .options())
        .startsWith("lowerdir=/b:/a")
        .doesNotContain("upperdir");
  }

  @Test
  void options_tooLongAbsolute_relativeToCommonParent() throws Exception {
    List<Path> lowers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lowers.add(Path.of("/var/lib/kiln/snapshots/layer" + i + "/fs"));
    }
    OverlayMount.Options o =
        OverlayMount.options(
            lowers,
            Path.of("/var/lib/kiln/snapshots/x/upper"),
            Path.of("/var/lib/kiln/snapshots/x/work"),
            false);
    assertThat(o.cwd()).isEqualTo(Path.of("/var/lib/kiln/snapshots"));
    assertThat(o.options())
        .startsWith("lowerdir=layer199/fs:layer198/fs")
        .contains("upperdir=x/upper");
  }

  @Test
  void options_tooLongEvenRelative_failsSuggestingNative() {
    List<Path> lowers = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      lowers.add(Path.of("/k/" + "d".repeat(20) + i));
    }
    assertThatThrownBy(() -> OverlayMount.options(lowers, Path.of("/k/u"), Path.of("/k/w"), false))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("use --snapshotter=native");
  }

  @Test
  void options_pathWithComma_rejected() {
    assertThatThrownBy(
            () ->
                OverlayMount.options(List.of(Path.of("/a,b")), Path.of("/u"), Path.of("/w"), false))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("/a,b");
  }
}
