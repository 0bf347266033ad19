package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every RUN of a build gets from the build's options rather than from the Dockerfile: the
 * predefined proxy build args (BuildKit's {@code proxyEnvFromBuildArgs}), the hostname of {@code
 * BUILDKIT_SANDBOX_HOSTNAME} and the {@code --add-host} entries. Immutable.
 *
 * @param proxyEnv the proxy variables to append to each RUN's environment
 * @param hostname the sandbox hostname, empty for the default
 * @param extraHosts the extra {@code /etc/hosts} entries
 */
record RunSettings(List<String> proxyEnv, String hostname, List<ExecMeta.HostIp> extraHosts) {

  /** The build arg that sets the hostname of RUN containers (BuildKit since v0.10). */
  static final String HOSTNAME_ARG = "BUILDKIT_SANDBOX_HOSTNAME";

  /**
   * The proxy variables BuildKit recognises, in the order its executor appends them; ALL_PROXY
   * since BuildKit v0.11 (dockerd 20.10's v0.8 has only the first four).
   */
  private static final List<String> PROXIES =
      List.of("http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy");

  RunSettings {
    proxyEnv = List.copyOf(proxyEnv);
    extraHosts = List.copyOf(extraHosts);
  }

  static RunSettings of(ConversionRequest request) {
    return new RunSettings(
        proxyEnv(request.buildArgs()),
        request.buildArgs().getOrDefault(HOSTNAME_ARG, ""),
        request.extraHosts());
  }

  /**
   * Build args named like a proxy variable in any case ({@code HTTP_PROXY}, {@code http_proxy},
   * {@code Http_Proxy}) set it, declared or not; with several spellings the last in byte order wins
   * (BuildKit sorts the names). Each set one reaches RUN in both spellings, upper case first, and
   * never enters the image config, its history or a cache key.
   */
  static List<String> proxyEnv(Map<String, String> buildArgs) {
    Map<String, String> values = new TreeMap<>();
    for (Map.Entry<String, String> a : new TreeMap<>(buildArgs).entrySet()) {
      String lower = a.getKey().toLowerCase(Locale.ROOT);
      if (PROXIES.contains(lower)) {
        values.put(lower, a.getValue());
      }
    }
    List<String> out = new ArrayList<>();
    for (String name : PROXIES) {
      String v = values.get(name);
      if (v != null && !v.isEmpty()) {
        out.add(name.toUpperCase(Locale.ROOT) + "=" + v);
        out.add(name + "=" + v);
      }
    }
    return out;
  }

  Run applyTo(Run run) {
    Run r = run;
    if (!proxyEnv.isEmpty()) {
      r = r.proxyEnv(proxyEnv);
    }
    if (!hostname.isEmpty()) {
      r = r.hostname(hostname);
    }
    if (!extraHosts.isEmpty()) {
      r = r.extraHosts(extraHosts);
    }
    return r;
  }
}
