package dev.kiln.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
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
 * base image source and the exporters. The only place that knows concrete adapters besides {@link
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
        request.progress(), invocation.err(), ProgressDisplay.Clock.SYSTEM);
  }

  @Provides
  @Singleton
  RegistryClients registryClients() {
    String home = invocation.env().getOrDefault("HOME", System.getProperty("user.home", "/"));
    return new RegistryClients(
        DockerConfigCredentialProvider.fromEnvironment(invocation.env(), Path.of(home)), Set.of());
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
