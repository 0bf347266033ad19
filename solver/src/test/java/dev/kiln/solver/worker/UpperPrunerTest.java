package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.solver.exec.DirMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpperPrunerTest {

  @TempDir Path tmp;

  /** Lower directories from a map; records the paths asked about. */
  private static final class MapLower implements UpperPruner.Lower {
    final Map<String, DirMetadata> dirs;
    final List<String> knownCopies;
    final List<String> asked = new ArrayList<>();

    MapLower(Map<String, DirMetadata> dirs, List<String> knownCopies) {
      this.dirs = dirs;
      this.knownCopies = knownCopies;
    }

    @Override
    public DirMetadata directory(String path) {
      asked.add(path);
      return dirs.get(path);
    }

    @Override
    public boolean knownCopyUp(String path) {
      return knownCopies.contains(path);
    }
  }

  private Path dir(Path p) throws IOException {
    Files.createDirectories(p);
    Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000));
    return p;
  }

  @Test
  void prune_emptyCopiesWithLowerMetadata_removed_changesKept() throws Exception {
    Path upper = dir(tmp.resolve("u"));
    DirMetadata etc = DirMetadata.of(dir(upper.resolve("etc")));
    DirMetadata usr = DirMetadata.of(dir(upper.resolve("usr/lib")));
    DirMetadata usrDir = DirMetadata.of(dir(upper.resolve("usr")));
    Files.writeString(upper.resolve("file"), "x");
    dir(upper.resolve("new"));
    Path var = dir(upper.resolve("var"));
    DirMetadata varBelow =
        new DirMetadata(0700 | 040000, 0, 0, FileTime.fromMillis(1_000_000), Map.of());
    FileTime top = FileTime.fromMillis(5_000_000);
    Files.setLastModifiedTime(upper, top);
    List<String> opaqueAsked = new ArrayList<>();

    UpperPruner.prune(
        upper,
        new MapLower(
            Map.of("etc", etc, "usr", usrDir, "usr/lib", usr, "var", varBelow), List.of("etc")),
        d -> {
          opaqueAsked.add(upper.relativize(d).toString());
          return false;
        });

    // etc: a known copy (no opaque read); usr/lib then usr: empty copies (opaque read);
    // var: another mode below, a change; new: not below; file: not a directory
    assertThat(upper.resolve("etc")).doesNotExist();
    assertThat(upper.resolve("usr")).doesNotExist();
    assertThat(var).isDirectory();
    assertThat(upper.resolve("new")).isDirectory();
    assertThat(upper.resolve("file")).exists();
    assertThat(opaqueAsked).containsExactlyInAnyOrder("usr/lib", "usr");
    assertThat(Files.getLastModifiedTime(upper)).isEqualTo(top);
  }

  @Test
  void prune_opaqueCopy_kept() throws Exception {
    Path upper = dir(tmp.resolve("u"));
    DirMetadata opt = DirMetadata.of(dir(upper.resolve("opt")));
    UpperPruner.prune(upper, new MapLower(Map.of("opt", opt), List.of()), d -> true);
    assertThat(upper.resolve("opt")).isDirectory();
  }

  @Test
  void hasDirectory_onlyFiles_false() throws Exception {
    Path upper = dir(tmp.resolve("u"));
    Files.writeString(upper.resolve("data"), "x");
    assertThat(UpperPruner.hasDirectory(upper)).isFalse();
    dir(upper.resolve("etc"));
    assertThat(UpperPruner.hasDirectory(upper)).isTrue();
  }
}
