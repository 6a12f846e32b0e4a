package io.baton.callback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes an event to the outbox in the caller's transaction, the one of the state change that caused it: the event
 * exists exactly when the change does. One statement: the event row and one delivery per enabled endpoint that wants
 * its type (and agent), and a {@code NOTIFY baton_outbox} that PostgreSQL delivers to the senders on commit; nothing
 * at all when no endpoint wants it. The payload is the documented envelope
 * {@code {"id", "type", "timestamp", "data": {"taskId", "agent", ...}}}; its id is the {@code webhook-id} of every
 * attempt to send it.
 */
public final class Outbox {
    private static final String RECORD = """
            WITH task AS (SELECT id, agent FROM baton_task WHERE id = ?),
            targets AS (
                SELECT c.id FROM baton_callback c, task
                 WHERE c.enabled AND c.event_types && ARRAY[?, '*']::text[]
                   AND (c.agent IS NULL OR c.agent = task.agent)),
            event AS (
                INSERT INTO baton_event (id, type, task_id, agent, wait_id, payload, created_at)
                SELECT ?, ?, task.id, task.agent, ?, jsonb_set(?::jsonb, '{data,agent}', to_jsonb(task.agent)), ?
                  FROM task WHERE EXISTS (SELECT 1 FROM targets)
                ON CONFLICT DO NOTHING
                RETURNING id),
            queued AS (
                INSERT INTO baton_callback_delivery (event_id, callback_id, state, due_at, created_at)
                SELECT event.id, targets.id, 'PENDING', ?, ? FROM event, targets
                RETURNING 1)
            SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify('baton_outbox', '') END FROM queued""";

    private final ObjectMapper json;

    public Outbox(ObjectMapper json) {
        this.json = json;
    }

    /** An empty {@code data} object for an event of {@code taskId}, to fill with the type's fields. */
    public ObjectNode data(UUID taskId) {
        ObjectNode data = json.createObjectNode();
        data.put("taskId", taskId.toString());
        data.putNull("agent"); // filled from the task row as the event is written
        return data;
    }

    /**
     * Records event {@code type} of task {@code data.taskId} (for a wait, {@code waitId}: one event of a type per
     * wait), in the transaction of {@code c}; how many deliveries it queued.
     */
    public int record(Connection c, EventType type, UUID taskId, UUID waitId, ObjectNode data, Instant at)
            throws SQLException {
        UUID id = UUID.randomUUID();
        ObjectNode envelope = json.createObjectNode();
        envelope.put("id", id.toString());
        envelope.put("type", type.wireName());
        envelope.put("timestamp", at.toString());
        envelope.set("data", data);
        try (PreparedStatement ps = c.prepareStatement(RECORD)) {
            ps.setObject(1, taskId);
            ps.setString(2, type.wireName());
            ps.setObject(3, id);
            ps.setString(4, type.wireName());
            ps.setObject(5, waitId);
            ps.setString(6, json.writeValueAsString(envelope));
            ps.setTimestamp(7, Timestamp.from(at));
            ps.setTimestamp(8, Timestamp.from(at));
            ps.setTimestamp(9, Timestamp.from(at));
            try (java.sql.ResultSet rs = ps.executeQuery()) { // the senders hear of it as this commits
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an event payload could not be written", e);
        }
    }
}
