package io.baton.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.node.BatonNode;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retention on a real node and PostgreSQL: old finished rows go, in batches; anything still needed stays. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetentionIT {
    private TestDatabase db;
    private BatonNode node;

    @BeforeAll
    void start(TestDatabase database) {
        db = database;
        node = BatonNode.builder(TestNodes.config(db, "retention-1", "BATON_RETENTION", "1d"))
                .agents(List.of(Agent.named("noop").step("only", ctx -> StepOutcome.complete(null)).build()))
                .start();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private long count(String sql) {
        return (Long) db.queryValue(sql);
    }

    @Test
    void oldFinishedRowsArePrunedInBatchesAndWhatIsStillNeededStays() {
        db.execute("""
                INSERT INTO baton_delivery (source, delivery_id, payload_hash, outcome, task_ids, created_at)
                SELECT 'token', 'old-' || n, 'h', 'resumed', '{}', now() - interval '2 days'
                  FROM generate_series(1, 2500) n""");
        db.execute("""
                INSERT INTO baton_delivery (source, delivery_id, payload_hash, outcome, task_ids, created_at)
                VALUES ('token', 'fresh', 'h', 'resumed', '{}', now() - interval '1 hour')""");
        db.execute("""
                INSERT INTO baton_inbox (source, correlation_key, payload, payload_hash, delivery_id, received_at,
                                         expires_at, consumed_at)
                VALUES ('orders', 'a', '{}', 'h', 'consumed-old', now() - interval '3 days', NULL,
                        now() - interval '2 days'),
                       ('orders', 'b', '{}', 'h', 'consumed-fresh', now() - interval '3 days', NULL, now()),
                       ('orders', 'c', '{}', 'h', 'expired-old', now() - interval '3 days',
                        now() - interval '2 days', NULL),
                       ('orders', 'd', '{}', 'h', 'buffered', now() - interval '3 days', now() + interval '1 day',
                        NULL)""");
        db.execute("""
                INSERT INTO baton_callback (id, url, event_types, secret_key_id, secret, created_at, updated_at)
                VALUES ('00000000-0000-0000-0000-0000000000e1', 'https://hooks.example.com/', '{*}', 'test', 'x',
                        now(), now())""");
        for (String[] event : List.of(new String[] {"e1", "2 days", "DELIVERED"}, new String[] {"e2", "2 days", "DEAD"},
                new String[] {"e3", "2 days", "PENDING"}, new String[] {"e4", "1 hour", "DELIVERED"})) {
            String id = "00000000-0000-0000-0000-0000000000" + event[0];
            db.execute("INSERT INTO baton_event (id, type, task_id, agent, payload, created_at) VALUES (?::uuid, "
                    + "'task.succeeded', gen_random_uuid(), 'noop', '{}', now() - ?::interval)", id, event[1]);
            db.execute("INSERT INTO baton_callback_delivery (event_id, callback_id, state, due_at, created_at) "
                    + "VALUES (?::uuid, '00000000-0000-0000-0000-0000000000e1', ?, now(), now() - ?::interval)",
                    id, event[2], event[1]);
            db.execute("INSERT INTO baton_callback_attempt (event_id, callback_id, attempt, node, at) VALUES "
                    + "(?::uuid, '00000000-0000-0000-0000-0000000000e1', 1, 'n', now())", id);
        }

        var pruned = node.retention().runOnce();

        assertThat(pruned).containsEntry("delivery logs", 2500).containsEntry("outbox events", 2)
                .containsEntry("consumed inbox rows", 1).containsEntry("expired event buffers", 1);
        assertThat(count("SELECT count(*) FROM baton_delivery")).isEqualTo(1L);
        assertThat(db.queryValue("SELECT string_agg(delivery_id, ',' ORDER BY delivery_id) FROM baton_inbox"))
                .isEqualTo("buffered,consumed-fresh");
        assertThat(db.queryValue("SELECT string_agg(right(id::text, 2), ',' ORDER BY id) FROM baton_event"))
                .isEqualTo("e3,e4"); // a pending delivery keeps its event, however old
        assertThat(count("SELECT count(*) FROM baton_callback_delivery")).isEqualTo(2L);
        assertThat(count("SELECT count(*) FROM baton_callback_attempt")).isEqualTo(2L);
        assertThat(node.retention().runOnce().values()).containsOnly(0);
    }

    @Test
    void oneRoundAtATimeInTheCluster() throws Exception {
        db.execute("""
                INSERT INTO baton_delivery (source, delivery_id, payload_hash, outcome, task_ids, created_at)
                VALUES ('token', 'locked-out', 'h', 'resumed', '{}', now() - interval '2 days')""");
        try (Connection other = db.connect()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, 0x62617430726574L); // another node's round in progress
                lock.execute();
            }
            assertThat(node.retention().runOnce()).isEmpty();
            assertThat(count("SELECT count(*) FROM baton_delivery WHERE delivery_id = 'locked-out'")).isEqualTo(1L);
            other.rollback();
        }
        assertThat(node.retention().runOnce()).containsEntry("delivery logs", 1);
    }
}
