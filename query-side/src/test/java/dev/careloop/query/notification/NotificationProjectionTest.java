package dev.careloop.query.notification;

import dev.careloop.api.Actor;
import dev.careloop.api.referral.*;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.careloop.query.notification.NotificationLog.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Who is told what by the notifications group, and what each person sees and has read, against PostgreSQL. */
class NotificationProjectionTest {

    private static final Appointment MONDAY_9 = new Appointment(Instant.parse("2026-12-07T09:00:00Z"),
            Instant.parse("2026-12-07T09:30:00Z"), "Room 4");

    private final NotificationProjection projection = new NotificationProjection(ReadModelDatabase.stores());
    private final ReadModelDatabase.Projections projections = NotificationLog.projections(projection);
    private final NotificationReadModel notifications = new NotificationReadModel(ReadModelDatabase.jdbc());
    private final NotificationLog log = new NotificationLog();

    private final Actor gpDoctor = person(GP, "tom.okafor");
    private final Actor gpCoordinator = person(GP, "sara.lind");
    private final Actor dermDoctor = person(DERM, "priya.shah");
    private final Actor dermCoordinator = person(DERM, "ben.carter");
    private final Actor cardioDoctor = person(CARDIO, "lars.nyberg");

    @BeforeEach
    void startEmpty() {
        NotificationLog.emptyTables();
    }

    @Test
    void theRecipientOrganisationIsToldOfAReferralReceivedAndTheSenderIsNot() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)));

        List<NotificationReadModel.Item> derm = items(dermDoctor);
        assertThat(derm).hasSize(1);
        NotificationReadModel.Item item = derm.get(0);
        assertThat(item.kind()).isEqualTo("referral-received");
        assertThat(item.referralId()).isEqualTo("r1");
        assertThat(item.title()).isEqualTo("Referral received");
        assertThat(item.text()).isEqualTo("Referral GP-0001 (Dermatology consultation) was sent to your organisation.");
        assertThat(item.read()).isFalse();
        assertThat(items(dermCoordinator)).extracting(NotificationReadModel.Item::id).containsExactly(item.id());
        assertThat(items(gpDoctor)).isEmpty();
        assertThat(items(gpCoordinator)).isEmpty();
        assertThat(items(cardioDoctor)).isEmpty();
    }

    @Test
    void thePersonWhoActedIsNotToldOfItButTheirColleaguesAre() {
        // A referral within one organisation: the sender is of the recipient organisation.
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, GP)));

        assertThat(items(gpDoctor)).isEmpty();
        assertThat(notifications.unread(gpDoctor)).isZero();
        assertThat(items(gpCoordinator)).extracting(NotificationReadModel.Item::kind).containsExactly("referral-received");
    }

    @Test
    void readIsPerPersonAndReadAllLeavesNothingUnread() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)),
                log.by(GP, "tom.okafor", sent("r2", "GP-0002", GP, DERM)));
        String first = items(dermDoctor).get(1).id();

        assertThat(notifications.markRead(dermDoctor, first)).isTrue();

        assertThat(notifications.unread(dermDoctor)).isEqualTo(1);
        assertThat(notifications.unread(dermCoordinator)).isEqualTo(2);
        assertThat(notifications.page(dermDoctor, true, 0, 20).items()).extracting(NotificationReadModel.Item::referralId)
                .containsExactly("r2");
        assertThat(notifications.page(dermDoctor, false, 0, 20).items()).extracting(NotificationReadModel.Item::read)
                .containsExactly(false, true);

        notifications.markAllRead(dermCoordinator);
        assertThat(notifications.unread(dermCoordinator)).isZero();
        assertThat(notifications.unread(dermDoctor)).isEqualTo(1);
    }

    @Test
    void anotherOrganisationsNotificationCannotBeMarkedRead() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)));
        String dermOnly = items(dermDoctor).get(0).id();

        assertThat(notifications.markRead(cardioDoctor, dermOnly)).isFalse();
        assertThat(notifications.markRead(gpDoctor, dermOnly)).isFalse();
        assertThat(notifications.markRead(dermDoctor, "no-such-id")).isFalse();
        assertThat(notifications.unread(dermDoctor)).isEqualTo(1);
    }

    @Test
    void aPageIsNewestFirstWithTheTotalAndTheUnreadCount() {
        for (int i = 1; i <= 5; i++) {
            projections.deliver(log.by(GP, "tom.okafor", sent("r" + i, "GP-000" + i, GP, DERM)));
        }

        NotificationReadModel.Page second = notifications.page(dermDoctor, false, 1, 2);

        assertThat(second.items()).extracting(NotificationReadModel.Item::referralId).containsExactly("r3", "r2");
        assertThat(second.total()).isEqualTo(5);
        assertThat(second.unread()).isEqualTo(5);
        assertThat(second.page()).isEqualTo(1);
        assertThat(second.size()).isEqualTo(2);
    }

    @Test
    void aQuestionGoesToTheInitiatorAndItsAnswerToTheRecipient() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)),
                log.by(DERM, "priya.shah", new InformationRequested("r1", "p", "Which side?",
                        ReferralStatus.INFORMATION_REQUESTED)),
                log.by(GP, "tom.okafor", new InformationProvided("r1", "p", "Left arm", ReferralStatus.CREATED)));

        assertThat(items(gpCoordinator)).extracting(NotificationReadModel.Item::kind).containsExactly("question-asked");
        assertThat(items(dermCoordinator)).extracting(NotificationReadModel.Item::kind)
                .containsExactly("question-answered", "referral-received");
        // Clinical text stays out of notifications: they are mailed.
        assertThat(items(gpCoordinator).get(0).text()).doesNotContain("Which side");
    }

    @Test
    void aForwardTellsTheNewRecipientWhoThenHearsWhatTheInitiatorDoes() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)),
                log.by(DERM, "priya.shah", new ReferralForwarded("r1", "p", DERM, CARDIO, "Needs cardiology",
                        ReferralStatus.CREATED)),
                log.by(CARDIO, "lars.nyberg", new InformationRequested("r1", "p", "ECG?",
                        ReferralStatus.INFORMATION_REQUESTED)),
                log.by(GP, "tom.okafor", new InformationProvided("r1", "p", "Attached", ReferralStatus.CREATED)));

        assertThat(items(person(CARDIO, "hana.sato"))).extracting(NotificationReadModel.Item::kind)
                .containsExactly("question-answered", "referral-forwarded");
        assertThat(items(dermCoordinator)).extracting(NotificationReadModel.Item::kind)
                .containsExactly("referral-received");
    }

    @Test
    void theConsultReportAndAnInterimNoteGoToTheInitiator() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)),
                log.by(DERM, "priya.shah", new ReferralAccepted("r1", ReferralStatus.ACCEPTED)),
                log.by(DERM, "priya.shah", new InterimNoteSent("r1", "p", "Biopsy taken",
                        ReferralStatus.INTERIM_NOTE_SENT)),
                log.by(DERM, "priya.shah", new OutcomeSent("r1", "p", "Benign naevus", ReferralStatus.COMPLETED)));

        assertThat(items(gpCoordinator)).extracting(NotificationReadModel.Item::title)
                .containsExactly("Consult report sent", "Interim consult note sent");
        assertThat(items(gpCoordinator)).extracting(NotificationReadModel.Item::kind)
                .containsOnly("outcome-sent");
        assertThat(items(dermCoordinator)).extracting(NotificationReadModel.Item::kind)
                .containsExactly("referral-received");
    }

    @Test
    void aMissedSlaTellsBothOrganisations() {
        DomainEventMessage<Object> sent = log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM));
        projections.deliver(sent, log.byNoOne(new ReferralSlaMissed("r1", Instant.parse("2026-12-20T00:00:00Z"),
                ReferralStatus.CREATED)));

        assertThat(items(dermDoctor)).extracting(NotificationReadModel.Item::kind)
                .containsExactly("sla-missed", "referral-received");
        assertThat(items(gpDoctor)).extracting(NotificationReadModel.Item::kind).containsExactly("sla-missed");
    }

    @Test
    void aVisitChangeTellsTheOtherOrganisation() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)),
                log.by(DERM, "priya.shah", new ReferralAccepted("r1", ReferralStatus.ACCEPTED)),
                log.by(DERM, "ben.carter", new VisitScheduled("r1", "a1", 1, MONDAY_9, ReferralStatus.SCHEDULED)),
                log.by(DERM, "ben.carter", new NoShowRecorded("r1", "a1", 2, ReferralStatus.NO_SHOW)));

        List<NotificationReadModel.Item> gp = items(gpCoordinator);
        assertThat(gp).extracting(NotificationReadModel.Item::kind).containsOnly("appointment-changed").hasSize(2);
        assertThat(gp.get(1).text())
                .isEqualTo("The visit for referral GP-0001 (Dermatology consultation) was booked for 2026-12-07T09:00:00Z.");
        assertThat(gp.get(0).title()).isEqualTo("Visit missed");
        assertThat(items(dermDoctor)).extracting(NotificationReadModel.Item::kind).containsExactly("referral-received");
    }

    @Test
    void anAssignmentTellsOnlyTheAssignedPerson() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)),
                log.by(DERM, "ben.carter", new ReferralAssigned("r1", "priya.shah", "Dr Priya Shah",
                        ReferralStatus.CREATED)));

        assertThat(items(dermDoctor)).extracting(NotificationReadModel.Item::kind)
                .containsExactly("assigned", "referral-received");
        assertThat(items(dermCoordinator)).extracting(NotificationReadModel.Item::kind)
                .containsExactly("referral-received");
        assertThat(items(person(DERM, "maya.idris"))).extracting(NotificationReadModel.Item::kind)
                .containsExactly("referral-received");
    }

    @Test
    void noNotificationNamesThePatient() {
        projections.deliver(log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)),
                log.by(DERM, "priya.shah", new ReferralAccepted("r1", ReferralStatus.ACCEPTED)),
                log.by(DERM, "priya.shah", new OutcomeSent("r1", "p", "Benign", ReferralStatus.COMPLETED)));

        List<String> texts = ReadModelDatabase.jdbc().queryForList("SELECT title || ' ' || text FROM notification",
                String.class);
        assertThat(texts).hasSize(2).noneMatch(t -> t.contains("Ada") || t.contains("Lovelace"));
    }

    @Test
    void redeliveryWritesNothingNewAndARebuildKeepsIdsAndReadMarks() {
        List<DomainEventMessage<Object>> events = List.of(
                log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM)),
                log.by(DERM, "priya.shah", new InformationRequested("r1", "p", "?", ReferralStatus.INFORMATION_REQUESTED)));
        events.forEach(projections::deliver);
        events.forEach(projections::deliver);
        assertThat(rows()).isEqualTo(2);
        String read = items(dermCoordinator).get(0).id();
        notifications.markRead(dermCoordinator, read);

        projections.reset();
        assertThat(rows()).isZero();
        events.forEach(projections::deliver);

        assertThat(rows()).isEqualTo(2);
        assertThat(items(dermCoordinator)).extracting(NotificationReadModel.Item::id, NotificationReadModel.Item::read)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(read, true));
    }

    @Test
    void anEventOfAReferralNeverSentIsIgnored() {
        projections.deliver(log.by(DERM, "priya.shah", new OutcomeSent("unknown", "p", "x", ReferralStatus.COMPLETED)));

        assertThat(rows()).isZero();
    }

    private List<NotificationReadModel.Item> items(Actor actor) {
        return notifications.page(actor, false, 0, 100).items();
    }

    private static long rows() {
        Long count = ReadModelDatabase.jdbc().queryForObject("SELECT count(*) FROM notification", Long.class);
        return count == null ? 0 : count;
    }
}
