package dev.careloop.command.record;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.access.AccessDecision;
import dev.careloop.api.access.AccessPolicy;
import dev.careloop.api.access.Relationship;
import dev.careloop.api.record.AmendRecord;
import dev.careloop.api.record.DiscloseRecord;
import dev.careloop.api.record.EmergencyAccessReviewed;
import dev.careloop.api.record.EmergencyAccessUsed;
import dev.careloop.api.record.FollowReferralForward;
import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.GrantRecordAccess;
import dev.careloop.api.record.RecordAccessGranted;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordAmended;
import dev.careloop.api.record.RecordContent;
import dev.careloop.api.record.RecordDisclosed;
import dev.careloop.api.record.RecordShared;
import dev.careloop.api.record.ReviewEmergencyAccess;
import dev.careloop.api.record.RekeyRecordPatient;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.record.RevokeRecordAccess;
import dev.careloop.api.record.ShareRecord;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A clinical document one clinic shares with others under consent: versions of its content (all kept),
 * one grant per recipient organisation (revocable), and a period after which every grant expires. Consent
 * is decided when content is read: each allowed read is a RecordDisclosed event, committed before the
 * content is streamed, so a revocation that committed first is always seen.
 * Handlers return the record's revision (see {@link #revision}).
 */
@Aggregate(cache = "sharedRecordCache")
class SharedRecord {

    static final String EXPIRY_DEADLINE = "record-access-expiry";
    private static final Set<String> STAFF = Set.of(Actor.CLINICIAN, Actor.COORDINATOR);

    @AggregateIdentifier
    private String recordId;
    private String author;
    /** Whose key seals the clinical text of this record's events. */
    private String patientId;
    private Instant validUntil;
    private boolean expired;
    private final Map<String, Boolean> revokedByRecipient = new HashMap<>();
    /** Recipients whose access the author withdrew: a forward never gives it back. */
    private final Set<String> withdrawn = new HashSet<>();
    private final List<RecordContent> versions = new ArrayList<>();
    /** The title of each version (an amendment without one keeps the one before). */
    private final List<String> titles = new ArrayList<>();
    /** The purposes every grant of this record allows. */
    private Set<String> purposes = Set.of();
    /** Break-the-glass accesses by id: whether the owner has reviewed each. */
    private final Map<String, Boolean> emergencyReviewed = new HashMap<>();
    /** Shares, amendments, revocations and expiry: what If-Match and ETag compare. Disclosures do not count. */
    private long revision;

    protected SharedRecord() {
        // for Axon
    }

    /** Created by {@link RecordSharing}, which also attaches the record to its referral in the same unit of work. */
    SharedRecord(ShareRecord cmd, Set<String> recipients, Patient patient, Actor actor, DeadlineManager deadlines) {
        requireStaff(actor, "share a record");
        Rules.require(!recipients.isEmpty(), "recipients", "name at least one organisation to share the record with");
        Rules.require(!recipients.contains(actor.organisation()), "recipients",
                "a clinic cannot share a record with itself");
        apply(new RecordShared(cmd.recordId(), cmd.referralId(), actor.organisation(), patient, recipients,
                cmd.documentType(), cmd.title(), cmd.description(), cmd.content(), cmd.purpose(), cmd.validUntil(),
                cmd.purposes()));
        // Named explicitly: the creating handler runs in RecordSharing, not in this record's scope.
        deadlines.schedule(cmd.validUntil(), EXPIRY_DEADLINE, null,
                new AggregateScopeDescriptor(SharedRecord.class.getSimpleName(), cmd.recordId()));
    }

    @CommandHandler
    long handle(AmendRecord cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        requireAuthor(actor, "amend", expected);
        RecordContent current = versions.get(versions.size() - 1);
        Rules.conflictUnless(!current.sha256().equals(cmd.content().sha256()),
                "this content is already version " + versions.size() + " of the record");
        apply(new RecordAmended(recordId, patientId, versions.size() + 1, cmd.content(), cmd.title(), cmd.description(),
                cmd.reason()));
        return revision;
    }

    /**
     * One more recipient, on the share's terms; also gives back access the author withdrew (a forward never does).
     * A grant to a recipient whose access is active, or after the record expired, changes nothing and says so.
     */
    @CommandHandler
    long handle(GrantRecordAccess cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        requireAuthor(actor, "share", expected);
        Rules.require(!cmd.organisation().equals(author), "organisation", "a clinic cannot share a record with itself");
        Rules.conflictUnless(!Boolean.FALSE.equals(revokedByRecipient.get(cmd.organisation())),
                cmd.organisation() + " can already read the record");
        Rules.conflictUnless(!expired, "access to the record already expired on " + validUntil);
        boolean anyoneCouldRead = revokedByRecipient.containsValue(false);
        apply(new RecordAccessGranted(recordId, patientId, cmd.organisation(), null, cmd.reason()));
        if (!anyoneCouldRead) {
            // The expiry deadline was cancelled when the last grant ended: a grant again, so an expiry again.
            deadlines.schedule(validUntil, EXPIRY_DEADLINE, null,
                    new AggregateScopeDescriptor(SharedRecord.class.getSimpleName(), recordId));
        }
        return revision;
    }

    @CommandHandler
    long handle(RevokeRecordAccess cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        requireAuthor(actor, "revoke access to", expected);
        Boolean revoked = revokedByRecipient.get(cmd.organisation());
        Rules.require(revoked != null, "organisation",
                "the record was never shared with " + cmd.organisation());
        Rules.conflictUnless(!revoked, "access of " + cmd.organisation() + " was already revoked");
        Rules.conflictUnless(!expired, "access to the record already expired on " + validUntil);
        apply(new RecordAccessRevoked(recordId, patientId, cmd.organisation(), cmd.reason()));
        if (!revokedByRecipient.containsValue(false)) {
            // Nobody is left whose access could expire.
            deadlines.cancelAllWithinScope(EXPIRY_DEADLINE);
        }
        return revision;
    }

    /**
     * The referral this record is attached to went from {@code from} to {@code to} (sent by
     * {@link ReferralForwarding} in the forward's transaction): {@code from}'s grant ends, unless it wrote the
     * record; {@code to} gets a grant on the share's terms, unless it wrote the record, already has one, or the author
     * withdrew its access. An expired record changes no more.
     */
    @CommandHandler
    void handle(FollowReferralForward cmd, DeadlineManager deadlines) {
        if (expired) {
            return;
        }
        String referralId = cmd.referralId();
        String from = cmd.from();
        String to = cmd.to();
        boolean anyoneCouldRead = revokedByRecipient.containsValue(false);
        if (Boolean.FALSE.equals(revokedByRecipient.get(from))) {
            apply(new RecordAccessRevoked(recordId, patientId, from, "the referral was forwarded to " + to,
                    referralId));
        }
        if (!to.equals(author) && !Boolean.FALSE.equals(revokedByRecipient.get(to)) && !withdrawn.contains(to)) {
            apply(new RecordAccessGranted(recordId, patientId, to, referralId,
                    "the referral was forwarded to " + to + " by " + from));
            if (!anyoneCouldRead) {
                // The expiry deadline was cancelled when the last grant ended: a grant again, so an expiry again.
                deadlines.schedule(validUntil, EXPIRY_DEADLINE, null,
                        new AggregateScopeDescriptor(SharedRecord.class.getSimpleName(), recordId));
            }
        }
    }

    /**
     * Consent is {@link AccessPolicy#recordRead}: the author always; a recipient while its grant is active at
     * {@code at}, for a purpose the grant allows; a clinician outside consent by breaking the glass, where its
     * organisation allows it. Anything else is an {@link AccessDenied}: a 404 for the caller, the reason for the
     * audit.
     */
    @CommandHandler
    Disclosure handle(DiscloseRecord cmd, Actor actor, BreakGlassSettings breakGlass) {
        String org = actor.organisation();
        Relationship relationship = relationshipOf(org, cmd.at());
        AccessDecision decision = AccessPolicy.recordRead(actor.roles(), relationship, cmd.purposeOfUse(),
                relationship == Relationship.PARTY ? purposes : Set.of(), breakGlass.enabledFor(org),
                cmd.emergencyJustification());
        if (decision.outcome() == AccessDecision.Outcome.INVALID) {
            throw new Rules.InvalidField(decision.rule().equals("unknown-purpose") ? "X-Purpose-Of-Use"
                    : "X-Break-Glass-Reason", decision.reason());
        }
        if (!decision.allowed()) {
            throw new AccessDenied(decision.rule().equals("access-ended") || decision.rule().equals("no-relationship")
                    ? whyNoConsent(org, cmd.at()) : decision.reason());
        }
        int version = cmd.version() == null ? versions.size() : cmd.version();
        if (version < 1 || version > versions.size()) {
            throw new AccessDenied("the record has no version " + version);
        }
        RecordContent content = versions.get(version - 1);
        if (decision.outcome() == AccessDecision.Outcome.EMERGENCY) {
            apply(new EmergencyAccessUsed(recordId, patientId, UUID.randomUUID().toString(), author, org,
                    actor.userId(), version, cmd.emergencyJustification(), cmd.at()));
        }
        apply(new RecordDisclosed(recordId, org, cmd.purposeOfUse(), version, content.sha256(), content.size(),
                cmd.at()));
        return new Disclosure(version, content, titles.get(version - 1), patientId);
    }

    /** The owner's compliance officer marks a break-the-glass access reviewed (once). */
    @CommandHandler
    long handle(ReviewEmergencyAccess cmd, Actor actor) {
        if (!actor.actsFor(author)) {
            throw Refusal.notFound("emergency access");
        }
        Boolean reviewed = emergencyReviewed.get(cmd.accessId());
        if (reviewed == null) {
            throw Refusal.notFound("emergency access");
        }
        if (!actor.hasAnyRole(Set.of(Actor.COMPLIANCE))) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "only a compliance officer can review an emergency access");
        }
        Rules.conflictUnless(!reviewed, "this emergency access was already reviewed");
        apply(new EmergencyAccessReviewed(recordId, patientId, cmd.accessId(), actor.userId(), cmd.note()));
        return revision;
    }

    private Relationship relationshipOf(String org, Instant at) {
        if (org.equals(author)) {
            return Relationship.OWNER;
        }
        Boolean revoked = revokedByRecipient.get(org);
        if (revoked == null) {
            return Relationship.NONE;
        }
        return revoked || expired || !at.isBefore(validUntil) ? Relationship.FORMER_PARTY : Relationship.PARTY;
    }

    /** For the audit: why {@code org} has no consent (the caller is told only "no such record"). */
    private String whyNoConsent(String org, Instant at) {
        Boolean revoked = revokedByRecipient.get(org);
        if (revoked == null) {
            return "the record was not shared with " + org;
        }
        if (revoked) {
            return "access of " + org + " was revoked";
        }
        return "access expired on " + validUntil;
    }

    @DeadlineHandler(deadlineName = EXPIRY_DEADLINE)
    void accessPeriodEnded() {
        if (!expired && revokedByRecipient.containsValue(false)) {
            apply(new RecordAccessExpired(recordId, validUntil));
        }
    }

    /** {@code verb}: "amend", as in "only the organisation that shared the record can amend it". */
    private void requireAuthor(Actor actor, String verb, Long expectedVersion) {
        if (!actor.actsFor(author)) {
            Boolean revoked = revokedByRecipient.get(actor.organisation());
            if (revoked == null || revoked || expired) {
                throw Refusal.notFound("record");
            }
            throw new Refusal(Refusal.Kind.FORBIDDEN, "only the organisation that shared the record can " + verb
                    + " it");
        }
        requireStaff(actor, verb + " a shared record");
        Rules.requireVersion("record", expectedVersion, revision);
    }

    private static void requireStaff(Actor actor, String action) {
        if (!actor.hasAnyRole(STAFF)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "only clinicians or coordinators can " + action);
        }
    }

    /**
     * The patient-id migration: from now on the record names its patient by the keyed id. Not a change of the record
     * (its revision, If-Match and ETag stay). Answers whether it changed anything; a second run appends nothing.
     */
    @CommandHandler
    boolean handle(RekeyRecordPatient cmd) {
        if (patientId == null || !patientId.equals(cmd.oldPatientId())) {
            return false;
        }
        apply(new PatientRekeyed(recordId, cmd.oldPatientId(), cmd.newPatientId()));
        return true;
    }

    @EventSourcingHandler
    void on(PatientRekeyed e) {
        patientId = e.applyTo(patientId);
    }

    @EventSourcingHandler
    void on(RecordShared e) {
        recordId = e.recordId();
        patientId = e.patientId();
        author = e.authorOrganisation();
        validUntil = e.validUntil();
        e.recipients().forEach(r -> revokedByRecipient.put(r, false));
        purposes = e.purposes();
        versions.add(e.content());
        titles.add(e.title());
        revision = 1;
    }

    @EventSourcingHandler
    void on(RecordAmended e) {
        versions.add(e.content());
        titles.add(e.title() != null ? e.title() : titles.get(titles.size() - 1));
        revision++;
    }

    @EventSourcingHandler
    void on(RecordAccessRevoked e) {
        revokedByRecipient.put(e.organisation(), true);
        if (e.referralId() == null) {
            withdrawn.add(e.organisation());
        }
        revision++;
    }

    @EventSourcingHandler
    void on(RecordAccessGranted e) {
        revokedByRecipient.put(e.organisation(), false);
        if (e.referralId() == null) {
            // The author gave it back: a later forward may take it away and bring it again.
            withdrawn.remove(e.organisation());
        }
        revision++;
    }

    @EventSourcingHandler
    void on(EmergencyAccessUsed e) {
        emergencyReviewed.put(e.accessId(), false);
    }

    @EventSourcingHandler
    void on(EmergencyAccessReviewed e) {
        emergencyReviewed.put(e.accessId(), true);
    }

    @EventSourcingHandler
    void on(RecordAccessExpired e) {
        expired = true;
        revision++;
    }
}
