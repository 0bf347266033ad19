package dev.kiln.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TagsAndErrorsTest extends MockRegistry {

  @Test
  void listTags_followsRelativeAndAbsoluteLinks() throws Exception {
    enqueueBody(
        200,
        "{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}",
        "Link",
        "</v2/app/tags/list?n=2&last=b>; rel=\"next\"");
    enqueueBody(
        200,
        "{\"name\":\"app\",\"tags\":[\"c\",\"d\"]}",
        "Link",
        "<" + server.url("/v2/app/tags/list?n=2&last=d") + ">; rel=\"next\"");
    enqueueBody(200, "{\"name\":\"app\",\"tags\":[\"e\"]}");
    assertThat(client().listTags("app", 2)).containsExactly("a", "b", "c", "d", "e");

    assertThat(take().getTarget()).isEqualTo("/v2/app/tags/list?n=2");
    assertThat(take().getTarget()).isEqualTo("/v2/app/tags/list?n=2&last=b");
    assertThat(take().getTarget()).isEqualTo("/v2/app/tags/list?n=2&last=d");
  }

  @Test
  void listTags_nullTags_isEmpty() throws Exception {
    enqueueBody(200, "{\"name\":\"app\",\"tags\":null}");
    assertThat(client().listTags("app")).isEmpty();
  }

  @Test
  void listTags_linkLoop_stops() throws Exception {
    enqueueBody(200, "{\"tags\":[\"a\"]}", "Link", "</v2/app/tags/list?last=a>; rel=\"next\"");
    enqueueBody(200, "{\"tags\":[\"b\"]}", "Link", "</v2/app/tags/list?last=a>; rel=\"next\"");
    assertThat(client().listTags("app")).containsExactly("a", "b");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void parse_severalErrorsWithAnyDetail() {
    List<RegistryError> errors =
        ErrorResponses.parse(
            "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"m\",\"detail\":{\"d\":1}},"
                + "{\"code\":\"SOMETHING_NEW\",\"message\":\"n\",\"detail\":\"text\"},"
                + "{\"code\":\"DENIED\"}]}");
    assertThat(errors)
        .containsExactly(
            new RegistryError("BLOB_UNKNOWN", "m", "{\"d\":1}"),
            new RegistryError("SOMETHING_NEW", "n", "text"),
            new RegistryError("DENIED", "", ""));
    assertThat(errors)
        .extracting(RegistryError::errorCode)
        .containsExactly(ErrorCode.BLOB_UNKNOWN, ErrorCode.UNRECOGNIZED, ErrorCode.DENIED);
  }

  @Test
  void parse_nonJsonOrForeignJson_isEmpty() {
    assertThat(ErrorResponses.parse("404 page not found")).isEmpty();
    assertThat(ErrorResponses.parse("<html>bad gateway</html>")).isEmpty();
    assertThat(ErrorResponses.parse("{\"message\":\"x\"}")).isEmpty();
    assertThat(ErrorResponses.parse("")).isEmpty();
  }

  @Test
  void errorCode_fromWireAndRetryability() {
    assertThat(ErrorCode.fromWire("toomanyrequests")).isEqualTo(ErrorCode.TOOMANYREQUESTS);
    assertThat(ErrorCode.TOOMANYREQUESTS.isRetryable()).isTrue();
    assertThat(ErrorCode.BLOB_UPLOAD_UNKNOWN.isRetryable()).isTrue();
    assertThat(ErrorCode.MANIFEST_INVALID.isRetryable()).isFalse();
    assertThat(ErrorCode.fromWire(null)).isEqualTo(ErrorCode.UNRECOGNIZED);
  }

  @Test
  void failure_plainTextBody_isQuotedAndCapped() throws Exception {
    String huge = "x".repeat(200_000);
    enqueueBody(400, huge);
    try {
      client().pullManifest("app", "latest");
    } catch (RegistryException e) {
      assertThat(e.getMessage()).hasSizeLessThan(400).contains("HTTP 400: xxx");
      return;
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void failure_denied_isUnauthorizedWithHint() throws Exception {
    enqueueBody(403, errorJson("DENIED", "requested access to the resource is denied"));
    try {
      client().listTags("app");
    } catch (RegistryUnauthorizedException e) {
      assertThat(e.getMessage())
          .startsWith("listing tags of " + host() + "/app: HTTP 403: DENIED: requested access")
          .contains("lack access");
      return;
    }
    throw new AssertionError("expected RegistryUnauthorizedException");
  }

  @Test
  void invalidRepositoryName_isRejectedLocally() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client().listTags("Team/App"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Team/App");
  }
}
