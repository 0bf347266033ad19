package dev.kiln.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.kiln.cache.inline.InlineCacheEmbedderFactory;
import dev.kiln.cache.registry.LocalCacheExporterFactory;
import dev.kiln.cache.registry.LocalCacheImporterFactory;
import dev.kiln.cache.registry.RegistryCacheExporterFactory;
import dev.kiln.cache.registry.RegistryCacheImporterFactory;
import dev.kiln.cache.registry.RegistryClientProvider;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.image.ImageSources;
import dev.kiln.image.RegistryClients;
import dev.kiln.image.export.ImageExporters;
import dev.kiln.oci.registry.auth.DockerConfigCredentialProvider;
import java.nio.file.Path;
import java.util.Set;

/**
 * Wires one build: the request and invocation, the progress display for the chosen mode, registry
 * clients with the Docker config's credentials ({@code DOCKER_CONFIG} or {@code ~/.docker}), the
 * base image source, the exporters and the cache backends ({@code --cache-to}/{@code --cache-from}:
 * registry, local and inline). The only place that knows concrete adapters besides {@link
 * KilnState}, which opens the local state under {@code --root}.
 */
final class KilnModule extends AbstractModule {

  private final BuildRequest request;
  private final Invocation invocation;

  KilnModule(BuildRequest request, Invocation invocation) {
    this.request = request;
    this.invocation = invocation;
  }

  @Override
  protected void configure() {
    bind(BuildRequest.class).toInstance(request);
    bind(Invocation.class).toInstance(invocation);
  }

  @Provides
  @Singleton
  ProgressDisplay progress() {
    return ProgressDisplay.create(
        request.progress(), invocation.err(), ProgressDisplay.Clock.SYSTEM, invocation.env());
  }

  @Provides
  @Singleton
  RegistryClients registryClients() {
    String home = invocation.env().getOrDefault("HOME", System.getProperty("user.home", "/"));
    // registry.insecure=true on a cache entry: that registry is reached over plain HTTP
    Set<String> insecure = new java.util.HashSet<>();
    for (CacheSpec c : concat(request.cacheTo(), request.cacheFrom())) {
      if (c.insecure() && c.registryRef() != null) {
        insecure.add(c.registryRef().registryApiHost());
      }
    }
    return new RegistryClients(
        DockerConfigCredentialProvider.fromEnvironment(invocation.env(), Path.of(home)), insecure);
  }

  private static java.util.List<CacheSpec> concat(
      java.util.List<CacheSpec> a, java.util.List<CacheSpec> b) {
    java.util.List<CacheSpec> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Provides
  @Singleton
  CacheBackends cacheBackends(RegistryClients clients) {
    RegistryClientProvider provider = (host, insecure) -> clients.forHost(host);
    Path tmp = request.root().resolve("worker").resolve("tmp").resolve("cache");
    return new CacheBackends(
        java.util.List.of(
            new RegistryCacheExporterFactory(provider, tmp),
            new LocalCacheExporterFactory(provider, tmp)),
        java.util.List.of(
            new RegistryCacheImporterFactory(provider, tmp), new LocalCacheImporterFactory()),
        java.util.List.of(new InlineCacheEmbedderFactory()));
  }

  @Provides
  @Singleton
  BuildImageSource imageSource(RegistryClients clients, ProgressDisplay progress) {
    return new BuildImageSource(ImageSources.create(clients), progress);
  }

  @Provides
  @Singleton
  WorkerCompressor compressor() {
    return new WorkerCompressor();
  }

  @Provides
  @Singleton
  ImageExporters exporters(RegistryClients clients, WorkerCompressor compressor) {
    // Conversions are the worker's: it makes a layer's variant from its snapshot, once.
    return new ImageExporters(clients, request.sourceDateEpoch(), compressor);
  }
}
