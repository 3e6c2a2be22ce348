//! Rooms over HTTP: settings and defaults, who sees and changes what, limits and paging.

use serde_json::{Value, json};

use crate::harness::{Backend, Env, all_pages, assert_error, assert_rfc3339, field_of, items};

on_both_backends!(rooms_are_created_seen_changed_and_deleted);

fn rooms_are_created_seen_changed_and_deleted(backend: Backend) {
    let env = Env::start(backend, "");
    let (ann, ann_token) = env.member("ann");
    let (_, bea_token) = env.member("bea");
    let (_, boss_token) = env.admin("boss");
    let ann_id = ann["id"].as_str().unwrap_or_default().to_owned();

    // Defaults.
    let standup = env.room(&ann_token, json!({"name": "Standup"}));
    assert_room(
        &standup,
        &json!({"name": "Standup", "ownerId": ann_id, "maxParticipants": 16, "layout": "grid",
                "listed": true, "autoRecord": false}),
    );
    let standup_id = id(&standup);
    assert!(
        !standup_id.is_empty()
            && standup_id.len() <= 64
            && standup_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
        "a room id fit for join: {standup_id:?}"
    );
    // Every setting given.
    let settings = json!({"name": "Ann's private", "listed": false, "maxParticipants": 4,
                          "layout": "presenter", "autoRecord": true});
    let ann_private = env.room(&ann_token, settings.clone());
    let mut expected = settings;
    expected["ownerId"] = json!(ann_id);
    assert_room(&ann_private, &expected);
    let ann_private_id = id(&ann_private);
    let bea_private_id = id(&env.room(&bea_token, json!({"name": "Bea's", "listed": false})));
    assert_ne!(standup_id, ann_private_id, "ids are unique");
    assert_error(
        &env.call("POST", "/api/rooms", None, Some(json!({"name": "x"}))),
        401,
        "unauthorized",
        "anonymous creates a room",
    );

    // Who sees what.
    let visible = |token: &str| {
        let r = env.call("GET", "/api/rooms", Some(token), None);
        let mut ids = field_of(&items(&r), "id");
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<&str>| {
        v.sort_unstable();
        v.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(
        visible(&ann_token),
        sorted(vec![&standup_id, &ann_private_id]),
        "ann sees the listed room and her own"
    );
    assert_eq!(
        visible(&bea_token),
        sorted(vec![&standup_id, &bea_private_id]),
        "bea sees the listed room and her own"
    );
    assert_eq!(
        visible(&boss_token),
        sorted(vec![&standup_id, &ann_private_id, &bea_private_id]),
        "an admin sees every room"
    );
    let get =
        |token: &str, room: &str| env.call("GET", &format!("/api/rooms/{room}"), Some(token), None);
    assert_error(
        &get(&bea_token, &ann_private_id),
        404,
        "not_found",
        "another member's private room",
    );
    for token in [&ann_token, &boss_token] {
        let r = get(token, &ann_private_id);
        assert_eq!(r.status, 200, "owner and admin see it: {}", r.body);
        assert_eq!(r.body, ann_private, "the same room");
    }
    let r = get(&bea_token, &standup_id);
    assert_eq!(r.status, 200, "a listed room: {}", r.body);
    assert_eq!(r.body, standup);
    assert_error(
        &get(&bea_token, "no-such-room"),
        404,
        "not_found",
        "unknown room",
    );

    // Changes: owner or admin only.
    let patch = |token: &str, room: &str, body: Value| {
        env.call(
            "PATCH",
            &format!("/api/rooms/{room}"),
            Some(token),
            Some(body),
        )
    };
    assert_error(
        &patch(&bea_token, &standup_id, json!({"name": "Mine now"})),
        403,
        "forbidden",
        "another member renames the room",
    );
    let r = patch(
        &ann_token,
        &standup_id,
        json!({"name": "Standup 2", "maxParticipants": 8}),
    );
    assert_eq!(r.status, 200, "owner patch: {}", r.body);
    let mut expected = standup.clone();
    expected["name"] = json!("Standup 2");
    expected["maxParticipants"] = json!(8);
    assert_eq!(r.body, expected, "only the named settings change");
    let r = patch(
        &boss_token,
        &standup_id,
        json!({"layout": "presenter", "autoRecord": true}),
    );
    assert_eq!(r.status, 200, "admin patch: {}", r.body);
    expected["layout"] = json!("presenter");
    expected["autoRecord"] = json!(true);
    assert_eq!(r.body, expected);
    assert_eq!(
        get(&bea_token, &standup_id).body,
        expected,
        "GET shows the change"
    );
    // Unlisting hides it from others.
    let r = patch(&ann_token, &standup_id, json!({"listed": false}));
    assert_eq!(r.status, 200, "unlist: {}", r.body);
    assert_eq!(r.body["listed"], false);
    assert_error(
        &get(&bea_token, &standup_id),
        404,
        "not_found",
        "an unlisted room",
    );
    assert_eq!(
        patch(&ann_token, &standup_id, json!({"listed": true})).status,
        200
    );

    // Invalid settings.
    for body in [
        json!({"name": "x", "maxParticipants": 0}),
        json!({"name": "x", "maxParticipants": 17}),
        json!({"name": "x", "maxParticipants": -1}),
        json!({"name": "x", "maxParticipants": "4"}),
        json!({"name": ""}),
        json!({"name": "x", "layout": "mosaic"}),
        json!({"name": "x", "listed": "yes"}),
        json!({"maxParticipants": 4}),
        json!({}),
    ] {
        let r = env.call("POST", "/api/rooms", Some(&ann_token), Some(body.clone()));
        assert_error(&r, 400, "bad_request", &format!("create {body}"));
    }
    for body in [
        json!({"maxParticipants": 0}),
        json!({"maxParticipants": 17}),
        json!({"name": ""}),
        json!({"layout": "mosaic"}),
    ] {
        let r = patch(&ann_token, &standup_id, body.clone());
        assert_error(&r, 400, "bad_request", &format!("patch {body}"));
    }
    assert_eq!(
        get(&ann_token, &standup_id).body,
        expected,
        "nothing changed"
    );

    // Limits and malformed requests.
    let big = json!({"name": "x", "padding": "p".repeat(17 * 1024)}).to_string();
    let r = env.call_raw(
        "POST",
        "/api/rooms",
        Some(&ann_token),
        "application/json",
        big.as_bytes(),
    );
    assert_error(&r, 413, "too_large", "a 17 KiB body");
    let r = env.call_raw(
        "POST",
        "/api/rooms",
        Some(&ann_token),
        "application/json",
        b"{\"name\": \"x\",",
    );
    assert_error(&r, 400, "bad_request", "malformed JSON");
    let r = env.call("GET", "/api/nope", Some(&ann_token), None);
    assert_error(&r, 404, "not_found", "an unknown API route");
    let r = env.call("GET", "/api/nope", None, None);
    assert_error(&r, 404, "not_found", "an unknown API route, anonymous");

    // Paging.
    for i in 1..=3 {
        env.room(&ann_token, json!({"name": format!("Page {i}")}));
    }
    let whole = items(&env.call("GET", "/api/rooms", Some(&ann_token), None));
    assert_eq!(whole.len(), 5, "five rooms for ann");
    let first = env.call("GET", "/api/rooms?limit=1", Some(&ann_token), None);
    assert_eq!(items(&first).len(), 1, "one item: {}", first.body);
    let cursor = first.body["next"]
        .as_str()
        .unwrap_or_else(|| panic!("a next cursor: {}", first.body))
        .to_owned();
    let second = env.call(
        "GET",
        &format!(
            "/api/rooms?limit=1&cursor={}",
            crate::harness::percent_encode(&cursor)
        ),
        Some(&ann_token),
        None,
    );
    let second_items = items(&second);
    assert_eq!(second_items.len(), 1, "one item: {}", second.body);
    assert_eq!(
        second_items[0], whole[1],
        "the cursor leads to the next room"
    );
    let paged = all_pages(&env, "/api/rooms", &ann_token);
    assert_eq!(
        field_of(&paged, "id"),
        field_of(&whole, "id"),
        "pages add up"
    );
    // Limits outside 1–200 are clamped; a limit that is no number is refused.
    let r = env.call("GET", "/api/rooms?limit=0", Some(&ann_token), None);
    assert_eq!(items(&r).len(), 1, "limit=0 gives one item: {}", r.body);
    assert!(r.body["next"].is_string(), "and a cursor: {}", r.body);
    let r = env.call("GET", "/api/rooms?limit=1000", Some(&ann_token), None);
    assert_eq!(items(&r), whole, "limit=1000 gives everything");
    let r = env.call("GET", "/api/rooms?limit=abc", Some(&ann_token), None);
    assert_error(&r, 400, "bad_request", "limit=abc");

    // Deletion: owner or admin.
    assert_error(
        &env.call(
            "DELETE",
            &format!("/api/rooms/{standup_id}"),
            Some(&bea_token),
            None,
        ),
        403,
        "forbidden",
        "another member deletes",
    );
    let r = env.call(
        "DELETE",
        &format!("/api/rooms/{standup_id}"),
        Some(&ann_token),
        None,
    );
    assert_eq!(r.status, 204, "owner deletes: {}", r.body);
    assert_error(&get(&ann_token, &standup_id), 404, "not_found", "deleted");
    assert_error(
        &env.call(
            "DELETE",
            &format!("/api/rooms/{standup_id}"),
            Some(&ann_token),
            None,
        ),
        404,
        "not_found",
        "deleting twice",
    );
    let r = env.call(
        "DELETE",
        &format!("/api/rooms/{bea_private_id}"),
        Some(&boss_token),
        None,
    );
    assert_eq!(r.status, 204, "admin deletes: {}", r.body);
    assert_error(
        &get(&bea_token, &bea_private_id),
        404,
        "not_found",
        "deleted by admin",
    );
    assert_eq!(visible(&ann_token).len(), 4, "ann's list lost the room");
}

fn id(room: &Value) -> String {
    room["id"].as_str().unwrap_or_default().to_owned()
}

/// Asserts every field of `expected` and the server-made ones.
#[track_caller]
fn assert_room(room: &Value, expected: &Value) {
    for (k, v) in expected.as_object().into_iter().flatten() {
        assert_eq!(&room[k], v, "{k} in {room}");
    }
    assert!(
        room["id"].as_str().is_some_and(|s| !s.is_empty()),
        "id in {room}"
    );
    assert_rfc3339(&room["createdAt"], "createdAt");
}
