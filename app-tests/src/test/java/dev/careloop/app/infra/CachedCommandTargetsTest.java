package dev.careloop.app.infra;

import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.app.CareLoopIntegrationTest;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.config.Configuration;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The command target resolver that finds a command class's annotated members once answers every command as Axon's
 * own resolver does, refusals included, and is the one the application's aggregates use.
 */
@CareLoopIntegrationTest
class CachedCommandTargetsTest {

    private final CommandTargetResolver cached = new CachedCommandTargets();
    private final CommandTargetResolver axon = AnnotationCommandTargetResolver.builder().build();

    @Autowired
    Configuration configuration;

    record Versioned(@TargetAggregateIdentifier String id, @TargetAggregateVersion Object version) {
    }

    /** An annotated method wins over an annotated field, as in Axon's resolver. */
    static final class ByMethod {
        @TargetAggregateIdentifier
        private final String field = "from-field";

        @TargetAggregateIdentifier
        String id() {
            return "from-method";
        }
    }

    static final class ByField {
        @TargetAggregateIdentifier
        private final Object id = 42;
    }

    static final class Failing {
        @TargetAggregateIdentifier
        String id() {
            throw new IllegalStateException("no id");
        }
    }

    record Untargeted(String id) {
    }

    private static GenericCommandMessage<?> command(Object payload) {
        return new GenericCommandMessage<>(payload);
    }

    @Test
    void theApplicationsAggregatesResolveTheirTargetsWithIt() {
        assertThat(configuration.getComponent(CommandTargetResolver.class)).isInstanceOf(CachedCommandTargets.class);
    }

    @Test
    void everyCommandIsAnsweredAsAxonsResolverAnswersIt() {
        for (Object payload : List.of(new AcceptReferral("r-1"), new DeclineReferral("r-2", "full"),
                new Versioned("r-3", 7), new Versioned("r-4", "8"), new Versioned("r-5", null), new ByMethod(),
                new ByField())) {
            for (int again = 0; again < 2; again++) {
                VersionedAggregateIdentifier ours = cached.resolveTarget(command(payload));
                VersionedAggregateIdentifier theirs = axon.resolveTarget(command(payload));
                assertThat(ours).as(payload.toString()).isEqualTo(theirs);
                assertThat(ours.getVersion()).isEqualTo(theirs.getVersion());
            }
        }
        assertThat(cached.resolveTarget(command(new ByMethod())).getIdentifier()).isEqualTo("from-method");
        assertThat(cached.resolveTarget(command(new Versioned("r-4", "8"))).getVersion()).isEqualTo(8L);
    }

    @Test
    void aCommandWithoutATargetIsRefusedInAxonsWords() {
        for (Object payload : List.of(new Untargeted("r-1"), new Versioned(null, 1), new Versioned("r-1", "eight"),
                new Failing())) {
            Throwable theirs = catchIllegalArgument(() -> axon.resolveTarget(command(payload)));
            assertThatThrownBy(() -> cached.resolveTarget(command(payload)))
                    .as(payload.getClass().getSimpleName())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(theirs.getMessage());
        }
    }

    private static Throwable catchIllegalArgument(Runnable call) {
        try {
            call.run();
        } catch (IllegalArgumentException e) {
            return e;
        }
        throw new AssertionError("Axon's resolver answered where it was expected to refuse");
    }
}
