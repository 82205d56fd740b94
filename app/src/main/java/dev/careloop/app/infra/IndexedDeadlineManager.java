package dev.careloop.app.infra;

import org.axonframework.common.Registration;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.DeadlineMessage;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * Axon's db-scheduler deadline manager, with cancellation by scope made a lookup. Its own
 * cancelAllWithinScope reads and deserialises every pending deadline of the platform to find one
 * referral's (measured: it made each accept slower as referrals piled up); this records which schedule
 * belongs to which scope in deadline_schedule, in the command's transaction, and cancels by id.
 */
class IndexedDeadlineManager implements DeadlineManager {

    /** The db-scheduler task Axon's deadline manager schedules every deadline as. */
    static final String TASK = "AxonDeadline";

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

    /**
     * One statement, in the command's transaction: the scope's index rows go, and with them their db-scheduler
     * executions (task {@value #TASK}, instance the schedule id; db-scheduler's own cancel reads each one first).
     * Run when the unit of work prepares its commit, as Axon runs the schedules: a deadline scheduled earlier in the
     * same unit of work is in scheduled_tasks by then. An execution already picked, whose deadline is being handled
     * right now, is left to finish: the handler checks the aggregate's state, and db-scheduler removes a one-time
     * execution once it has run.
     */
    @Override
    public void cancelAllWithinScope(String deadlineName, ScopeDescriptor scope) {
        String scopeDescription = scope.scopeDescription();
        Runnable cancel = () -> jdbc.update("WITH cancelled AS (DELETE FROM deadline_schedule "
                        + "WHERE deadline_name = ? AND scope = ? RETURNING schedule_id) DELETE FROM scheduled_tasks "
                        + "WHERE task_name = ? AND NOT picked AND task_instance IN (SELECT schedule_id FROM cancelled)",
                deadlineName, scopeDescription, TASK);
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().onPrepareCommit(unitOfWork -> cancel.run());
        } else {
            cancel.run();
        }
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
