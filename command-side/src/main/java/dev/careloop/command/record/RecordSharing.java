package dev.careloop.command.record;

import dev.careloop.api.Actor;
import dev.careloop.api.Patient;
import dev.careloop.api.record.ShareRecord;
import dev.careloop.command.referral.Referral;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.TreeSet;

/**
 * Shares a record, attached to its referral when it names one: the referral records the attachment and the
 * record is created in the same unit of work (one transaction), so neither exists without the other.
 */
@Component
class RecordSharing {

    private final Repository<SharedRecord> records;
    private final Repository<Referral> referrals;

    RecordSharing(@Qualifier("sharedRecordRepository") Repository<SharedRecord> records,
                  @Qualifier("referralRepository") Repository<Referral> referrals) {
        this.records = records;
        this.referrals = referrals;
    }

    @CommandHandler
    long handle(ShareRecord cmd, Actor actor, DeadlineManager deadlines) throws Exception {
        Set<String> recipients = new TreeSet<>(cmd.recipients());
        Patient patient = cmd.patient();
        if (cmd.referralId() != null) {
            Referral.Attachment attachment;
            try {
                attachment = referrals.load(cmd.referralId()).invoke(referral -> referral.attachRecord(actor,
                        cmd.recordId(), cmd.title(), cmd.documentType(), cmd.patient()));
            } catch (AggregateNotFoundException e) {
                throw Refusal.notFound("referral");
            }
            recipients.add(attachment.counterpart());
            patient = attachment.patient();
        }
        Rules.require(patient != null, "patient", "name the patient the record is about");
        Patient about = patient;
        records.newInstance(() -> new SharedRecord(cmd, recipients, about, actor, deadlines));
        return 1;
    }
}
