package io.baton.ops.admin;

import io.baton.config.BatonConfig;
import io.baton.ops.BatonServer;
import io.baton.testing.TestDatabase;
import java.util.HashMap;
import java.util.Map;

/** A real server for the admin API tests: random port, the given bootstrap key, token and secret keys set. */
public final class AdminTestServer {
    private AdminTestServer() {
    }

    /** {@code more}: further setting name and value pairs. */
    public static BatonServer start(TestDatabase db, String nodeId, String adminKey, String... more) {
        Map<String, String> env = new HashMap<>(db.batonEnvironment());
        env.put("BATON_NODE_ID", nodeId);
        env.put("BATON_HTTP_PORT", "0");
        env.put("BATON_ADMIN_API_KEY", adminKey);
        env.put("BATON_SHUTDOWN_GRACE", "2s");
        env.put("BATON_TOKEN_KEY", nodeId + "-token-key-0123456789abcdef0123");
        env.put("BATON_SECRET_KEY", "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        env.put("BATON_CALLBACK_ALLOW", "127.0.0.1/32");
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return BatonServer.start(BatonConfig.load(env));
    }
}
