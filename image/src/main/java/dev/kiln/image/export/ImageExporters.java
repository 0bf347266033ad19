package dev.kiln.image.export;

import dev.kiln.core.port.ImageExporter;
import dev.kiln.core.port.LayerCompressor;
import dev.kiln.image.RegistryClients;
import dev.kiln.oci.MediaTypes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Creates the {@link ImageExporter} for an {@link ExportSpec}, validating its attributes:
 *
 * <ul>
 *   <li>{@code type=image} (alias {@code registry}): {@code name=REF[,REF…]} (required), {@code
 *       push=true} (required: kiln has no local image store).
 *   <li>{@code type=oci}: {@code dest=PATH} (required), {@code tar=true|false} (default true: a tar
 *       file; false: a layout directory), {@code name=REF…} (optional, recorded in the index).
 *   <li>{@code type=docker}: {@code dest=FILE.tar} (required), {@code name=REF…} (RepoTags).
 *   <li>{@code type=local}: {@code dest=DIR} (required).
 * </ul>
 *
 * Image-writing types also take {@code oci-mediatypes=true|false} (default true, false for {@code
 * docker}), {@code annotation.KEY=VALUE} (manifest annotations) and {@code
 * source-date-epoch=SECONDS}, {@code compression=uncompressed|gzip|zstd}, {@code
 * compression-level=N} (gzip 0–9, zstd 0–22) and {@code force-compression=true|false}: layers this
 * build made are written in that compression, base image layers only when forced; zstd switches the
 * output to OCI media types, as BuildKit does. The factory's own source date epoch (from {@code
 * SOURCE_DATE_EPOCH}, read by the caller) applies when the attribute is absent. Thread-safe.
 */
public final class ImageExporters {

  private static final Set<String> COMMON =
      Set.of(
          "name",
          "oci-mediatypes",
          "source-date-epoch",
          "compression",
          "compression-level",
          "force-compression");

  private final RegistryClients clients;
  private final Instant sourceDateEpoch;
  private final LayerCompressor compressor;

  /**
   * Creates the factory.
   *
   * @param clients registry clients for {@code type=image}
   * @param sourceDateEpoch the build's {@code SOURCE_DATE_EPOCH}, or null
   */
  public ImageExporters(RegistryClients clients, Instant sourceDateEpoch) {
    this(clients, sourceDateEpoch, null);
  }

  /**
   * Creates the factory with a layer compressor, so outputs may ask for {@code
   * compression=uncompressed|gzip|zstd}, {@code compression-level=N} and {@code
   * force-compression=true}.
   *
   * @param clients registry clients for {@code type=image}
   * @param sourceDateEpoch the build's {@code SOURCE_DATE_EPOCH}, or null
   * @param compressor converts layers between compressions, or null when none is available (then
   *     those attributes are refused)
   */
  public ImageExporters(
      RegistryClients clients, Instant sourceDateEpoch, LayerCompressor compressor) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.sourceDateEpoch = sourceDateEpoch;
    this.compressor = compressor;
  }

  /**
   * The exporter for {@code spec}.
   *
   * @throws ExportSpecException for an unknown type, a missing or unknown attribute, or a bad value
   */
  public ImageExporter create(ExportSpec spec) throws ExportSpecException {
    Map<String, String> attrs = new LinkedHashMap<>(spec.attrs());
    return switch (spec.type()) {
      case "image" -> {
        check(spec, attrs, Set.of("push"));
        List<dev.kiln.oci.Reference> names = names(spec, true);
        if (!bool(spec, "push", false)) {
          throw new ExportSpecException(
              "type=image without push=true: kiln has no local image store; add push=true, or use"
                  + " type=docker / type=oci to write a file");
        }
        yield new RegistryImageExporter(clients, names, options(spec, true));
      }
      case "oci" -> {
        check(spec, attrs, Set.of("dest", "tar"));
        yield new LayoutImageExporter(
            "oci", dest(spec), bool(spec, "tar", true), names(spec, false), options(spec, true));
      }
      case "docker" -> {
        check(spec, attrs, Set.of("dest"));
        yield new LayoutImageExporter(
            "docker", dest(spec), true, names(spec, false), options(spec, false));
      }
      case "local" -> {
        if (!attrs.keySet().equals(Set.of("dest"))) {
          throw new ExportSpecException("type=local takes exactly dest=DIR; got " + attrs.keySet());
        }
        yield new LocalDirExporter(dest(spec));
      }
      default ->
          throw new ExportSpecException(
              "unknown output type '"
                  + spec.type()
                  + "': use image (or registry), oci, docker or local");
    };
  }

  private static void check(ExportSpec spec, Map<String, String> attrs, Set<String> own)
      throws ExportSpecException {
    for (String key : attrs.keySet()) {
      if (!COMMON.contains(key) && !own.contains(key) && !key.startsWith("annotation.")) {
        List<String> allowed = new ArrayList<>(own);
        allowed.addAll(COMMON);
        allowed.add("annotation.KEY");
        allowed.sort(null);
        throw new ExportSpecException(
            "unknown attribute '" + key + "' for type=" + spec.type() + "; accepted: " + allowed);
      }
    }
  }

  private ExportOptions options(ExportSpec spec, boolean ociDefault) throws ExportSpecException {
    boolean oci = bool(spec, "oci-mediatypes", ociDefault);
    Instant epoch = sourceDateEpoch;
    String e = spec.get("source-date-epoch");
    if (e != null) {
      try {
        epoch = Instant.ofEpochSecond(Long.parseLong(e.trim()));
      } catch (NumberFormatException ex) {
        throw new ExportSpecException(
            "source-date-epoch=" + e + " is not a number of seconds since 1970-01-01");
      }
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    spec.attrs()
        .forEach(
            (k, v) -> {
              if (k.startsWith("annotation.") && k.length() > "annotation.".length()) {
                annotations.put(k.substring("annotation.".length()), v);
              }
            });
    if (!oci && !annotations.isEmpty()) {
      throw new ExportSpecException(
          "annotation.* needs OCI media types; remove oci-mediatypes=false for type="
              + spec.type());
    }
    // With oci-mediatypes=false, zstd layers get Docker's zstd layer type, as BuildKit writes them
    // (its zstd compression does not force OCI media types).
    return new ExportOptions(oci, epoch, annotations, recompression(spec));
  }

  private Recompression recompression(ExportSpec spec) throws ExportSpecException {
    String c = spec.get("compression");
    String l = spec.get("compression-level");
    boolean force = bool(spec, "force-compression", false);
    if (c == null && l == null && !force) {
      return null;
    }
    MediaTypes.Compression target;
    if (c == null) {
      target = MediaTypes.Compression.GZIP;
    } else {
      target =
          switch (c.toLowerCase(java.util.Locale.ROOT)) {
            case "gzip" -> MediaTypes.Compression.GZIP;
            case "zstd" -> MediaTypes.Compression.ZSTD;
            case "uncompressed" -> MediaTypes.Compression.UNCOMPRESSED;
            case "estargz" ->
                throw new ExportSpecException(
                    "compression=estargz is not supported by kiln; use gzip, zstd or"
                        + " uncompressed");
            default ->
                throw new ExportSpecException(
                    "compression=" + c + " is not one of uncompressed, gzip, zstd");
          };
    }
    Integer level = null;
    if (l != null) {
      try {
        level = Integer.parseInt(l.trim());
      } catch (NumberFormatException e) {
        throw new ExportSpecException("compression-level=" + l + " is not a number");
      }
      int max = target == MediaTypes.Compression.GZIP ? 9 : 22;
      if (target != MediaTypes.Compression.UNCOMPRESSED && (level < 0 || level > max)) {
        throw new ExportSpecException(
            "compression-level="
                + l
                + " is out of range for "
                + target.name().toLowerCase(java.util.Locale.ROOT)
                + " (0.."
                + max
                + ")");
      }
      if (target == MediaTypes.Compression.UNCOMPRESSED) {
        level = null;
      }
    }
    if (compressor == null) {
      throw new ExportSpecException(
          "compression attributes need a layer compressor, which this exporter factory was"
              + " created without");
    }
    return new Recompression(target, level, force, compressor);
  }

  private static Path dest(ExportSpec spec) throws ExportSpecException {
    String d = spec.get("dest");
    if (d == null || d.isBlank()) {
      throw new ExportSpecException("type=" + spec.type() + " needs dest=PATH");
    }
    return Path.of(d);
  }

  private static List<dev.kiln.oci.Reference> names(ExportSpec spec, boolean required)
      throws ExportSpecException {
    List<String> raw = spec.names();
    if (required && raw.isEmpty()) {
      throw new ExportSpecException(
          "type=" + spec.type() + " needs name=REF (e.g. -t localhost:5000/app:1 --push)");
    }
    List<dev.kiln.oci.Reference> out = new ArrayList<>();
    for (String n : raw) {
      try {
        out.add(dev.kiln.oci.Reference.parse(n));
      } catch (IllegalArgumentException e) {
        throw new ExportSpecException(e.getMessage());
      }
    }
    return out;
  }

  private static boolean bool(ExportSpec spec, String key, boolean dflt)
      throws ExportSpecException {
    String v = spec.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "" -> true;
      case "false", "0" -> false;
      default -> throw new ExportSpecException(key + "=" + v + " is not true or false");
    };
  }
}
