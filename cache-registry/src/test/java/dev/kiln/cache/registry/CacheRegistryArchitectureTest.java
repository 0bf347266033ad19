package dev.kiln.cache.registry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module rules of ARCHITECTURE.md for an adapter: core ports, oci-client, no other adapter. */
class CacheRegistryArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.kiln.cache.registry");

  @Test
  void adapter_dependsOnNoOtherAdapterNorDi() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.kiln.solver..",
            "dev.kiln.image..",
            "dev.kiln.cache.inline..",
            "dev.kiln.cli..",
            "com.google.inject..")
        .check(CLASSES);
  }
}
