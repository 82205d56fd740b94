package dev.careloop.command.web;

import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.NoHandlerForQueryException;
import org.axonframework.queryhandling.QueryGateway;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;

/**
 * Reads what a write just did back from the read model (whose query handler waits, bounded, for the version).
 * Empty when this process runs no query side or the read model is late: the caller answers with what it wrote.
 */
public final class ReadYourWrites {
    private ReadYourWrites() {
    }

    public static <T> Optional<T> readBack(QueryGateway queries, Object query, Class<T> type, long version,
                                           ToLongFunction<T> versionOf, Duration timeout) {
        try {
            T view = queries.query(query, ResponseTypes.instanceOf(type))
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            if (view != null && versionOf.applyAsLong(view) >= version) {
                return Optional.of(view);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NoHandlerForQueryException e) {
            // this process runs no query side: answer with what was written
        } catch (ExecutionException | TimeoutException e) {
            if (!(e.getCause() instanceof NoHandlerForQueryException) && !(e instanceof TimeoutException)) {
                throw new IllegalStateException("reading the write back failed", e.getCause());
            }
        }
        return Optional.empty();
    }
}
