package dev.kiln.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class ManifestEndpointsTest extends MockRegistry {

  static final String MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}";
  static final Digest DIGEST = Digests.sha256(MANIFEST);
  static final Digest OTHER = Digests.sha256("other");

  @Test
  void pullManifest_byTag_sendsFullAcceptListAndComputesDigest() throws Exception {
    enqueueBody(200, MANIFEST, "Content-Type", MediaTypes.OCI_MANIFEST + "; charset=utf-8");
    ManifestContent m = client().pullManifest("team/app", "latest");

    assertThat(m.digest()).isEqualTo(DIGEST);
    assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(new String(m.bytes(), StandardCharsets.UTF_8)).isEqualTo(MANIFEST);
    RecordedRequest r = take();
    assertThat(r.getMethod()).isEqualTo("GET");
    assertThat(r.getTarget()).isEqualTo("/v2/team/app/manifests/latest");
    assertThat(r.getHeaders().get("Accept")).isEqualTo(String.join(", ", MediaTypes.ALL_MANIFESTS));
  }

  @Test
  void pullManifest_genericContentType_usesJsonMediaType() throws Exception {
    enqueueBody(200, MANIFEST, "Content-Type", "application/json");
    assertThat(client().pullManifest("app", "v1").mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void pullManifest_contentTypeContradictsBody_isRejected() throws Exception {
    enqueueBody(200, MANIFEST, "Content-Type", MediaTypes.DOCKER_MANIFEST);
    assertThatThrownBy(() -> client().pullManifest("app", "v1"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("contradicts");
  }

  @Test
  void pullManifest_byDigestWithWrongContent_throwsDigestMismatch() throws Exception {
    enqueueBody(200, MANIFEST, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertThatThrownBy(() -> client().pullManifest("app", OTHER.toString()))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("pulling manifest " + OTHER + " from " + host() + "/app");
  }

  @Test
  void pullManifest_headerDigestDiffers_throwsDigestMismatch() throws Exception {
    enqueueBody(
        200,
        MANIFEST,
        "Content-Type",
        MediaTypes.OCI_MANIFEST,
        "Docker-Content-Digest",
        OTHER.toString());
    assertThatThrownBy(() -> client().pullManifest("app", "latest"))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("Docker-Content-Digest says " + OTHER);
  }

  @Test
  void pullManifest_byDigestMatching_succeeds() throws Exception {
    enqueueBody(
        200,
        MANIFEST,
        "Content-Type",
        MediaTypes.OCI_MANIFEST,
        "Docker-Content-Digest",
        DIGEST.toString());
    assertThat(client().pullManifest("app", DIGEST.toString()).digest()).isEqualTo(DIGEST);
  }

  @Test
  void pullManifest_missing_throwsManifestUnknown() throws Exception {
    enqueueBody(
        404, errorJson("MANIFEST_UNKNOWN", "manifest unknown"), "Content-Type", "application/json");
    assertThatThrownBy(() -> client().pullManifest("app", "nope"))
        .isInstanceOf(ManifestUnknownException.class)
        .hasMessageContaining("MANIFEST_UNKNOWN");
  }

  @Test
  void checkManifest_present_returnsDescriptorAndSendsAccept() throws Exception {
    enqueue(
        200,
        "Content-Type",
        MediaTypes.OCI_INDEX,
        "Docker-Content-Digest",
        DIGEST.toString(),
        "Content-Length",
        "123");
    Descriptor d = client().checkManifest("app", "latest").orElseThrow();

    assertThat(d).isEqualTo(Descriptor.of(MediaTypes.OCI_INDEX, DIGEST, 123));
    RecordedRequest r = take();
    assertThat(r.getMethod()).isEqualTo("HEAD");
    assertThat(r.getHeaders().get("Accept")).isEqualTo(String.join(", ", MediaTypes.ALL_MANIFESTS));
  }

  @Test
  void checkManifest_missing_returnsEmpty() throws Exception {
    enqueue(404);
    assertThat(client().checkManifest("app", "latest")).isEmpty();
  }

  @Test
  void pushManifest_byTag_sendsMediaTypeAndVerifiesReturnedDigest() throws Exception {
    enqueue(201, "Docker-Content-Digest", DIGEST.toString());
    byte[] bytes = MANIFEST.getBytes(StandardCharsets.UTF_8);
    assertThat(client().pushManifest("app", "v1", bytes, MediaTypes.OCI_MANIFEST))
        .isEqualTo(DIGEST);

    RecordedRequest r = take();
    assertThat(r.getMethod()).isEqualTo("PUT");
    assertThat(r.getTarget()).isEqualTo("/v2/app/manifests/v1");
    assertThat(r.getHeaders().get("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(r.getBody().utf8()).isEqualTo(MANIFEST);
  }

  @Test
  void pushManifest_registryReportsOtherDigest_throwsDigestMismatch() throws Exception {
    enqueue(201, "Docker-Content-Digest", OTHER.toString());
    byte[] bytes = MANIFEST.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> client().pushManifest("app", "v1", bytes, MediaTypes.OCI_MANIFEST))
        .isInstanceOf(DigestMismatchException.class);
  }

  @Test
  void pushManifest_byWrongDigest_isRefusedBeforeSending() throws Exception {
    byte[] bytes = MANIFEST.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> client().pushManifest("app", OTHER.toString(), bytes, MediaTypes.OCI_MANIFEST))
        .isInstanceOf(DigestMismatchException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void pushManifest_missingBlobs_surfacesEveryError() throws Exception {
    enqueueBody(
        400,
        "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown\",\"detail\":\"sha256:aa\"},"
            + "{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown\",\"detail\":\"sha256:bb\"}]}");
    byte[] bytes = MANIFEST.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> client().pushManifest("app", "v1", bytes, MediaTypes.OCI_MANIFEST))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.errors()).hasSize(2);
              assertThat(e.errorCode()).contains(ErrorCode.MANIFEST_BLOB_UNKNOWN);
              assertThat(e.isRetryable()).isFalse();
            })
        .hasMessageContaining("sha256:bb");
  }

  @Test
  void deleteManifest_sendsDeleteWithDeleteScope() throws Exception {
    FakeAuthorizer auth = new FakeAuthorizer("Bearer x");
    enqueue(202);
    client(b -> b.authorizerFactory(h -> auth)).deleteManifest("app", DIGEST.toString());

    RecordedRequest r = take();
    assertThat(r.getMethod()).isEqualTo("DELETE");
    assertThat(r.getTarget()).isEqualTo("/v2/app/manifests/" + DIGEST);
    assertThat(auth.requested.get(0).iterator().next().toString())
        .isEqualTo("repository:app:delete,pull,push");
  }

  @Test
  void deleteManifest_deletionDisabled_saysUnsupported() throws Exception {
    enqueueBody(405, errorJson("UNSUPPORTED", "The operation is unsupported."));
    assertThatThrownBy(() -> client().deleteManifest("app", "v1"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("deletion may be disabled");
  }
}
