package dev.careloop.app.infra;

import org.axonframework.common.Registration;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.DeadlineMessage;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.ScopeDescriptor;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Axon's db-scheduler deadline manager, with cancellation by scope made a lookup. Its own
 * cancelAllWithinScope reads and deserialises every pending deadline of the platform to find one
 * referral's (measured: it made each accept slower as referrals piled up); this records which schedule
 * belongs to which scope in deadline_schedule, in the command's transaction, and cancels by id.
 */
class IndexedDeadlineManager implements DeadlineManager {

    private final DbSchedulerDeadlineManager delegate;
    private final JdbcTemplate jdbc;

    IndexedDeadlineManager(DbSchedulerDeadlineManager delegate, JdbcTemplate jdbc) {
        this.delegate = delegate;
        this.jdbc = jdbc;
    }

    DbSchedulerDeadlineManager delegate() {
        return delegate;
    }

    @Override
    public String schedule(Instant triggerDateTime, String deadlineName, Object messageOrPayload,
                           ScopeDescriptor deadlineScope) {
        String id = delegate.schedule(triggerDateTime, deadlineName, messageOrPayload, deadlineScope);
        jdbc.update("INSERT INTO deadline_schedule (schedule_id, deadline_name, scope, due_at) VALUES (?, ?, ?, ?)",
                id, deadlineName, deadlineScope.scopeDescription(), Timestamp.from(triggerDateTime));
        return id;
    }

    @Override
    public void cancelSchedule(String deadlineName, String scheduleId) {
        delegate.cancelSchedule(deadlineName, scheduleId);
        jdbc.update("DELETE FROM deadline_schedule WHERE schedule_id = ?", scheduleId);
    }

    @Override
    public void cancelAll(String deadlineName) {
        delegate.cancelAll(deadlineName);
        jdbc.update("DELETE FROM deadline_schedule WHERE deadline_name = ?", deadlineName);
    }

    @Override
    public void cancelAllWithinScope(String deadlineName, ScopeDescriptor scope) {
        List<String> ids = jdbc.queryForList(
                "DELETE FROM deadline_schedule WHERE deadline_name = ? AND scope = ? RETURNING schedule_id",
                String.class, deadlineName, scope.scopeDescription());
        ids.forEach(id -> delegate.cancelSchedule(deadlineName, id));
    }

    @Override
    public Registration registerDispatchInterceptor(
            MessageDispatchInterceptor<? super DeadlineMessage<?>> dispatchInterceptor) {
        return delegate.registerDispatchInterceptor(dispatchInterceptor);
    }

    @Override
    public Registration registerHandlerInterceptor(
            MessageHandlerInterceptor<? super DeadlineMessage<?>> handlerInterceptor) {
        return delegate.registerHandlerInterceptor(handlerInterceptor);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }
}
