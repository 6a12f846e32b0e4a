package io.baton.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class StoreExceptionTest {

    @Test
    void aPoolThatFoundNoConnectionInTimeIsUnavailableWhateverTheLastFailuresState() {
        // Hikari's timeout carries the SQLState of its last failed connection, here "database does not allow
        // connections" (55000): still the database being unavailable, so a 503, not a bug (500).
        assertThat(StoreException.from("x", new SQLTransientConnectionException("timed out", "55000")))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void sqlStatesAreSortedIntoWhatCallersTellApart() {
        assertThat(StoreException.from("x", new SQLException("gone", "08006")))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(StoreException.from("x", new SQLException("no state"))).isInstanceOf(StoreUnavailableException.class);
        assertThat(StoreException.from("x", new SQLException("bad value", "22P02")))
                .isInstanceOf(StoreRejectedException.class);
        assertThat(StoreException.from("x", new SQLException("unique", "23505")))
                .isInstanceOf(StoreConflictException.class);
        assertThat(StoreException.from("x", new SQLException("syntax", "42601"))).isExactlyInstanceOf(
                StoreException.class);
    }
}
