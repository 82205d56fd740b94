package dev.careloop.app.privacy;

import dev.careloop.api.Actor;
import dev.careloop.api.CarriesPatient;
import dev.careloop.api.Patient;
import dev.careloop.api.PatientIds;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentProposed;
import dev.careloop.api.appointment.RekeyAppointmentPatient;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.record.RecordShared;
import dev.careloop.api.record.RekeyRecordPatient;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.RekeyReferralPatient;
import dev.careloop.command.web.Commands;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Moves patients named by the unkeyed id (UUIDv3 of system|value, in events written before ids were keyed) to the
 * keyed id, by events, never by rewriting the log: each referral, shared record and appointment whose patient is
 * still named by an unkeyed id gets a {@link PatientRekeyed} appended to its own stream, through a command to the
 * aggregate.
 *
 * <p>Why in each aggregate's stream rather than one event in a stream of the patient's: the aggregate itself must
 * change (its later events name the patient, and seal clinical text under the patient's key), every processor
 * sequences by aggregate, so the re-keying is applied in the aggregate's own order after the events it corrects,
 * even in a rebuild where segments run apart; and FHIR resources, whose versions are the aggregate's, get a new
 * version that partners receive like any other change. A patient stream would be ordered against nothing.
 *
 * <p>The old id is checked, not assumed: the migration reads the aggregate's first event naming the patient
 * (unsealing it under the old id's key), and re-keys only if the old id is exactly the unkeyed id of that identifier;
 * a patient erased before the migration can no longer be read and keeps the old id. Idempotent (an aggregate already
 * re-keyed has a PatientRekeyed and is not selected; its command handler also appends nothing twice), resumable
 * after a kill -9 (each aggregate is its own transaction; the next run selects what is left) and run by one node at a
 * time (a PostgreSQL session advisory lock, released if that node dies).
 */
@Service
public class PatientRekeying {

    private static final Logger log = LoggerFactory.getLogger(PatientRekeying.class);
    /** The advisory lock's key (session level, on a connection held for the run). */
    private static final String LOCK = "careloop-patient-rekey";
    /** The platform acting on its own: the migration's events carry this actor. */
    static final Actor PLATFORM = new Actor("careloop-patient-id-migration", "careloop", Set.of(Actor.ADMIN),
            "careloop", PurposeOfUse.OPERATIONS);
    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final EventStore events;
    private final CommandGateway commands;
    private final PatientIds patientIds;
    private final PatientErasure erasure;
    private final boolean atStart;

    PatientRekeying(DataSource dataSource, JdbcTemplate jdbc, EventStore events, CommandGateway commands,
                    PatientIds patientIds, PatientErasure erasure,
                    @Value("${careloop.privacy.rekey-at-start:true}") boolean atStart) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.events = events;
        this.commands = commands;
        this.patientIds = patientIds;
        this.erasure = erasure;
        this.atStart = atStart;
    }

    /**
     * What a run did: {@code aggregates} re-keyed, for {@code patients} distinct patients; {@code erased}: aggregates
     * whose patient was erased before the migration could read them, left under the unkeyed id; {@code
     * notUnkeyed}: aggregates whose id only looks unkeyed (not the unkeyed id of their identifier), left alone;
     * {@code erasedUnderKeyedId}: patients erased by their keyed id before the migration found their old events,
     * whose unkeyed id was then erased too.
     */
    public record Report(int aggregates, int patients, int erased, int notUnkeyed, int erasedUnderKeyedId) {
    }

    private record Candidate(String aggregateId, String aggregateType) {
    }

    /** At start, off the start-up thread: a large old log must not hold the node back from serving. */
    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        if (!atStart) {
            return;
        }
        Thread migration = new Thread(() -> {
            try {
                run(PLATFORM).ifPresent(report -> {
                    if (report.aggregates() + report.erased() + report.notUnkeyed() > 0) {
                        log.info("Patient ids: re-keyed {} referrals, records and appointments of {} patients from "
                                        + "unkeyed to keyed ids ({} left: patient erased, {} left: not an unkeyed id; "
                                        + "{} erased by the keyed id lost their unkeyed id too)",
                                report.aggregates(), report.patients(), report.erased(), report.notUnkeyed(),
                                report.erasedUnderKeyedId());
                    }
                });
            } catch (RuntimeException e) {
                // The next start, or an administrator (POST /api/admin/patients/rekey), takes it up where it stopped.
                log.error("Patient ids: the migration to keyed ids stopped; it resumes at the next run", e);
            }
        }, "careloop-patient-rekey");
        migration.setDaemon(true);
        migration.start();
    }

    /** Runs the migration unless another node is running it (then empty). */
    public Optional<Report> run(Actor actor) {
        try (Connection lock = dataSource.getConnection()) {
            if (!advisoryLock(lock, "SELECT pg_try_advisory_lock(hashtext(?))")) {
                return Optional.empty();
            }
            try {
                return Optional.of(migrate(actor));
            } finally {
                advisoryLock(lock, "SELECT pg_advisory_unlock(hashtext(?))");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the patient-id migration's lock", e);
        }
    }

    private static boolean advisoryLock(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, LOCK);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private Report migrate(Actor actor) {
        int aggregates = 0;
        int erased = 0;
        int notUnkeyed = 0;
        Set<String> patients = new HashSet<>();
        Set<String> erasedUnderKeyedId = new HashSet<>();
        for (Candidate candidate : candidates()) {
            Patient patient = firstPatient(candidate.aggregateId());
            if (patient == null) {
                notUnkeyed++;
                continue;
            }
            String oldId = patient.patientId();
            if (patient.isErased()) {
                // Unreadable now; re-keyed only if this run (or one before it) already learnt the keyed id.
                String known = keyedIdOf(oldId);
                if (known == null) {
                    erased++;
                } else if (rekey(candidate, oldId, known, actor)) {
                    aggregates++;
                    patients.add(oldId);
                }
                continue;
            }
            if (!PatientIds.unkeyedIdFor(patient.identifierSystem(), patient.identifierValue()).equals(oldId)) {
                notUnkeyed++;
                continue;
            }
            String newId = patientIds.idFor(patient.identifierSystem(), patient.identifierValue());
            if (erasedAlready(newId)) {
                // Erased by the keyed id while these old events were still readable under the old one: erase that
                // too (before the alias exists, so only the old id is erased now; the keyed one already was).
                erasure.erase(oldId, "the patient was erased by the keyed id " + newId
                        + " before the patient-id migration found events naming the unkeyed id", actor);
                erasedUnderKeyedId.add(oldId);
            }
            // Ahead of the events, so an erasure by either id from now on finds the other.
            jdbc.update("INSERT INTO patient_id_alias (old_patient_id, new_patient_id) VALUES (?, ?) "
                    + "ON CONFLICT (old_patient_id) DO NOTHING", oldId, newId);
            if (rekey(candidate, oldId, newId, actor)) {
                aggregates++;
                patients.add(oldId);
            }
        }
        return new Report(aggregates, patients.size(), erased, notUnkeyed, erasedUnderKeyedId.size());
    }

    private String keyedIdOf(String unkeyedId) {
        return jdbc.query("SELECT new_patient_id FROM patient_id_alias WHERE old_patient_id = ?",
                rs -> rs.next() ? rs.getString(1) : null, unkeyedId);
    }

    private boolean erasedAlready(String patientId) {
        return Boolean.TRUE.equals(jdbc.query("SELECT erased_at IS NOT NULL FROM patient_key WHERE patient_id = ?",
                rs -> rs.next() && rs.getBoolean(1), patientId));
    }

    /**
     * Aggregates whose first event naming a patient names it by a version 3 UUID (the unkeyed form; keyed ids are
     * version 8) and that were not re-keyed yet. Reads the id from the payload as JSON (not jsonb: an old payload
     * may hold an escaped NUL, which jsonb refuses); the sealed identity stays sealed.
     */
    private List<Candidate> candidates() {
        return jdbc.query("""
                SELECT DISTINCT ON (e.aggregate_identifier) e.aggregate_identifier, e.type
                  FROM domain_event_entry e
                 WHERE e.payload_type IN (?, ?, ?, ?)
                   AND substr(convert_from(e.payload, 'UTF8')::json #>> '{patient,patientId}', 15, 1) = '3'
                   AND NOT EXISTS (SELECT 1 FROM domain_event_entry r
                                    WHERE r.aggregate_identifier = e.aggregate_identifier AND r.payload_type = ?)
                 ORDER BY e.aggregate_identifier, e.sequence_number""",
                (rs, n) -> new Candidate(rs.getString(1), rs.getString(2)),
                ReferralSent.class.getName(), RecordShared.class.getName(), AppointmentBooked.class.getName(),
                AppointmentProposed.class.getName(), PatientRekeyed.class.getName());
    }

    /** The patient as the aggregate's first event naming one has it (unsealed with the old id's key). */
    private Patient firstPatient(String aggregateId) {
        DomainEventStream stream = events.readEvents(aggregateId, 0);
        while (stream.hasNext()) {
            if (stream.next().getPayload() instanceof CarriesPatient carries && carries.patient() != null) {
                return carries.patient();
            }
        }
        return null;
    }

    /** Answers whether the aggregate appended PatientRekeyed (false: it had been re-keyed already). */
    private boolean rekey(Candidate candidate, String oldId, String newId, Actor actor) {
        Object command = switch (String.valueOf(candidate.aggregateType())) {
            case "Referral" -> new RekeyReferralPatient(candidate.aggregateId(), oldId, newId);
            case "SharedRecord" -> new RekeyRecordPatient(candidate.aggregateId(), oldId, newId);
            case "AppointmentHandoff" -> new RekeyAppointmentPatient(candidate.aggregateId(), oldId, newId);
            default -> throw new IllegalStateException("no patient to re-key in a " + candidate.aggregateType());
        };
        for (int attempt = 1; ; attempt++) {
            try {
                Object changed = commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                        .andMetaData(Commands.metaDataFor(actor)));
                return Boolean.TRUE.equals(changed);
            } catch (RuntimeException e) {
                // A clinician's command appended to the same aggregate first: load it again and decide again.
                if (attempt == ATTEMPTS || !(e instanceof ConcurrencyException
                        || e.getCause() instanceof ConcurrencyException)) {
                    throw e;
                }
            }
        }
    }
}
