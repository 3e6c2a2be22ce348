//! Tables, written by hand to match `migrations/` (the same on SQLite and PostgreSQL).

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        disabled -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    rooms (id) {
        id -> Text,
        name -> Text,
        owner_id -> Text,
        max_participants -> Integer,
        layout -> Text,
        auto_record -> Bool,
        listed -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    invites (id) {
        id -> Text,
        room_id -> Text,
        role -> Text,
        token_hash -> Text,
        created_by -> Text,
        created_at -> BigInt,
        revoked -> Bool,
    }
}

diesel::table! {
    stream_keys (room_id) {
        room_id -> Text,
        key_hash -> Text,
        created_by -> Text,
        created_at -> BigInt,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(invites -> rooms (room_id));
diesel::joinable!(stream_keys -> rooms (room_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    rooms,
    invites,
    recordings,
    stream_keys
);

diesel::table! {
    recordings (id) {
        id -> Text,
        room_id -> Text,
        room_name -> Text,
        started_by -> Nullable<Text>,
        started_at -> BigInt,
        ended_at -> Nullable<BigInt>,
        duration_ms -> Nullable<BigInt>,
        bytes -> Nullable<BigInt>,
        status -> Text,
        file_name -> Text,
        error -> Nullable<Text>,
        timeline -> Text,
    }
}
