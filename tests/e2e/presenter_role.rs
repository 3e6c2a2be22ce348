//! The room's owner (or an admin) makes a participant a presenter and back, on the socket and
//! by API; nobody else may, and everyone sees the change in the roster.

use crate::support;

use std::time::{Duration, Instant};

use futures::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use support::api::{call, member_token};
use support::server::TestServer;
use support::watcher::{Socket, next_of};

const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

async fn join(server: &TestServer, room: &str, name: &str, token: &str) -> (Socket, String) {
    let (mut ws, _) = tokio_tungstenite::connect_async(server.ws_url())
        .await
        .expect("the socket opens");
    let msg = json!({"type":"join","room":room,"name":name,"token":token}).to_string();
    ws.send(Message::Text(msg)).await.expect("sent");
    let joined = next_of(&mut ws, "joined").await;
    let id = joined["participantId"].as_str().expect("an id").to_owned();
    (ws, id)
}

/// Waits for a roster in which `id` has `role`.
async fn roster_shows(ws: &mut Socket, id: &str, role: &str) -> bool {
    let deadline = Instant::now() + REPLY_TIMEOUT;
    while Instant::now() < deadline {
        let roster = next_of(ws, "roster").await;
        let found = roster["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["id"] == id && p["role"] == role);
        if found {
            return true;
        }
    }
    false
}

async fn set_role(ws: &mut Socket, id: &str, role: &str) {
    let msg = json!({"type":"setRole","participantId":id,"role":role}).to_string();
    ws.send(Message::Text(msg)).await.expect("sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_names_presenters_on_the_socket_and_by_api_and_nobody_else_may() {
    let server = TestServer::start().expect("server starts");
    let base = server.url();
    let room = server.room("owner", "townhall").expect("room set up");
    let member = member_token(&base, "member").expect("a second member");

    let (mut owner_ws, owner_id) = join(&server, &room.id, "Owner", &room.owner_token).await;
    let (mut guest_ws, guest_id) = join(&server, &room.id, "Guest", &room.guest_token).await;
    let (mut member_ws, member_id) = join(&server, &room.id, "Member", &member).await;
    assert!(roster_shows(&mut owner_ws, &owner_id, "owner").await);

    // A participant may not promote anyone, not even themselves.
    set_role(&mut guest_ws, &guest_id, "presenter").await;
    assert_eq!(next_of(&mut guest_ws, "error").await["code"], "forbidden");
    set_role(&mut member_ws, &guest_id, "presenter").await;
    assert_eq!(next_of(&mut member_ws, "error").await["code"], "forbidden");

    // The owner promotes the guest on the socket; everyone sees it.
    set_role(&mut owner_ws, &guest_id, "presenter").await;
    assert!(roster_shows(&mut member_ws, &guest_id, "presenter").await);
    assert!(roster_shows(&mut guest_ws, &guest_id, "presenter").await);

    // And back by API.
    let path = format!("/api/rooms/{}/participants/{guest_id}", room.id);
    let back = json!({"role": "participant"});
    let r = call(&base, "PATCH", &path, Some(&member), Some(back.clone())).expect("reply");
    assert_eq!(
        (r.status, r.error_code()),
        (403, "forbidden"),
        "{:?}",
        r.body
    );
    let r = call(&base, "PATCH", &path, None, Some(back.clone())).expect("reply");
    assert_eq!(r.status, 401);
    let r = call(&base, "PATCH", &path, Some(&room.owner_token), Some(back)).expect("reply");
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["role"], "participant");
    assert!(roster_shows(&mut member_ws, &guest_id, "participant").await);

    // Bad requests: unknown participant, the owner's own role, an unknown role.
    let unknown = format!(
        "/api/rooms/{}/participants/{}",
        room.id,
        uuid::Uuid::new_v4()
    );
    let promote = json!({"role": "presenter"});
    let r = call(
        &base,
        "PATCH",
        &unknown,
        Some(&room.owner_token),
        Some(promote.clone()),
    )
    .expect("reply");
    assert_eq!((r.status, r.error_code()), (404, "not_found"));
    let own = format!("/api/rooms/{}/participants/{owner_id}", room.id);
    let r = call(&base, "PATCH", &own, Some(&room.owner_token), Some(promote)).expect("reply");
    assert_eq!((r.status, r.error_code()), (400, "bad_request"));
    let member_path = format!("/api/rooms/{}/participants/{member_id}", room.id);
    let r = call(
        &base,
        "PATCH",
        &member_path,
        Some(&room.owner_token),
        Some(json!({"role": "king"})),
    )
    .expect("reply");
    assert_eq!((r.status, r.error_code()), (400, "bad_request"));
    set_role(
        &mut owner_ws,
        &uuid::Uuid::new_v4().to_string(),
        "presenter",
    )
    .await;
    assert_eq!(next_of(&mut owner_ws, "error").await["code"], "not_found");
}
