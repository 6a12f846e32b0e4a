package io.baton.quartz;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

/**
 * Schedules "run this task" firings. All firings share one durable job that requests recovery (so a dead node's
 * in-flight firing is re-fired elsewhere); each firing is a one-shot trigger named {@code <task id>:<random>} in
 * group {@value #GROUP}, so the reconciler can tell which tasks have one. Duplicate firings are harmless: running a
 * task starts with a guarded claim.
 */
public final class TaskTriggers {
    public static final String GROUP = "baton-task";
    public static final String TASK_ID = "taskId";
    private static final JobKey JOB = JobKey.jobKey("run-task", "baton");

    private final Scheduler scheduler;

    public TaskTriggers(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Registers the shared job (idempotent; every node does it at start). */
    public void registerJob(Class<? extends Job> jobClass) throws SchedulerException {
        JobDetail job = JobBuilder.newJob(jobClass).withIdentity(JOB).storeDurably().requestRecovery().build();
        scheduler.addJob(job, true);
    }

    /** Fires the task's job at {@code at} (or as soon as possible if that has passed). */
    public void schedule(UUID taskId, Instant at) {
        String name = taskId + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(name, GROUP)
                .forJob(JOB)
                .usingJobData(TASK_ID, taskId.toString())
                .startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            scheduler.scheduleJob(trigger);
        } catch (SchedulerException e) {
            throw new SchedulingException("could not schedule task " + taskId + ": " + e.getMessage(), e);
        }
    }

    public String clusterName() {
        try {
            return scheduler.getSchedulerName();
        } catch (SchedulerException e) {
            throw new SchedulingException("scheduler unavailable", e);
        }
    }
}
