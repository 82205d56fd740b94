package dev.careloop.fhir.mapping;

import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.api.record.RecordEvent;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.fhir.FhirValidation;
import dev.careloop.fhir.TestEvents;
import dev.careloop.fhir.TestEvents.History;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every change every kind of event makes is valid base R4, and the sample histories reach every kind of event. */
class EveryEventIsValidR4Test {

    private final R4ChangeProjector projector = new R4ChangeProjector();

    static Stream<Arguments> everyChange() {
        List<Arguments> changes = new ArrayList<>();
        for (History history : Histories.all()) {
            for (int n = 1; n <= history.size(); n++) {
                List<DomainEventMessage<?>> prefix = history.first(n);
                String last = prefix.get(n - 1).getPayloadType().getSimpleName();
                changes.add(Arguments.of(history.aggregateId() + " v" + n + " " + last, prefix));
            }
        }
        return changes.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyChange")
    void everyResourceOfTheChangeIsValid(String change, List<DomainEventMessage<?>> history) {
        FhirChange projected = projector.project(history);

        assertThat(projected.resources()).isNotEmpty();
        projected.resources().forEach(FhirValidation::assertValid);
    }

    @Test
    void theAuditEventOfARefusedReadIsValid() {
        FhirValidation.assertValid(projector.accessDenied(
                TestEvents.deniedMessage(TestEvents.accessDenied(TestEvents.RECORD, "stranger-clinic"), "dr.who")));
    }

    @Test
    void theSampleHistoriesEndInEveryReferralRecordAndAppointmentEvent() throws Exception {
        Set<String> reached = new TreeSet<>();
        Histories.all().forEach(h -> h.events().forEach(e -> reached.add(e.getPayloadType().getName())));
        reached.add(RecordAccessDenied.class.getName()); // projected on its own, above

        assertThat(reached).containsAll(eventRecordsIn(ReferralEvent.class));
        assertThat(reached).containsAll(eventRecordsIn(RecordEvent.class));
        assertThat(reached).containsAll(eventRecordsIn(AppointmentEvent.class));
    }

    /** Every record in the api package of {@code family} that implements it: new events fail this test until covered. */
    private static Set<String> eventRecordsIn(Class<?> family) throws IOException, URISyntaxException {
        String packagePath = family.getPackageName().replace('.', '/');
        URL url = family.getClassLoader().getResource(packagePath);
        assertThat(url).as("api classes of " + family.getPackageName()).isNotNull();
        List<String> classFiles = new ArrayList<>();
        if ("jar".equals(url.getProtocol())) {
            try (var jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
                jar.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith(packagePath + "/") && n.endsWith(".class")
                                && n.indexOf('/', packagePath.length() + 1) < 0)
                        .forEach(classFiles::add);
            }
        } else {
            try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                files.map(p -> packagePath + "/" + p.getFileName()).filter(n -> n.endsWith(".class")).forEach(classFiles::add);
            }
        }
        Set<String> events = new TreeSet<>();
        for (String file : classFiles) {
            String name = file.substring(0, file.length() - ".class".length()).replace('/', '.');
            try {
                Class<?> type = Class.forName(name, false, family.getClassLoader());
                if (type.isRecord() && family.isAssignableFrom(type)) {
                    events.add(name);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(events).as("event records of " + family.getSimpleName()).isNotEmpty();
        return events;
    }
}
