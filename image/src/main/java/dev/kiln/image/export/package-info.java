/**
 * Images out: adapters of core's {@code ImageExporter} port ({@code type=image}, {@code oci},
 * {@code docker}, {@code local}), created from parsed {@code --output} specs ({@link
 * dev.kiln.image.export.ExportSpec}) by {@link dev.kiln.image.export.ImageExporters}.
 */
package dev.kiln.image.export;
