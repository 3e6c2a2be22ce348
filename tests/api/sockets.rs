//! Invites over HTTP and who the socket's `join` admits; the origin check on the upgrade and
//! the per-socket message rate limit.

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::harness::{
    Backend, Env, Socket, assert_error, assert_joined, assert_rfc3339, assert_socket_error,
    block_on, connect, expect_join_refused, id, items, join, join_new, next_of, send,
};
use crate::support::api::Reply;

on_both_backends!(
    // Invites over HTTP.
    the_owner_issues_invites_with_a_role_and_a_token,
    a_non_owner_may_not_invite,
    an_invite_is_for_a_participant_or_a_viewer,
    the_invite_list_shows_no_tokens,
    another_member_cannot_read_the_invites,
    a_non_owner_may_not_revoke_an_invite,
    a_revoked_invite_admits_nobody,
    revoking_one_invite_leaves_the_others_working,
    // Who a join admits.
    members_join_a_listed_room_and_the_owner_as_owner,
    a_non_owner_may_not_join_as_presenter,
    a_guest_with_an_invite_joins_a_private_room,
    a_member_without_an_invite_is_refused_from_a_private_room,
    a_viewer_invite_admits_a_viewer_only,
    an_invite_admits_to_its_own_room_and_role_only,
    a_join_without_a_valid_token_is_unauthorized,
    joining_an_unknown_room_is_not_found,
    a_full_room_turns_the_next_joiner_away,
    a_refused_join_leaves_the_socket_usable,
    deleting_a_room_tells_the_people_in_it_and_closes_their_sockets,
    a_deleted_room_cannot_be_joined,
    // The origin check on the upgrade and the message rate limit.
    a_foreign_origin_is_refused_with_403_and_a_json_body,
    the_servers_own_origin_upgrades_and_joins,
    a_socket_without_origin_upgrades_and_joins,
    a_flood_of_messages_is_rate_limited_after_a_burst,
    a_rate_limited_socket_is_answered_again_once_its_bucket_refills,
);

// ── Invites and admission ────────────────────────────────────────────────────────────────

/// A server with an owner, another member and two rooms of the owner's: one listed, one
/// private.
struct Rooms {
    env: Env,
    owner: String,
    other: String,
    listed: String,
    private: String,
}

impl Rooms {
    fn start(backend: Backend) -> Self {
        let (env, [(_, owner), (_, other)]) = Env::with_members(backend, ["owner", "other"]);
        let listed = id(&env.room(&owner, json!({"name": "Listed"})));
        let private = id(&env.room(&owner, json!({"name": "Private", "listed": false})));
        Self {
            env,
            owner,
            other,
            listed,
            private,
        }
    }

    /// `/api/rooms/PRIVATE/invites`
    fn invites_path(&self) -> String {
        format!("/api/rooms/{}/invites", self.private)
    }

    /// The owner's invite to the private room for `role`: `(id, token)`.
    fn invite(&self, role: &str) -> (String, String) {
        invite(&self.env, &self.owner, &self.private, role)
    }

    /// `DELETE` of an invite to the private room, as `token`.
    fn revoke(&self, token: &str, invite: &str) -> Reply {
        let path = format!("{}/{invite}", self.invites_path());
        self.env.call("DELETE", &path, Some(token), None)
    }

    /// The owner revokes an invite to the private room.
    fn revoke_as_owner(&self, invite: &str) {
        let r = self.revoke(&self.owner, invite);
        assert_eq!(r.status, 204, "revoke: {}", r.body);
    }

    /// The reply to a join of `room` as `role` with `token` (`joined` or `error`), on a new
    /// socket closed afterwards.
    fn join_reply(&self, room: &str, role: Option<&str>, token: Option<&str>) -> Value {
        block_on(async {
            join_new(&self.env.server, room, "Guest", role, token)
                .await
                .1
        })
    }

    /// The owner deletes `room`.
    fn delete_room(&self, room: &str) {
        let path = format!("/api/rooms/{room}");
        let r = self.env.call("DELETE", &path, Some(&self.owner), None);
        assert_eq!(r.status, 204, "delete: {}", r.body);
    }
}

/// `POST /api/rooms/ROOM/invites` as `token` with `body`.
fn ask_invite(env: &Env, token: &str, room: &str, body: Value) -> Reply {
    let path = format!("/api/rooms/{room}/invites");
    env.call("POST", &path, Some(token), Some(body))
}

/// An invite to `room` for `role`, issued as `token`: `(id, token)`.
fn invite(env: &Env, token: &str, room: &str, role: &str) -> (String, String) {
    let r = ask_invite(env, token, room, json!({"role": role}));
    assert_eq!(r.status, 201, "{role} invite: {}", r.body);
    assert_eq!(r.body["role"], role, "{role} invite: {}", r.body);
    (r.str("id"), r.str("token"))
}

fn the_owner_issues_invites_with_a_role_and_a_token(backend: Backend) {
    let f = Rooms::start(backend);
    let r = ask_invite(&f.env, &f.owner, &f.private, json!({"role": "participant"}));
    assert_eq!(r.status, 201, "invite: {}", r.body);
    assert_eq!(r.body["roomId"], f.private.as_str());
    assert_eq!(r.body["role"], "participant");
    assert_eq!(r.body["revoked"], false);
    assert_rfc3339(&r.body["createdAt"], "createdAt");
    let token = r.str("token");
    assert!(
        token.starts_with("cri_") && token.len() >= 4 + 43,
        "an invite token: {token:?}"
    );
    // A viewer invite too: `invite` asserts its 201 and its role.
    let (_, viewer) = f.invite("viewer");
    assert_ne!(viewer, token, "each invite has its own token");
}

fn a_non_owner_may_not_invite(backend: Backend) {
    let f = Rooms::start(backend);
    let participant = json!({"role": "participant"});
    // To a room it sees, 403; to a private room it may not see, 404 as for everything about
    // that room.
    assert_error(
        &ask_invite(&f.env, &f.other, &f.listed, participant.clone()),
        403,
        "forbidden",
        "a non-owner invites to a listed room",
    );
    assert_error(
        &ask_invite(&f.env, &f.other, &f.private, participant),
        404,
        "not_found",
        "a non-owner invites to a private room",
    );
}

fn an_invite_is_for_a_participant_or_a_viewer(backend: Backend) {
    let f = Rooms::start(backend);
    for body in [
        json!({"role": "presenter"}),
        json!({"role": "admin"}),
        json!({}),
    ] {
        assert_error(
            &ask_invite(&f.env, &f.owner, &f.private, body.clone()),
            400,
            "bad_request",
            &format!("invite {body}"),
        );
    }
}

fn the_invite_list_shows_no_tokens(backend: Backend) {
    let f = Rooms::start(backend);
    let tokens = ["participant", "viewer", "participant"].map(|role| f.invite(role).1);
    let r = f.env.call("GET", &f.invites_path(), Some(&f.owner), None);
    let listed_invites = items(&r);
    assert_eq!(listed_invites.len(), 3, "three invites: {}", r.body);
    for inv in &listed_invites {
        assert!(inv.get("token").is_none(), "no token in the list: {inv}");
        assert_eq!(inv["roomId"], f.private.as_str());
        assert_eq!(inv["revoked"], false);
        assert!(inv["id"].is_string() && inv["role"].is_string(), "{inv}");
    }
    for token in &tokens {
        assert!(
            !r.body.to_string().contains(&token[4..]),
            "no token anywhere in the list"
        );
    }
}

fn another_member_cannot_read_the_invites(backend: Backend) {
    let f = Rooms::start(backend);
    f.invite("participant");
    let r = f.env.call("GET", &f.invites_path(), Some(&f.other), None);
    assert!(
        matches!(r.status, 403 | 404),
        "another member cannot read the invites: {} {}",
        r.status,
        r.body
    );
}

fn a_non_owner_may_not_revoke_an_invite(backend: Backend) {
    let f = Rooms::start(backend);
    let (invite, _) = f.invite("participant");
    assert_error(
        &f.revoke(&f.other, &invite),
        404,
        "not_found",
        "a non-owner revokes an invite to a private room",
    );
}

fn a_revoked_invite_admits_nobody(backend: Backend) {
    let f = Rooms::start(backend);
    let (doomed_id, doomed_token) = f.invite("participant");
    f.revoke_as_owner(&doomed_id);
    let r = f.env.call("GET", &f.invites_path(), Some(&f.owner), None);
    let revoked: Vec<Value> = items(&r)
        .into_iter()
        .filter(|i| i["id"] == doomed_id.as_str())
        .collect();
    assert!(
        revoked.is_empty() || revoked[0]["revoked"] == true,
        "the list shows it revoked or not at all: {}",
        r.body
    );
    let reply = f.join_reply(&f.private, None, Some(&doomed_token));
    assert_socket_error(&reply, "unauthorized", "a revoked invite");
}

fn revoking_one_invite_leaves_the_others_working(backend: Backend) {
    let f = Rooms::start(backend);
    let (_, guest_token) = f.invite("participant");
    let (doomed_id, _) = f.invite("participant");
    f.revoke_as_owner(&doomed_id);
    let reply = f.join_reply(&f.private, None, Some(&guest_token));
    assert_joined(&reply, &f.private, "participant", "an unrevoked invite");
}

fn members_join_a_listed_room_and_the_owner_as_owner(backend: Backend) {
    let f = Rooms::start(backend);
    block_on(async {
        let server = &f.env.server;
        let (_m, reply) = join_new(
            server,
            &f.listed,
            "Other",
            Some("participant"),
            Some(&f.other),
        )
        .await;
        assert_joined(
            &reply,
            &f.listed,
            "participant",
            "a member joins a listed room",
        );
        let (_o, reply) = join_new(server, &f.listed, "Owner", None, Some(&f.owner)).await;
        assert_joined(&reply, &f.listed, "owner", "the owner joins");
    });
}

fn a_non_owner_may_not_join_as_presenter(backend: Backend) {
    let f = Rooms::start(backend);
    let reply = f.join_reply(&f.listed, Some("presenter"), Some(&f.other));
    assert_socket_error(&reply, "forbidden", "presenter by a non-owner");
}

fn a_guest_with_an_invite_joins_a_private_room(backend: Backend) {
    let f = Rooms::start(backend);
    let (_, guest_token) = f.invite("participant");
    let reply = f.join_reply(&f.private, Some("participant"), Some(&guest_token));
    assert_joined(&reply, &f.private, "participant", "a guest with an invite");
}

fn a_member_without_an_invite_is_refused_from_a_private_room(backend: Backend) {
    let f = Rooms::start(backend);
    let reply = f.join_reply(&f.private, None, Some(&f.other));
    assert_socket_error(&reply, "forbidden", "another member in a private room");
}

fn a_viewer_invite_admits_a_viewer_only(backend: Backend) {
    let f = Rooms::start(backend);
    let (_, viewer_token) = f.invite("viewer");
    let reply = f.join_reply(&f.private, Some("participant"), Some(&viewer_token));
    assert_socket_error(
        &reply,
        "forbidden",
        "a viewer invite asking for participant",
    );
    let reply = f.join_reply(&f.private, Some("viewer"), Some(&viewer_token));
    assert_joined(
        &reply,
        &f.private,
        "viewer",
        "a viewer invite asking for viewer",
    );
}

fn an_invite_admits_to_its_own_room_and_role_only(backend: Backend) {
    let f = Rooms::start(backend);
    let (_, guest_token) = f.invite("participant");
    let reply = f.join_reply(&f.listed, Some("participant"), Some(&guest_token));
    assert_socket_error(&reply, "forbidden", "an invite used for another room");
    let reply = f.join_reply(&f.private, Some("presenter"), Some(&guest_token));
    assert_socket_error(
        &reply,
        "forbidden",
        "a participant invite asking for presenter",
    );
}

fn a_join_without_a_valid_token_is_unauthorized(backend: Backend) {
    let f = Rooms::start(backend);
    let reply = f.join_reply(&f.listed, None, None);
    assert_socket_error(&reply, "unauthorized", "no token");
    for token in [
        "crs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "cri_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "garbage",
    ] {
        let reply = f.join_reply(&f.listed, None, Some(token));
        assert_socket_error(&reply, "unauthorized", &format!("unknown token {token}"));
    }
}

fn joining_an_unknown_room_is_not_found(backend: Backend) {
    let f = Rooms::start(backend);
    let reply = f.join_reply("NoSuchRoom0123", None, Some(&f.other));
    assert_socket_error(&reply, "not_found", "an unknown room");
}

fn a_full_room_turns_the_next_joiner_away(backend: Backend) {
    let f = Rooms::start(backend);
    let solo = id(&f
        .env
        .room(&f.owner, json!({"name": "Solo", "maxParticipants": 1})));
    block_on(async {
        let server = &f.env.server;
        let (_s, reply) = join_new(server, &solo, "First", None, Some(&f.owner)).await;
        assert_joined(&reply, &solo, "owner", "the first joiner of a room for one");
        expect_join_refused(
            server,
            &solo,
            None,
            Some(&f.other),
            "room_full",
            "the second joiner of a room for one",
        )
        .await;
    });
}

fn a_refused_join_leaves_the_socket_usable(backend: Backend) {
    let f = Rooms::start(backend);
    let (_, invite_token) = f.invite("participant");
    block_on(async {
        // The same socket joins after a refusal.
        let mut ws = connect(&f.env.server).await;
        let reply = join(&mut ws, &f.private, "Retry", None, Some(&f.other)).await;
        assert_socket_error(&reply, "forbidden", "first try");
        let reply = join(&mut ws, &f.private, "Retry", None, Some(&invite_token)).await;
        assert_joined(
            &reply,
            &f.private,
            "participant",
            "second try with an invite",
        );
    });
}

fn deleting_a_room_tells_the_people_in_it_and_closes_their_sockets(backend: Backend) {
    let f = Rooms::start(backend);
    block_on(async {
        let (mut inside, reply) =
            join_new(&f.env.server, &f.listed, "Inside", None, Some(&f.other)).await;
        assert_joined(
            &reply,
            &f.listed,
            "participant",
            "in the room to be deleted",
        );
        f.delete_room(&f.listed);
        let told = next_of(&mut inside, &["error"]).await;
        assert_socket_error(&told, "not_found", "the room was deleted");
        let closed = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match inside.next().await {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                    Some(Ok(_)) => {}
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "the socket of a deleted room is closed");
    });
}

fn a_deleted_room_cannot_be_joined(backend: Backend) {
    let f = Rooms::start(backend);
    f.delete_room(&f.listed);
    let reply = f.join_reply(&f.listed, None, Some(&f.other));
    assert_socket_error(&reply, "not_found", "joining a deleted room");
}

// ── Origin check and rate limit ──────────────────────────────────────────────────────────

/// A server with an owner and a listed room.
struct Chat {
    env: Env,
    owner: String,
    room: String,
}

impl Chat {
    fn start(backend: Backend) -> Self {
        let env = Env::start(backend, "");
        let (_, owner) = env.member("owner");
        let room = id(&env.room(&owner, json!({"name": "Chatty"})));
        Self { env, owner, room }
    }

    /// Opens `/ws` with an `Origin` header.
    async fn connect_from(&self, origin: &str) -> Result<(Socket, Response), tungstenite::Error> {
        let mut request = self
            .env
            .server
            .ws_url()
            .into_client_request()
            .expect("a request");
        request
            .headers_mut()
            .insert("Origin", origin.parse().expect("a header value"));
        tokio_tungstenite::connect_async(request).await
    }

    /// A guest with an invite joins on a socket opened without `Origin` (as OBS and native
    /// apps open it): the socket, the invite token and the reply.
    async fn guest_joins(&self) -> (Socket, String, Value) {
        let (_, guest) = invite(&self.env, &self.owner, &self.room, "participant");
        let (ws, reply) = join_new(&self.env.server, &self.room, "Flood", None, Some(&guest)).await;
        (ws, guest, reply)
    }

    /// [`Chat::guest_joins`], asserting the join.
    async fn joined_guest(&self) -> (Socket, String) {
        let (ws, guest, reply) = self.guest_joins().await;
        assert_joined(&reply, &self.room, "participant", "a join without Origin");
        (ws, guest)
    }
}

fn a_foreign_origin_is_refused_with_403_and_a_json_body(backend: Backend) {
    let chat = Chat::start(backend);
    block_on(async {
        // Foreign pages are refused before the upgrade.
        for origin in ["https://evil.example", "http://127.0.0.1:1", "null"] {
            match chat.connect_from(origin).await {
                Err(tungstenite::Error::Http(response)) => {
                    assert_eq!(response.status().as_u16(), 403, "origin {origin}");
                    let body = response.body().clone().unwrap_or_default();
                    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| {
                        panic!("a JSON body: {}", String::from_utf8_lossy(&body))
                    });
                    assert_eq!(body["error"], "forbidden", "origin {origin}: {body}");
                    assert!(body["message"].is_string(), "{body}");
                }
                Ok(_) => panic!("the upgrade from origin {origin} must be refused"),
                Err(e) => panic!("origin {origin}: expected HTTP 403, got {e}"),
            }
        }
    });
}

fn the_servers_own_origin_upgrades_and_joins(backend: Backend) {
    let chat = Chat::start(backend);
    block_on(async {
        let (mut ws, response) = chat
            .connect_from(&chat.env.base())
            .await
            .expect("the server's own origin upgrades");
        assert_eq!(response.status().as_u16(), 101);
        let reply = join(&mut ws, &chat.room, "Same origin", None, Some(&chat.owner)).await;
        assert_joined(
            &reply,
            &chat.room,
            "owner",
            "a join from the server's own origin",
        );
    });
}

fn a_socket_without_origin_upgrades_and_joins(backend: Backend) {
    let chat = Chat::start(backend);
    block_on(async {
        let (_ws, _, reply) = chat.guest_joins().await;
        assert_joined(&reply, &chat.room, "participant", "a join without Origin");
    });
}

/// How many messages a flood sends at once.
const FLOOD: usize = 250;

/// Sends [`FLOOD`] ICE candidates at once; the error codes of the replies.
///
/// Every message gets one reply (an error either way: ICE before any offer, or the rate
/// limit); this reads until the flood is answered or the replies stop.
async fn flood(ws: &mut Socket) -> Vec<String> {
    let ice = Message::Text(json!({"type":"ice","candidate":"","sdpMLineIndex":0}).to_string());
    for _ in 0..FLOOD {
        futures::SinkExt::feed(ws, ice.clone())
            .await
            .expect("queued");
    }
    futures::SinkExt::flush(ws).await.expect("flushed");
    let mut codes: Vec<String> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while codes.len() < FLOOD && Instant::now() < deadline {
        let Ok(Some(frame)) = tokio::time::timeout(Duration::from_secs(2), ws.next()).await else {
            break;
        };
        if let Message::Text(text) = frame.expect("a readable frame") {
            let v: Value = serde_json::from_str(&text).expect("JSON");
            if v["type"] == "error" {
                codes.push(v["code"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    codes
}

/// How many of `codes` are `rate_limited`.
fn rate_limited(codes: &[String]) -> usize {
    codes.iter().filter(|c| *c == "rate_limited").count()
}

fn a_flood_of_messages_is_rate_limited_after_a_burst(backend: Backend) {
    let chat = Chat::start(backend);
    block_on(async {
        let (mut ws, _) = chat.joined_guest().await;
        let codes = flood(&mut ws).await;
        let limited = rate_limited(&codes);
        assert!(
            limited > 0,
            "at least one rate_limited among {} replies: {:?}",
            codes.len(),
            summarize(&codes)
        );
        assert!(
            limited < FLOOD,
            "a burst passes before the limit: {:?}",
            summarize(&codes)
        );
    });
}

fn a_rate_limited_socket_is_answered_again_once_its_bucket_refills(backend: Backend) {
    let chat = Chat::start(backend);
    block_on(async {
        let (mut ws, guest) = chat.joined_guest().await;
        let codes = flood(&mut ws).await;
        assert!(
            rate_limited(&codes) > 0,
            "the flood hit the limit: {:?}",
            summarize(&codes)
        );

        // The socket still answers: a second join on it is a conflict once the bucket has
        // refilled. Polled with a deadline; the pause between tries is the time the bucket
        // needs to refill, which is what is under test (a refused message takes no token, so
        // the tries themselves do not hold the refill back).
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            send(
                &mut ws,
                json!({"type":"join","room":chat.room,"name":"Again","token":guest}),
            )
            .await;
            let reply = next_of(&mut ws, &["error"]).await;
            if reply["code"] == "conflict" {
                break;
            }
            assert_eq!(reply["code"], "rate_limited", "while refilling: {reply}");
            assert!(
                Instant::now() < deadline,
                "the rate limit never lets a message through again"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
}

fn summarize(codes: &[String]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for c in codes {
        match out.iter_mut().find(|(k, _)| k == c) {
            Some((_, n)) => *n += 1,
            None => out.push((c.clone(), 1)),
        }
    }
    out
}
