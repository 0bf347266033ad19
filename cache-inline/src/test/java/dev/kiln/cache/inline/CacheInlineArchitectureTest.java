package dev.kiln.cache.inline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** ARCHITECTURE.md for this adapter: core and its model only; no other adapter, no HTTP, no DI. */
class CacheInlineArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.kiln.cache.inline");

  @Test
  void adapter_dependsOnCoreOnly() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.kiln.oci.registry..",
            "dev.kiln.oci.layout..",
            "dev.kiln.solver..",
            "dev.kiln.image..",
            "dev.kiln.cache.registry..",
            "dev.kiln.cli..",
            "com.google.inject..")
        .check(CLASSES);
  }
}
