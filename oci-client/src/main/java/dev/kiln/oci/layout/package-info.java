/**
 * The OCI image layout on disk ({@link dev.kiln.oci.layout.OciLayout}) and as a tar ({@link
 * dev.kiln.oci.layout.OciLayoutTar}): content-addressed, digest-verified blobs, an {@code
 * index.json} whose {@code org.opencontainers.image.ref.name} annotations act as tags, and the
 * {@code oci-layout} version marker. Interoperates with skopeo ({@code oci:}, {@code
 * oci-archive:}), umoci and BuildKit's {@code type=oci} output.
 */
package dev.kiln.oci.layout;
