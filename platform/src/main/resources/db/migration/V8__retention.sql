-- Retention (io.baton.retention.RetentionJob) deletes by age, in small batches: these indexes find the old rows
-- without scanning the tables.
CREATE INDEX baton_event_created ON baton_event (created_at);
CREATE INDEX baton_delivery_created ON baton_delivery (created_at);
CREATE INDEX baton_inbox_consumed ON baton_inbox (consumed_at) WHERE consumed_at IS NOT NULL;
CREATE INDEX baton_inbox_expired ON baton_inbox (expires_at) WHERE consumed_at IS NULL AND expires_at IS NOT NULL;
