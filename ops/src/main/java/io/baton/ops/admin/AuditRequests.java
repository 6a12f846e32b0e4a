package io.baton.ops.admin;

import io.baton.audit.AuditLog;
import io.baton.persistence.Transactions;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The handler of {@code GET /admin/api/audit}: the audit log, newest first, filtered, a page at a time. */
final class AuditRequests {
    static final Set<String> PARAMETERS = Set.of("keyId", "action", "target", "from", "to", "before", "limit");

    private final AuditLog log;
    private final Transactions transactions;

    AuditRequests(AuditLog log, Transactions transactions) {
        this.log = log;
        this.transactions = transactions;
    }

    void list(Context ctx) {
        Queries.onlyKnown(ctx, PARAMETERS);
        String before = Queries.text(ctx, "before", 20);
        Long beforeId = null;
        if (before != null) {
            try {
                beforeId = Long.parseLong(before);
            } catch (NumberFormatException e) {
                throw Queries.bad("'before' must be the id of an audit row (the 'next' of the previous page).");
            }
        }
        int limit = Queries.integer(ctx, "limit", 50, 1, TaskRequests.MAX_LIMIT);
        AuditLog.Query query = new AuditLog.Query(Queries.text(ctx, "keyId", 100), Queries.text(ctx, "action", 100),
                Queries.text(ctx, "target", 200), Queries.instant(ctx, "from"), Queries.instant(ctx, "to"), beforeId,
                limit);
        List<AuditLog.Record> rows = transactions.inTransaction(c -> log.list(c, query));
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("entries", rows);
        answer.put("next", rows.size() == limit ? String.valueOf(rows.get(rows.size() - 1).id()) : null);
        ctx.json(answer);
    }
}
