package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.Digests;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The final file system and config of an image, read from an archive without extracting it: the
 * layers are applied in memory (OCI whiteouts and opaque directories honoured). Reads kiln's {@code
 * -o type=oci,dest=FILE} tars and {@code docker save} tars alike, so both builders' results are
 * seen through the same code.
 *
 * @param entries path (no leading {@code /}) → "type mode uid:gid what" (content hash or link)
 * @param contents path → bytes, for regular files
 * @param config the image config JSON
 */
record ImageTree(Map<String, String> entries, Map<String, byte[]> contents, JsonNode config) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads an OCI image layout tar holding one image. */
  static ImageTree ofOciTar(Path tar) throws IOException {
    Map<String, byte[]> files = readTar(Files.newInputStream(tar));
    JsonNode index = JSON.readTree(files.get("index.json"));
    JsonNode manifest = JSON.readTree(blob(files, index.path("manifests").get(0)));
    JsonNode config = JSON.readTree(blob(files, manifest.path("config")));
    Builder b = new Builder();
    for (JsonNode layer : manifest.path("layers")) {
      b.apply(blob(files, layer));
    }
    return b.build(config);
  }

  /** Reads a {@code docker save} archive holding one image. */
  static ImageTree ofDockerSave(Path tar) throws IOException {
    Map<String, byte[]> files = readTar(Files.newInputStream(tar));
    JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
    JsonNode config = JSON.readTree(files.get(manifest.path("Config").asText()));
    Builder b = new Builder();
    for (JsonNode layer : manifest.path("Layers")) {
      b.apply(files.get(layer.asText()));
    }
    return b.build(config);
  }

  /** The entries of a file-system tar without whiteouts, such as a {@code docker export}. */
  static Map<String, String> entriesOfTar(Path tar) throws IOException {
    Builder b = new Builder();
    b.apply(Files.readAllBytes(tar));
    return b.build(null).entries();
  }

  /** The content of the regular file at {@code path}, or null. */
  String text(String path) {
    byte[] b = contents.get(path);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] blob(Map<String, byte[]> files, JsonNode descriptor) throws IOException {
    String digest = descriptor.path("digest").asText();
    byte[] b = files.get("blobs/" + digest.replace(':', '/'));
    if (b == null) {
      throw new IOException("blob " + digest + " missing from the archive");
    }
    return b;
  }

  private static Map<String, byte[]> readTar(InputStream raw) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(raw)) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (e.isFile()) {
          out.put(strip(e.getName()), in.readAllBytes());
        }
      }
    }
    return out;
  }

  private static String strip(String name) {
    String n = name.startsWith("./") ? name.substring(2) : name;
    n = n.startsWith("/") ? n.substring(1) : n;
    return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
  }

  /** Applies layers one after the other. */
  private static final class Builder {
    private final TreeMap<String, String> entries = new TreeMap<>();
    private final Map<String, byte[]> contents = new HashMap<>();

    void apply(byte[] layer) throws IOException {
      InputStream in = new BufferedInputStream(new ByteArrayInputStream(layer));
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        in = new GZIPInputStream(in);
      }
      try (TarArchiveInputStream t = new TarArchiveInputStream(in)) {
        TarArchiveEntry e;
        while ((e = t.getNextEntry()) != null) {
          String path = strip(e.getName());
          if (path.isEmpty() || path.equals(".")) {
            continue;
          }
          int slash = path.lastIndexOf('/');
          String dir = slash < 0 ? "" : path.substring(0, slash);
          String base = path.substring(slash + 1);
          if (base.equals(".wh..wh..opq")) {
            removeBelow(dir);
            continue;
          }
          if (base.startsWith(".wh.")) {
            String gone = (dir.isEmpty() ? "" : dir + "/") + base.substring(4);
            entries.remove(gone);
            contents.remove(gone);
            removeBelow(gone);
            continue;
          }
          if (!e.isDirectory()) {
            removeBelow(path);
          }
          String what;
          if (e.isSymbolicLink()) {
            what = "symlink -> " + e.getLinkName();
          } else if (e.isLink()) {
            what = "hardlink -> " + strip(e.getLinkName());
          } else if (e.isDirectory()) {
            what = "dir";
          } else if (e.isFIFO()) {
            what = "fifo";
          } else if (e.isCharacterDevice() || e.isBlockDevice()) {
            what = "special " + e.getDevMajor() + "," + e.getDevMinor();
          } else if (e.isFile()) {
            byte[] data = t.readAllBytes();
            contents.put(path, data);
            what = "file " + Digests.sha256(data).hex().substring(0, 16);
          } else {
            what = "other " + (char) e.getLinkFlag();
          }
          entries.put(
              path,
              what
                  + String.format(" %04o", e.getMode() & 07777)
                  + " "
                  + e.getLongUserId()
                  + ":"
                  + e.getLongGroupId());
        }
      }
    }

    private void removeBelow(String dir) {
      String prefix = dir.isEmpty() ? "" : dir + "/";
      entries.subMap(prefix, prefix + Character.MAX_VALUE).clear();
      contents.keySet().removeIf(k -> k.startsWith(prefix));
    }

    ImageTree build(JsonNode config) {
      // a hard link's content is its target's, whichever layer wrote it
      for (Map.Entry<String, String> e : entries.entrySet()) {
        if (e.getValue().startsWith("hardlink -> ")) {
          String target = e.getValue().substring("hardlink -> ".length()).split(" ")[0];
          if (contents.containsKey(target)) {
            contents.put(e.getKey(), contents.get(target));
          }
        }
      }
      return new ImageTree(new TreeMap<>(entries), Map.copyOf(contents), config);
    }
  }
}
