-- Accounts, their sessions, rooms and invite links. Ids are UUID text and times are epoch
-- milliseconds, so one diesel schema serves SQLite and PostgreSQL alike.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE rooms (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    max_participants INTEGER NOT NULL,
    layout TEXT NOT NULL,
    auto_record BOOLEAN NOT NULL,
    listed BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX rooms_by_owner ON rooms (owner_id);

CREATE TABLE invites (
    id TEXT PRIMARY KEY NOT NULL,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('participant', 'viewer')),
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX invites_by_room ON invites (room_id);
