package io.baton.testing;

import io.baton.config.BatonConfig;
import java.util.HashMap;
import java.util.Map;

/** Configuration for nodes under test: fast timers so failures show up in seconds. */
public final class TestNodes {
    private TestNodes() {
    }

    /** A node on {@code db} with id {@code nodeId}, plus any extra {@code BATON_*} settings (name, value, ...). */
    public static BatonConfig config(TestDatabase db, String nodeId, String... extra) {
        Map<String, String> env = new HashMap<>(db.batonEnvironment());
        env.put("BATON_NODE_ID", nodeId);
        env.put("BATON_SHUTDOWN_GRACE", "2s");
        env.put("BATON_IDLE_WAIT", "1s");
        env.put("BATON_RECONCILE_INTERVAL", "500ms");
        env.put("BATON_STALE_AFTER", "2s");
        env.put("BATON_TOKEN_KEY", "test-token-key-0123456789abcdef-0123456789");
        env.put("BATON_SECRET_KEY", "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return BatonConfig.load(env);
    }
}
