package dev.careloop.command.record;

import dev.careloop.api.Actor;
import dev.careloop.api.TestPatients;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.record.DocumentType;
import dev.careloop.api.record.RecordContent;
import dev.careloop.api.record.RecordShared;
import dev.careloop.api.record.ShareRecord;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.mockito.Mockito;
import org.springframework.mock.env.MockEnvironment;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;

/**
 * Northside GP shares Ada Patel's discharge summary with Riverside Dermatology and Hillside Dermatology for
 * treatment until the end of March 2030; Lakeside Cardiology was never named. Histories are written out
 * event by event.
 */
final class RecordTestData {

    static final String RECORD_ID = "rec-0001";
    static final String NORTHSIDE = "northside-gp";
    static final String RIVERSIDE = "riverside-derm";
    static final String HILLSIDE = "hillside-derm";
    static final String LAKESIDE = "lakeside-cardio";

    static final Instant SHARED_AT = Instant.parse("2030-03-01T09:00:00Z");
    static final Instant READ_AT = Instant.parse("2030-03-02T10:00:00Z");
    static final Instant VALID_UNTIL = Instant.parse("2030-03-31T23:59:59Z");
    static final String EXPIRY_DEADLINE = "record-access-expiry";

    static final Patient PATIENT = TestPatients.patient("https://northside-gp.example/mrn", "MRN-0042", "Ada Patel",
            LocalDate.of(1961, 4, 9));
    static final DocumentType DISCHARGE_SUMMARY = new DocumentType("18842-5", "Discharge summary");
    static final String TITLE = "Discharge summary, March 2030";
    static final String DESCRIPTION = "Admission for cellulitis of the left forearm";
    static final RecordContent VERSION_1 = new RecordContent("a".repeat(64), 48_213, "application/pdf");
    static final RecordContent VERSION_2 = new RecordContent("b".repeat(64), 51_007, "application/pdf");
    static final RecordContent VERSION_3 = new RecordContent("c".repeat(64), 52_990, "application/pdf");
    static final String AMEND_REASON = "corrected the medication list";
    static final String REVOKE_REASON = "patient withdrew consent for Riverside";

    static final Actor NORTHSIDE_STAFF = actor("dr-north", NORTHSIDE, Actor.CLINICIAN, Actor.COORDINATOR);
    static final Actor NORTHSIDE_COMPLIANCE = actor("audit-north", NORTHSIDE, Actor.COMPLIANCE);
    static final Actor RIVERSIDE_CLINICIAN = actor("dr-river", RIVERSIDE, Actor.CLINICIAN);
    static final Actor HILLSIDE_CLINICIAN = actor("dr-hill", HILLSIDE, Actor.CLINICIAN);
    static final Actor LAKESIDE_STAFF = actor("dr-lake", LAKESIDE, Actor.CLINICIAN, Actor.COORDINATOR);

    private RecordTestData() {
    }

    /**
     * A fixture for the record, with the share handler that creates it. Shares in these tests name no
     * referral, so no referral may ever be asked.
     */
    static AggregateTestFixture<SharedRecord> fixture() {
        return fixture(LAKESIDE);
    }

    /** As {@link #fixture()}, with break-the-glass on for {@code breakGlassOrganisations} only. */
    static AggregateTestFixture<SharedRecord> fixture(String... breakGlassOrganisations) {
        AggregateTestFixture<SharedRecord> fixture = new AggregateTestFixture<>(SharedRecord.class);
        fixture.registerInjectableResource(breakGlassFor(breakGlassOrganisations));
        CommandGateway referrals = Mockito.mock(CommandGateway.class, invocation -> {
            throw new AssertionError("a share without a referral asked one: " + invocation);
        });
        fixture.registerAnnotatedCommandHandler(new RecordSharing(fixture.getRepository(), referrals));
        return fixture;
    }

    /** Break-the-glass on for {@code organisations} only, as careloop.organisations.<org>.break-the-glass sets it. */
    static BreakGlassSettings breakGlassFor(String... organisations) {
        MockEnvironment environment = new MockEnvironment();
        for (String organisation : organisations) {
            environment.setProperty("careloop.organisations." + organisation + ".break-the-glass", "true");
        }
        return new BreakGlassSettings(environment);
    }

    static Actor actor(String userId, String organisation, String... roles) {
        return new Actor(userId, organisation, Set.of(roles), null, PurposeOfUse.TREATMENT);
    }

    static ShareRecord shareRecord(Set<String> recipients) {
        return new ShareRecord(RECORD_ID, null, PATIENT, recipients, DISCHARGE_SUMMARY, TITLE, DESCRIPTION, VERSION_1,
                PurposeOfUse.TREATMENT, VALID_UNTIL);
    }

    static ShareRecord shareRecord() {
        return shareRecord(Set.of(RIVERSIDE, HILLSIDE));
    }

    static RecordShared recordShared() {
        return new RecordShared(RECORD_ID, null, NORTHSIDE, PATIENT, Set.of(RIVERSIDE, HILLSIDE), DISCHARGE_SUMMARY,
                TITLE, DESCRIPTION, VERSION_1, PurposeOfUse.TREATMENT, VALID_UNTIL);
    }

    /** A read refused as "no such record" (404) whose audit reason matches. */
    static Matcher<Throwable> denied(Matcher<? super String> auditReason) {
        return new TypeSafeMatcher<>(Throwable.class) {
            @Override
            protected boolean matchesSafely(Throwable thrown) {
                return thrown instanceof AccessDenied d && d.getMessage().equals("no such record")
                        && auditReason.matches(d.auditReason());
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a read denied as 'no such record', audited with ")
                        .appendDescriptionOf(auditReason);
            }
        };
    }
}
