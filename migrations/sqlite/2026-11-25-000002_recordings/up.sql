-- Room recordings. room_id is not a foreign key: deleting a room keeps its recordings.
-- timeline is JSON text: who joined and left when, in milliseconds from the start.
CREATE TABLE recordings (
    id TEXT PRIMARY KEY NOT NULL,
    room_id TEXT NOT NULL,
    room_name TEXT NOT NULL,
    started_by TEXT,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    duration_ms BIGINT,
    bytes BIGINT,
    status TEXT NOT NULL CHECK (status IN ('recording', 'finalizing', 'ready', 'recovered', 'failed')),
    file_name TEXT NOT NULL,
    error TEXT,
    timeline TEXT NOT NULL
);
CREATE INDEX recordings_by_room ON recordings (room_id, started_at);
