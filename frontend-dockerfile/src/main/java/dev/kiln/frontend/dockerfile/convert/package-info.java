/**
 * Conversion of a parsed Dockerfile into core's build graph, in the manner of BuildKit's {@code
 * dockerfile2llb}: {@link dev.kiln.frontend.dockerfile.convert.DockerfileConverter} turns a {@link
 * dev.kiln.frontend.dockerfile.convert.ConversionRequest} into a {@link
 * dev.kiln.frontend.dockerfile.convert.ConversionResult} (the target stage's state and the image
 * config to export). Base image configs come from a caller-supplied {@link
 * dev.kiln.frontend.dockerfile.convert.ImageConfigResolver}, so the conversion does no I/O.
 */
package dev.kiln.frontend.dockerfile.convert;
