package dev.kiln.testsupport;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link FaultProxy} rule: among the requests whose method and path match, the {@code nth} (1 =
 * the first) and the following {@code times - 1} ones get {@code fault}; the rest pass through.
 * Each rule counts its own matches, from when it was added.
 *
 * @param method HTTP method, or {@code *} for any
 * @param path regular expression matched against the whole request path (without the query)
 * @param nth first matching occurrence to affect, from 1
 * @param times how many consecutive matching occurrences to affect ({@link Integer#MAX_VALUE}: all)
 * @param fault what to do to them
 */
public record FaultRule(String method, Pattern path, int nth, int times, Fault fault) {
  /** Validates. */
  public FaultRule {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(fault, "fault");
    if (nth < 1 || times < 1) {
      throw new IllegalArgumentException("nth and times start at 1, got " + nth + ", " + times);
    }
  }

  /** Starts a rule for {@code method} ({@code *}: any) and a whole-path regex; first match only. */
  public static Builder on(String method, String pathRegex) {
    return new Builder(method, Pattern.compile(pathRegex));
  }

  boolean matches(String requestMethod, String requestPath) {
    return (method.equals("*") || method.equalsIgnoreCase(requestMethod))
        && path.matcher(requestPath).matches();
  }

  /** Whether the {@code occurrence}-th match (from 1) falls in this rule's window. */
  boolean applies(int occurrence) {
    return occurrence >= nth && occurrence - nth < times;
  }

  /** What the proxy does to an affected request. */
  public sealed interface Fault
      permits Fault.Respond, Fault.CutResponseBody, Fault.CutRequestBody, Fault.Delay {
    /** Answers by itself with this status, headers and body; the upstream never sees it. */
    record Respond(int status, Map<String, String> headers, String body) implements Fault {
      /** Copies headers. */
      public Respond {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
      }
    }

    /** Forwards, sends the status, headers and the first {@code afterBytes}, then resets. */
    record CutResponseBody(long afterBytes) implements Fault {}

    /** Reads {@code afterBytes} of the request body, then resets without forwarding. */
    record CutRequestBody(long afterBytes) implements Fault {}

    /** Waits, then forwards normally. */
    record Delay(Duration delay) implements Fault {}
  }

  /** Fluent construction of a rule. Not thread-safe. */
  public static final class Builder {
    private final String method;
    private final Pattern path;
    private int nth = 1;
    private int times = 1;

    private Builder(String method, Pattern path) {
      this.method = method;
      this.path = path;
    }

    /** Affects matches starting from the {@code n}-th (1-based). */
    public Builder nth(int n) {
      nth = n;
      return this;
    }

    /** Affects {@code count} consecutive matches. */
    public Builder times(int count) {
      times = count;
      return this;
    }

    /** Affects every match from the {@code nth} on. */
    public Builder always() {
      times = Integer.MAX_VALUE;
      return this;
    }

    /** Answers with {@code status}, {@code headers} and a text {@code body}. */
    public FaultRule respond(int status, Map<String, String> headers, String body) {
      return new FaultRule(method, path, nth, times, new Fault.Respond(status, headers, body));
    }

    /** Answers with {@code status} and a registry-style JSON error body. */
    public FaultRule respond(int status) {
      String body = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"injected by FaultProxy\"}]}";
      return respond(status, Map.of("Content-Type", "application/json"), body);
    }

    /** Answers 429 with {@code Retry-After: seconds} and a TOOMANYREQUESTS error body. */
    public FaultRule tooManyRequests(int retryAfterSeconds) {
      String body = "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"injected\"}]}";
      return respond(
          429,
          Map.of(
              "Retry-After", String.valueOf(retryAfterSeconds), "Content-Type", "application/json"),
          body);
    }

    /** Cuts the connection after {@code bytes} of the upstream response body. */
    public FaultRule cutResponseBodyAfter(long bytes) {
      return new FaultRule(method, path, nth, times, new Fault.CutResponseBody(bytes));
    }

    /** Cuts the connection after reading {@code bytes} of the request body. */
    public FaultRule cutRequestBodyAfter(long bytes) {
      return new FaultRule(method, path, nth, times, new Fault.CutRequestBody(bytes));
    }

    /** Delays the request by {@code delay} before forwarding it. */
    public FaultRule delay(Duration delay) {
      return new FaultRule(method, path, nth, times, new Fault.Delay(delay));
    }
  }
}
