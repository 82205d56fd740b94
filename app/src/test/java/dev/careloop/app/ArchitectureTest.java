package dev.careloop.app;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.ANNOTATIONS;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module map of DESIGN.md as rules: the sides share only {@code api}, {@code api} is plain messages,
 * and aggregates live on the command side. Production classes of every module (app's classpath).
 */
@AnalyzeClasses(packages = "dev.careloop", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule commandSideNeverReachesIntoTheQuerySide = noClasses()
            .that().resideInAPackage("dev.careloop.command..")
            .should().dependOnClassesThat().resideInAPackage("dev.careloop.query..")
            .because("the sides share only the api module and must run as separate processes");

    @ArchTest
    static final ArchRule querySideNeverReachesIntoTheCommandSide = noClasses()
            .that().resideInAPackage("dev.careloop.query..")
            .should().dependOnClassesThat().resideInAPackage("dev.careloop.command..")
            .because("the sides share only the api module and must run as separate processes");

    @ArchTest
    static final ArchRule apiIsPlainMessages = classes()
            .that().resideInAPackage("dev.careloop.api..")
            .should().onlyDependOnClassesThat(resideInAnyPackage("java..", "dev.careloop.api..",
                            // The JDK's own HMAC, for the keyed patient id (PatientIds).
                            "javax.crypto..", "com.fasterxml.jackson.annotation..")
                    .or(resideInAPackage("org.axonframework.modelling.command").and(ANNOTATIONS)))
            .because("api holds records every side (and partner code) can use: no Spring, no Axon "
                    + "configuration, only routing and JSON annotations (and the JDK)");

    @ArchTest
    static final ArchRule apiKnowsNoSpring = noClasses()
            .that().resideInAPackage("dev.careloop.api..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.axonframework.config..",
                    "org.axonframework.spring..", "org.axonframework.springboot..");

    @ArchTest
    static final ArchRule querySideHasNoAggregates = noClasses()
            .that().resideInAPackage("dev.careloop.query..")
            .should().dependOnClassesThat().resideInAnyPackage("org.axonframework.modelling.command..",
                    "org.axonframework.eventsourcing", "org.axonframework.spring.stereotype")
            .because("read models are projections of the log; only the command side decides and applies events");
}
