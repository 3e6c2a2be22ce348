//! Stream keys over HTTP: only the owner and admins make, see and revoke them; a new key
//! replaces the old one; a key opens WHIP for its own room only and goes with its room.

use serde_json::json;

use crate::harness::{Backend, Env, assert_error, assert_rfc3339};

on_both_backends!(stream_keys_are_made_replaced_and_revoked);

/// A real offer, for WHIP requests refused before any media.
const OFFER: &str = include_str!("../data/chromium-156-sendrecv-offer.sdp");

fn stream_keys_are_made_replaced_and_revoked(backend: Backend) {
    let env = Env::start(backend, "");
    let (_, ann) = env.member("ann");
    let (_, bea) = env.member("bea");
    let (_, boss) = env.admin("boss");
    let room = env.room(&ann, json!({"name": "Studio"}))["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let other = env.room(&ann, json!({"name": "Other"}))["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let path = format!("/api/rooms/{room}/stream-key");
    let whip = |room: &str, key: &str| {
        env.call_raw(
            "POST",
            &format!("/api/rooms/{room}/whip"),
            Some(key),
            "application/sdp",
            OFFER.as_bytes(),
        )
    };

    let r = env.call("GET", &path, Some(&ann), None);
    assert_eq!((r.status, &r.body), (200, &json!({"exists": false})));
    let r = env.call("POST", &path, Some(&ann), None);
    assert_eq!(r.status, 201, "the owner makes a key: {}", r.body);
    let first = r.body["key"].as_str().unwrap_or_default().to_owned();
    assert!(first.starts_with("crk_") && first.len() == 47, "{first}");
    assert_rfc3339(&r.body["createdAt"], "createdAt");
    let r = env.call("GET", &path, Some(&ann), None);
    assert_eq!(r.body["exists"], true);
    assert!(
        !r.body.to_string().contains(&first[4..]),
        "GET never shows the key"
    );

    for method in ["GET", "POST", "DELETE"] {
        let r = env.call(method, &path, Some(&bea), None);
        assert_error(&r, 403, "forbidden", &format!("{method} by another member"));
        let r = env.call(method, &path, None, None);
        assert_error(&r, 401, "unauthorized", &format!("{method} anonymously"));
    }

    // An admin replaces the key: the first stops opening WHIP.
    let r = env.call("POST", &path, Some(&boss), None);
    assert_eq!(r.status, 201, "an admin makes a key: {}", r.body);
    let second = r.body["key"].as_str().unwrap_or_default().to_owned();
    assert_ne!(first, second);
    assert_error(&whip(&room, &first), 401, "unauthorized", "a replaced key");
    assert_error(
        &whip(&other, &second),
        403,
        "forbidden",
        "another room's key",
    );

    // Revoked, and revoking again is harmless.
    for _ in 0..2 {
        let r = env.call("DELETE", &path, Some(&ann), None);
        assert_eq!(r.status, 204, "revoke: {}", r.body);
    }
    assert_eq!(
        env.call("GET", &path, Some(&ann), None).body["exists"],
        false
    );
    assert_error(&whip(&room, &second), 401, "unauthorized", "a revoked key");

    // A key goes with its room.
    let r = env.call("POST", &path, Some(&ann), None);
    let third = r.body["key"].as_str().unwrap_or_default().to_owned();
    let r = env.call("DELETE", &format!("/api/rooms/{room}"), Some(&ann), None);
    assert_eq!(r.status, 204);
    assert_error(
        &whip(&room, &third),
        401,
        "unauthorized",
        "the key of a deleted room",
    );
}
