//! Stream keys over HTTP: only the owner and admins make, see and revoke them; a new key
//! replaces the old one; a key opens WHIP for its own room only and goes with its room.

use serde_json::json;

use crate::harness::{Backend, Env, assert_error, assert_rfc3339, id};
use crate::support::api::Reply;

on_both_backends!(
    a_new_room_has_no_stream_key,
    the_owner_makes_a_key_that_is_never_shown_again,
    only_the_owner_and_admins_touch_the_stream_key,
    a_new_key_replaces_the_old_one,
    a_key_opens_whip_for_its_own_room_only,
    a_revoked_key_opens_nothing_and_revoking_again_is_harmless,
    a_key_goes_with_its_room,
);

/// A real offer, for WHIP requests refused before any media.
const OFFER: &str = include_str!("../data/chromium-156-sendrecv-offer.sdp");

/// A server with two members, Ann and Bea, and Ann's room.
struct Studio {
    env: Env,
    ann: String,
    bea: String,
    room: String,
}

impl Studio {
    fn start(backend: Backend) -> Self {
        let (env, [(_, ann), (_, bea)]) = Env::with_members(backend, ["ann", "bea"]);
        let room = id(&env.room(&ann, json!({"name": "Studio"})));
        Self {
            env,
            ann,
            bea,
            room,
        }
    }

    /// [`Studio::start`] with a key Ann made for her room: the studio and the key.
    fn with_key(backend: Backend) -> (Self, String) {
        let f = Self::start(backend);
        let key = f.make_key(&f.ann);
        (f, key)
    }

    /// Calls the room's stream-key path with `method` as `token`.
    fn key_call(&self, method: &str, token: Option<&str>) -> Reply {
        let path = format!("/api/rooms/{}/stream-key", self.room);
        self.env.call(method, &path, token, None)
    }

    /// A new key for the room, made as `token`.
    fn make_key(&self, token: &str) -> String {
        let r = self.key_call("POST", Some(token));
        assert_eq!(r.status, 201, "a key is made: {}", r.body);
        r.body["key"].as_str().unwrap_or_default().to_owned()
    }

    /// A WHIP offer to `room` with `key`.
    fn whip(&self, room: &str, key: &str) -> Reply {
        self.env.call_raw(
            "POST",
            &format!("/api/rooms/{room}/whip"),
            Some(key),
            "application/sdp",
            OFFER.as_bytes(),
        )
    }
}

fn a_new_room_has_no_stream_key(backend: Backend) {
    let f = Studio::start(backend);
    let r = f.key_call("GET", Some(&f.ann));
    assert_eq!((r.status, &r.body), (200, &json!({"exists": false})));
}

fn the_owner_makes_a_key_that_is_never_shown_again(backend: Backend) {
    let f = Studio::start(backend);
    let r = f.key_call("POST", Some(&f.ann));
    assert_eq!(r.status, 201, "the owner makes a key: {}", r.body);
    let key = r.body["key"].as_str().unwrap_or_default().to_owned();
    assert!(key.starts_with("crk_") && key.len() == 47, "{key}");
    assert_rfc3339(&r.body["createdAt"], "createdAt");
    let r = f.key_call("GET", Some(&f.ann));
    assert_eq!(r.body["exists"], true);
    assert!(
        !r.body.to_string().contains(&key[4..]),
        "GET never shows the key"
    );
}

fn only_the_owner_and_admins_touch_the_stream_key(backend: Backend) {
    let (f, _) = Studio::with_key(backend);
    for method in ["GET", "POST", "DELETE"] {
        let r = f.key_call(method, Some(&f.bea));
        assert_error(&r, 403, "forbidden", &format!("{method} by another member"));
        let r = f.key_call(method, None);
        assert_error(&r, 401, "unauthorized", &format!("{method} anonymously"));
    }
}

fn a_new_key_replaces_the_old_one(backend: Backend) {
    let (f, first) = Studio::with_key(backend);
    // An admin makes the new one: the first stops opening WHIP.
    let (_, boss) = f.env.admin("boss");
    let r = f.key_call("POST", Some(&boss));
    assert_eq!(r.status, 201, "an admin makes a key: {}", r.body);
    let second = r.body["key"].as_str().unwrap_or_default().to_owned();
    assert_ne!(first, second);
    assert_error(
        &f.whip(&f.room, &first),
        401,
        "unauthorized",
        "a replaced key",
    );
}

fn a_key_opens_whip_for_its_own_room_only(backend: Backend) {
    let (f, key) = Studio::with_key(backend);
    let other = id(&f.env.room(&f.ann, json!({"name": "Other"})));
    let r = f.whip(&other, &key);
    assert_error(&r, 403, "forbidden", "another room's key");
}

fn a_revoked_key_opens_nothing_and_revoking_again_is_harmless(backend: Backend) {
    let (f, key) = Studio::with_key(backend);
    for _ in 0..2 {
        let r = f.key_call("DELETE", Some(&f.ann));
        assert_eq!(r.status, 204, "revoke: {}", r.body);
    }
    assert_eq!(f.key_call("GET", Some(&f.ann)).body["exists"], false);
    assert_error(&f.whip(&f.room, &key), 401, "unauthorized", "a revoked key");
}

fn a_key_goes_with_its_room(backend: Backend) {
    let (f, key) = Studio::with_key(backend);
    let r = f.env.call(
        "DELETE",
        &format!("/api/rooms/{}", f.room),
        Some(&f.ann),
        None,
    );
    assert_eq!(r.status, 204);
    let r = f.whip(&f.room, &key);
    assert_error(&r, 401, "unauthorized", "the key of a deleted room");
}
