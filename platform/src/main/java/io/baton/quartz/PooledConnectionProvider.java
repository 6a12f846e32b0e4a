package io.baton.quartz;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;

/** Lets Quartz borrow connections from the node's own pool instead of opening a second one. */
final class PooledConnectionProvider implements ConnectionProvider {
    private final DataSource dataSource;

    PooledConnectionProvider(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void shutdown() {
        // The pool belongs to the node, which closes it after the scheduler.
    }

    @Override
    public void initialize() {
        // Nothing to do: the pool is already open.
    }
}
