package io.baton.secret;

import io.baton.config.BatonConfig;
import io.baton.config.SecretKeySetting;
import java.util.List;
import java.util.Optional;

/**
 * Where a node's {@link SecretBox} keys come from: {@code BATON_SECRET_KEY}; else, with the embedded database, a
 * random 256-bit key generated once into {@code <data dir>/secret.key} (mode 0600, id {@value #LOCAL_ID}); else none.
 */
public final class SecretKeys {
    static final String FILE = "secret.key";
    static final String LOCAL_ID = "local";

    private SecretKeys() {
    }

    public static Optional<SecretBox> resolve(BatonConfig config) {
        if (!config.secretKeys().isEmpty()) {
            return Optional.of(new SecretBox(config.secretKeys()));
        }
        if (config.database().externalUrl().isPresent()) {
            return Optional.empty();
        }
        byte[] key = KeyFile.readOrCreate(config.dataDir().resolve(FILE));
        return Optional.of(new SecretBox(List.of(new SecretKeySetting(LOCAL_ID, key))));
    }
}
