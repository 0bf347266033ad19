package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.layout.OciLayout;
import dev.kiln.testsupport.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln build} end to end in this JVM on the FROM-scratch example (no registry, no runc):
 * outputs, config, caching, invalidation, errors.
 */
class KilnBuildTest {

  @TempDir Path tmp;
  Path context;
  Path root;

  @BeforeEach
  void copyExample() throws IOException {
    context = tmp.resolve("hello");
    root = tmp.resolve("root");
    Path example = Path.of("../examples/hello").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.walk(example)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = context.resolve(example.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private Kiln.Run build(String... extra) {
    return build(Map.of(), extra);
  }

  private Kiln.Run build(Map<String, String> env, String... extra) {
    String[] args = new String[extra.length + 5];
    args[0] = "build";
    args[1] = "--root=" + root;
    args[2] = "--progress=plain";
    System.arraycopy(extra, 0, args, 3, extra.length);
    args[args.length - 2] = "--metadata-file=" + tmp.resolve("meta.json");
    args[args.length - 1] = context.toString();
    return Kiln.run(tmp, env, args);
  }

  private static ImageConfig config(Path layoutDir) throws Exception {
    OciLayout layout = OciLayout.open(layoutDir);
    ImageManifest m = (ImageManifest) layout.readManifest(layout.index().manifests().get(0));
    return OciJson.parse(layout.readBlob(m.config()), ImageConfig.class);
  }

  @Test
  void build_multiStageFromScratch_writesFilesAndConfig() throws Exception {
    Kiln.Run r =
        build(
            "-o",
            "type=local,dest=" + tmp.resolve("fs"),
            "-o",
            "type=oci,tar=false,dest=" + tmp.resolve("oci"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    Path fs = tmp.resolve("fs");
    assertThat(fs.resolve("opt/app/greeting.txt")).hasContent("hello from kiln");
    assertThat(fs.resolve("opt/app/etc/hello.conf")).hasContent("name=hello\nport=8080");
    assertThat(Files.isExecutable(fs.resolve("opt/app/bin/hello"))).isTrue();
    assertThat(fs.resolve("usr/share/doc/hello/README.txt")).exists();
    assertThat(fs.resolve("notes")).doesNotExist();
    assertThat(fs.resolve("opt/app/notes")).doesNotExist();

    ImageConfig config = config(tmp.resolve("oci"));
    assertThat(config.config().env()).contains("GREETING=hello", "APP_HOME=/opt/app");
    assertThat(config.config().workingDir()).isEqualTo("/opt/app");
    assertThat(config.config().user()).isEqualTo("1000:1000");
    assertThat(config.config().cmd()).containsExactly("/opt/app/bin/hello");
    assertThat(config.config().labels())
        .containsEntry("org.opencontainers.image.title", "kiln hello example");
    assertThat(config.rootfs().diffIds()).isNotEmpty();
    assertThat(tmp.resolve("meta.json")).content().contains("containerimage.digest");
  }

  @Test
  void build_secondTime_everyStepCachedAndSameDigest() throws Exception {
    Kiln.Run first = build("-o", "type=oci,tar=false,dest=" + tmp.resolve("a"));
    Kiln.Run second = build("-o", "type=oci,tar=false,dest=" + tmp.resolve("b"));

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(first.executed()).isNotEmpty();
    assertThat(second.executed()).isEmpty();
    assertThat(second.steps()).containsEntry("[internal] load build context", "CACHED");
    assertThat(Files.readString(tmp.resolve("a/index.json")))
        .isEqualTo(Files.readString(tmp.resolve("b/index.json")));
  }

  @Test
  void build_oneContextFileChanged_rerunsOnlyTheStepsReadingIt() throws Exception {
    assertThat(build().exitCode()).isZero();
    Files.writeString(context.resolve("README.txt"), "changed\n");

    Kiln.Run r = build();

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.executed())
        .containsExactlyInAnyOrder(
            "[internal] load build context",
            "[stage-1 7/10] COPY README.txt /usr/share/doc/hello/");
  }

  @Test
  void build_touchedMtimes_rerunsNothing() throws Exception {
    assertThat(build().exitCode()).isZero();
    Files.setLastModifiedTime(
        context.resolve("README.txt"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));

    Kiln.Run r = build();

    assertThat(r.executed()).isEmpty();
  }

  @Test
  void build_noCache_runsEveryStep() {
    assertThat(build().exitCode()).isZero();
    Kiln.Run r = build("--no-cache");
    assertThat(r.executed()).contains("[assets 4/5] COPY app/ ./");
    assertThat(r.steps()).doesNotContainValue("CACHED");
  }

  @Test
  void build_buildArgAndTarget_buildsOnlyTheTargetStageWithTheArg() throws Exception {
    Kiln.Run r =
        build(
            "--target=assets",
            "--build-arg",
            "GREETING=bonjour",
            "-o",
            "type=local,dest=" + tmp.resolve("fs"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("fs/src/greeting.txt")).hasContent("bonjour from kiln");
    assertThat(r.steps().keySet()).noneMatch(n -> n.startsWith("[stage-1"));
  }

  @Test
  void build_sourceDateEpoch_sameImageFromCleanRootsAndStampsCreated() throws Exception {
    Map<String, String> env = Map.of("SOURCE_DATE_EPOCH", "1700000000");
    Kiln.Run a = build(env, "-o", "type=oci,tar=false,dest=" + tmp.resolve("a"));
    root = tmp.resolve("root2");
    Kiln.Run b = build(env, "-o", "type=oci,tar=false,dest=" + tmp.resolve("b"));

    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(b.executed()).isNotEmpty();
    assertThat(Files.readString(tmp.resolve("a/index.json")))
        .isEqualTo(Files.readString(tmp.resolve("b/index.json")));
    assertThat(config(tmp.resolve("a")).created()).isEqualTo("2023-11-14T22:13:20Z");
  }

  @Test
  void build_twoSourceDateEpochs_shareEveryCachedStepAndEachImageIsClampedToItsOwn()
      throws Exception {
    Kiln.Run a =
        build(
            Map.of("SOURCE_DATE_EPOCH", "1600000000"),
            "-o",
            "type=oci,tar=false,dest=" + tmp.resolve("a"));
    Kiln.Run b =
        build(
            Map.of("SOURCE_DATE_EPOCH", "1700000000"),
            "-o",
            "type=oci,tar=false,dest=" + tmp.resolve("b"));

    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(b.exitCode()).as(b.err()).isZero();
    assertThat(b.executed()).isEmpty();
    assertThat(layerMtimes(tmp.resolve("a"))).isNotEmpty().allMatch(t -> t <= 1600000000L);
    assertThat(layerMtimes(tmp.resolve("b")))
        .isNotEmpty()
        .allMatch(t -> t <= 1700000000L)
        .contains(1700000000L);
    assertThat(config(tmp.resolve("a")).diffIds())
        .doesNotContainAnyElementsOf(config(tmp.resolve("b")).diffIds());
  }

  @Test
  void build_intermediateStageNeverExported_writesNoBlobForIt() throws Exception {
    Kiln.Run r = build("-o", "type=oci,tar=false,dest=" + tmp.resolve("oci"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    OciLayout layout = OciLayout.open(tmp.resolve("oci"));
    ImageManifest m = (ImageManifest) layout.readManifest(layout.index().manifests().get(0));
    Set<String> exported = new TreeSet<>();
    m.layers().forEach(l -> exported.add(l.digest().hex()));
    exported.add(m.config().digest().hex());
    exported.add(layout.index().manifests().get(0).digest().hex());
    try (Stream<Path> blobs = Files.list(root.resolve("content/blobs/sha256"))) {
      // The assets stage's WORKDIR and COPY layers were never asked for: no blob.
      assertThat(blobs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .isNotEmpty()
          .allMatch(exported::contains);
    }
  }

  /** The mtime (epoch seconds) of every entry of every layer of the image in a layout dir. */
  private static List<Long> layerMtimes(Path layoutDir) throws Exception {
    OciLayout layout = OciLayout.open(layoutDir);
    ImageManifest m = (ImageManifest) layout.readManifest(layout.index().manifests().get(0));
    List<Long> out = new ArrayList<>();
    for (Descriptor l : m.layers()) {
      try (InputStream in = layout.openBlob(l.digest());
          TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          out.add(e.getLastModifiedTime().toInstant().getEpochSecond());
        }
      }
    }
    return out;
  }

  @Test
  void build_malformedDockerfile_oneLineNumberedErrorAndExitOne() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"), "FROM scratch\nCOPY README.txt /\nFROMM nothing\n");

    Kiln.Run r = build();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors())
        .singleElement()
        .asString()
        .contains(context.resolve("Dockerfile") + ":3:")
        .contains("FROMM");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void build_missingCopySource_namesTheStepAndFileWithoutTrace() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY nope.txt /\n");

    Kiln.Run r = build();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors())
        .singleElement()
        .asString()
        .contains("COPY nope.txt /")
        .contains("nope.txt");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void build_debug_showsTheStackTrace() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY nope.txt /\n");
    Kiln.Run r = build("--debug");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("\tat ");
  }

  @Test
  void build_missingDockerfile_saysWhatToDo() throws Exception {
    Files.delete(context.resolve("Dockerfile"));
    Kiln.Run r = build();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("Dockerfile").contains("-f");
  }

  @Test
  void build_lineEndingInEscapedBackslash_nextLineIsItsOwnInstruction() throws Exception {
    // dockerd 20.10's builder gives exactly these labels for this Dockerfile
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nLABEL a=x\\\\\nLABEL c=d\n");

    Kiln.Run r = build("-o", "type=oci,tar=false,dest=" + tmp.resolve("oci"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(config(tmp.resolve("oci")).config().labels())
        .containsEntry("a", "x\\")
        .containsEntry("c", "d");
  }

  @Test
  void build_socketInContext_arrivesAsAnEmptyFileWithItsMode() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY sock /in/\n");
    Sockets.create(context.resolve("sock"), 0751);

    Kiln.Run r = build("-o", tmp.resolve("fs").toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    Path sock = tmp.resolve("fs/in/sock");
    assertThat(Files.isRegularFile(sock, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.size(sock)).isZero();
    assertThat(mode(sock)).isEqualTo(0751);
  }

  @Test
  void build_onlyLowercaseDockerfile_usesItAsDockerDoes() throws Exception {
    Files.move(context.resolve("Dockerfile"), context.resolve("dockerfile"));

    Kiln.Run r = build("-o", tmp.resolve("fs").toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("fs/opt/app/greeting.txt")).hasContent("hello from kiln");
  }

  @Test
  void build_bothDockerfileSpellings_usesTheCapitalisedOne() throws Exception {
    Files.writeString(context.resolve("dockerfile"), "FROM scratch\nCOPY nope.txt /\n");

    Kiln.Run r = build("-o", tmp.resolve("fs").toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("fs/opt/app/greeting.txt")).exists();
  }

  @Test
  void build_fileFlag_readsThatDockerfileAndItsOwnIgnoreFile() throws Exception {
    Path other = tmp.resolve("other.Dockerfile");
    Files.writeString(other, "FROM scratch\nCOPY . /ctx/\n");
    Files.writeString(tmp.resolve("other.Dockerfile.dockerignore"), "app\nnotes\n");

    Kiln.Run r = build("-f", other.toString(), "-o", tmp.resolve("fs").toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("fs/ctx/README.txt")).exists();
    assertThat(tmp.resolve("fs/ctx/app")).doesNotExist();
    assertThat(tmp.resolve("fs/ctx/notes")).doesNotExist();
    assertThat(Files.readString(tmp.resolve("fs/ctx/Dockerfile"), StandardCharsets.UTF_8))
        .contains("ARG GREETING");
  }

  @Test
  void build_quietWithIidfileAndLabel_printsOnlyTheImageIdAndLabelsTheImage() throws Exception {
    Path iid = tmp.resolve("iid");
    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of(),
            "build",
            "--root=" + root,
            "-q",
            "--iidfile",
            iid.toString(),
            "--label",
            "org.example.from-cli=yes",
            "--label",
            "org.opencontainers.image.title=overridden",
            "-o",
            "type=oci,tar=false,dest=" + tmp.resolve("oci"),
            context.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    ImageConfig config = config(tmp.resolve("oci"));
    OciLayout layout = OciLayout.open(tmp.resolve("oci"));
    ImageManifest m = (ImageManifest) layout.readManifest(layout.index().manifests().get(0));
    assertThat(r.out().strip()).isEqualTo(m.config().digest().toString());
    assertThat(iid).hasContent(m.config().digest().toString());
    assertThat(r.err()).isEmpty();
    assertThat(config.config().labels())
        .containsEntry("org.example.from-cli", "yes")
        .containsEntry("org.opencontainers.image.title", "overridden")
        .containsKey("org.opencontainers.image.description");
  }

  @Test
  void build_outputFiles_createdWithTheUmaskLikeAnyNewFile() throws Exception {
    Path reference = Files.createFile(tmp.resolve("reference"));
    int expected = mode(reference);
    assertThat(expected & 0044).as("this test needs a umask that lets others read").isEqualTo(0044);
    Path iid = tmp.resolve("out/iid");
    Path meta = tmp.resolve("out/meta.json");

    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of(),
            "build",
            "--root=" + root,
            "--iidfile=" + iid,
            "--metadata-file=" + meta,
            "-o",
            "type=oci,dest=" + tmp.resolve("out/oci.tar"),
            "-o",
            "type=docker,dest=" + tmp.resolve("out/docker.tar"),
            context.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    for (String f : List.of("iid", "meta.json", "oci.tar", "docker.tar")) {
      assertThat(mode(tmp.resolve("out").resolve(f))).as(f).isEqualTo(expected);
    }
    try (Stream<Path> left = Files.list(tmp.resolve("out"))) {
      assertThat(left).hasSize(4);
    }
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode") & 0777;
  }

  @Test
  void build_rawjsonWithDebugAndNoOutput_standardErrorIsJsonEventsOnly() throws Exception {
    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of(),
            "build",
            "--root=" + root,
            "--progress=rawjson",
            "--debug",
            context.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(r.err().lines())
        .isNotEmpty()
        .allSatisfy(
            l ->
                assertThat(
                        json.readTree(l).has("vertexes")
                            || json.readTree(l).has("statuses")
                            || json.readTree(l).has("logs"))
                    .as(l)
                    .isTrue());
    assertThat(r.out()).isEmpty();
    // the same build with plain progress does warn about the missing output
    assertThat(build().err()).contains("WARNING: No output specified");
  }

  @Test
  void build_unknownTarget_errorNamesTheDockerfileWithoutALine() {
    Kiln.Run r = build("--target=nope");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors())
        .singleElement()
        .asString()
        .contains(context.resolve("Dockerfile") + ": target stage \"nope\" could not be found")
        .doesNotContain(":0");
  }

  @Test
  void build_badLabel_saysKeyEqualsValue() {
    Kiln.Run r = build("--label", "novalue");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("--label novalue");
  }

  @Test
  void build_addLocalTarArchive_extractsItAndCopiesOtherFiles() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/pkg"));
    Files.writeString(src.resolve("one.txt"), "one\n");
    Process tar =
        new ProcessBuilder(
                "tar",
                "-czf",
                context.resolve("pkg.tar.gz").toString(),
                "-C",
                tmp.resolve("src").toString(),
                "pkg")
            .inheritIO()
            .start();
    assertThat(tar.waitFor()).isZero();
    Files.writeString(context.resolve("plain.tar"), "not really a tar\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM scratch\nADD pkg.tar.gz /opt/\nADD plain.tar /opt/\nCOPY pkg.tar.gz /copied/\n");

    Kiln.Run r = build("-o", tmp.resolve("fs").toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("fs/opt/pkg/one.txt")).hasContent("one");
    assertThat(tmp.resolve("fs/opt/plain.tar")).hasContent("not really a tar");
    assertThat(tmp.resolve("fs/copied/pkg.tar.gz")).isRegularFile();
  }

  @Test
  void build_addUrlNobodyServes_oneLineNamingTheUrl() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"), "FROM scratch\nADD http://127.0.0.1:1/x.tgz /x\n");
    Kiln.Run r = build();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors())
        .singleElement()
        .asString()
        .contains("ADD http://127.0.0.1:1/x.tgz /x")
        .contains("fetching http://127.0.0.1:1/x.tgz: ");
  }

  @Test
  void build_fromOciLayout_usesThatImageAsTheBase() throws Exception {
    Path layout = tmp.resolve("layout");
    assertThat(build("-o", "type=oci,tar=false,name=hello:1,dest=" + layout).exitCode()).isZero();
    Path second = Files.createDirectories(tmp.resolve("second"));
    Files.writeString(
        second.resolve("Dockerfile"),
        "FROM oci-layout://" + layout + ":1\nCOPY extra.txt /opt/app/\n");
    Files.writeString(second.resolve("extra.txt"), "extra\n");

    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of(),
            "build",
            "--root=" + root,
            "--progress=plain",
            "-o",
            "type=oci,tar=false,dest=" + tmp.resolve("oci2"),
            "-o",
            tmp.resolve("fs").toString(),
            second.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("fs/opt/app/greeting.txt")).hasContent("hello from kiln");
    assertThat(tmp.resolve("fs/opt/app/extra.txt")).hasContent("extra");
    ImageConfig config = config(tmp.resolve("oci2"));
    assertThat(config.config().env()).contains("GREETING=hello");
    assertThat(config.rootfs().diffIds()).hasSize(config(layout).rootfs().diffIds().size() + 1);
  }

  @Test
  void build_fromMissingOciLayout_namesThePath() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"), "FROM oci-layout://" + tmp.resolve("nowhere") + "\n");
    Kiln.Run r = build();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("nowhere").contains("Dockerfile:1");
  }

  @Test
  void build_outputUnderAFile_oneLineNamingThePath() throws Exception {
    Files.writeString(tmp.resolve("afile"), "x");
    Path dest = tmp.resolve("afile/image.tar");
    Kiln.Run r = build("-o", "type=oci,dest=" + dest);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains(dest.toString()).contains("afile");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void build_zstdOutput_layersAreZstdAndUsableAsABase() throws Exception {
    Path layout = tmp.resolve("zstd");
    Kiln.Run r =
        build(
            "-o",
            "type=oci,tar=false,name=hello:zstd,compression=zstd,compression-level=10,dest="
                + layout);
    assertThat(r.exitCode()).as(r.err()).isZero();
    OciLayout oci = OciLayout.open(layout);
    ImageManifest m = (ImageManifest) oci.readManifest(oci.index().manifests().get(0));
    assertThat(m.layers())
        .extracting(dev.kiln.oci.Descriptor::mediaType)
        .containsOnly(dev.kiln.oci.MediaTypes.OCI_LAYER_ZSTD);

    Path second = Files.createDirectories(tmp.resolve("second"));
    Files.writeString(second.resolve("Dockerfile"), "FROM oci-layout://" + layout + ":zstd\n");
    Kiln.Run again =
        Kiln.run(
            tmp,
            Map.of(),
            "build",
            "--root=" + tmp.resolve("other-root"),
            "-o",
            tmp.resolve("fs").toString(),
            second.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(tmp.resolve("fs/opt/app/greeting.txt")).hasContent("hello from kiln");
  }

  @Test
  void build_dockerfileFromStdin_usesItAndNamesStdinInErrors() throws Exception {
    byte[] good =
        "FROM scratch\nCOPY README.txt /from-stdin.txt\n".getBytes(StandardCharsets.UTF_8);
    Kiln.Run r =
        Kiln.runWithStdin(
            tmp,
            Map.of(),
            good,
            "build",
            "--root=" + root,
            "-f",
            "-",
            "-o",
            tmp.resolve("fs").toString(),
            context.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("fs/from-stdin.txt")).hasContent("The kiln hello example.");

    Kiln.Run bad =
        Kiln.runWithStdin(
            tmp,
            Map.of(),
            "FROM scratch\nNOPE x\n".getBytes(StandardCharsets.UTF_8),
            "build",
            "--root=" + root,
            "-f-",
            context.toString());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.errors()).singleElement().asString().startsWith("ERROR: <stdin>:2:");
  }
}
