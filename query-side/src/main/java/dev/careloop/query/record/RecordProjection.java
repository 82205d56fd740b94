package dev.careloop.query.record;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.RecordAccessGranted;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordAmended;
import dev.careloop.api.record.RecordDisclosed;
import dev.careloop.api.record.RecordShared;
import dev.careloop.query.ReadModels;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;

/**
 * record_view, record_grant, record_version and record_disclosure. Changes to the view are guarded by the
 * record's last applied event (last_sequence); the other rows are keyed so that a redelivery adds nothing.
 */
@Component
@ProcessingGroup(RecordProjection.GROUP)
class RecordProjection implements PatientScrub {

    static final String GROUP = "records";

    private final Rows<RecordRow> views;
    private final Rows<GrantRow> grants;
    private final Journal<VersionRow> versions;
    private final Journal<DisclosureRow> disclosures;

    RecordProjection(Stores stores) {
        this.views = stores.rows(RecordRow.TABLE);
        this.grants = stores.rows(GrantRow.TABLE);
        this.versions = stores.journal(VersionRow.TABLE);
        this.disclosures = stores.journal(DisclosureRow.TABLE);
    }

    @EventHandler
    void on(RecordShared e, DomainEventMessage<?> message) {
        Instant at = message.getTimestamp();
        if (views.find(e.recordId()) == null) {
            RecordRow r = new RecordRow();
            r.recordId = e.recordId();
            r.referralId = e.referralId();
            r.authorOrg = e.authorOrganisation();
            r.patient = e.patient();
            r.documentTypeCode = e.documentType().code();
            r.documentTypeDisplay = e.documentType().display();
            r.title = e.title();
            r.description = e.description();
            r.purpose = e.purpose();
            r.validUntil = e.validUntil();
            r.currentVersion = 1;
            r.contentSha256 = e.content().sha256();
            r.contentSize = e.content().size();
            r.contentMediaType = e.content().mediaType();
            r.createdAt = at;
            r.updatedAt = at;
            r.version = 1;
            r.lastSequence = message.getSequenceNumber();
            views.put(r);
        }
        // Each grant only if missing, even when the view was there: a redelivery leaves a revoked grant revoked.
        for (String recipient : e.recipients()) {
            if (grants.find(e.recordId(), recipient) == null) {
                GrantRow g = new GrantRow();
                g.recordId = e.recordId();
                g.organisation = recipient;
                g.purpose = e.purpose();
                g.validUntil = e.validUntil();
                g.grantedAt = at;
                grants.put(g);
            }
        }
        versions.add(new VersionRow(e.recordId(), 1, e.content().sha256(), e.content().size(),
                e.content().mediaType(), e.title(), null, at, user(message)));
    }

    @EventHandler
    void on(RecordAmended e, DomainEventMessage<?> message) {
        RecordRow r = views.find(e.recordId());
        if (r == null) {
            // Nothing to amend (and record_version may only hold versions of a record in the view).
            return;
        }
        if (advance(r, message)) {
            r.currentVersion = e.version();
            r.contentSha256 = e.content().sha256();
            r.contentSize = e.content().size();
            r.contentMediaType = e.content().mediaType();
            if (e.title() != null) {
                r.title = e.title();
            }
            if (e.description() != null) {
                r.description = e.description();
            }
            views.put(r);
        }
        // An amendment may keep the title: the version is titled as the view is after it.
        versions.add(new VersionRow(e.recordId(), e.version(), e.content().sha256(), e.content().size(),
                e.content().mediaType(), r.title, e.reason(), message.getTimestamp(), user(message)));
    }

    @EventHandler
    void on(RecordAccessRevoked e, DomainEventMessage<?> message) {
        advanceView(e.recordId(), message);
        GrantRow g = grants.find(e.recordId(), e.organisation());
        // The first revocation is the one that counts; an expired grant may still be revoked.
        if (g != null && g.revokedAt == null) {
            g.revokedAt = message.getTimestamp();
            g.revokeReason = e.reason();
            grants.put(g);
        }
    }

    /**
     * The referral was forwarded to the organisation: a grant on the share's terms, or the organisation's old grant
     * open again (a redelivery finds the view already past this event and changes nothing).
     */
    @EventHandler
    void on(RecordAccessGranted e, DomainEventMessage<?> message) {
        RecordRow r = views.find(e.recordId());
        if (r == null || !advance(r, message)) {
            return;
        }
        views.put(r);
        GrantRow g = grants.find(e.recordId(), e.organisation());
        if (g == null) {
            g = new GrantRow();
            g.recordId = e.recordId();
            g.organisation = e.organisation();
            g.purpose = r.purpose;
            g.validUntil = r.validUntil;
        }
        g.grantedAt = message.getTimestamp();
        g.revokedAt = null;
        g.revokeReason = null;
        g.expiredAt = null;
        grants.put(g);
    }

    @EventHandler
    void on(RecordAccessExpired e, DomainEventMessage<?> message) {
        advanceView(e.recordId(), message);
        // A revoked grant keeps saying so: expiry only ends the grants still open.
        for (GrantRow g : grants.findAll(GrantRow.RECORD_ID, e.recordId())) {
            if (g.open()) {
                g.expiredAt = message.getTimestamp();
                grants.put(g);
            }
        }
    }

    @EventHandler
    void on(RecordDisclosed e, DomainEventMessage<?> message) {
        MetaData md = message.getMetaData();
        disclosures.add(new DisclosureRow(message.getIdentifier(), e.recordId(), message.getSequenceNumber(),
                e.organisation(), ReadModels.text(md, MetadataKeys.USER), ReadModels.text(md, MetadataKeys.USER_NAME),
                ReadModels.text(md, MetadataKeys.ROLES),
                ReadModels.text(md, MetadataKeys.CLIENT), e.purposeOfUse(), e.version(), e.sha256(), e.at(),
                ReadModels.text(md, MetadataKeys.CORRELATION_ID)));
    }

    /** After every earlier event of this group: no copy of the erased identity outlives the erasure here. */
    @EventHandler
    void on(PatientErased e) {
        scrub(e.patientId());
    }

    @Override
    public int scrub(String patientId) {
        int changed = 0;
        for (RecordRow record : views.findAll(RecordRow.PATIENT_ID, patientId)) {
            changed += grants.updateAll(GrantRow.RECORD_ID, record.recordId, g -> {
                if (!PatientScrub.unerased(null, g.revokeReason)) {
                    return null;
                }
                g.revokeReason = PatientScrub.erased(g.revokeReason);
                return g;
            });
            changed += versions.rewrite("record_id = ?", List.of(record.recordId),
                    v -> PatientScrub.unerased(null, v.title(), v.reason()) ? new VersionRow(v.recordId(), v.version(),
                            v.contentSha256(), v.contentSize(), v.mediaType(), PatientScrub.erased(v.title()),
                            PatientScrub.erased(v.reason()), v.createdAt(), v.createdBy()) : null);
        }
        return changed + PatientScrub.eraseFrom(views, RecordRow.PATIENT_ID, patientId);
    }

    @ResetHandler
    void reset() {
        // The other tables first: their rows reference the view's.
        disclosures.clear();
        versions.clear();
        grants.clear();
        views.clear();
    }

    /** A revision of the record without other changes to its view (a revocation, the expiry). */
    private void advanceView(String recordId, DomainEventMessage<?> message) {
        RecordRow r = views.find(recordId);
        if (r != null && advance(r, message)) {
            views.put(r);
        }
    }

    /**
     * The record's patient is named by the keyed id from now on. Not a revision of the record (the aggregate does
     * not count it either): only the sequence it has seen moves, so a redelivery changes nothing.
     */
    @EventHandler
    void on(PatientRekeyed e, DomainEventMessage<?> message) {
        RecordRow r = views.find(e.aggregateId());
        if (r == null || r.lastSequence >= message.getSequenceNumber()
                || !e.aggregateId().equals(message.getAggregateIdentifier())) {
            return;
        }
        r.patient = e.applyTo(r.patient);
        r.lastSequence = message.getSequenceNumber();
        views.put(r);
    }

    /** One more revision of the record, unless this event was applied already; answers whether it was not. */
    private static boolean advance(RecordRow r, DomainEventMessage<?> message) {
        if (r.lastSequence >= message.getSequenceNumber()) {
            return false;
        }
        r.updatedAt = message.getTimestamp();
        r.version++;
        r.lastSequence = message.getSequenceNumber();
        return true;
    }

    private static String user(DomainEventMessage<?> message) {
        return ReadModels.text(message.getMetaData(), MetadataKeys.USER);
    }
}
