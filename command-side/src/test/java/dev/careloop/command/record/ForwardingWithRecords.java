package dev.careloop.command.record;

import dev.careloop.command.referral.Referral;
import org.axonframework.modelling.command.Repository;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.mockito.Mockito;

/** A referral fixture that forwards as the application does (ReferralForwarding), its records' side mocked. */
public final class ForwardingWithRecords {

    private ForwardingWithRecords() {
    }

    @SuppressWarnings("unchecked")
    public static AggregateTestFixture<Referral> handledBy(AggregateTestFixture<Referral> fixture) {
        Repository<SharedRecord> records = Mockito.mock(Repository.class, Mockito.RETURNS_MOCKS);
        fixture.registerAnnotatedCommandHandler(new ReferralForwarding(records, fixture.getRepository()));
        return fixture;
    }
}
