-- Signing secrets of waits are stored encrypted (AES-256-GCM, io.baton.secret.SecretBox): signing_secret holds
-- base64(nonce || ciphertext || tag) and signing_key_id the id of the BATON_SECRET_KEY key that sealed it. A row with
-- a secret and no key id was written by an earlier version in plain text; nodes re-seal such rows (and rows under a
-- key that is no longer the first) as they start.
ALTER TABLE baton_wait ADD COLUMN signing_key_id TEXT;
CREATE INDEX baton_wait_unsealed ON baton_wait (id) WHERE signing_secret IS NOT NULL;
