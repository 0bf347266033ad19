package dev.kiln.core.cache.buildkit;

import static dev.kiln.core.cache.buildkit.Recipe.map;
import static dev.kiln.core.cache.buildkit.Recipe.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.Owner;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** File-op cache maps against buildkit-keys-v0.11.md §3.4, §5.5, §5.6 and §6. */
class FileKeysTest {

  private static final State CONTEXT = State.local("context");
  private static final State TOOLS =
      Recipe.base().run("/bin/sh", "-c", "mkdir -p /opt/tools && echo tool > /opt/tools/t.txt");

  /** A Dockerfile COPY of a context or stage path: one action per source, BuildKit's flags. */
  private static FileStep copy(State from, String src, String dest) {
    return FileStep.copy(
        from, new FileAction.Copy(0, src, dest, true, true, true, true, true, -1, null));
  }

  private static Vertex file(State base, FileStep... steps) {
    return base.file(steps).output().vertex();
  }

  @Test
  void copyFromContext_workedExample_matchesRecipe() {
    Vertex v = file(Recipe.base(), copy(CONTEXT, "/motd.txt", "/etc/motd"));
    String action =
        "{\"src\":\"motd.txt\",\"dest\":\"/etc/motd\",\"mode\":-1,\"followSymlink\":true,"
            + "\"dirCopyContents\":true,\"createDestPath\":true,\"allowWildcard\":true,"
            + "\"allowEmptyWildcard\":true,\"timestamp\":-1}";
    String wrapper =
        "{\"Type\":\"buildkit.file.v0\",\"Actions\":[\""
            + Base64.getEncoder().encodeToString(action.getBytes(StandardCharsets.UTF_8))
            + "\"]}";

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(m.digest()).isEqualTo(Digests.sha256(wrapper).toString());
    assertThat(m.digest())
        .isEqualTo("sha256:fff777bc426f74a7adc6261868dd35ee093c21d3a07ee804c7944c6d660dca4d");
    assertThat(record(v).toString())
        .isEqualTo("sha256:3b694ab9414d4d92db862a4a00b472c585e4de5d29527ce87fe29f7de97d05bf");
    // the base gets nothing; the context gets sha256("/motd.txt") and a context content key
    assertThat(m.inputs().get(0)).isEqualTo(CacheMap.Input.plain(0));
    assertThat(m.inputs().get(1).selector()).isEqualTo(Digests.sha256("/motd.txt"));
    assertThat(m.inputs().get(1).content().buildContext()).isTrue();
    assertThat(m.inputs().get(1).content().paths())
        .containsExactly(new PathSelector("/motd.txt", true, false));
  }

  @Test
  void copyFromStage_workloadCopies_matchVectorsTable() {
    assertThat(record(file(Recipe.base(), copy(TOOLS, "/src", "/data/"))).toString())
        .isEqualTo("sha256:04a19549b538a926de6ec738e8b6a1e8301d4e549b37d4171c6e4e8417db55a5");
    assertThat(record(file(Recipe.base(), copy(TOOLS, "/opt/second", "/opt/second/"))).toString())
        .isEqualTo("sha256:9f87c251f98f6013d20002b4bfb5331e63510f75e3f8c5ea1f8b71055a0483a6");
    assertThat(
            record(file(Recipe.base(), copy(CONTEXT, "/app.conf", "/etc/app/app.conf"))).toString())
        .isEqualTo("sha256:d10af175bf50125e8f9e63ac1ea9a22117fc5665044a9caa358931db6d980ed7");
  }

  @Test
  void workdirMkdir_matchesRecipe() {
    Vertex v = file(Recipe.base(), FileStep.of(new FileAction.Mkdir("/src", 0755, true, null)));

    assertThat(map(BuildkitKeys.V0_11, v).digest())
        .isEqualTo("sha256:bca3a1321c8dac0fa4b2eedae446623a3e80f4b37fac95a2c3efc9e558c15d42");
    assertThat(record(v).toString())
        .isEqualTo("sha256:57a5ab45ee83a930675514d2528c657cf1d5e669475f33931afc0e7c848c0e34");
    assertThat(
            record(file(Recipe.base(), FileStep.of(new FileAction.Mkdir("/app", 0755, true, null))))
                .toString())
        .isEqualTo("sha256:807b3e8722c68572736f54d83fd741a5b1d69ccbef218fae52b4149a56d232ce");
  }

  @Test
  void workdirMkdir_owners_matchRecipe() {
    Owner nobody = Owner.parse("nobody");
    Owner ids = Owner.parse("1000:1000");

    assertThat(
            record(file(Recipe.base(), FileStep.of(new FileAction.Mkdir("/w", 0755, true, nobody))))
                .hex())
        .startsWith("aabe478f8476a2f8");
    assertThat(
            record(file(Recipe.base(), FileStep.of(new FileAction.Mkdir("/u", 0755, true, ids))))
                .hex())
        .startsWith("901a2679");
  }

  @Test
  void cacheMountHelperMkdir_onScratch_isARootWithIndexes() {
    Owner uid1000 = new Owner(Owner.Id.of(1000), Owner.Id.of(0));
    Vertex v =
        file(State.scratch(), FileStep.of(new FileAction.Mkdir("/cache", 0755, false, uid1000)));

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(m.inputs()).isEmpty();
    assertThat(record(v).hex()).startsWith("e38b9bac");
  }

  @Test
  void copyChownChmod_matchRecipeDockerfileA() {
    State wd = Recipe.base();
    FileAction.Copy chownById =
        new FileAction.Copy(
            0, "/a.txt", "/owned/", true, true, true, true, true, 0640, Owner.parse("65534:65534"));
    FileAction.Copy chownByName =
        new FileAction.Copy(
            0,
            "/b.txt",
            "/owned-by-name/",
            true,
            true,
            true,
            true,
            true,
            -1,
            Owner.parse("nobody:nogroup"));

    assertThat(record(file(wd, FileStep.copy(CONTEXT, chownById))).hex())
        .startsWith("0a6aa630d4136364");
    CacheMap byName = map(BuildkitKeys.V0_11, file(wd, FileStep.copy(CONTEXT, chownByName)));
    assertThat(CacheKey.rootKey(byName.digest(), 0).hex()).startsWith("15f6cee5f800e5a3");
    // the /etc/passwd and /etc/group selectors land on the destination input, which is invalid
    assertThat(byName.inputs().get(0)).isEqualTo(CacheMap.Input.plain(0));
  }

  @Test
  void severalSources_indexesOmittedForTwo_writtenForThree() {
    Vertex two =
        file(Recipe.base(), copy(CONTEXT, "/a.txt", "/two/"), copy(CONTEXT, "/b.txt", "/two/"));
    Vertex three =
        file(
            Recipe.base(),
            copy(CONTEXT, "/a.txt", "/three/"),
            copy(CONTEXT, "/b.txt", "/three/"),
            copy(CONTEXT, "/c.md", "/three/"));

    assertThat(record(two).hex()).startsWith("4ce181806d2ae7d1");
    assertThat(record(three).hex()).startsWith("edbd21f9b96b942d");
    // selector: raw source paths sorted descending
    assertThat(map(BuildkitKeys.V0_11, two).inputs().get(1).selector())
        .isEqualTo(Digests.sha256("/b.txt\0/a.txt"));
  }

  @Test
  void wildcardDirAndAdd_matchRecipeDockerfileA() {
    FileAction.Copy add =
        new FileAction.Copy(
            0, "/archive.tar", "/unpack/", true, true, true, true, true, -1, null, true);

    assertThat(record(file(Recipe.base(), copy(CONTEXT, "/*.md", "/docs/"))).hex())
        .startsWith("0dc6ea622e227154");
    assertThat(record(file(Recipe.base(), copy(CONTEXT, "/dir", "/dircopy/"))).hex())
        .startsWith("4d79264f758df1d5");
    assertThat(record(file(Recipe.base(), copy(CONTEXT, "/", "/all/"))).hex())
        .startsWith("1cfcfba199445c88");
    assertThat(record(file(Recipe.base(), FileStep.copy(CONTEXT, add))).hex())
        .startsWith("90bd2cd74c2ead84");
    CacheMap wildcard =
        map(BuildkitKeys.V0_11, file(Recipe.base(), copy(CONTEXT, "/*.md", "/docs/")));
    assertThat(wildcard.inputs().get(1).content().paths())
        .containsExactly(new PathSelector("/*.md", true, true));
  }

  @Test
  void copyOntoScratch_indexesWritten() {
    Vertex v = file(State.scratch(), copy(TOOLS, "/opt/tools/t.txt", "/t.txt"));

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(record(v).hex()).startsWith("fe5b4f40c63ad8d2");
    assertThat(m.inputs()).hasSize(1);
    assertThat(m.inputs().get(0).edge()).isEqualTo(1);
    assertThat(m.inputs().get(0).selector()).isEqualTo(Digests.sha256("/opt/tools/t.txt"));
  }

  @Test
  void linkCopy_onScratch_matchesRecipe() {
    assertThat(
            record(file(State.scratch(), copy(TOOLS, "/opt/tools/t.txt", "/linked/t.txt"))).hex())
        .startsWith("436935cf68faae29");
  }

  @Test
  void heredocCopy_mkfileAndCopy_matchRecipeDockerfileC() {
    State doc =
        State.scratch()
            .file(
                FileStep.of(
                    new FileAction.Mkfile(
                        "/EOF", 0664, "hello\n".getBytes(StandardCharsets.UTF_8), null)));
    FileAction.Copy heredoc =
        new FileAction.Copy(0, "/EOF", "/file.txt", false, false, true, false, false, -1, null);

    Vertex copy = file(Recipe.base(), FileStep.copy(doc, heredoc));

    assertThat(record(copy).hex()).startsWith("b4bd4042");
  }

  @Test
  void symlinkAction_v011KeepsKilnKey_v032HasOne() {
    Vertex v = file(Recipe.base(), FileStep.symlink("t.txt", "/link"));

    assertThat(map(BuildkitKeys.V0_11, v)).isEqualTo(CacheMaps.of(v));
    assertThat(map(BuildkitKeys.V0_32, v).digest()).isNotEqualTo(CacheMaps.of(v).digest());
  }

  @Test
  void v032_namedUser_byIdAndInputOmitted() {
    FileAction.Mkdir named = new FileAction.Mkdir("/w", 0755, true, Owner.parse("nobody"));
    FileAction.Mkdir ids = new FileAction.Mkdir("/u", 0755, true, Owner.parse("1000:1000"));
    String namedJson =
        "{\"path\":\"/w\",\"mode\":493,\"makeParents\":true,\"owner\":{\"user\":{\"User\":"
            + "{\"byName\":{\"name\":\"nobody\"}}}},\"timestamp\":-1}";
    String idsJson =
        "{\"path\":\"/u\",\"mode\":493,\"makeParents\":true,\"owner\":{\"user\":{\"User\":"
            + "{\"byId\":1000}},\"group\":{\"User\":{\"byId\":1000}}},\"timestamp\":-1}";

    assertThat(map(BuildkitKeys.V0_32, file(Recipe.base(), FileStep.of(named))).digest())
        .isEqualTo(Digests.sha256(wrapper(namedJson)).toString());
    assertThat(map(BuildkitKeys.V0_32, file(Recipe.base(), FileStep.of(ids))).digest())
        .isEqualTo(Digests.sha256(wrapper(idsJson)).toString());
  }

  private static String wrapper(String action) {
    return "{\"Type\":\"buildkit.file.v0\",\"Actions\":[\""
        + Base64.getEncoder().encodeToString(action.getBytes(StandardCharsets.UTF_8))
        + "\"]}";
  }

  @Test
  void copyWithinBase_sourceIsInvalid() {
    Vertex v = Recipe.base().file(FileStep.copyWithin("/etc/passwd", "/p")).output().vertex();

    assertThat(map(BuildkitKeys.V0_11, v).inputs()).containsExactly(CacheMap.Input.plain(0));
  }
}
