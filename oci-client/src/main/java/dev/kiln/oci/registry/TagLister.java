package dev.kiln.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.registry.auth.Scope;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * {@code GET /v2/<repo>/tags/list[?n=]}, following {@code Link: <…>; rel="next"} (absolute or
 * relative) until the last page. Bounded: a page that links to an already seen URL ends the walk.
 */
final class TagLister {

  private static final Pattern NEXT_LINK =
      Pattern.compile("<([^>]*)>\\s*;[^,]*rel\\s*=\\s*\"?next\"?", Pattern.CASE_INSENSITIVE);
  private static final int MAX_PAGES = 10_000;
  private static final int MAX_PAGE_BYTES = 16 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryTransport transport;

  TagLister(RegistryTransport transport) {
    this.transport = transport;
  }

  List<String> list(String repository, int pageSize) throws RegistryException {
    String context = "listing tags of " + transport.registryHost() + "/" + repository;
    HttpUrl.Builder first =
        transport.repo(repository).addPathSegment("tags").addPathSegment("list");
    if (pageSize > 0) {
      first.addQueryParameter("n", Integer.toString(pageSize));
    }
    List<String> tags = new ArrayList<>();
    Set<HttpUrl> seen = new HashSet<>();
    HttpUrl next = first.build();
    while (next != null && seen.add(next) && seen.size() <= MAX_PAGES) {
      HttpUrl url = next;
      Exchange exchange =
          Exchange.of("GET", url, Set.of(Scope.pull(repository)), context)
              .notFound(ErrorCode.NAME_UNKNOWN);
      next =
          transport.call(
              exchange,
              response -> {
                try (InputStream in = response.body().byteStream()) {
                  JsonNode root = JSON.readTree(in.readNBytes(MAX_PAGE_BYTES));
                  if (root != null && root.path("tags").isArray()) {
                    root.get("tags").forEach(t -> tags.add(t.asText()));
                  }
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                  throw new RegistryException(context + ": the tag list is not valid JSON", e);
                }
                return nextLink(url, response.headers("Link"));
              });
    }
    return List.copyOf(tags);
  }

  /** The {@code rel="next"} target resolved against the page URL, or null. */
  static HttpUrl nextLink(HttpUrl page, List<String> linkHeaders) {
    for (String header : linkHeaders) {
      Matcher m = NEXT_LINK.matcher(header);
      if (m.find()) {
        return page.resolve(m.group(1).trim());
      }
    }
    return null;
  }
}
