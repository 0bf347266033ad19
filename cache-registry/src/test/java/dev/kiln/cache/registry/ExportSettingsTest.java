package dev.kiln.cache.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.CacheAttributeException;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.oci.MediaTypes;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportSettingsTest {

  private final RegistryClientProvider noClients =
      (h, i) -> {
        throw new AssertionError("no registry is contacted while parsing");
      };
  private final RegistryCacheExporterFactory registry =
      new RegistryCacheExporterFactory(noClients, Path.of("/tmp"));
  private final LocalCacheExporterFactory local =
      new LocalCacheExporterFactory(noClients, Path.of("/tmp"));

  private static ExportSettings parse(Map<String, String> attrs) {
    return ExportSettings.parse(
        new CacheAttributes("--cache-to type=local", attrs, ExportSettings.KEYS));
  }

  @Test
  void defaults_areBuildKitsCurrentOnes() {
    ExportSettings s = parse(Map.of());
    assertThat(s.options().mode()).isEqualTo(CacheExportMode.MIN);
    assertThat(s.options().compression()).isEqualTo(MediaTypes.Compression.GZIP);
    assertThat(s.options().compressionLevel()).isNull();
    assertThat(s.options().forceCompression()).isFalse();
    assertThat(s.options().ignoreError()).isFalse();
    assertThat(s.ociMediaTypes()).isTrue();
    assertThat(s.imageManifest()).isTrue();
  }

  @Test
  void allAttributes_parsed() {
    ExportSettings s =
        parse(
            Map.of(
                "mode", "max",
                "compression", "zstd",
                "compression-level", "19",
                "force-compression", "",
                "oci-mediatypes", "true",
                "image-manifest", "false",
                "ignore-error", "True"));
    assertThat(s.options().mode()).isEqualTo(CacheExportMode.MAX);
    assertThat(s.options().compression()).isEqualTo(MediaTypes.Compression.ZSTD);
    assertThat(s.options().compressionLevel()).isEqualTo(19);
    assertThat(s.options().forceCompression()).isTrue();
    assertThat(s.imageManifest()).isFalse();
    assertThat(s.options().ignoreError()).isTrue();
  }

  @Test
  void dockerMediaTypes_defaultToTheIndexForm_andRejectAnExplicitImageManifest() {
    assertThat(parse(Map.of("oci-mediatypes", "false")).imageManifest()).isFalse();
    assertThatThrownBy(() -> parse(Map.of("oci-mediatypes", "false", "image-manifest", "true")))
        .isInstanceOf(CacheAttributeException.class)
        .hasMessageContaining("image-manifest=true requires OCI media types");
  }

  @Test
  void badValues_failNamingFlagAttributeAndChoices() {
    assertThatThrownBy(() -> parse(Map.of("mode", "maximum")))
        .hasMessage("--cache-to type=local: mode=maximum is not supported (use min, max)");
    assertThatThrownBy(() -> parse(Map.of("compression", "lz4")))
        .hasMessageContaining("compression=lz4 is not supported (use gzip, zstd, uncompressed)");
    assertThatThrownBy(() -> parse(Map.of("compression", "estargz")))
        .hasMessageContaining("estargz is not supported by kiln");
    assertThatThrownBy(() -> parse(Map.of("compression-level", "11")))
        .hasMessageContaining("compression-level=11 must be an integer from 0 to 9");
    assertThatThrownBy(() -> parse(Map.of("compression", "zstd", "compression-level", "x")))
        .hasMessageContaining("from 1 to 22");
    assertThatThrownBy(() -> parse(Map.of("compression", "uncompressed", "compression-level", "1")))
        .hasMessageContaining("needs compression=gzip or zstd");
    assertThatThrownBy(() -> parse(Map.of("ignore-error", "yes")))
        .hasMessageContaining("ignore-error=yes is not a boolean");
  }

  @Test
  void registryFactory_refRequiredNormalisedAndUnknownAttributesRejected() {
    CacheExporter e = registry.create(Map.of("ref", "localhost:5000/app"));
    assertThat(e.name()).isEqualTo("registry localhost:5000/app:latest");
    assertThatThrownBy(() -> registry.create(Map.of()))
        .isInstanceOf(CacheAttributeException.class)
        .hasMessageContaining("--cache-to type=registry requires ref=");
    assertThatThrownBy(() -> registry.create(Map.of("ref", "localhost:5000/app", "moed", "max")))
        .hasMessageContaining("unknown attribute 'moed'")
        .hasMessageContaining("mode");
    assertThatThrownBy(() -> registry.create(Map.of("ref", "Bad/Name")))
        .hasMessageContaining("ref=Bad/Name");
    assertThatThrownBy(
            () ->
                registry.create(
                    Map.of("ref", "localhost:5000/app@" + dev.kiln.oci.Digests.sha256("x"))))
        .hasMessageContaining("a cache is written under a tag");
    CacheImporter i =
        new RegistryCacheImporterFactory(noClients, Path.of("/tmp"))
            .create(Map.of("ref", "localhost:5000/app:cache"));
    assertThat(i.name()).isEqualTo("registry localhost:5000/app:cache");
    assertThatThrownBy(
            () ->
                new RegistryCacheImporterFactory(noClients, Path.of("/tmp"))
                    .create(Map.of("ref", "x", "mode", "max")))
        .hasMessageContaining("--cache-from type=registry: unknown attribute 'mode'");
  }

  @Test
  void localFactories_needDirectoriesAndOneOfDigestOrTag() {
    assertThat(local.create(Map.of("dest", "/var/cache/k")).name())
        .isEqualTo("local /var/cache/k:latest");
    assertThatThrownBy(() -> local.create(Map.of("src", "/x")))
        .hasMessageContaining("unknown attribute 'src'");
    LocalCacheImporterFactory imports = new LocalCacheImporterFactory();
    assertThat(imports.create(Map.of("src", "/c", "tag", "main")).name())
        .isEqualTo("local /c:main");
    assertThatThrownBy(() -> imports.create(Map.of("src", "/c", "tag", "a", "digest", "sha256:x")))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> imports.create(Map.of("src", "/c", "digest", "sha256:x")))
        .hasMessageContaining("digest=sha256:x");
    assertThatThrownBy(() -> imports.create(Map.of()))
        .hasMessageContaining("--cache-from type=local requires src=");
  }
}
