package dev.kiln.core.cache.buildkit;

/**
 * What differs between the BuildKit releases kiln reproduces (README "BuildKit-compatible keys",
 * section "What changed after v0.11"). One instance per {@link BuildkitKeys} version; immutable.
 *
 * @param version the key version tag, e.g. {@code buildkit-v0.11}
 * @param contentHash the content-hash algorithm name carried by content selections
 * @param goShortBf Go 1.22+ {@code encoding/json}: {@code \b} and {@code \f} as short escapes
 * @param protoOmitEmpty protobuf-go structs (v0.17+): {@code Mount.input/output}, {@code
 *     NamedUserOpt.input}, {@code MergeInput.input} are {@code omitempty}; {@code byId} instead of
 *     {@code byID}
 * @param hashedMerge merge cache maps hash their JSON (v0.11 uses the raw JSON as D)
 * @param rootSelectors every exec mount of an input contributes {@code path.Join("/", selector)} to
 *     its selector, an empty one giving {@code /} (v0.13+); before, only non-empty selectors
 * @param perMountContentCache v0.13+ rules for which exec inputs get content keys
 * @param clearCustomCacheOpts v0.13+ blanks the id and sharing of non-default cache mounts
 * @param fileListWildcards v0.13+ wildcard checksums hash relative keys, not base names
 * @param followNestedWildcardLinks v0.11 follows every symlink a wildcard includes (later only the
 *     matched ones themselves)
 * @param symlinkAction the file op has a symlink action (v0.16+)
 */
record Formulas(
    String version,
    String contentHash,
    boolean goShortBf,
    boolean protoOmitEmpty,
    boolean hashedMerge,
    boolean rootSelectors,
    boolean perMountContentCache,
    boolean clearCustomCacheOpts,
    boolean fileListWildcards,
    boolean followNestedWildcardLinks,
    boolean symlinkAction) {

  /** BuildKit v0.11.6 (go1.19), verified against real exports. */
  static final Formulas V0_11 =
      new Formulas(
          "buildkit-v0.11",
          "buildkit.contenthash.v0.11",
          false,
          false,
          false,
          false,
          false,
          false,
          false,
          true,
          false);

  /** BuildKit v0.32.2 (Go 1.22+), from its source. */
  static final Formulas V0_32 =
      new Formulas(
          "buildkit-v0.32",
          "buildkit.contenthash.v0.32",
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          false,
          true);

  GoJsonObject json() {
    return new GoJsonObject(goShortBf);
  }
}
