package dev.kiln.core.graph;

import dev.kiln.oci.Digest;

/**
 * Source op: one file downloaded over HTTP(S) (BuildKit's {@code llb.HTTP}), e.g. for a Dockerfile
 * {@code ADD https://…}. The result is a file system holding only {@code /<filename>}, mode 0600,
 * owned by root, its mtime the response's {@code Last-Modified} (else the Unix epoch).
 *
 * <p>Its cache key is computed from the content, never from the URL (see {@code
 * CacheMaps.forHttp}): with a {@code checksum} the key is known without any request; without one,
 * each solve asks the server (conditionally, with the ETags of earlier downloads).
 *
 * @param url the http or https URL
 * @param filename the name of the file in the result (a single path element)
 * @param checksum the expected sha256 of the content, or null; a download that does not match fails
 */
public record HttpOp(String url, String filename, Digest checksum) implements Op {

  /** Validates. */
  public HttpOp {
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException("http source needs an http(s) URL, got '" + url + "'");
    }
    if (filename == null
        || filename.isEmpty()
        || filename.contains("/")
        || filename.equals(".")
        || filename.equals("..")) {
      throw new IllegalArgumentException("invalid http source file name '" + filename + "'");
    }
  }

  @Override
  public int outputCount() {
    return 1;
  }

  @Override
  public void checkInputCount(int inputCount) {
    Ops.requireInputs("http source", inputCount, 0, 0);
  }
}
