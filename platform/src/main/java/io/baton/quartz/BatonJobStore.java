package io.baton.quartz;

import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.SchedulerStateRecord;

/**
 * Quartz's JDBC job store with a configurable failure grace. Quartz adds a fixed 7.5 s to the check-in interval
 * before it declares a silent node dead; Baton makes that grace a setting so failover takes a few seconds.
 * Set through the Quartz property {@code org.quartz.jobStore.failureGraceMillis}.
 */
public class BatonJobStore extends JobStoreTX {
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
}
