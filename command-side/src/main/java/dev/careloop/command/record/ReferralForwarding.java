package dev.careloop.command.record;

import dev.careloop.api.record.FollowReferralForward;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.HandReferralOn;
import dev.careloop.command.rules.Refusal;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.stereotype.Component;

/**
 * Forwards a referral, and its documents with it: the referral is sent {@link HandReferralOn} (its own check and
 * event), then every record attached to it {@link FollowReferralForward}, which ends the forwarding organisation's
 * access and gives the new recipient the share's terms. All on the caller's behalf and in this command's transaction
 * (nested units of work), so the referral's log and its records' logs never disagree about who may read what.
 */
@Component
class ReferralForwarding {

    private final CommandGateway commands;

    ReferralForwarding(CommandGateway commands) {
        this.commands = commands;
    }

    @CommandHandler
    long handle(ForwardReferral cmd, MetaData caller) {
        HandReferralOn.HandedOn handedOn;
        try {
            handedOn = commands.sendAndWait(GenericCommandMessage.asCommandMessage(
                    new HandReferralOn(cmd.referralId(), cmd.toOrganisation(), cmd.reason(), cmd.category())).andMetaData(caller));
        } catch (AggregateNotFoundException e) {
            throw Refusal.notFound("referral");
        }
        for (String recordId : handedOn.attachedRecords()) {
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(new FollowReferralForward(recordId,
                    cmd.referralId(), handedOn.from(), handedOn.to())).andMetaData(caller));
        }
        return handedOn.version();
    }
}
