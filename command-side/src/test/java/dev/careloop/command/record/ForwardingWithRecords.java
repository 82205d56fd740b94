package dev.careloop.command.record;

import dev.careloop.api.record.FollowReferralForward;
import dev.careloop.command.referral.Referral;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.test.aggregate.AggregateTestFixture;

/**
 * A referral fixture that forwards as the application does (ReferralForwarding); the records' side is a stand-in
 * that takes every FollowReferralForward: those tests are about the referral.
 */
public final class ForwardingWithRecords {

    private ForwardingWithRecords() {
    }

    public static AggregateTestFixture<Referral> handledBy(AggregateTestFixture<Referral> fixture) {
        fixture.getCommandBus().subscribe(FollowReferralForward.class.getName(), message -> null);
        fixture.registerAnnotatedCommandHandler(new ReferralForwarding(
                DefaultCommandGateway.builder().commandBus(fixture.getCommandBus()).build()));
        return fixture;
    }
}
