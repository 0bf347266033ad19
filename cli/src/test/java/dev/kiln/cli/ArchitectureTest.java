package dev.kiln.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Enforces the dependency rules of ARCHITECTURE.md on the production classes of every module (the
 * cli module has all of them on its test classpath).
 *
 * <p>Rules for modules that have no classes yet are allowed to match nothing; they start biting the
 * moment the module gets code.
 */
class ArchitectureTest {

  private static final String OCI = "dev.kiln.oci..";
  private static final String OCI_REGISTRY = "dev.kiln.oci.registry..";
  private static final String OCI_LAYOUT = "dev.kiln.oci.layout..";
  private static final String CORE = "dev.kiln.core..";
  private static final String SOLVER = "dev.kiln.solver..";
  private static final String FRONTEND = "dev.kiln.frontend..";
  private static final String IMAGE = "dev.kiln.image..";
  private static final String CACHE_REGISTRY = "dev.kiln.cache.registry..";
  private static final String CACHE_INLINE = "dev.kiln.cache.inline..";
  private static final String CLI = "dev.kiln.cli..";
  private static final String TEST_SUPPORT = "dev.kiln.testsupport..";
  private static final String BENCHMARKS = "dev.kiln.benchmarks..";

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.kiln");
  }

  static List<ArchRule> rules() {
    return List.of(
        noClasses()
            .that()
            .resideInAPackage(OCI)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                CORE, SOLVER, FRONTEND, IMAGE, CACHE_REGISTRY, CACHE_INLINE, CLI, TEST_SUPPORT)
            .because("oci-client is a standalone library"),
        noClasses()
            .that()
            .resideInAPackage(CORE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                OCI_REGISTRY,
                OCI_LAYOUT,
                SOLVER,
                FRONTEND,
                IMAGE,
                CACHE_REGISTRY,
                CACHE_INLINE,
                CLI)
            .because("core knows ports and the OCI model only, never adapters or HTTP")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideInAPackage(SOLVER)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(OCI_REGISTRY, FRONTEND, IMAGE, CACHE_REGISTRY, CACHE_INLINE, CLI)
            .because("the solver depends on core only")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideInAPackage(FRONTEND)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(OCI_REGISTRY, SOLVER, IMAGE, CACHE_REGISTRY, CACHE_INLINE, CLI)
            .because("the Dockerfile frontend is pure and depends on core only")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideInAPackage(IMAGE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(SOLVER, FRONTEND, CACHE_REGISTRY, CACHE_INLINE, CLI)
            .because("adapters depend on core and oci-client, never on each other")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideInAPackage(CACHE_REGISTRY)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(SOLVER, FRONTEND, IMAGE, CACHE_INLINE, CLI)
            .because("adapters depend on core and oci-client, never on each other")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideInAPackage(CACHE_INLINE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(OCI_REGISTRY, SOLVER, FRONTEND, IMAGE, CACHE_REGISTRY, CLI)
            .because("the inline cache adapter depends on core only")
            .allowEmptyShould(true),
        noClasses()
            .that()
            .resideOutsideOfPackage(CLI)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("com.google.inject..")
            .because("Guice appears only in the cli composition root"),
        noClasses()
            .that()
            .resideInAnyPackage(CORE, OCI)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("jakarta.inject..", "javax.inject..")
            .because("core and oci-client carry no DI annotations"),
        noClasses()
            .that()
            .resideOutsideOfPackages(TEST_SUPPORT, BENCHMARKS)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(TEST_SUPPORT, "org.testcontainers..", "org.junit..")
            .because("test fixtures never leak into production code"));
  }

  @Test
  void productionClasses_followDependencyRules() {
    for (ArchRule rule : rules()) {
      rule.check(production);
    }
  }

  @Test
  void coreRule_classUsingRegistryClient_isReported() {
    // Guards the rule itself: a core class that reaches into the HTTP client must be flagged.
    JavaClasses fixture =
        new ClassFileImporter().importClasses(dev.kiln.core.archfixture.ReachesIntoRegistry.class);
    EvaluationResult result = rules().get(1).evaluate(fixture);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("ReachesIntoRegistry");
  }
}
