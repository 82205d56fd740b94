package dev.careloop.command.record;

import dev.careloop.api.Actor;
import dev.careloop.api.Patient;
import dev.careloop.api.record.ShareRecord;
import dev.careloop.api.referral.AttachRecord;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.TreeSet;

/**
 * Shares a record, attached to its referral when it names one: the referral is sent {@link AttachRecord} first, on
 * the caller's behalf, and the record is created only once the referral has taken it. Both run in this command's
 * transaction (the attachment in a nested unit of work), so a refusal on either side writes nothing and neither
 * exists without the other.
 */
@Component
class RecordSharing {

    private final Repository<SharedRecord> records;
    private final CommandGateway referrals;

    RecordSharing(@Qualifier("sharedRecordRepository") Repository<SharedRecord> records, CommandGateway referrals) {
        this.records = records;
        this.referrals = referrals;
    }

    @CommandHandler
    long handle(ShareRecord cmd, Actor actor, DeadlineManager deadlines, MetaData caller) throws Exception {
        Set<String> recipients = new TreeSet<>(cmd.recipients());
        Patient patient = cmd.patient();
        if (cmd.referralId() != null) {
            AttachRecord.Attachment attachment;
            try {
                attachment = referrals.sendAndWait(GenericCommandMessage.asCommandMessage(new AttachRecord(
                        cmd.referralId(), cmd.recordId(), cmd.title(), cmd.documentType(), cmd.patient()))
                        .andMetaData(caller));
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
