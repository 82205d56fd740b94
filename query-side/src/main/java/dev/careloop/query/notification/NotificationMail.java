package dev.careloop.query.notification;

import dev.careloop.api.referral.ReferralEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.MailSender;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Notifications by mail, when a mail server is configured (spring.mail.host), to the addresses configured per
 * organisation and per person. Its own processing group, after the "notifications" group: it sends the rows that
 * group wrote for each event, so a mail server that fails dead-letters and retries this group's event, never the
 * projection. A group started on an existing log reads it from the beginning: events older than {@code max-age} are
 * not mailed.
 */
@Component
@ConditionalOnProperty("spring.mail.host")
@EnableConfigurationProperties(NotificationMail.Settings.class)
@ProcessingGroup(NotificationMail.GROUP)
class NotificationMail {

    static final String GROUP = "notification-mail";
    private static final Logger log = LoggerFactory.getLogger(NotificationMail.class);

    /** careloop.notifications.mail: the sender, the addresses by organisation id and by person (subject). */
    @ConfigurationProperties("careloop.notifications.mail")
    record Settings(String from, Map<String, String> organisations, Map<String, String> persons, Duration maxAge,
                    Duration projectionWait) {

        Settings {
            from = from == null || from.isBlank() ? "careloop@localhost" : from;
            organisations = organisations == null ? Map.of() : Map.copyOf(organisations);
            persons = persons == null ? Map.of() : Map.copyOf(persons);
            maxAge = maxAge == null ? Duration.ofHours(24) : maxAge;
            projectionWait = projectionWait == null ? Duration.ofSeconds(5) : projectionWait;
        }

        String addressOf(NotificationRow row) {
            return row.person() != null ? persons.get(row.person()) : organisations.get(row.organisation());
        }
    }

    /** The projection has not written this event's notifications yet: dead-lettered and tried again. */
    static final class NotYetProjected extends RuntimeException {
        NotYetProjected(String eventId) {
            super("the notifications of event " + eventId + " are not projected yet");
        }
    }

    private final MailSender mail;
    private final JdbcTemplate jdbc;
    private final Settings settings;
    private final Clock clock;

    @Autowired
    NotificationMail(MailSender mail, JdbcTemplate jdbc, Settings settings) {
        this(mail, jdbc, settings, Clock.systemUTC());
    }

    NotificationMail(MailSender mail, JdbcTemplate jdbc, Settings settings, Clock clock) {
        this.mail = mail;
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
    }

    @EventHandler
    void on(ReferralEvent e, DomainEventMessage<?> message) throws InterruptedException {
        if (message.getTimestamp().isBefore(clock.instant().minus(settings.maxAge()))) {
            return;
        }
        awaitProjected(e.referralId(), message);
        List<NotificationRow> rows = jdbc.query("SELECT * FROM notification WHERE event_id = ? ORDER BY id",
                (rs, i) -> NotificationRow.TABLE.reader().read(rs), message.getIdentifier());
        for (NotificationRow row : rows) {
            String address = settings.addressOf(row);
            if (address == null || address.isBlank()) {
                continue;
            }
            SimpleMailMessage m = new SimpleMailMessage();
            m.setFrom(settings.from());
            m.setTo(address);
            m.setSubject("CareLoop: " + row.title());
            m.setText(row.text() + "\n\nOpen CareLoop to see the referral.\n");
            mail.send(m);
            log.info("Notification {} ({}) mailed for {}", row.id(), row.kind(),
                    row.person() != null ? "a person of " + row.organisation() : row.organisation());
        }
    }

    /**
     * Waits (bounded) until the projection has applied this event of the referral; every notifying event is a
     * referral's, and the projection keeps each referral's last applied sequence.
     */
    private void awaitProjected(String referralId, DomainEventMessage<?> message) throws InterruptedException {
        long deadline = System.nanoTime() + settings.projectionWait().toNanos();
        long pause = 10;
        while (true) {
            List<Long> version = jdbc.queryForList(
                    "SELECT version FROM notification_referral WHERE referral_id = ?", Long.class, referralId);
            if (!version.isEmpty() && version.get(0) >= message.getSequenceNumber()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new NotYetProjected(message.getIdentifier());
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 200);
        }
    }
}
