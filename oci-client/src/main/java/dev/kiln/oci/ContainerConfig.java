package dev.kiln.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code config} object of an image config: how to run a container from the image. Field names
 * on the wire are Docker's capitalised ones ({@code User}, {@code Env}, …). Immutable and
 * thread-safe.
 *
 * <p>{@code Entrypoint} and {@code Cmd} are nullable: null means "not set" (inherit), an empty list
 * means "explicitly empty". Every other collection is never null; empty ones are omitted on output.
 * Fields kiln does not model (Docker's {@code Hostname}, {@code Tty}, …) are kept in {@link
 * #extra()} and written back unchanged. An explicit JSON {@code null} for a modelled field
 * (BuildKit writes {@code "OnBuild":null}) reads as absent and is not written back.
 *
 * @param user {@code User}, or null
 * @param exposedPorts {@code ExposedPorts} keys such as {@code 80/tcp}
 * @param env {@code Env} entries {@code KEY=value}, in order
 * @param entrypoint {@code Entrypoint}, or null when not set
 * @param cmd {@code Cmd}, or null when not set
 * @param volumes {@code Volumes} keys (paths)
 * @param workingDir {@code WorkingDir}, or null
 * @param labels {@code Labels}
 * @param stopSignal {@code StopSignal}, or null
 * @param healthcheck {@code Healthcheck}, or null
 * @param onBuild {@code OnBuild} triggers
 * @param shell {@code Shell} (Docker extension), empty when not set
 * @param argsEscaped {@code ArgsEscaped} (Windows-only meaning), or null
 * @param extra every other field, by name, as parsed JSON
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({
  "User",
  "ExposedPorts",
  "Env",
  "Entrypoint",
  "Cmd",
  "Volumes",
  "WorkingDir",
  "Labels",
  "StopSignal",
  "Healthcheck",
  "OnBuild",
  "Shell",
  "ArgsEscaped"
})
public record ContainerConfig(
    @JsonProperty("User") String user,
    @JsonProperty("ExposedPorts")
        @JsonSerialize(using = EmptyObjectSetJson.Writer.class)
        @JsonDeserialize(using = EmptyObjectSetJson.Reader.class)
        Set<String> exposedPorts,
    @JsonProperty("Env") List<String> env,
    @JsonProperty("Entrypoint") @JsonInclude(JsonInclude.Include.NON_NULL) List<String> entrypoint,
    @JsonProperty("Cmd") @JsonInclude(JsonInclude.Include.NON_NULL) List<String> cmd,
    @JsonProperty("Volumes")
        @JsonSerialize(using = EmptyObjectSetJson.Writer.class)
        @JsonDeserialize(using = EmptyObjectSetJson.Reader.class)
        Set<String> volumes,
    @JsonProperty("WorkingDir") String workingDir,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("StopSignal") String stopSignal,
    @JsonProperty("Healthcheck") HealthCheck healthcheck,
    @JsonProperty("OnBuild") List<String> onBuild,
    @JsonProperty("Shell") List<String> shell,
    @JsonProperty("ArgsEscaped") Boolean argsEscaped,
    @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

  /** Copies every collection; turns null collections (other than entrypoint/cmd) into empty. */
  public ContainerConfig {
    exposedPorts = copy(exposedPorts);
    env = env == null ? List.of() : List.copyOf(env);
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    cmd = cmd == null ? null : List.copyOf(cmd);
    volumes = copy(volumes);
    labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
    onBuild = onBuild == null ? List.of() : List.copyOf(onBuild);
    shell = shell == null ? List.of() : List.copyOf(shell);
    extra = extra == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extra));
  }

  /** An empty container config. */
  public static ContainerConfig empty() {
    return new ContainerConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** This config with {@code Env} replaced. */
  public ContainerConfig withEnv(List<String> newEnv) {
    return new ContainerConfig(
        user,
        exposedPorts,
        newEnv,
        entrypoint,
        cmd,
        volumes,
        workingDir,
        labels,
        stopSignal,
        healthcheck,
        onBuild,
        shell,
        argsEscaped,
        extra);
  }

  /** This config with {@code Entrypoint} and {@code Cmd} replaced (either may be null). */
  public ContainerConfig withEntrypointAndCmd(List<String> newEntrypoint, List<String> newCmd) {
    return new ContainerConfig(
        user,
        exposedPorts,
        env,
        newEntrypoint,
        newCmd,
        volumes,
        workingDir,
        labels,
        stopSignal,
        healthcheck,
        onBuild,
        shell,
        argsEscaped,
        extra);
  }

  /** This config with {@code Labels} replaced. */
  public ContainerConfig withLabels(Map<String, String> newLabels) {
    return new ContainerConfig(
        user,
        exposedPorts,
        env,
        entrypoint,
        cmd,
        volumes,
        workingDir,
        newLabels,
        stopSignal,
        healthcheck,
        onBuild,
        shell,
        argsEscaped,
        extra);
  }

  /** This config with {@code User} and {@code WorkingDir} replaced (either may be null). */
  public ContainerConfig withUserAndWorkingDir(String newUser, String newWorkingDir) {
    return new ContainerConfig(
        newUser,
        exposedPorts,
        env,
        entrypoint,
        cmd,
        volumes,
        newWorkingDir,
        labels,
        stopSignal,
        healthcheck,
        onBuild,
        shell,
        argsEscaped,
        extra);
  }

  private static Set<String> copy(Set<String> s) {
    return s == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(s));
  }

  /**
   * The {@code Healthcheck} object. Durations are nanoseconds, as Docker writes them; null fields
   * are absent.
   *
   * @param test the test command, e.g. {@code ["CMD-SHELL", "curl -f http://localhost/"]}
   * @param interval time between checks, ns
   * @param timeout time before a check counts as hung, ns
   * @param startPeriod grace period at start, ns
   * @param startInterval time between checks during the start period, ns
   * @param retries failures before unhealthy
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"})
  public record HealthCheck(
      @JsonProperty("Test") List<String> test,
      @JsonProperty("Interval") Long interval,
      @JsonProperty("Timeout") Long timeout,
      @JsonProperty("StartPeriod") Long startPeriod,
      @JsonProperty("StartInterval") Long startInterval,
      @JsonProperty("Retries") Integer retries) {

    /** Copies the test command. */
    public HealthCheck {
      test = test == null ? null : List.copyOf(test);
    }
  }
}
