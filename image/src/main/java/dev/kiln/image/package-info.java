/**
 * Images in: resolving base images from registries ({@link dev.kiln.image.RegistryImageSource}) and
 * OCI layouts ({@link dev.kiln.image.OciLayoutImageSource}) behind core's {@code ImageSource} port,
 * routed by {@link dev.kiln.image.ImageSources}. Exporters are in {@code dev.kiln.image.export}.
 */
package dev.kiln.image;
