package io.baton.chaos;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads what a PostgreSQL client sends (the frontend side of the wire protocol, version 3) as it streams through the
 * {@link DatabaseProxy}, to tell when it commits a transaction that wrote to Baton's tables: queries run as a simple
 * {@code Query}, or as a {@code Bind} of a statement an earlier {@code Parse} named (the JDBC driver prepares its
 * frequent statements, {@code COMMIT} among them, once per connection and then only binds them by name). Only message
 * boundaries and those three messages are decoded; everything else is skipped by its length.
 */
final class FrontendMessages {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** Prepared statements by name ("" the unnamed one): the driver binds its frequent ones by name only. */
    private final Map<String, String> statements = new HashMap<>();
    private boolean started;
    private boolean wroteBaton;

    /** Takes the next {@code n} bytes the client sent; true if a complete message among them commits Baton's writes. */
    boolean read(byte[] bytes, int n) {
        pending.write(bytes, 0, n);
        byte[] all = pending.toByteArray();
        int at = 0;
        boolean commit = false;
        while (true) {
            int header = started ? 5 : 4;
            if (all.length - at < header) {
                break;
            }
            int length = readInt(all, started ? at + 1 : at); // counts itself, not the type byte
            int total = (started ? 1 : 0) + length;
            if (length < 4 || all.length - at < total) {
                break;
            }
            if (!started) {
                int code = length >= 8 ? readInt(all, at + 4) : 0;
                started = code != SSL_REQUEST && code != GSS_REQUEST; // the startup message itself comes next
            } else {
                commit |= commits((char) all[at], all, at + 5, at + total);
            }
            at += total;
        }
        pending.reset();
        pending.write(all, at, all.length - at);
        return commit;
    }

    private boolean commits(char type, byte[] all, int from, int to) {
        switch (type) {
            case 'Q' -> {
                return ran(cString(all, from, to));
            }
            case 'P' -> {
                String statement = cString(all, from, to);
                statements.put(statement, cString(all, from + utf8Length(statement) + 1, to));
                return false;
            }
            case 'B' -> {
                String portal = cString(all, from, to);
                return ran(statements.getOrDefault(cString(all, from + utf8Length(portal) + 1, to), ""));
            }
            default -> {
                return false;
            }
        }
    }

    /** Notes a query that runs; true if it commits a transaction that wrote to Baton's tables. */
    private boolean ran(String query) {
        String q = query.trim().toUpperCase(Locale.ROOT);
        if (q.equals("COMMIT") || q.equals("END")) {
            boolean wrote = wroteBaton;
            wroteBaton = false;
            return wrote;
        }
        if (q.equals("ROLLBACK") || q.startsWith("BEGIN")) { // a new transaction: autocommit writes before it are done
            wroteBaton = false;
        } else if (q.contains("BATON_") && (q.startsWith("INSERT") || q.startsWith("UPDATE") || q.startsWith("DELETE")
                || q.startsWith("WITH") && (q.contains("UPDATE ") || q.contains("INSERT ") || q.contains("DELETE ")))) {
            wroteBaton = true;
        }
        return false;
    }

    private static String cString(byte[] all, int from, int to) {
        int end = from;
        while (end < to && all[end] != 0) {
            end++;
        }
        return new String(all, from, Math.max(0, end - from), StandardCharsets.UTF_8);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
