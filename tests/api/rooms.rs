//! Rooms over HTTP: settings and defaults, who sees and changes what, limits and paging.

use serde_json::{Value, json};

use crate::harness::{
    Backend, Env, all_pages, assert_error, assert_rfc3339, field_of, id, items, percent_encode,
};
use crate::support::api::Reply;

on_both_backends!(
    // Creating.
    a_room_without_settings_gets_the_defaults_and_an_id_fit_for_join,
    a_room_keeps_every_setting_given_and_an_id_of_its_own,
    creating_a_room_needs_a_session,
    invalid_settings_are_refused_on_creation,
    // Seeing.
    a_member_lists_the_listed_rooms_and_her_own,
    an_admin_lists_every_room,
    a_private_room_is_seen_by_its_owner_and_admins_only,
    a_listed_room_is_seen_by_every_member,
    an_unknown_room_is_not_found,
    the_layouts_are_listed_for_signed_in_users,
    // Changing.
    another_member_may_not_change_a_room,
    the_owner_changes_only_the_settings_named,
    an_admin_changes_any_room,
    unlisting_hides_a_room_from_others_until_it_is_listed_again,
    invalid_changes_are_refused_and_change_nothing,
    // Limits and malformed requests.
    a_body_over_16_kib_is_too_large,
    malformed_json_is_a_bad_request,
    an_unknown_api_route_is_not_found,
    // Paging.
    rooms_are_listed_page_by_page_with_a_cursor,
    a_page_limit_is_clamped_and_must_be_a_number,
    // Deleting.
    another_member_may_not_delete_a_room,
    the_owner_deletes_a_room_once,
    an_admin_deletes_any_room,
);

/// A server with two members, Ann and Bea, and their rooms: Ann's listed "Standup" made with
/// the defaults and her private room made with every setting, and Bea's private room.
struct Rooms {
    env: Env,
    ann_id: String,
    ann: String,
    bea: String,
    standup: Value,
    standup_id: String,
    /// The settings Ann's private room was made with.
    ann_private_settings: Value,
    ann_private: Value,
    ann_private_id: String,
    bea_private_id: String,
}

impl Rooms {
    fn start(backend: Backend) -> Self {
        let (env, [(ann, ann_token), (_, bea_token)]) = Env::with_members(backend, ["ann", "bea"]);
        let standup = env.room(&ann_token, json!({"name": "Standup"}));
        let ann_private_settings = json!({"name": "Ann's private", "listed": false,
                                          "maxParticipants": 4, "layout": "presenter",
                                          "autoRecord": true});
        let ann_private = env.room(&ann_token, ann_private_settings.clone());
        let bea_private_id = id(&env.room(&bea_token, json!({"name": "Bea's", "listed": false})));
        Self {
            ann_id: id(&ann),
            ann: ann_token,
            bea: bea_token,
            standup_id: id(&standup),
            standup,
            ann_private_settings,
            ann_private_id: id(&ann_private),
            ann_private,
            bea_private_id,
            env,
        }
    }

    /// An admin's token.
    fn admin(&self) -> String {
        self.env.admin("boss").1
    }

    fn get(&self, token: &str, room: &str) -> Reply {
        let path = format!("/api/rooms/{room}");
        self.env.call("GET", &path, Some(token), None)
    }

    fn patch(&self, token: &str, room: &str, body: Value) -> Reply {
        let path = format!("/api/rooms/{room}");
        self.env.call("PATCH", &path, Some(token), Some(body))
    }

    fn delete(&self, token: &str, room: &str) -> Reply {
        let path = format!("/api/rooms/{room}");
        self.env.call("DELETE", &path, Some(token), None)
    }

    /// The ids of the rooms `token` lists, sorted.
    fn visible(&self, token: &str) -> Vec<String> {
        let r = self.env.call("GET", "/api/rooms", Some(token), None);
        let mut ids = field_of(&items(&r), "id");
        ids.sort();
        ids
    }

    /// Three more rooms for Ann; all five of her list, in list order.
    fn five_rooms_for_ann(&self) -> Vec<Value> {
        for i in 1..=3 {
            self.env
                .room(&self.ann, json!({"name": format!("Page {i}")}));
        }
        let whole = items(&self.env.call("GET", "/api/rooms", Some(&self.ann), None));
        assert_eq!(whole.len(), 5, "five rooms for ann");
        whole
    }
}

/// The ids, sorted.
fn sorted(ids: &[&String]) -> Vec<String> {
    let mut out: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    out.sort_unstable();
    out
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

// ── Creating ─────────────────────────────────────────────────────────────────────────────

fn a_room_without_settings_gets_the_defaults_and_an_id_fit_for_join(backend: Backend) {
    let f = Rooms::start(backend);
    assert_room(
        &f.standup,
        &json!({"name": "Standup", "ownerId": f.ann_id, "maxParticipants": 25,
                "layout": "grid", "listed": true, "autoRecord": false}),
    );
    let standup_id = &f.standup_id;
    assert!(
        !standup_id.is_empty()
            && standup_id.len() <= 64
            && standup_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
        "a room id fit for join: {standup_id:?}"
    );
}

fn a_room_keeps_every_setting_given_and_an_id_of_its_own(backend: Backend) {
    let f = Rooms::start(backend);
    let mut expected = f.ann_private_settings.clone();
    expected["ownerId"] = json!(f.ann_id);
    assert_room(&f.ann_private, &expected);
    assert_ne!(f.standup_id, f.ann_private_id, "ids are unique");
}

fn creating_a_room_needs_a_session(backend: Backend) {
    let f = Rooms::start(backend);
    assert_error(
        &f.env
            .call("POST", "/api/rooms", None, Some(json!({"name": "x"}))),
        401,
        "unauthorized",
        "anonymous creates a room",
    );
}

fn invalid_settings_are_refused_on_creation(backend: Backend) {
    let f = Rooms::start(backend);
    for body in [
        json!({"name": "x", "maxParticipants": 0}),
        json!({"name": "x", "maxParticipants": 26}),
        json!({"name": "x", "maxParticipants": -1}),
        json!({"name": "x", "maxParticipants": "4"}),
        json!({"name": ""}),
        json!({"name": "x", "layout": "mosaic"}),
        json!({"name": "x", "listed": "yes"}),
        json!({"maxParticipants": 4}),
        json!({}),
    ] {
        let r = f
            .env
            .call("POST", "/api/rooms", Some(&f.ann), Some(body.clone()));
        assert_error(&r, 400, "bad_request", &format!("create {body}"));
    }
}

// ── Seeing ───────────────────────────────────────────────────────────────────────────────

fn the_layouts_are_listed_for_signed_in_users(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.env.call("GET", "/api/layouts", Some(&f.bea), None);
    let layouts = items(&r);
    let names: Vec<&str> = layouts.iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(names, ["grid", "pip", "presenter", "single", "speaker"]);
    let described = |l: &Value| l["description"].as_str().is_some_and(|d| !d.is_empty());
    assert!(
        layouts.iter().all(|l| l["builtIn"] == true && described(l)),
        "{:?}",
        r.body
    );
    let r = f.env.call("GET", "/api/layouts", None, None);
    assert_error(&r, 401, "unauthorized", "layouts without a session");
}

fn a_member_lists_the_listed_rooms_and_her_own(backend: Backend) {
    let f = Rooms::start(backend);
    assert_eq!(
        f.visible(&f.ann),
        sorted(&[&f.standup_id, &f.ann_private_id]),
        "ann sees the listed room and her own"
    );
    assert_eq!(
        f.visible(&f.bea),
        sorted(&[&f.standup_id, &f.bea_private_id]),
        "bea sees the listed room and her own"
    );
}

fn an_admin_lists_every_room(backend: Backend) {
    let f = Rooms::start(backend);
    assert_eq!(
        f.visible(&f.admin()),
        sorted(&[&f.standup_id, &f.ann_private_id, &f.bea_private_id]),
        "an admin sees every room"
    );
}

fn a_private_room_is_seen_by_its_owner_and_admins_only(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.get(&f.bea, &f.ann_private_id);
    assert_error(&r, 404, "not_found", "another member's private room");
    for token in [&f.ann, &f.admin()] {
        let r = f.get(token, &f.ann_private_id);
        assert_eq!(r.status, 200, "owner and admin see it: {}", r.body);
        assert_eq!(r.body, f.ann_private, "the same room");
    }
}

fn a_listed_room_is_seen_by_every_member(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.get(&f.bea, &f.standup_id);
    assert_eq!(r.status, 200, "a listed room: {}", r.body);
    assert_eq!(r.body, f.standup);
}

fn an_unknown_room_is_not_found(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.get(&f.bea, "no-such-room");
    assert_error(&r, 404, "not_found", "unknown room");
}

// ── Changing ─────────────────────────────────────────────────────────────────────────────

fn another_member_may_not_change_a_room(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.patch(&f.bea, &f.standup_id, json!({"name": "Mine now"}));
    assert_error(&r, 403, "forbidden", "another member renames the room");
}

fn the_owner_changes_only_the_settings_named(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.patch(
        &f.ann,
        &f.standup_id,
        json!({"name": "Standup 2", "maxParticipants": 8}),
    );
    assert_eq!(r.status, 200, "owner patch: {}", r.body);
    let mut expected = f.standup.clone();
    expected["name"] = json!("Standup 2");
    expected["maxParticipants"] = json!(8);
    assert_eq!(r.body, expected, "only the named settings change");
}

fn an_admin_changes_any_room(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.patch(
        &f.admin(),
        &f.standup_id,
        json!({"layout": "presenter", "autoRecord": true}),
    );
    assert_eq!(r.status, 200, "admin patch: {}", r.body);
    let mut expected = f.standup.clone();
    expected["layout"] = json!("presenter");
    expected["autoRecord"] = json!(true);
    assert_eq!(r.body, expected);
    assert_eq!(
        f.get(&f.bea, &f.standup_id).body,
        expected,
        "GET shows the change"
    );
}

fn unlisting_hides_a_room_from_others_until_it_is_listed_again(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.patch(&f.ann, &f.standup_id, json!({"listed": false}));
    assert_eq!(r.status, 200, "unlist: {}", r.body);
    assert_eq!(r.body["listed"], false);
    let r = f.get(&f.bea, &f.standup_id);
    assert_error(&r, 404, "not_found", "an unlisted room");
    assert_eq!(
        f.patch(&f.ann, &f.standup_id, json!({"listed": true}))
            .status,
        200
    );
    assert_eq!(
        f.get(&f.bea, &f.standup_id).status,
        200,
        "a room listed again"
    );
}

fn invalid_changes_are_refused_and_change_nothing(backend: Backend) {
    let f = Rooms::start(backend);
    for body in [
        json!({"maxParticipants": 0}),
        json!({"maxParticipants": 26}),
        json!({"name": ""}),
        json!({"layout": "mosaic"}),
    ] {
        let r = f.patch(&f.ann, &f.standup_id, body.clone());
        assert_error(&r, 400, "bad_request", &format!("patch {body}"));
    }
    assert_eq!(
        f.get(&f.ann, &f.standup_id).body,
        f.standup,
        "nothing changed"
    );
}

// ── Limits and malformed requests ────────────────────────────────────────────────────────

/// `POST /api/rooms` as Ann with a raw JSON body.
fn create_raw(f: &Rooms, body: &[u8]) -> Reply {
    f.env
        .call_raw("POST", "/api/rooms", Some(&f.ann), "application/json", body)
}

fn a_body_over_16_kib_is_too_large(backend: Backend) {
    let f = Rooms::start(backend);
    let big = json!({"name": "x", "padding": "p".repeat(17 * 1024)}).to_string();
    let r = create_raw(&f, big.as_bytes());
    assert_error(&r, 413, "too_large", "a 17 KiB body");
}

fn malformed_json_is_a_bad_request(backend: Backend) {
    let f = Rooms::start(backend);
    let r = create_raw(&f, b"{\"name\": \"x\",");
    assert_error(&r, 400, "bad_request", "malformed JSON");
}

fn an_unknown_api_route_is_not_found(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.env.call("GET", "/api/nope", Some(&f.ann), None);
    assert_error(&r, 404, "not_found", "an unknown API route");
    let r = f.env.call("GET", "/api/nope", None, None);
    assert_error(&r, 404, "not_found", "an unknown API route, anonymous");
}

// ── Paging ───────────────────────────────────────────────────────────────────────────────

fn rooms_are_listed_page_by_page_with_a_cursor(backend: Backend) {
    let f = Rooms::start(backend);
    let whole = f.five_rooms_for_ann();
    let first = f.env.call("GET", "/api/rooms?limit=1", Some(&f.ann), None);
    assert_eq!(items(&first).len(), 1, "one item: {}", first.body);
    let cursor = first.body["next"]
        .as_str()
        .unwrap_or_else(|| panic!("a next cursor: {}", first.body))
        .to_owned();
    let second = f.env.call(
        "GET",
        &format!("/api/rooms?limit=1&cursor={}", percent_encode(&cursor)),
        Some(&f.ann),
        None,
    );
    let second_items = items(&second);
    assert_eq!(second_items.len(), 1, "one item: {}", second.body);
    assert_eq!(
        second_items[0], whole[1],
        "the cursor leads to the next room"
    );
    let paged = all_pages(&f.env, "/api/rooms", &f.ann);
    assert_eq!(
        field_of(&paged, "id"),
        field_of(&whole, "id"),
        "pages add up"
    );
}

fn a_page_limit_is_clamped_and_must_be_a_number(backend: Backend) {
    let f = Rooms::start(backend);
    let whole = f.five_rooms_for_ann();
    // Limits outside 1–200 are clamped; a limit that is no number is refused.
    let r = f.env.call("GET", "/api/rooms?limit=0", Some(&f.ann), None);
    assert_eq!(items(&r).len(), 1, "limit=0 gives one item: {}", r.body);
    assert!(r.body["next"].is_string(), "and a cursor: {}", r.body);
    let r = f
        .env
        .call("GET", "/api/rooms?limit=1000", Some(&f.ann), None);
    assert_eq!(items(&r), whole, "limit=1000 gives everything");
    let r = f
        .env
        .call("GET", "/api/rooms?limit=abc", Some(&f.ann), None);
    assert_error(&r, 400, "bad_request", "limit=abc");
}

// ── Deleting ─────────────────────────────────────────────────────────────────────────────

fn another_member_may_not_delete_a_room(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.delete(&f.bea, &f.standup_id);
    assert_error(&r, 403, "forbidden", "another member deletes");
}

fn the_owner_deletes_a_room_once(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.delete(&f.ann, &f.standup_id);
    assert_eq!(r.status, 204, "owner deletes: {}", r.body);
    assert_error(&f.get(&f.ann, &f.standup_id), 404, "not_found", "deleted");
    let r = f.delete(&f.ann, &f.standup_id);
    assert_error(&r, 404, "not_found", "deleting twice");
    assert_eq!(
        f.visible(&f.ann),
        sorted(&[&f.ann_private_id]),
        "ann's list lost the room"
    );
}

fn an_admin_deletes_any_room(backend: Backend) {
    let f = Rooms::start(backend);
    let r = f.delete(&f.admin(), &f.bea_private_id);
    assert_eq!(r.status, 204, "admin deletes: {}", r.body);
    let r = f.get(&f.bea, &f.bea_private_id);
    assert_error(&r, 404, "not_found", "deleted by admin");
}
