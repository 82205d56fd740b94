package dev.careloop.query.asof;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.Patient;
import dev.careloop.api.record.*;
import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.careloop.query.asof.Instants.stored;

/**
 * A shared record folded from its events as RecordProjection writes record_view and record_grant
 * (FoldMatchesReadModelTest compares the two after every event), seen the way its author sees it: every recipient's
 * grant. Downloads (disclosures) do not change the record; whether a grant had run out is decided at the instant asked
 * about, as the read model decides it now.
 */
final class RecordFold {

    private static final class Grant {
        final String organisation;
        final String purpose;
        final Instant validUntil;
        Instant revokedAt;
        String revokeReason;
        Instant expiredAt;

        Grant(String organisation, String purpose, Instant validUntil) {
            this.organisation = organisation;
            this.purpose = purpose;
            this.validUntil = validUntil;
        }
    }

    private String recordId;
    private String referralId;
    private String author;
    private Patient patient;
    private DocumentType documentType;
    private String title;
    private String description;
    private String purpose;
    private Instant validUntil;
    private int currentVersion;
    private RecordContent content;
    private final TreeMap<String, Grant> grants = new TreeMap<>();
    private final Set<String> parties = new LinkedHashSet<>();
    /** Recipients whose access ended (revoked, forwarded away, expired): the sequence of the event that ended it. */
    private final Map<String, Long> partEnded = new HashMap<>();
    private Instant createdAt;
    private Instant updatedAt;
    private long version;
    private long lastSequence = -1;

    void apply(DomainEventMessage<?> message) {
        Object payload = message.getPayload();
        Instant at = stored(message.getTimestamp());
        if (payload instanceof PatientRekeyed e) {
            // The patient under the keyed id: not a revision of the record, as in the live view.
            if (recordId != null && lastSequence < message.getSequenceNumber()) {
                patient = e.applyTo(patient);
                lastSequence = message.getSequenceNumber();
            }
            return;
        }
        if (payload instanceof RecordShared e) {
            if (recordId != null) {
                return;
            }
            recordId = e.recordId();
            referralId = e.referralId();
            author = e.authorOrganisation();
            parties.add(author);
            patient = e.patient();
            documentType = e.documentType();
            title = e.title();
            description = e.description();
            purpose = e.purpose();
            validUntil = stored(e.validUntil());
            currentVersion = 1;
            content = e.content();
            createdAt = at;
            updatedAt = at;
            version = 1;
            lastSequence = message.getSequenceNumber();
            for (String recipient : e.recipients()) {
                grants.putIfAbsent(recipient, new Grant(recipient, e.purpose(), stored(e.validUntil())));
                parties.add(recipient);
            }
            return;
        }
        boolean changesTheRecord = payload instanceof RecordAmended || payload instanceof RecordAccessRevoked
                || payload instanceof RecordAccessGranted || payload instanceof RecordAccessExpired;
        if (!changesTheRecord || recordId == null || lastSequence >= message.getSequenceNumber()) {
            return;
        }
        updatedAt = at;
        version++;
        lastSequence = message.getSequenceNumber();
        if (payload instanceof RecordAmended e) {
            currentVersion = e.version();
            content = e.content();
            title = e.title() != null ? e.title() : title;
            description = e.description() != null ? e.description() : description;
        } else if (payload instanceof RecordAccessRevoked e) {
            Grant grant = grants.get(e.organisation());
            if (grant != null && grant.revokedAt == null) {
                grant.revokedAt = at;
                grant.revokeReason = e.reason();
            }
            if (!e.organisation().equals(author)) {
                partEnded.putIfAbsent(e.organisation(), message.getSequenceNumber());
            }
        } else if (payload instanceof RecordAccessGranted e) {
            // The share's terms, as a grant the referral's forward brought (or an old one open again).
            grants.put(e.organisation(), new Grant(e.organisation(), purpose, validUntil));
            parties.add(e.organisation());
            partEnded.remove(e.organisation());
        } else {
            long sequence = message.getSequenceNumber();
            grants.values().stream().filter(g -> g.revokedAt == null && g.expiredAt == null)
                    .forEach(g -> partEnded.putIfAbsent(g.organisation, sequence));
            grants.values().stream().filter(g -> g.revokedAt == null && g.expiredAt == null)
                    .forEach(g -> g.expiredAt = at);
        }
    }

    boolean exists() {
        return recordId != null;
    }

    Set<String> parties() {
        return Set.copyOf(parties);
    }

    /** The sequence of the event that ended {@code organisation}'s access, or null (the author; still a recipient). */
    Long partEndedAt(String organisation) {
        return partEnded.get(organisation);
    }

    /** The record as its author saw it at {@code at}: a grant whose period had ended by then is expired. */
    RecordView view(Instant at) {
        if (!exists()) {
            return null;
        }
        List<RecordGrant> grantViews = grants.values().stream().map(g -> new RecordGrant(g.organisation, g.purpose,
                g.validUntil, g.revokedAt != null ? RecordGrant.REVOKED
                        : g.expiredAt != null || !g.validUntil.isAfter(at) ? RecordGrant.EXPIRED : RecordGrant.ACTIVE,
                g.revokedAt, g.revokeReason)).toList();
        return new RecordView(recordId, referralId, author, patient, documentType, title, description, purpose,
                validUntil, currentVersion, content, grantViews, createdAt, updatedAt, version);
    }
}
