package dev.careloop.app;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.Repository;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.ANNOTATIONS;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module map (README, "Modules") as rules: the sides and the FHIR adapter share only {@code api} (messages, no Spring)
 * and {@code plumbing} (the log's machinery), never each other and never {@code app}, which assembles them; aggregates
 * live on the command side, and controllers keep to their own side. Production classes of every module (app's classpath).
 */
@AnalyzeClasses(locations = ArchitectureTest.CareLoopModules.class, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The modules' own class directories or jars, found through one class of each: scanning the whole classpath for
     * the package opened every one of ~300 dependency jars and took a minute on a loaded machine.
     */
    static final class CareLoopModules implements LocationProvider {
        @Override
        public Set<Location> get(Class<?> testClass) {
            return Stream.of(dev.careloop.api.Actor.class, dev.careloop.plumbing.DatabaseOutage.class,
                            dev.careloop.command.CommandSideConfiguration.class,
                            dev.careloop.query.QuerySideConfiguration.class, dev.careloop.fhir.FhirAdapterConfiguration.class,
                            dev.careloop.web.WebConfiguration.class, CareLoopApplication.class)
                    .map(CareLoopModules::locationOf).collect(Collectors.toSet());
        }

        private static Location locationOf(Class<?> type) {
            try {
                Path path = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
                return Files.isDirectory(path) ? Location.of(path) : Location.of(new JarFile(path.toFile()));
            } catch (URISyntaxException | IOException e) {
                throw new IllegalStateException("cannot locate the module of " + type.getName(), e);
            }
        }
    }

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

    @ArchTest
    static final ArchRule theRebuildKnowsTheReadModelsOnlyByWhatTheyDeclare = noClasses()
            .that().resideInAPackage("dev.careloop.query.rebuild..")
            .should().dependOnClassesThat(resideInAPackage("dev.careloop.query..")
                    .and(not(resideInAnyPackage("dev.careloop.query.rebuild..", "dev.careloop.query.replay.."))))
            .because("the read-model rebuild lives on the query side beside the read models, but runs any declared "
                    + "group (the FHIR index too) through its live handlers, its Stores and ReadModelTables");

    @ArchTest
    static final ArchRule theReadModelsDoNotDependOnTheRebuild = noClasses()
            .that().resideInAPackage("dev.careloop.query..")
            .and().resideOutsideOfPackage("dev.careloop.query.rebuild..")
            .should().dependOnClassesThat().resideInAPackage("dev.careloop.query.rebuild..")
            .because("a projection is the same code live and in a rebuild; only the Stores it is given differ");

    @ArchTest
    static final ArchRule sidesNeverReachIntoTheFhirAdapter = noClasses()
            .that().resideInAnyPackage("dev.careloop.command..", "dev.careloop.query..")
            .should().dependOnClassesThat().resideInAPackage("dev.careloop.fhir..")
            .because("the FHIR adapter is a client of the log like the sides; each side runs without it");

    @ArchTest
    static final ArchRule fhirAdapterNeverReachesIntoTheSides = noClasses()
            .that().resideInAPackage("dev.careloop.fhir..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.careloop.command..", "dev.careloop.query..")
            .because("the adapter sends the same commands through the bus and reads the log itself");

    @ArchTest
    static final ArchRule nothingOutsideTheApplicationUsesIt = noClasses()
            .that().resideOutsideOfPackage("dev.careloop.app..")
            .should().dependOnClassesThat().resideInAPackage("dev.careloop.app..")
            .because("app assembles the modules into one process; the modules must work without it");

    @ArchTest
    static final ArchRule plumbingKnowsNoMessagesAndNoSide = noClasses()
            .that().resideInAPackage("dev.careloop.plumbing..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.careloop.api..", "dev.careloop.command..",
                    "dev.careloop.query..", "dev.careloop.fhir..", "org.axonframework..")
            .because("plumbing is the log's machinery every module shares (periodic tasks, the node's identity): "
                    + "it knows no message and no side");

    @ArchTest
    static final ArchRule commandControllersNeitherLoadAggregatesNorReadTheReadModels = noClasses()
            .that().resideInAPackage("dev.careloop.command..").and().areAnnotatedWith(RestController.class)
            .should().dependOnClassesThat().areAssignableTo(Repository.class)
            .orShould().dependOnClassesThat().areAssignableTo(EventStore.class)
            .orShould().dependOnClassesThat().haveSimpleNameEndingWith("ReadModel")
            .because("a write controller sends a command and answers from the caller's read model through the "
                    + "query bus (WriteResponses), never from an aggregate's repository, the event store or a read "
                    + "model's tables");

    @ArchTest
    static final ArchRule queryControllersSendNoCommandsAndLoadNoAggregates = noClasses()
            .that().resideInAPackage("dev.careloop.query..").and().areAnnotatedWith(RestController.class)
            .should().dependOnClassesThat().resideInAPackage("org.axonframework.commandhandling..")
            .orShould().dependOnClassesThat().areAssignableTo(Repository.class)
            .because("a read controller reads its own side's read models; a change is a command, sent by the "
                    + "command side");
}
