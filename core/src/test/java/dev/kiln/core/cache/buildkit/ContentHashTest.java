package dev.kiln.core.cache.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathFilter;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BuildKit's content checksum against buildkit-keys-v0.11.md §4 and the keys of §6. */
class ContentHashTest {

  private static final String V011 = "buildkit.contenthash.v0.11";
  private static final String V032 = "buildkit.contenthash.v0.32";

  private static Digest sha(String s) {
    return Digests.sha256(s);
  }

  private static Digest sha(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return Digests.sha256(out.toByteArray());
  }

  private static byte[] b(Object s) {
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The recipe's §4.1 header, spelled out. */
  private static String header(int mode, long uid, long gid, long size, char type, String link) {
    return "namemode"
        + mode
        + "uid"
        + uid
        + "gid"
        + gid
        + "size"
        + size
        + "typeflag"
        + type
        + "linkname"
        + link
        + "unamegnamedevmajor0devminor0";
  }

  private static Digest fileDigest(int mode, String text) {
    return sha(b(header(mode, 0, 0, b(text).length, '0', "")), b(text));
  }

  private static Digest checksum(
      ChecksumTree tree, String algorithm, boolean context, PathSelector... sels)
      throws IOException {
    return BuildkitChecksummer.checksum(
        tree, new ContentSelection(List.of(sels), algorithm, context));
  }

  private static Digest one(ChecksumTree tree, PathSelector sel) throws IOException {
    return new ContentHash(tree, Formulas.V0_11, false).selector(sel);
  }

  private static PathSelector path(String p) {
    return new PathSelector(p, true, false);
  }

  @Test
  void file_workedExample_motd() throws IOException {
    MemoryTree ctx = new MemoryTree().file("/motd.txt", 0644, "welcome (motd v1)\n");

    Digest c = checksum(ctx, V011, true, path("/motd.txt"));

    assertThat(one(ctx, path("/motd.txt")).toString())
        .isEqualTo("sha256:fba821c58c5bce27f1036922f494036b9efdca523e6db0a3ad41b40a38e21f70");
    assertThat(c.toString())
        .isEqualTo("sha256:8571d1dfe5a3656e7a912dc096e33e16a62825278d2570a031c76041d5ad4405");
    assertThat(CacheKey.content(c).digest().toString())
        .isEqualTo("sha256:5154fc51bae0a5a4bc8282ca2099fe492897755b29d73d992b19656222fcc860");
  }

  @Test
  void directory_workedExample_optSecond() throws IOException {
    MemoryTree t =
        new MemoryTree()
            .dir("/opt/second", 0755, 0, 0)
            .file("/opt/second/filler.txt", 0644, "x".repeat(2097152))
            .file("/opt/second/conf.copy", 0644, "name=app\nlevel=1\n");

    Digest contents = one(t, path("/opt/second"));

    assertThat(contents.toString())
        .isEqualTo("sha256:5e36db5f6adb772034bfaa3a4d24118761543373e6134ce9b9cda324abe92c1b");
    assertThat(CacheKey.content(checksum(t, V011, false, path("/opt/second"))).digest().toString())
        .isEqualTo("sha256:8d621f9a360488bfd3f3ee509607cc517b123f1cd0ac0ab91487b6ab87a4d9b0");
  }

  @Test
  void header_typesModesOwnersXattrs_recipeFields() {
    ContentHash h = new ContentHash(new MemoryTree(), Formulas.V0_11, false);
    Map<String, byte[]> xattrs =
        Map.of(
            "user.note", b("hello"),
            "security.selinux", b("ctx"),
            "security.capability", b("cap"),
            "system.posix_acl_access", b("acl"),
            "trusted.x", b("t"));

    assertThat(new String(h.header(node('0', 0644, 18, "")), StandardCharsets.UTF_8))
        .isEqualTo("namemode420uid0gid0size18typeflag0linknameunamegnamedevmajor0devminor0");
    assertThat(new String(h.header(node('5', 0755, 4096, "")), StandardCharsets.UTF_8))
        .isEqualTo(header(493, 0, 0, 0, '5', ""));
    assertThat(new String(h.header(node('5', 01777, 0, "")), StandardCharsets.UTF_8))
        .isEqualTo(header(1023, 0, 0, 0, '5', ""));
    assertThat(new String(h.header(node('2', 0777, 5, "t.txt")), StandardCharsets.UTF_8))
        .isEqualTo(header(511, 0, 0, 0, '2', "t.txt"));
    assertThat(new String(h.header(node('0', 04755, 3, "")), StandardCharsets.UTF_8))
        .isEqualTo(header(2541, 0, 0, 3, '0', ""));
    assertThat(new String(h.header(node('0', 02755, 3, "")), StandardCharsets.UTF_8))
        .isEqualTo(header(1517, 0, 0, 3, '0', ""));
    assertThat(
            new String(
                h.header(new ChecksumTree.Node('3', 0666, 0, 0, 0, "", 1, 3, Map.of())),
                StandardCharsets.UTF_8))
        .isEqualTo("namemode438uid0gid0size0typeflag3linknameunamegnamedevmajor1devminor3");
    assertThat(
            new String(
                h.header(new ChecksumTree.Node('0', 0600, 1000, 1001, 1, "", 0, 0, xattrs)),
                StandardCharsets.UTF_8))
        .isEqualTo(
            header(384, 1000, 1001, 1, '0', "")
                + "security.capabilitycap"
                + "trusted.xt"
                + "user.notehello");
  }

  private static ChecksumTree.Node node(char type, int mode, long size, String link) {
    return new ChecksumTree.Node(type, mode, 0, 0, size, link, 0, 0, Map.of());
  }

  @Test
  void context_rootHeaderFakedAndOwnersReset() throws IOException {
    MemoryTree t =
        new MemoryTree()
            .file("/a.txt", 0644, 1000, 1000, b("alpha\n"), Map.of())
            .dir("/d", 0700, 1000, 1000);
    Digest a = fileDigest(0644, "alpha\n");
    Digest d = sha(b("\0" + sha(header(448, 0, 0, 0, '5', ""))));
    Digest root = sha(b("\0" + sha("") + "\0a.txt" + a + "\0d" + d));

    assertThat(new ContentHash(t, Formulas.V0_11, true).selector(path("/"))).isEqualTo(root);
    Digest snapshotRoot =
        sha(
            b(
                "\0"
                    + sha(header(493, 0, 0, 0, '5', ""))
                    + "\0a.txt"
                    + sha(b(header(420, 1000, 1000, 6, '0', "")), b("alpha\n"))
                    + "\0d"
                    + sha(b("\0" + sha(header(448, 1000, 1000, 0, '5', ""))))));
    assertThat(one(t, path("/"))).isEqualTo(snapshotRoot);
  }

  @Test
  void symlinks_followedOnlyWhenAsked_parentsAlways() throws IOException {
    MemoryTree t =
        new MemoryTree()
            .file("/real/f.txt", 0644, "f\n")
            .symlink("/real/link", "f.txt")
            .symlink("/alias", "real")
            .symlink("/abs", "/real/f.txt");
    Digest f = fileDigest(0644, "f\n");

    assertThat(one(t, path("/real/link"))).isEqualTo(f);
    assertThat(one(t, new PathSelector("/real/link", false, false)))
        .isEqualTo(sha(header(511, 0, 0, 0, '2', "f.txt")));
    assertThat(one(t, new PathSelector("/alias/f.txt", false, false))).isEqualTo(f);
    assertThat(one(t, path("/abs"))).isEqualTo(f);
    // inside a directory a symlink contributes its own header
    assertThat(one(t, path("/real")))
        .isEqualTo(
            sha(
                b(
                    "\0"
                        + sha(header(493, 0, 0, 0, '5', ""))
                        + "\0f.txt"
                        + f
                        + "\0link"
                        + sha(header(511, 0, 0, 0, '2', "f.txt")))));
  }

  @Test
  void missingPath_noSuchFile() {
    assertThatThrownBy(() -> one(new MemoryTree(), path("/nope")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void dockerfileA_contextKeys_matchRecipe() throws IOException {
    MemoryTree ctx =
        new MemoryTree()
            .file("/a.txt", 0644, "alpha\n")
            .file("/b.txt", 0644, "bravo\n")
            .file("/c.md", 0644, "# c\n")
            .file("/d.md", 0644, 0, 0, b("# d\n"), Map.of("user.note", b("hello")));

    assertThat(key(ctx, path("/a.txt"))).startsWith("d9887b8c");
    assertThat(key(ctx, path("/b.txt"))).startsWith("eb47566c");
    assertThat(key(ctx, path("/a.txt"), path("/b.txt"))).startsWith("2027c203");
    assertThat(key(ctx, path("/a.txt"), path("/b.txt"), path("/c.md"))).startsWith("91261928");
    assertThat(key(ctx, new PathSelector("/*.md", true, true))).startsWith("78ef584f");
  }

  private static String key(ChecksumTree t, PathSelector... sels) throws IOException {
    return CacheKey.content(checksum(t, V011, true, sels)).digest().hex();
  }

  @Test
  void stageOutputs_dockerfilesAB_matchRecipe() throws IOException {
    MemoryTree toolsA =
        new MemoryTree()
            .file("/opt/tools/t.txt", 0644, "tool\n")
            .symlink("/opt/tools/link", "t.txt");
    MemoryTree toolsB =
        new MemoryTree()
            .file("/opt/tools/t.txt", 0644, "tool\n")
            .file("/opt/tools/u.txt", 0644, "two\n");
    MemoryTree cache = new MemoryTree().dir("/cache", 0755, 1000, 0);

    assertThat(CacheKey.content(checksum(toolsA, V011, false, path("/opt/tools"))).digest().hex())
        .startsWith("1c2fd621");
    assertThat(
            CacheKey.content(checksum(toolsA, V011, false, path("/opt/tools/t.txt")))
                .digest()
                .hex())
        .startsWith("8f54849a");
    assertThat(CacheKey.content(checksum(toolsB, V011, false, path("/opt/tools"))).digest().hex())
        .startsWith("b376c600");
    assertThat(
            CacheKey.content(
                    checksum(toolsB, V011, false, new PathSelector("/opt/tools/*.txt", true, true)))
                .digest()
                .hex())
        .startsWith("f94713c6");
    assertThat(CacheKey.content(checksum(cache, V011, false, path("/cache"))).digest().hex())
        .startsWith("8d0eba75");
  }

  @Test
  void wildcard_formats_v011BaseNames_v032RelativeKeys() throws IOException {
    MemoryTree t =
        new MemoryTree()
            .file("/src/a.txt", 0644, "a\n")
            .file("/src/b.txt", 0644, "b\n")
            .file("/src/c.md", 0644, "c\n");
    Digest a = fileDigest(0644, "a\n");
    Digest bb = fileDigest(0644, "b\n");
    PathSelector sel = new PathSelector("/src/*.txt", true, true);

    assertThat(new ContentHash(t, Formulas.V0_11, false).selector(sel))
        .isEqualTo(sha(b("a.txt" + a + "\0b.txt" + bb)));
    assertThat(new ContentHash(t, Formulas.V0_32, false).selector(sel))
        .isEqualTo(sha(b("\0a.txt" + a + "\0b.txt" + bb)));
    // one match whose base name equals the pattern's: its own digest; none: sha256("")
    assertThat(
            new ContentHash(t, Formulas.V0_11, false)
                .selector(new PathSelector("/src/[a]*", true, true)))
        .isEqualTo(sha(b("a.txt" + a)));
    assertThat(
            new ContentHash(t, Formulas.V0_11, false)
                .selector(new PathSelector("/src/*.go", true, true)))
        .isEqualTo(sha(""));
  }

  @Test
  void wildcard_matchedDirectory_headersAndFilesBelow() throws IOException {
    MemoryTree t =
        new MemoryTree()
            .file("/dir/file.txt", 0644, "f\n")
            .file("/dir/sub/x.txt", 0644, "x\n")
            .symlink("/dir/link", "file.txt")
            .file("/other.txt", 0644, "o\n");
    Digest dirHeader = sha(header(493, 0, 0, 0, '5', ""));
    Digest f = fileDigest(0644, "f\n");
    Digest x = fileDigest(0644, "x\n");
    PathSelector sel = new PathSelector("/d*", true, true);

    // v0.11: key order dir, dir/file.txt, dir/link (followed), dir/sub, dir/sub/x.txt
    assertThat(new ContentHash(t, Formulas.V0_11, false).selector(sel))
        .isEqualTo(
            sha(
                b(
                    "dir"
                        + dirHeader
                        + "\0file.txt"
                        + f
                        + "\0link"
                        + f
                        + "\0sub"
                        + dirHeader
                        + "\0x.txt"
                        + x)));
    // v0.32: relative keys, nested symlinks not followed
    Digest link = sha(header(511, 0, 0, 0, '2', "file.txt"));
    assertThat(new ContentHash(t, Formulas.V0_32, false).selector(sel))
        .isEqualTo(
            sha(
                b(
                    "\0dir"
                        + dirHeader
                        + "\0dir\0file.txt"
                        + f
                        + "\0dir\0link"
                        + link
                        + "\0dir\0sub"
                        + dirHeader
                        + "\0dir\0sub\0x.txt"
                        + x)));
  }

  @Test
  void onDisk_filesDirsSymlinksSetuidXattrs_sameAsModel(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectory(dir.resolve("root"));
    Files.writeString(root.resolve("plain.txt"), "plain\n");
    Files.setAttribute(root.resolve("plain.txt"), "unix:mode", 0644);
    Path tool = Files.writeString(root.resolve("tool"), "#!/bin/sh\n");
    Files.setAttribute(tool, "unix:mode", 04755);
    Path sub = Files.createDirectory(root.resolve("sub"));
    Files.setAttribute(sub, "unix:mode", 02775);
    Path noted = Files.writeString(sub.resolve("noted.md"), "# d\n");
    Files.setAttribute(noted, "unix:mode", 0600);
    Files.getFileAttributeView(noted, UserDefinedFileAttributeView.class)
        .write("note", java.nio.ByteBuffer.wrap(b("hello")));
    Files.createSymbolicLink(sub.resolve("link"), Path.of("../plain.txt"));
    Files.setAttribute(root, "unix:mode", 0755);
    long uid = ((Number) Files.getAttribute(root, "unix:uid")).longValue();
    long gid = ((Number) Files.getAttribute(root, "unix:gid")).longValue();

    Digest plain = sha(b(header(420, uid, gid, 6, '0', "")), b("plain\n"));
    Digest toolD = sha(b(header(2541, uid, gid, 10, '0', "")), b("#!/bin/sh\n"));
    Digest link = sha(header(511, uid, gid, 0, '2', "../plain.txt"));
    Digest notedD = sha(b(header(384, uid, gid, 4, '0', "") + "user.notehello"), b("# d\n"));
    Digest subD =
        sha(
            b(
                "\0"
                    + sha(header(1533, uid, gid, 0, '5', ""))
                    + "\0link"
                    + link
                    + "\0noted.md"
                    + notedD));
    Digest rootD =
        sha(
            b(
                "\0"
                    + sha(header(493, uid, gid, 0, '5', ""))
                    + "\0plain.txt"
                    + plain
                    + "\0sub"
                    + subD
                    + "\0tool"
                    + toolD));
    BuildkitChecksummer disk = new BuildkitChecksummer();

    assertThat(disk.checksum(root, new ContentSelection(List.of(), V011, false), PathFilter.ALL))
        .isEqualTo(sha(rootD.toString()));
    assertThat(
            disk.checksum(
                root,
                new ContentSelection(List.of(path("/sub/link"), path("/tool")), V011, false),
                PathFilter.ALL))
        .isEqualTo(sha(plain + "\0" + toolD));
    assertThat(
            disk.checksum(
                root, new ContentSelection(List.of(path("/sub")), V032, false), PathFilter.ALL))
        .isEqualTo(sha(subD.toString()));
  }
}
