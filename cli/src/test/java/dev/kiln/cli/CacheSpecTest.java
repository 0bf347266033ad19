package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheSpecTest {

  @Test
  void parse_bareRef_isARegistryCache() throws Exception {
    CacheSpec s = CacheSpec.parse("--cache-from", "localhost:5000/app:cache");
    assertThat(s.type()).isEqualTo("registry");
    assertThat(s.attrs()).containsExactly(Map.entry("ref", "localhost:5000/app:cache"));
    assertThat(s.registryRef().toString()).isEqualTo("localhost:5000/app:cache");
  }

  @Test
  void parse_csvAttributes_asBuildx() throws Exception {
    CacheSpec s =
        CacheSpec.parse(
            "--cache-to", "type=registry,ref=localhost:5000/app,mode=max,\"compression=zstd\"");
    assertThat(s.type()).isEqualTo("registry");
    assertThat(s.attrs())
        .containsExactly(
            Map.entry("ref", "localhost:5000/app"),
            Map.entry("mode", "max"),
            Map.entry("compression", "zstd"));
    assertThat(s.registryRef().toString()).isEqualTo("localhost:5000/app:latest");
    assertThat(CacheSpec.parse("--cache-to", "ref=x/y,mode=max").type()).isEqualTo("registry");
    assertThat(CacheSpec.parse("--cache-to", "type=local,dest=/c").registryRef()).isNull();
    assertThat(
            CacheSpec.parse("--cache-to", "type=registry,ref=h:1/a,registry.insecure=true")
                .insecure())
        .isTrue();
  }

  @Test
  void parse_malformed_isOneErrorNamingTheFlag() {
    assertThatThrownBy(() -> CacheSpec.parse("--cache-to", "mode=max"))
        .hasMessage("--cache-to mode=max: no type; use type=registry,ref=REF or type=local,…");
    assertThatThrownBy(() -> CacheSpec.parse("--cache-to", "type=registry,ref=a,ref=b"))
        .hasMessageContaining("attribute 'ref' repeats");
    assertThatThrownBy(() -> CacheSpec.parse("--cache-from", "type=local,src"))
        .hasMessageContaining("invalid field 'src', expected key=value");
    assertThatThrownBy(() -> CacheSpec.parse("--cache-from", "type=local,\"src=/x"))
        .hasMessageContaining("unterminated quote in --cache-from");
    assertThatThrownBy(() -> CacheSpec.parse("--cache-from", " "))
        .hasMessageContaining("--cache-from: empty value");
  }
}
