package dev.kiln.core.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CacheChainsTest {

  static final Instant T1 = Instant.parse("2026-08-01T10:00:01Z");
  static final Instant T2 = Instant.parse("2026-08-01T10:00:02.5Z");
  static final Digest SEL = Digests.sha256("/");

  static ExportLayer layer(String name) {
    Digest blob = Digests.sha256("blob " + name);
    return ExportLayer.of(
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob, 100 + name.length()),
        Digests.sha256("diff " + name));
  }

  static Digest key(String name) {
    return Digests.sha256("key " + name);
  }

  static String json(MarshalledCache m) {
    return new String(CacheConfigCodec.encode(m.config()), StandardCharsets.UTF_8);
  }

  @Test
  void marshal_emptyGraph_isEmpty() {
    CacheChains c = new CacheChains();
    c.add(key("root"));
    MarshalledCache m = c.marshal();
    assertThat(m.isEmpty()).isTrue();
    assertThat(m.config().records()).hasSize(1);
  }

  @Test
  void marshal_rootsWithEqualDigest_areMergedAndNewestResultWins() {
    CacheChains c = new CacheChains();
    CacheChains.Item a = c.add(key("img"));
    CacheChains.Item b = c.add(key("img"));
    CacheChains.Item run1 = c.add(key("run")).linkFrom(a, 0, SEL);
    CacheChains.Item run2 = c.add(key("run")).linkFrom(b, 0, SEL);
    run1.addResult(List.of(layer("base"), layer("old")), T1);
    run2.addResult(List.of(layer("base"), layer("new")), T2);
    MarshalledCache m = c.marshal();
    assertThat(m.config().records()).hasSize(2);
    CacheConfig.Record run =
        m.config().records().stream().filter(r -> r.digest().equals(key("run"))).findFirst().get();
    assertThat(run.results()).hasSize(1);
    assertThat(run.results().get(0).createdAt().toInstant()).isEqualTo(T2);
    // only the chosen result's blobs are listed
    assertThat(m.layers())
        .extracting(Descriptor::digest)
        .containsExactlyInAnyOrder(layer("base").blob().digest(), layer("new").blob().digest());
  }

  @Test
  void marshal_sameDigestWithDisjointLinks_staysTwoRecords() {
    CacheChains c = new CacheChains();
    CacheChains.Item x = c.add(key("x"));
    CacheChains.Item y = c.add(key("y"));
    c.add(key("child")).linkFrom(x, 0, null);
    c.add(key("child")).linkFrom(y, 0, null);
    c.add(key("child")).linkFrom(x, 0, null).linkFrom(x, 0, SEL); // shares (null, x): merged
    MarshalledCache m = c.marshal();
    List<CacheConfig.Record> children =
        m.config().records().stream().filter(r -> r.digest().equals(key("child"))).toList();
    assertThat(children).hasSize(2);
    assertThat(children).extracting(r -> r.inputs().get(0).size()).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void marshal_inputWithoutExportedDependency_dropsTheRecordAndItsDependants() {
    CacheChains c = new CacheChains();
    CacheChains.Item img = c.add(key("img"));
    CacheChains.Item copy = c.add(key("copy"), 2).linkFrom(img, 0, null); // input 1 missing
    copy.addResult(List.of(layer("base"), layer("copy")), T1);
    CacheChains.Item run = c.add(key("run")).linkFrom(copy, 0, SEL);
    run.addResult(List.of(layer("base"), layer("copy"), layer("run")), T1);
    MarshalledCache m = c.marshal();
    assertThat(m.config().records())
        .extracting(CacheConfig.Record::digest)
        .containsExactly(key("img"));
    assertThat(m.isEmpty()).isTrue();
  }

  @Test
  void marshal_sharedPrefixes_formOneTrieSortedByBlobWithParentsRemapped() throws Exception {
    CacheChains c = new CacheChains();
    CacheChains.Item img = c.add(key("img"));
    CacheChains.Item s1 = c.add(key("s1")).linkFrom(img, 0, SEL);
    CacheChains.Item s2 = c.add(key("s2")).linkFrom(s1, 0, SEL);
    CacheChains.Item s3 = c.add(key("s3")).linkFrom(s1, 0, SEL);
    s1.addResult(List.of(layer("base"), layer("one")), T1);
    s2.addResult(List.of(layer("base"), layer("one"), layer("two")), T1);
    s3.addResult(List.of(layer("base"), layer("one"), layer("three")), T2);
    MarshalledCache m = c.marshal();
    CacheConfig cfg = m.config().validate();
    assertThat(cfg.layers()).hasSize(4);
    List<String> blobs = cfg.layers().stream().map(l -> l.blob().toString()).toList();
    assertThat(blobs).isSorted();
    // every result chain resolves to the intended blobs
    for (CacheConfig.Record r : cfg.records()) {
      for (CacheConfig.Result res : r.results()) {
        List<Digest> chain = new ArrayList<>();
        for (int i = res.layer(); i >= 0; i = cfg.layers().get(i).parent()) {
          chain.add(0, cfg.layers().get(i).blob());
        }
        assertThat(chain.get(0)).isEqualTo(layer("base").blob().digest());
        assertThat(chain.get(1)).isEqualTo(layer("one").blob().digest());
      }
    }
    assertThat(cfg.layers().stream().filter(l -> l.parent() == -1)).hasSize(1);
    // records sorted by digest, links point at the right records
    List<String> digests = cfg.records().stream().map(r -> r.digest().toString()).toList();
    assertThat(digests).isSorted();
    for (CacheConfig.Record r : cfg.records()) {
      if (r.digest().equals(key("s2")) || r.digest().equals(key("s3"))) {
        assertThat(cfg.records().get(r.inputs().get(0).get(0).link()).digest())
            .isEqualTo(key("s1"));
      }
    }
    // descriptors: one per config layer, same order, annotated
    assertThat(m.layers())
        .extracting(Descriptor::digest)
        .containsExactlyElementsOf(cfg.layers().stream().map(CacheConfig.Layer::blob).toList());
    Descriptor three =
        m.layers().stream()
            .filter(d -> d.digest().equals(layer("three").blob().digest()))
            .findFirst()
            .get();
    assertThat(three.annotations())
        .containsEntry(CacheAnnotations.UNCOMPRESSED, layer("three").diffId().toString())
        .containsEntry(CacheAnnotations.CREATED_AT, "2026-08-01T10:00:02.5Z");
    Descriptor base =
        m.layers().stream()
            .filter(d -> d.digest().equals(layer("base").blob().digest()))
            .findFirst()
            .get();
    // a layer's creation time is the oldest result using it, so a re-export does not change it
    assertThat(base.annotation(CacheAnnotations.CREATED_AT)).isEqualTo("2026-08-01T10:00:01Z");
  }

  @Test
  void marshal_keepsTheLayersOwnCreationTimeAndAddsItsOrigin() {
    ExportLayer base =
        new ExportLayer(
            layer("base")
                .blob()
                .withAnnotation(CacheAnnotations.CREATED_AT, "2020-01-01T00:00:00Z")
                .withAnnotation("kiln.internal", "dropped"),
            layer("base").diffId(),
            "localhost:5000/library/busybox");
    CacheChains c = new CacheChains();
    c.add(key("r")).linkFrom(c.add(key("img")), 0, null).addResult(List.of(base), T1);
    Descriptor d = c.marshal().layers().get(0);
    assertThat(d.annotations())
        .containsExactly(
            java.util.Map.entry(CacheAnnotations.CREATED_AT, "2020-01-01T00:00:00Z"),
            java.util.Map.entry(
                CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX + "localhost:5000", "library/busybox"),
            java.util.Map.entry(CacheAnnotations.UNCOMPRESSED, layer("base").diffId().toString()));
  }

  @Test
  void marshal_sameGraphInAnyInsertionOrder_givesIdenticalBytes() {
    String first = null;
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      List<Runnable> steps = new ArrayList<>();
      CacheChains c = new CacheChains();
      List<String> names = new ArrayList<>(List.of("a", "b", "c", "d", "e"));
      Collections.shuffle(names, random);
      java.util.Map<String, CacheChains.Item> items = new java.util.HashMap<>();
      CacheChains.Item img = c.add(key("img"));
      CacheChains.Item ctx = c.add(key("ctx"));
      for (String n : names) {
        // the same digest twice under different parents keeps two records: a sort tie on digest
        items.put(n, c.add(key(n.equals("e") ? "d" : n), 2));
      }
      for (String n : names) {
        CacheChains.Item it = items.get(n);
        steps.add(() -> it.linkFrom(img, 0, null).linkFrom(n.equals("e") ? img : ctx, 1, SEL));
        steps.add(() -> it.addResult(List.of(layer("base"), layer(n)), T1));
      }
      Collections.shuffle(steps, random);
      steps.forEach(Runnable::run);
      String json = json(c.marshal());
      if (first == null) {
        first = json;
      }
      assertThat(json).isEqualTo(first);
    }
  }

  @Test
  void marshal_loop_fails() {
    CacheChains c = new CacheChains();
    CacheChains.Item a = c.add(key("a"));
    CacheChains.Item b = c.add(key("b")).linkFrom(a, 0, null);
    a.linkFrom(b, 0, null);
    assertThatThrownBy(c::marshal)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("loop");
  }

  @Test
  void linkFrom_foreignItemOrBadInput_fails() {
    CacheChains c = new CacheChains();
    CacheChains.Item other = new CacheChains().add(key("x"));
    CacheChains.Item a = c.add(key("a"), 1);
    assertThatThrownBy(() -> a.linkFrom(other, 0, null))
        .hasMessageContaining("another CacheChains");
    assertThatThrownBy(() -> a.linkFrom(c.add(key("b")), 1, null))
        .hasMessageContaining("out of range");
  }
}
