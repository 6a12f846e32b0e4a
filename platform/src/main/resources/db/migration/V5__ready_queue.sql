-- Dispatch without a Quartz trigger per task: baton_task is the queue.
--
-- A task is ready when it is RUNNABLE (or SLEEPING) and its wake_at has come; nodes claim ready tasks in batches
-- (FOR UPDATE SKIP LOCKED) with the one guarded RUNNABLE -> RUNNING update. wake_at is now always set for RUNNABLE
-- tasks: when they became (or become, for a retry) runnable. priority 1 marks work taken over from a dead node, claimed
-- before everything else. A wait's deadline is its baton_wait.deadline, found through an index: no row anywhere else.
ALTER TABLE baton_task ADD COLUMN priority SMALLINT NOT NULL DEFAULT 0;
UPDATE baton_task SET wake_at = updated_at WHERE state = 'RUNNABLE' AND wake_at IS NULL;

-- version grew at every change but guarded nothing: the attempt number is the fence.
ALTER TABLE baton_task DROP COLUMN version;

CREATE INDEX baton_task_ready ON baton_task (priority DESC, wake_at) WHERE state IN ('RUNNABLE', 'SLEEPING');
CREATE INDEX baton_task_running ON baton_task (owner) WHERE state = 'RUNNING';
DROP INDEX baton_task_unfinished;
CREATE INDEX baton_wait_deadlines ON baton_wait (deadline) WHERE state = 'OPEN';

-- Per-task triggers of earlier versions: their tasks are found through the columns above now.
DELETE FROM qrtz_fired_triggers WHERE trigger_group = 'baton-task';
DELETE FROM qrtz_simple_triggers WHERE trigger_group = 'baton-task';
DELETE FROM qrtz_triggers WHERE trigger_group = 'baton-task';
DELETE FROM qrtz_job_details WHERE job_group = 'baton' AND job_name = 'run-task';
ALTER TABLE baton_task SET (fillfactor = 70);
