package io.baton.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ClusterMembershipIT {

    @Test
    void twoNodesOnOneDatabaseJoinOneQuartzClusterAndAreReady(TestDatabase db) throws SQLException {
        try (BatonNode a = BatonNode.start(TestNodes.config(db, "node-a"));
             BatonNode b = BatonNode.start(TestNodes.config(db, "node-b"))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(clusterMembers(db)).containsExactlyInAnyOrder("node-a", "node-b"));
            assertThat(a.health().ready()).isTrue();
            assertThat(b.health().ready()).isTrue();
            assertThat(a.embeddedDatabase()).isEmpty();
        }
    }

    @Test
    void aClosedNodeIsNoLongerReady(TestDatabase db) {
        BatonNode node = BatonNode.start(TestNodes.config(db, "node-c"));
        node.close();

        assertThat(node.health().ready()).isFalse();
    }

    private static List<String> clusterMembers(TestDatabase db) throws SQLException {
        List<String> members = new ArrayList<>();
        try (Connection c = db.connect();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = 'baton'")) {
            while (rs.next()) {
                members.add(rs.getString(1));
            }
        }
        return members;
    }
}
