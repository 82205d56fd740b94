package dev.careloop.app.demo;

import dev.careloop.api.Patient;
import dev.careloop.api.PatientIds;
import dev.careloop.api.Actor;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.BookAppointment;
import dev.careloop.api.appointment.HandOffAppointment;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.record.DocumentType;
import dev.careloop.api.record.RecordContent;
import dev.careloop.api.record.ShareRecord;
import dev.careloop.api.referral.*;
import dev.careloop.app.security.DemoOrganisations;
import dev.careloop.command.messaging.ActorMetaData;
import dev.careloop.command.record.ContentStore;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The local profile's demo: the three organisations, and (on an empty log only) a handful of referrals
 * in several states and a few shared records, made through the same commands (and content store) as the
 * API, so they are in the log like any other.
 */
@Component
@Profile("local")
class DemoData {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    private final JdbcTemplate jdbc;
    private final ObjectProvider<CommandGateway> commands;
    private final ObjectProvider<ContentStore> contents;
    private final ObjectProvider<SlaPolicy> slas;
    private final boolean referrals;
    private final boolean commandSide;
    private final PatientIds patientIds;

    DemoData(JdbcTemplate jdbc, ObjectProvider<CommandGateway> commands, ObjectProvider<ContentStore> contents,
             ObjectProvider<SlaPolicy> slas, @Value("${careloop.demo-data:true}") boolean referrals,
             @Value("${careloop.sides:command,query}") String sides, PatientIds patientIds) {
        this.jdbc = jdbc;
        this.patientIds = patientIds;
        this.commands = commands;
        this.contents = contents;
        this.slas = slas;
        this.referrals = referrals;
        this.commandSide = sides.contains("command");
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed() {
        DemoOrganisations.IDS.forEach(id -> jdbc.update(
                "INSERT INTO organisation (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                id, DemoOrganisations.NAMES.get(id)));
        Long events = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
        if (!referrals || !commandSide || events == null || events > 0) {
            return;
        }
        Actor gp = staff("northside-gp");
        Actor derm = staff("riverside-derm");
        Actor cardio = staff("lakeside-cardio");
        Patient alex = patientIds.patient("https://northside-gp.example/mrn", "NG-1001", "Alex Morgan",
                LocalDate.of(1980, 4, 2));
        Patient sam = patientIds.patient("https://northside-gp.example/mrn", "NG-1002", "Sam Patel",
                LocalDate.of(1957, 11, 23));
        Patient jo = patientIds.patient("https://lakeside-cardio.example/mrn", "LC-2001", "Jo Nguyen",
                LocalDate.of(1991, 7, 14));

        // Waiting in riverside-derm's inbox.
        send(gp, "demo-1", alex, Priority.ROUTINE, "riverside-derm", "Dermatology consultation",
                "Changing pigmented lesion on the left forearm");
        // Accepted and scheduled.
        send(gp, "demo-2", sam, Priority.URGENT, "lakeside-cardio", "Cardiology assessment",
                "Exertional chest pain, abnormal ECG");
        run(cardio, new AcceptReferral(id("demo-2")));
        run(cardio, new ScheduleVisit(id("demo-2"), id("demo-2-visit"), new Appointment(inDays(5), inDays(5).plus(Duration
                .ofMinutes(45)), "Lakeside Cardiology, clinic 2")));
        // On hold: the recipient asked a question.
        send(cardio, "demo-3", jo, Priority.ROUTINE, "riverside-derm", "Dermatology opinion",
                "Rash since starting a new medication");
        run(derm, new RequestInformation(id("demo-3"), "Which medication, and since when?"));
        // The referring clinic shares the discharge summary with the scheduled referral's cardiologists.
        share(gp, "demo-record-1", "demo-2", null, List.of(), new DocumentType("18842-5", "Discharge summary"),
                "Discharge summary, chest pain admission", "text/markdown",
                "# Discharge summary\n\nAdmitted with exertional chest pain; troponin negative. ECG: ST depression "
                        + "in V4-V6 on exertion. Discharged on aspirin and a GTN spray.\n", 60);
        // Completed and acknowledged: the loop is closed; the outcome comes with the Holter report as a record.
        send(gp, "demo-4", alex, Priority.ROUTINE, "lakeside-cardio", "Cardiology review",
                "Palpitations");
        run(cardio, new AcceptReferral(id("demo-4")));
        share(cardio, "demo-record-2", "demo-4", null, List.of(), new DocumentType("11524-6", "EKG study"),
                "24-hour Holter monitor report", "text/plain",
                "24-hour Holter: sinus rhythm throughout, occasional isolated ventricular ectopics (<1%). "
                        + "No pauses, no arrhythmia.\n", 90);
        run(cardio, new SendOutcome(id("demo-4"), "Holter monitor normal; no treatment needed.",
                List.of(id("demo-record-2"))));
        run(gp, new AcknowledgeOutcome(id("demo-4")));
        // Declined.
        send(gp, "demo-5", sam, Priority.ASAP, "riverside-derm", "Dermatology consultation",
                "Suspected shingles");
        run(derm, new DeclineReferral(id("demo-5"), "Please manage in primary care; antivirals within 72h"));
        // Shared on its own, not with a referral: a lab report for the dermatologists.
        share(gp, "demo-record-3", null, alex, List.of("riverside-derm"), new DocumentType("11502-2",
                "Laboratory report"), "Full blood count and CRP", "text/plain",
                "FBC: Hb 138 g/L, WCC 7.2, platelets 251. CRP 3 mg/L.\n", 30);
        // Overdue: an urgent referral typed in from a letter that arrived a day before its triage deadline ran out
        // (careloop.sla.urgent); the deadline counts from the letter, so it has already passed: ?overdue=true.
        SlaPolicy sla = slas.getObject();
        Patient robin = patientIds.patient("https://northside-gp.example/mrn", "NG-1003", "Robin Hale",
                LocalDate.of(1949, 2, 17));
        Instant letterArrived = Instant.now().minus(sla.of(Priority.URGENT)).minus(Duration.ofDays(1))
                .truncatedTo(ChronoUnit.HOURS);
        run(gp, new SendReferral(id("demo-6"), "DEMO-6", "riverside-derm", robin, Priority.URGENT,
                "Dermatology consultation", "Rapidly growing nodule on the scalp, bleeds on contact", null,
                sla.dueAt(Priority.URGENT, letterArrived)));
        // A transition of care: riverside books Alex's wound check, then hands it to the GP nearer home. Riverside
        // names the patient by its own MRN: an organisation asserts identifiers only in the systems it owns.
        Patient alexAtRiverside = patientIds.patient("https://riverside-derm.example/mrn", "RD-3001", "Alex Morgan",
                LocalDate.of(1980, 4, 2));
        run(derm, new BookAppointment(id("demo-appointment-1"), null, alexAtRiverside, new Slot(inDays(3),
                inDays(3).plus(Duration.ofMinutes(20))), "Riverside Dermatology, room 3", "Post-excision wound check"));
        run(derm, new HandOffAppointment(id("demo-appointment-1"), "northside-gp", "closer to the patient's home"));
        log.info("Demo data: 6 referrals (one overdue), 3 shared records and a handed-off appointment seeded");
    }

    private void send(Actor from, String key, Patient patient, Priority priority, String to, String service,
                      String reason) {
        run(from, new SendReferral(id(key), key.toUpperCase(), to, patient, priority, service, reason, null,
                slas.getObject().dueAt(priority)));
    }

    /** Uploads the content as {@code author}'s organisation and shares it (with the referral, when named). */
    private void share(Actor author, String key, String referralKey, Patient patient, List<String> recipients,
                       DocumentType type, String title, String mediaType, String text, int days) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        RecordContent content = contents.getObject().store(author.organisation(), sha256(bytes), mediaType,
                bytes.length, new ByteArrayInputStream(bytes)).content();
        run(author, new ShareRecord(id(key), referralKey == null ? null : id(referralKey), patient,
                Set.copyOf(recipients), type, title, null, content, PurposeOfUse.TREATMENT, inDays(days)));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void run(Actor actor, Object command) {
        commands.getObject().sendAndWait(GenericCommandMessage.asCommandMessage(command)
                .andMetaData(ActorMetaData.of(actor)));
    }

    private static String id(String key) {
        return java.util.UUID.nameUUIDFromBytes(key.getBytes()).toString();
    }

    private static Instant inDays(int days) {
        return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
    }

    private static Actor staff(String org) {
        return new Actor(org + "-staff", org, Set.of(Actor.CLINICIAN, Actor.COORDINATOR), "careloop-demo", null);
    }
}
