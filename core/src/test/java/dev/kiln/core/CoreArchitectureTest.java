package dev.kiln.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module rules of ARCHITECTURE.md that concern core. */
class CoreArchitectureTest {

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.kiln.core");

  @Test
  void core_usesOnlyTheOciModelPackage() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.kiln.oci.registry..", "dev.kiln.oci.layout..")
        .check(CORE);
  }

  @Test
  void core_hasNoAdapterOrDiDependencies() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "okhttp3..",
            "com.google.inject..",
            "jakarta.inject..",
            "javax.inject..",
            "dev.kiln.solver..",
            "dev.kiln.image..",
            "dev.kiln.cache..",
            "dev.kiln.cli..")
        .check(CORE);
  }

  @Test
  void graph_doesNotDependOnCacheOrPorts() {
    noClasses()
        .that()
        .resideInAPackage("dev.kiln.core.graph..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.kiln.core.cache..", "dev.kiln.core.port..")
        .check(CORE);
  }
}
