package dev.careloop.query.asof;

import dev.careloop.api.Patient;
import dev.careloop.api.PatientIds;
import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.appointment.AppointmentView;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.api.record.RecordEvent;
import dev.careloop.api.record.RecordView;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.api.referral.ReferralView;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.audit.Histories;
import dev.careloop.query.audit.TestLog;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.careloop.query.audit.TestLog.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The as-of folds do not share code with the SQL projections, so this proves them equal: every history is fed to
 * the real projection (on PostgreSQL) one event at a time, and after each event the read model's answer must equal
 * the fold of the history so far. The histories hold every event type of the api, which a scan checks.
 */
class FoldMatchesReadModelTest {

    private final TestLog log = new TestLog();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void theReferralFoldEqualsTheReferralViewAfterEveryEvent() {
        ReadModelDatabase.Projections projection = new ReadModelDatabase.Projections(
                ReadModelsOfOtherPackages.create("dev.careloop.query.referral.ReferralViewProjection"));
        Object readModel = ReadModelsOfOtherPackages.create("dev.careloop.query.referral.ReferralReadModel");
        List<String> ids = List.of("long-" + suffix, "cancelled-" + suffix, "declined-" + suffix,
                "assigned-" + suffix);
        Histories.longReferral(log, ids.get(0), ADA);
        Histories.cancelledReferral(log, ids.get(1), ADA);
        Histories.declinedReferral(log, ids.get(2), GRACE);
        Histories.assignedReferral(log, ids.get(3), GRACE);

        int compared = 0;
        for (String id : ids) {
            List<DomainEventMessage<?>> history = log.history(id);
            for (int i = 0; i < history.size(); i++) {
                projection.deliver(history.get(i));
                ReferralView expected = ReadModelsOfOtherPackages.<ReferralView>find(readModel, id, GP).orElseThrow();
                ReferralView folded = AsOf.referral(history, history.get(i).getTimestamp(), null).view();
                assertThat(folded).as("%s after %s", id, history.get(i).getPayloadType().getSimpleName())
                        .isEqualTo(expected);
                compared++;
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(20);
    }

    @Test
    void theRecordFoldEqualsTheAuthorsRecordViewAfterEveryEvent() {
        ReadModelDatabase.Projections projection = new ReadModelDatabase.Projections(
                ReadModelsOfOtherPackages.create("dev.careloop.query.record.RecordProjection"));
        Object readModel = ReadModelsOfOtherPackages.create("dev.careloop.query.record.RecordReadModel");
        String id = "record-" + suffix;
        Histories.sharedRecord(log, id, null, ADA);
        Histories.emergencyAccess(log, id, ADA);
        String forwarded = "forwarded-" + suffix;
        Histories.forwardedRecord(log, forwarded, null, ADA);

        for (String recordId : List.of(id, forwarded)) {
            List<DomainEventMessage<?>> history = log.history(recordId);
            for (int i = 0; i < history.size(); i++) {
                projection.deliver(history.get(i));
                RecordView expected = ReadModelsOfOtherPackages.<RecordView>find(readModel, recordId, GP)
                        .orElseThrow();
                // The read model decides expiry by now(); so does the fold when asked about now.
                RecordView folded = foldUpTo(history, i, h -> AsOf.record(h, Instant.now(), null).view());
                assertThat(folded).as("%s after %s", recordId, history.get(i).getPayloadType().getSimpleName())
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void theAppointmentFoldEqualsTheAppointmentViewAfterEveryEvent() {
        ReadModelDatabase.Projections projection = new ReadModelDatabase.Projections(
                ReadModelsOfOtherPackages.create("dev.careloop.query.appointment.AppointmentViewProjection"));
        Object readModel = ReadModelsOfOtherPackages.create("dev.careloop.query.appointment.AppointmentReadModel");
        List<String> ids = List.of("fulfilled-" + suffix, "cancelled-" + suffix, "missed-" + suffix);
        Histories.fulfilledAppointment(log, ids.get(0), "ref-" + suffix, ADA);
        Histories.cancelledAppointment(log, ids.get(1), GRACE);
        Histories.missedAppointment(log, ids.get(2), "ref-" + suffix, ADA);

        for (String id : ids) {
            List<DomainEventMessage<?>> history = log.history(id);
            for (int i = 0; i < history.size(); i++) {
                projection.deliver(history.get(i));
                AppointmentView folded = AsOf.appointment(history, history.get(i).getTimestamp(), null).view();
                AppointmentView expected = ReadModelsOfOtherPackages.<AppointmentView>find(readModel, id,
                        folded.performer()).orElseThrow();
                assertThat(folded).as("%s after %s", id, history.get(i).getPayloadType().getSimpleName())
                        .isEqualTo(expected);
            }
        }
    }

    /** Ada as a log written before keyed ids names her: by the UUIDv3 of her identifier. */
    private static final Patient ADA_UNKEYED = new Patient(PatientIds.unkeyedIdFor(ADA.identifierSystem(),
            ADA.identifierValue()), ADA.identifierSystem(), ADA.identifierValue(), ADA.name(), ADA.birthDate());

    @Test
    void theFoldsEqualTheViewsBeforeAndAfterThePatientIsRekeyed() {
        ReadModelDatabase.Projections referrals = new ReadModelDatabase.Projections(
                ReadModelsOfOtherPackages.create("dev.careloop.query.referral.ReferralViewProjection"));
        Object referralViews = ReadModelsOfOtherPackages.create("dev.careloop.query.referral.ReferralReadModel");
        ReadModelDatabase.Projections records = new ReadModelDatabase.Projections(
                ReadModelsOfOtherPackages.create("dev.careloop.query.record.RecordProjection"));
        Object recordViews = ReadModelsOfOtherPackages.create("dev.careloop.query.record.RecordReadModel");
        ReadModelDatabase.Projections appointments = new ReadModelDatabase.Projections(
                ReadModelsOfOtherPackages.create("dev.careloop.query.appointment.AppointmentViewProjection"));
        Object appointmentViews = ReadModelsOfOtherPackages.create(
                "dev.careloop.query.appointment.AppointmentReadModel");
        String referralId = "rekeyed-" + suffix;
        String recordId = "rekeyed-record-" + suffix;
        String appointmentId = "rekeyed-appointment-" + suffix;
        Histories.sent(log, referralId, ADA_UNKEYED, GP, DERM);
        log.by("careloop", "migration", rekeyed(referralId));
        log.by(DERM, "dr-derm", new ReferralAccepted(referralId, ReferralStatus.ACCEPTED));
        Histories.sharedRecord(log, recordId, null, ADA_UNKEYED);
        log.by("careloop", "migration", rekeyed(recordId));
        Histories.cancelledAppointment(log, appointmentId, ADA_UNKEYED);
        log.by("careloop", "migration", rekeyed(appointmentId));

        List<DomainEventMessage<?>> referral = log.history(referralId);
        for (int i = 0; i < referral.size(); i++) {
            referrals.deliver(referral.get(i));
            ReferralView folded = AsOf.referral(referral, referral.get(i).getTimestamp(), null).view();
            assertThat(folded).as("referral after %s", referral.get(i).getPayloadType().getSimpleName())
                    .isEqualTo(ReadModelsOfOtherPackages.<ReferralView>find(referralViews, referralId, GP).orElseThrow());
        }
        List<DomainEventMessage<?>> record = log.history(recordId);
        for (int i = 0; i < record.size(); i++) {
            records.deliver(record.get(i));
            RecordView folded = foldUpTo(record, i, h -> AsOf.record(h, Instant.now(), null).view());
            assertThat(folded).as("record after %s", record.get(i).getPayloadType().getSimpleName())
                    .isEqualTo(ReadModelsOfOtherPackages.<RecordView>find(recordViews, recordId, GP).orElseThrow());
        }
        List<DomainEventMessage<?>> appointment = log.history(appointmentId);
        for (int i = 0; i < appointment.size(); i++) {
            appointments.deliver(appointment.get(i));
            AppointmentView folded = AsOf.appointment(appointment, appointment.get(i).getTimestamp(), null).view();
            assertThat(folded).as("appointment after %s", appointment.get(i).getPayloadType().getSimpleName())
                    .isEqualTo(ReadModelsOfOtherPackages.<AppointmentView>find(appointmentViews, appointmentId,
                            folded.performer()).orElseThrow());
        }
        assertThat(ReadModelsOfOtherPackages.<ReferralView>find(referralViews, referralId, GP).orElseThrow()
                .patient().patientId()).isEqualTo(ADA.patientId());
        assertThat(ReadModelsOfOtherPackages.<RecordView>find(recordViews, recordId, GP).orElseThrow()
                .patient().patientId()).isEqualTo(ADA.patientId());
        assertThat(AsOf.appointment(appointment, Instant.now(), null).view().patient().patientId())
                .isEqualTo(ADA.patientId());
    }

    private static PatientRekeyed rekeyed(String aggregateId) {
        return new PatientRekeyed(aggregateId, ADA_UNKEYED.patientId(), ADA.patientId());
    }

    @Test
    void theHistoriesHoldEveryEventTypeOfTheApi() {
        Histories.longReferral(log, "r1", ADA);
        Histories.cancelledReferral(log, "r2", ADA);
        Histories.declinedReferral(log, "r3", ADA);
        Histories.assignedReferral(log, "r4", ADA);
        Histories.sharedRecord(log, "s1", null, ADA);
        Histories.emergencyAccess(log, "s1", ADA);
        Histories.forwardedRecord(log, "s2", null, ADA);
        Histories.fulfilledAppointment(log, "a1", null, ADA);
        Histories.cancelledAppointment(log, "a2", ADA);
        Histories.missedAppointment(log, "a3", null, ADA);
        Set<String> covered = log.all().stream().map(m -> m.getPayloadType().getName()).collect(Collectors.toSet());

        Set<String> all = new TreeSet<>();
        all.addAll(eventTypes(ReferralEvent.class));
        all.addAll(eventTypes(RecordEvent.class));
        all.addAll(eventTypes(AppointmentEvent.class));
        // Not an event of the record: published on its own, so no fold ever sees it.
        all.remove(RecordAccessDenied.class.getName());

        assertThat(all).as("the scan found the api's events").hasSizeGreaterThan(25);
        assertThat(covered).as("add new event types to Histories, and to the folds").containsAll(all);
    }

    /** The fold of the first {@code i + 1} events, asked at an instant after all of them. */
    private static <V> V foldUpTo(List<DomainEventMessage<?>> history, int i,
                                  Function<List<DomainEventMessage<?>>, V> fold) {
        return fold.apply(new ArrayList<>(history.subList(0, i + 1)));
    }

    private static Set<String> eventTypes(Class<?> family) {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(family));
        return scanner.findCandidateComponents("dev.careloop.api").stream().map(BeanDefinition::getBeanClassName)
                .collect(Collectors.toSet());
    }
}
