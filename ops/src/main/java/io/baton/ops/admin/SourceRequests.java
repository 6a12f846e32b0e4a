package io.baton.ops.admin;

import io.baton.persistence.Transactions;
import io.baton.wait.EventSource;
import io.baton.wait.WaitService;
import io.javalin.http.Context;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /admin/api/event-sources}: each registered source, its URL, and what waits on it or is kept for it. */
final class SourceRequests {
    private static final String OPEN_WAITS = """
            SELECT source, count(*) FROM baton_wait WHERE state = 'OPEN' AND kind = 'EVENT' GROUP BY source""";
    private static final String BUFFERED = """
            SELECT source, count(*) FROM baton_inbox
             WHERE consumed_at IS NULL AND source IS NOT NULL AND expires_at > ? GROUP BY source""";

    private final WaitService waits;
    private final Transactions transactions;
    private final Clock clock;

    SourceRequests(WaitService waits, Transactions transactions, Clock clock) {
        this.waits = waits;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** A source as operators see it (never its secret). */
    record SourceView(String name, String url, String scheme, String correlationPointer, Duration bufferTtl,
                      long openWaits, long bufferedEvents) {
    }

    void list(Context ctx) {
        Queries.onlyKnown(ctx, java.util.Set.of());
        Map<String, Long> open = counts(OPEN_WAITS, false);
        Map<String, Long> buffered = counts(BUFFERED, true);
        List<SourceView> views = new ArrayList<>();
        for (EventSource s : waits.sources()) {
            views.add(new SourceView(s.name(), waits.eventUrl(s), s.scheme(), s.correlationPointer(), s.bufferTtl(),
                    open.getOrDefault(s.name(), 0L), buffered.getOrDefault(s.name(), 0L)));
        }
        ctx.json(Map.of("eventSources", views));
    }

    private Map<String, Long> counts(String sql, boolean now) {
        return transactions.inTransaction(c -> {
            Map<String, Long> counts = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (now) {
                    ps.setTimestamp(1, Timestamp.from(clock.instant()));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return counts;
        });
    }
}
