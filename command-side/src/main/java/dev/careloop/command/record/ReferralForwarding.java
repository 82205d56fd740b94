package dev.careloop.command.record;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.command.referral.Referral;
import dev.careloop.command.rules.Refusal;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Forwards a referral, and its documents with it: in the same unit of work (one transaction), every record attached
 * to the referral ends the forwarding organisation's access and gives the new recipient the share's terms. The
 * referral's log and its records' logs never disagree about who may read what.
 */
@Component
class ReferralForwarding {

    private final Repository<SharedRecord> records;
    private final Repository<Referral> referrals;

    ReferralForwarding(@Qualifier("sharedRecordRepository") Repository<SharedRecord> records,
                       @Qualifier("referralRepository") Repository<Referral> referrals) {
        this.records = records;
        this.referrals = referrals;
    }

    @CommandHandler
    long handle(ForwardReferral cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) throws Exception {
        Referral.Forwarded forwarded;
        try {
            forwarded = referrals.load(cmd.referralId()).invoke(referral -> referral.forward(cmd, actor, expected));
        } catch (AggregateNotFoundException e) {
            throw Refusal.notFound("referral");
        }
        for (String recordId : forwarded.attachedRecords()) {
            records.load(recordId).execute(record -> record.followForward(cmd.referralId(), forwarded.from(),
                    forwarded.to(), deadlines));
        }
        return forwarded.version();
    }
}
