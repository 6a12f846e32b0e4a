package io.baton.execution;

import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;

/** Gives Quartz this node's {@link TaskJob}, wired to its runner: no static lookups. */
public final class TaskJobFactory implements JobFactory {
    private final TaskJob job;

    public TaskJobFactory(TaskRunner runner) {
        this.job = new TaskJob(runner);
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
        if (bundle.getJobDetail().getJobClass() != TaskJob.class) {
            throw new SchedulerException("Baton runs only its own jobs, not " + bundle.getJobDetail().getJobClass());
        }
        return job;
    }
}
