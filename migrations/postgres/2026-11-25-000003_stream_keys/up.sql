-- One revocable stream key per room, for publishing over WHIP (OBS keeps one setting).
-- Only the SHA-256 of the key is stored; a new key replaces the row, revoking the old one.
CREATE TABLE stream_keys (
    room_id TEXT PRIMARY KEY NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    key_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
