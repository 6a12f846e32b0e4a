package io.baton.execution;

import io.baton.persistence.StoreUnavailableException;
import io.baton.quartz.TaskTriggers;
import java.util.UUID;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz job behind every task firing. It never throws: a firing that fails half-way (say, the database went
 * away) leaves the task for the reconciler, which re-queues it.
 */
public final class TaskJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(TaskJob.class);

    private final TaskRunner runner;

    public TaskJob(TaskRunner runner) {
        this.runner = runner;
    }

    @Override
    public void execute(JobExecutionContext context) {
        String taskId = taskId(context.getMergedJobDataMap());
        if (taskId == null) {
            LOG.error("Firing {} carries no task id; ignored", context.getTrigger().getKey());
            return;
        }
        try {
            runner.run(UUID.fromString(taskId), context.isRecovering());
        } catch (StoreUnavailableException e) {
            LOG.warn("Task {} firing stopped, the database is unavailable; the reconciler will re-queue it: {}",
                    taskId, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Task {} firing failed; the reconciler will re-queue it: {}", taskId, e.toString(), e);
        }
    }

    /** The task id, also for recovery firings, whose data Quartz copies from the original trigger. */
    private static String taskId(JobDataMap data) {
        String id = data.getString(TaskTriggers.TASK_ID);
        if (id == null) {
            String original = data.getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_NAME);
            if (original != null && original.indexOf(':') > 0) {
                id = original.substring(0, original.indexOf(':'));
            }
        }
        return id;
    }
}
