/**
 * The OCI image-spec model, usable without any other kiln module: {@link dev.kiln.oci.Digest},
 * {@link dev.kiln.oci.Descriptor}, {@link dev.kiln.oci.Platform}, {@link dev.kiln.oci.MediaTypes},
 * the documents {@link dev.kiln.oci.ImageManifest}, {@link dev.kiln.oci.ImageIndex} and {@link
 * dev.kiln.oci.ImageConfig}, image {@link dev.kiln.oci.Reference}s, and the one JSON codec {@link
 * dev.kiln.oci.OciJson}. Every value type is an immutable record validated on construction; Docker
 * schema 2 documents are read and written with the same types as their OCI counterparts.
 */
package dev.kiln.oci;
