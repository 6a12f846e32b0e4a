-- A repeated delivery gets the receipt of the delivery that recorded it, verbatim: keep the whole receipt.
-- (outcome already holds the receipt's status; detail is its detail, e.g. the task failed by a /fail delivery.)
ALTER TABLE baton_delivery ADD COLUMN detail TEXT;

-- A token delivery that repeats what resolved or was kept for a wait (same payload, another delivery id) is
-- answered with that wait's first recorded receipt.
CREATE INDEX baton_delivery_wait ON baton_delivery (wait_id) WHERE wait_id IS NOT NULL;
