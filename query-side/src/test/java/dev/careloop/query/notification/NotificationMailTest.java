package dev.careloop.query.notification;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralAssigned;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.query.ReadModelDatabase;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static dev.careloop.query.notification.NotificationLog.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Notifications by mail through a real SMTP server (GreenMail), after the projection wrote them. */
class NotificationMailTest {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());

    private static final NotificationMail.Settings SETTINGS = new NotificationMail.Settings("careloop@careloop.example",
            Map.of(DERM, "referrals@riverside-derm.example", GP, "referrals@northside-gp.example"),
            Map.of("priya.shah", "priya.shah@riverside-derm.example"), Duration.ofHours(24), Duration.ofMillis(300));

    private final ReadModelDatabase.Projections projection = NotificationLog.projections(
            new NotificationProjection(ReadModelDatabase.stores()));
    private final NotificationLog log = new NotificationLog();
    private AnnotationEventHandlerAdapter mail;

    @BeforeEach
    void startEmpty() {
        NotificationLog.emptyTables();
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("localhost");
        sender.setPort(SMTP.getSmtp().getPort());
        mail = mailer(sender, SETTINGS);
    }

    @Test
    void aReferralReceivedIsMailedToTheRecipientOrganisationsAddressWithoutThePatient() throws Exception {
        DomainEventMessage<Object> sent = log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM));
        projection.deliver(sent);

        mail.handle(sent);

        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("referrals@riverside-derm.example");
        assertThat(received[0].getSubject()).isEqualTo("CareLoop: Referral received");
        String body = GreenMailUtil.getBody(received[0]);
        assertThat(body).contains("Referral GP-0001 (Dermatology consultation) was sent to your organisation.")
                .doesNotContain(PATIENT_NAME);
    }

    @Test
    void anAssignmentIsMailedToThePersonsOwnAddress() throws Exception {
        DomainEventMessage<Object> sent = log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM));
        DomainEventMessage<Object> assigned = log.by(DERM, "ben.carter",
                new ReferralAssigned("r1", "priya.shah", "Dr Priya Shah", ReferralStatus.CREATED));
        projection.deliver(sent, assigned);

        mail.handle(assigned);

        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("priya.shah@riverside-derm.example");
        assertThat(received[0].getSubject()).isEqualTo("CareLoop: Referral assigned to you");
    }

    @Test
    void anEventThatNotifiesNobodySendsNothing() throws Exception {
        DomainEventMessage<Object> sent = log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM));
        DomainEventMessage<Object> accepted = log.by(DERM, "priya.shah", new ReferralAccepted("r1",
                ReferralStatus.ACCEPTED));
        projection.deliver(sent, accepted);

        mail.handle(accepted);

        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void anEventTheProjectionHasNotWrittenYetFailsSoThatItIsRetried() {
        DomainEventMessage<Object> sent = log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM));
        DomainEventMessage<Object> outcome = log.by(DERM, "priya.shah", new OutcomeSent("r1", "p", "Benign",
                ReferralStatus.COMPLETED));
        projection.deliver(sent);

        assertThatThrownBy(() -> mail.handle(outcome)).isInstanceOf(NotificationMail.NotYetProjected.class);
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void aMailServerThatFailsFailsTheEventSoThatItIsRetried() {
        JavaMailSenderImpl nowhere = new JavaMailSenderImpl();
        nowhere.setHost("localhost");
        nowhere.setPort(1);
        DomainEventMessage<Object> sent = log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM));
        projection.deliver(sent);

        assertThatThrownBy(() -> mailer(nowhere, SETTINGS).handle(sent)).isInstanceOf(MailSendException.class);
    }

    @Test
    void anOldEventIsNotMailed() throws Exception {
        DomainEventMessage<Object> sent = log.by(GP, "tom.okafor", sent("r1", "GP-0001", GP, DERM));
        projection.deliver(sent);
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("localhost");
        sender.setPort(SMTP.getSmtp().getPort());
        Clock twoDaysLater = Clock.fixed(sent.getTimestamp().plus(Duration.ofDays(2)), ZoneOffset.UTC);

        new AnnotationEventHandlerAdapter(new NotificationMail(sender, ReadModelDatabase.jdbc(), SETTINGS,
                twoDaysLater)).handle(sent);

        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    private AnnotationEventHandlerAdapter mailer(JavaMailSenderImpl sender, NotificationMail.Settings settings) {
        // The log's clock is early December 2026: "now" is an hour after its events.
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
        return new AnnotationEventHandlerAdapter(new NotificationMail(sender, ReadModelDatabase.jdbc(), settings,
                clock));
    }
}
