package io.baton.quartz;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.quartz.JobPersistenceException;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.SchedulerStateRecord;

/**
 * Quartz's clustered JDBC job store, which Baton uses for cluster membership and failure detection, with two changes:
 * <ul>
 *   <li>a configurable failure grace: Quartz adds a fixed 7.5 s to the check-in interval before it declares a silent
 *       node dead; Baton makes that grace a setting ({@code org.quartz.jobStore.failureGraceMillis}), so failover
 *       takes a few seconds;</li>
 *   <li>recovery of Baton's tasks: in the same transaction in which Quartz recovers a dead node (or this node's own
 *       earlier incarnation, at its first check-in), the tasks it left RUNNING become RUNNABLE again, first in line
 *       (priority 1), and every node is notified. Their next claim fences the dead attempt out.</li>
 * </ul>
 */
public class BatonJobStore extends JobStoreTX {
    /** RUNNING -> RUNNABLE for tasks of dead nodes (the transition TaskState allows), claimed before other work. */
    private static final String REQUEUE = """
            UPDATE baton_task SET state = 'RUNNABLE', priority = 1, wake_at = now(), updated_at = now()
             WHERE state = 'RUNNING' AND owner = ANY(?)""";

    private long failureGraceMillis = 7500L;

    public void setFailureGraceMillis(long failureGraceMillis) {
        this.failureGraceMillis = failureGraceMillis;
    }

    public long getFailureGraceMillis() {
        return failureGraceMillis;
    }

    @Override
    protected long calcFailedIfAfter(SchedulerStateRecord rec) {
        // Same as Quartz, but with our grace: if this node itself has not checked in for a while (a long GC pause,
        // a database blip), it waits that much longer before judging others.
        long sinceOwnCheckin = System.currentTimeMillis() - lastCheckin;
        return rec.getCheckinTimestamp() + Math.max(rec.getCheckinInterval(), sinceOwnCheckin) + failureGraceMillis;
    }

    @Override
    protected void clusterRecover(Connection conn, List<SchedulerStateRecord> failedInstances)
            throws JobPersistenceException {
        super.clusterRecover(conn, failedInstances);
        if (failedInstances.isEmpty()) {
            return;
        }
        String[] nodes = failedInstances.stream().map(SchedulerStateRecord::getSchedulerInstanceId)
                .toArray(String[]::new);
        try (PreparedStatement requeue = conn.prepareStatement(REQUEUE); Statement notify = conn.createStatement()) {
            requeue.setArray(1, conn.createArrayOf("text", nodes));
            int tasks = requeue.executeUpdate();
            if (tasks > 0) {
                notify.execute("NOTIFY baton_ready");
                getLog().warn("Re-queued {} task(s) left running by {}; they run next", tasks, String.join(", ", nodes));
            }
        } catch (SQLException e) {
            throw new JobPersistenceException("could not re-queue the tasks of " + String.join(", ", nodes), e);
        }
    }
}
