package dev.kiln.solver.layer;

/**
 * How {@link EntryExtractor} treats a tar stream. A layer (containerd's applier): whiteouts are
 * processed and any absolute or {@code ..} entry name is refused. An ADD archive (BuildKit's
 * unpack): {@code .wh.} names are ordinary files, a leading {@code /} is dropped and {@code ..} is
 * resolved lexically (refused only when it climbs out of the destination), and an explicit owner
 * replaces the archive's.
 *
 * @param subject names the stream in messages: {@code layer sha256:…} or {@code archive app.tar}
 * @param rootName what the extraction root is called in messages
 * @param layer layer rules (true) or ADD archive rules (false)
 * @param uid owner uid for every entry, or -1 to keep the archive's
 * @param gid owner gid for every entry, or -1 to keep the archive's
 * @param diff for a layer unpacked into its own diff directory, how its whiteouts are kept there
 *     (instead of being applied); null when applying onto a full tree
 */
record ExtractRules(
    String subject, String rootName, boolean layer, long uid, long gid, DiffFormat diff) {

  static ExtractRules layer(String layer) {
    return new ExtractRules("layer " + layer, "the snapshot root", true, -1, -1, null);
  }

  static ExtractRules diff(String layer, DiffFormat format) {
    return new ExtractRules("layer " + layer, "the diff directory", true, -1, -1, format);
  }

  static ExtractRules archive(String archive, long uid, long gid) {
    return new ExtractRules(
        "archive " + archive, "the destination directory", false, uid, gid, null);
  }

  long uidOf(long entryUid) {
    return uid >= 0 ? uid : entryUid;
  }

  long gidOf(long entryGid) {
    return gid >= 0 ? gid : entryGid;
  }
}
