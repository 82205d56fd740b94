package dev.careloop.query.person;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.person.PersonDirectoryController.Person;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The persons directory: who acted for an organisation, and whom its identity provider knows, against PostgreSQL. */
class PersonDirectoryTest {

    private static final String GP = "northside-gp";
    private static final String DERM = "riverside-derm";

    private final PersonDirectoryProjection projection = new PersonDirectoryProjection(ReadModelDatabase.stores());
    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(projection);
    private final PersonDirectoryController directory = new PersonDirectoryController(ReadModelDatabase.jdbc());
    private final Actor dermStaff = new Actor("ben.carter", DERM, Set.of(Actor.COORDINATOR), "careloop-web", null,
            "Ben Carter");
    private long sequence;

    @BeforeEach
    void startEmpty() {
        ReadModelDatabase.jdbc().update("DELETE FROM person_seen");
        ReadModelDatabase.jdbc().update("DELETE FROM person_known");
    }

    @Test
    void personsWhoActedForTheOrganisationAreListedByNameWithTheirRolesAndNoOneElse() {
        projections.deliver(by(DERM, "priya.shah", "Dr Priya Shah", "clinician", at(1)),
                by(DERM, "ben.carter", "Ben Carter", "coordinator", at(2)),
                // A service account carries no person's name; another organisation's person is not a colleague.
                by(DERM, "riverside-derm-staff", null, "clinician,coordinator", at(3)),
                by(GP, "tom.okafor", "Dr Tom Okafor", "clinician", at(4)));

        assertThat(directory.list(dermStaff, null)).containsExactly(
                new Person("ben.carter", "Ben Carter", null, List.of("coordinator")),
                new Person("priya.shah", "Dr Priya Shah", null, List.of("clinician")));
        assertThat(directory.list(dermStaff, "clinician")).extracting(Person::subject).containsExactly("priya.shah");
    }

    @Test
    void theLatestEventNamesThePersonAndARedeliveredOlderOneChangesNothing() {
        projections.deliver(by(DERM, "priya.shah", "Priya Shah", "clinician", at(1)),
                by(DERM, "priya.shah", "Dr Priya Shah", "clinician", at(5)),
                by(DERM, "priya.shah", "Priya Shah", "clinician", at(1)));

        assertThat(directory.list(dermStaff, null)).extracting(Person::name).containsExactly("Dr Priya Shah");
    }

    @Test
    void theIdentityProvidersPersonsAreListedBeforeTheyActWithTheirTitle() {
        ReadModelDatabase.jdbc().update("INSERT INTO person_known (organisation_id, subject, name, title, roles) "
                + "VALUES (?, 'priya.shah', 'Dr Priya Shah', 'dermatologist at Riverside', '{clinician}'), "
                + "(?, 'tom.okafor', 'Dr Tom Okafor', 'general practitioner', '{clinician}')", DERM, GP);
        projections.deliver(by(DERM, "priya.shah", "Priya", "clinician", at(1)));

        assertThat(directory.list(dermStaff, "clinician")).containsExactly(
                new Person("priya.shah", "Dr Priya Shah", "dermatologist at Riverside", List.of("clinician")));
        assertThat(directory.list(dermStaff, "coordinator")).isEmpty();
    }

    @Test
    void anUnknownRoleIsRefusedRatherThanAnsweredWithNoOne() {
        assertThatThrownBy(() -> directory.list(dermStaff, "surgeon"))
                .isInstanceOf(PersonDirectoryController.UnknownRole.class);
        assertThat(directory.unknownRole().getBody().getProperties()).extractingByKey("errors").asString()
                .contains("role", "clinician, coordinator, compliance, admin");
    }

    private static Instant at(int minute) {
        return Instant.parse("2026-12-01T09:00:00Z").plusSeconds(60L * minute);
    }

    private GenericDomainEventMessage<Object> by(String organisation, String user, String name, String roles,
                                                 Instant at) {
        Map<String, Object> metaData = new HashMap<>();
        metaData.put(MetadataKeys.USER, user);
        if (name != null) {
            metaData.put(MetadataKeys.USER_NAME, name);
        }
        metaData.put(MetadataKeys.ORGANISATION, organisation);
        metaData.put(MetadataKeys.ROLES, roles);
        return new GenericDomainEventMessage<>("Referral", "r-" + sequence, sequence++,
                new ReferralAccepted("r-" + sequence, ReferralStatus.ACCEPTED), metaData, UUID.randomUUID().toString(), at);
    }
}
