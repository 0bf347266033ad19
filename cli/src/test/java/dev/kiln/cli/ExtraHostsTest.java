package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.ExecMeta;
import org.junit.jupiter.api.Test;

class ExtraHostsTest {

  @Test
  void parse_hostColonOrEqualsIp_nameLowerCased() throws Exception {
    assertThat(ExtraHosts.parse("DB:10.0.0.5")).isEqualTo(new ExecMeta.HostIp("db", "10.0.0.5"));
    assertThat(ExtraHosts.parse("db=10.0.0.5")).isEqualTo(new ExecMeta.HostIp("db", "10.0.0.5"));
    // the first ':' separates: the rest is an IPv6 address
    assertThat(ExtraHosts.parse("v6:fd00::1")).isEqualTo(new ExecMeta.HostIp("v6", "fd00::1"));
  }

  @Test
  void normalizeIp_asGoPrintsIt() {
    assertThat(ExtraHosts.normalizeIp("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(ExtraHosts.normalizeIp("FD00:0:0:0:0:0:0:10")).isEqualTo("fd00::10");
    assertThat(ExtraHosts.normalizeIp("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
    assertThat(ExtraHosts.normalizeIp("2001:db8:1:1:1:1:0:1")).isEqualTo("2001:db8:1:1:1:1:0:1");
    assertThat(ExtraHosts.normalizeIp("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(ExtraHosts.normalizeIp("::")).isEqualTo("::");
    assertThat(ExtraHosts.normalizeIp("10.0.0.256")).isNull();
    assertThat(ExtraHosts.normalizeIp("10.0.0.01")).isNull();
    assertThat(ExtraHosts.normalizeIp("example.com")).isNull();
  }

  @Test
  void parse_badValues_oneLineErrors() {
    assertThatThrownBy(() -> ExtraHosts.parse("justaname"))
        .hasMessage("--add-host justaname: use HOST:IP, e.g. db:10.0.0.5");
    assertThatThrownBy(() -> ExtraHosts.parse("db:example.com"))
        .hasMessage("--add-host db:example.com: example.com is not an IP address; use HOST:IP");
    assertThatThrownBy(() -> ExtraHosts.parse("gw:host-gateway"))
        .hasMessageContaining("host-gateway is not supported");
  }
}
