//! Invites over HTTP and who the socket's `join` admits; the origin check on the upgrade and
//! the per-socket message rate limit.

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::harness::{
    Backend, Env, assert_error, assert_joined, assert_rfc3339, assert_socket_error, block_on,
    connect, expect_join_refused, items, join, join_new, next_of, send,
};

on_both_backends!(invites_and_socket_admission, origin_check_and_rate_limit);

fn invites_and_socket_admission(backend: Backend) {
    let env = Env::start(backend, "");
    let (_, owner) = env.member("owner");
    let (_, other) = env.member("other");
    let room_id = |v: Value| v["id"].as_str().unwrap_or_default().to_owned();
    let listed = room_id(env.room(&owner, json!({"name": "Listed"})));
    let private = room_id(env.room(&owner, json!({"name": "Private", "listed": false})));
    let solo = room_id(env.room(&owner, json!({"name": "Solo", "maxParticipants": 1})));

    // Invites: issued by the owner, shown without tokens afterwards.
    let invites_path = format!("/api/rooms/{private}/invites");
    let r = env.call(
        "POST",
        &invites_path,
        Some(&owner),
        Some(json!({"role": "participant"})),
    );
    assert_eq!(r.status, 201, "invite: {}", r.body);
    assert_eq!(r.body["roomId"], private.as_str());
    assert_eq!(r.body["role"], "participant");
    assert_eq!(r.body["revoked"], false);
    assert_rfc3339(&r.body["createdAt"], "createdAt");
    let guest_token = r.str("token");
    assert!(
        guest_token.starts_with("cri_") && guest_token.len() >= 4 + 43,
        "an invite token: {guest_token:?}"
    );
    let viewer = env.call(
        "POST",
        &invites_path,
        Some(&owner),
        Some(json!({"role": "viewer"})),
    );
    assert_eq!(viewer.status, 201, "viewer invite: {}", viewer.body);
    assert_eq!(viewer.body["role"], "viewer");
    let viewer_token = viewer.str("token");
    let doomed = env.call(
        "POST",
        &invites_path,
        Some(&owner),
        Some(json!({"role": "participant"})),
    );
    assert_eq!(doomed.status, 201, "third invite: {}", doomed.body);
    let (doomed_id, doomed_token) = (doomed.str("id"), doomed.str("token"));
    // A non-owner may not invite: to a room it sees, 403; to a private room it may not see,
    // 404 as for everything about that room.
    assert_error(
        &env.call(
            "POST",
            &format!("/api/rooms/{listed}/invites"),
            Some(&other),
            Some(json!({"role": "participant"})),
        ),
        403,
        "forbidden",
        "a non-owner invites to a listed room",
    );
    assert_error(
        &env.call(
            "POST",
            &invites_path,
            Some(&other),
            Some(json!({"role": "participant"})),
        ),
        404,
        "not_found",
        "a non-owner invites to a private room",
    );
    for body in [
        json!({"role": "presenter"}),
        json!({"role": "admin"}),
        json!({}),
    ] {
        assert_error(
            &env.call("POST", &invites_path, Some(&owner), Some(body.clone())),
            400,
            "bad_request",
            &format!("invite {body}"),
        );
    }
    let r = env.call("GET", &invites_path, Some(&owner), None);
    let listed_invites = items(&r);
    assert_eq!(listed_invites.len(), 3, "three invites: {}", r.body);
    for inv in &listed_invites {
        assert!(inv.get("token").is_none(), "no token in the list: {inv}");
        assert_eq!(inv["roomId"], private.as_str());
        assert_eq!(inv["revoked"], false);
        assert!(inv["id"].is_string() && inv["role"].is_string(), "{inv}");
    }
    assert!(
        !r.body.to_string().contains(&guest_token[4..]),
        "no token anywhere in the list"
    );
    let r = env.call("GET", &invites_path, Some(&other), None);
    assert!(
        matches!(r.status, 403 | 404),
        "another member cannot read the invites: {} {}",
        r.status,
        r.body
    );

    block_on(async {
        let server = &env.server;
        // Members in a listed room; the owner shows as owner.
        let (_m, reply) =
            join_new(server, &listed, "Other", Some("participant"), Some(&other)).await;
        assert_joined(
            &reply,
            &listed,
            "participant",
            "a member joins a listed room",
        );
        let (_o, reply) = join_new(server, &listed, "Owner", None, Some(&owner)).await;
        assert_joined(&reply, &listed, "owner", "the owner joins");
        expect_join_refused(
            server,
            &listed,
            Some("presenter"),
            Some(&other),
            "forbidden",
            "presenter by a non-owner",
        )
        .await;

        // Private room: the invite admits a guest; members without one are turned away.
        let (_g, reply) = join_new(
            server,
            &private,
            "Guest",
            Some("participant"),
            Some(&guest_token),
        )
        .await;
        assert_joined(&reply, &private, "participant", "a guest with an invite");
        expect_join_refused(
            server,
            &private,
            None,
            Some(&other),
            "forbidden",
            "another member in a private room",
        )
        .await;
        expect_join_refused(
            server,
            &private,
            Some("participant"),
            Some(&viewer_token),
            "forbidden",
            "a viewer invite asking for participant",
        )
        .await;
        let (_viewer_ws, reply) = join_new(
            server,
            &private,
            "Watcher",
            Some("viewer"),
            Some(&viewer_token),
        )
        .await;
        assert_joined(
            &reply,
            &private,
            "viewer",
            "a viewer invite asking for viewer",
        );
        expect_join_refused(
            server,
            &listed,
            Some("participant"),
            Some(&guest_token),
            "forbidden",
            "an invite used for another room",
        )
        .await;
        expect_join_refused(
            server,
            &private,
            Some("presenter"),
            Some(&guest_token),
            "forbidden",
            "a participant invite asking for presenter",
        )
        .await;

        // Tokens that admit nobody.
        expect_join_refused(server, &listed, None, None, "unauthorized", "no token").await;
        for token in [
            "crs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "cri_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "garbage",
        ] {
            expect_join_refused(
                server,
                &listed,
                None,
                Some(token),
                "unauthorized",
                &format!("unknown token {token}"),
            )
            .await;
        }
        expect_join_refused(
            server,
            "NoSuchRoom0123",
            None,
            Some(&other),
            "not_found",
            "an unknown room",
        )
        .await;

        // A full room turns the next joiner away.
        let (_s, reply) = join_new(server, &solo, "First", None, Some(&owner)).await;
        assert_joined(&reply, &solo, "owner", "the first joiner of a room for one");
        expect_join_refused(
            server,
            &solo,
            None,
            Some(&other),
            "room_full",
            "the second joiner of a room for one",
        )
        .await;

        // A refused join leaves the socket usable: the same socket joins afterwards.
        let mut ws = connect(server).await;
        let reply = join(&mut ws, &private, "Retry", None, Some(&other)).await;
        assert_socket_error(&reply, "forbidden", "first try");
        let reply = join(&mut ws, &private, "Retry", None, Some(&doomed_token)).await;
        assert_joined(&reply, &private, "participant", "second try with an invite");
    });

    // Revoking an invite.
    let revoke = format!("{invites_path}/{doomed_id}");
    assert_error(
        &env.call("DELETE", &revoke, Some(&other), None),
        404,
        "not_found",
        "a non-owner revokes an invite to a private room",
    );
    let r = env.call("DELETE", &revoke, Some(&owner), None);
    assert_eq!(r.status, 204, "revoke: {}", r.body);
    let r = env.call("GET", &invites_path, Some(&owner), None);
    let revoked: Vec<Value> = items(&r)
        .into_iter()
        .filter(|i| i["id"] == doomed_id.as_str())
        .collect();
    assert!(
        revoked.is_empty() || revoked[0]["revoked"] == true,
        "the list shows it revoked or not at all: {}",
        r.body
    );
    block_on(async {
        expect_join_refused(
            &env.server,
            &private,
            None,
            Some(&doomed_token),
            "unauthorized",
            "a revoked invite",
        )
        .await;
        // The other invites still work.
        let (_g, reply) =
            join_new(&env.server, &private, "Guest Two", None, Some(&guest_token)).await;
        assert_joined(&reply, &private, "participant", "an unrevoked invite");

        // Deleting a room tells the people in it and closes their sockets.
        let (mut inside, reply) =
            join_new(&env.server, &listed, "Inside", None, Some(&other)).await;
        assert_joined(&reply, &listed, "participant", "in the room to be deleted");
        let r = env.call(
            "DELETE",
            &format!("/api/rooms/{listed}"),
            Some(&owner),
            None,
        );
        assert_eq!(r.status, 204, "delete: {}", r.body);
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
        expect_join_refused(
            &env.server,
            &listed,
            None,
            Some(&other),
            "not_found",
            "joining a deleted room",
        )
        .await;
    });
}

fn origin_check_and_rate_limit(backend: Backend) {
    let env = Env::start(backend, "");
    let (_, owner) = env.member("owner");
    let room = env.room(&owner, json!({"name": "Chatty"}));
    let room = room["id"].as_str().unwrap_or_default().to_owned();
    let own_origin = env.base();

    block_on(async {
        // Origin: foreign pages are refused before the upgrade.
        for origin in ["https://evil.example", "http://127.0.0.1:1", "null"] {
            let mut request = env
                .server
                .ws_url()
                .into_client_request()
                .expect("a request");
            request
                .headers_mut()
                .insert("Origin", origin.parse().expect("a header value"));
            match tokio_tungstenite::connect_async(request).await {
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
        let mut request = env
            .server
            .ws_url()
            .into_client_request()
            .expect("a request");
        request
            .headers_mut()
            .insert("Origin", own_origin.parse().expect("a header value"));
        let (mut ws, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the server's own origin upgrades");
        assert_eq!(response.status().as_u16(), 101);
        let reply = join(&mut ws, &room, "Same origin", None, Some(&owner)).await;
        assert_joined(
            &reply,
            &room,
            "owner",
            "a join from the server's own origin",
        );
        drop(ws);

        // No Origin at all (OBS, native apps) upgrades too; then flood the socket.
        let mut ws = connect(&env.server).await;
        let (_, guest) = {
            let r = env.call(
                "POST",
                &format!("/api/rooms/{room}/invites"),
                Some(&owner),
                Some(json!({"role": "participant"})),
            );
            assert_eq!(r.status, 201, "invite: {}", r.body);
            (r.str("id"), r.str("token"))
        };
        let reply = join(&mut ws, &room, "Flood", None, Some(&guest)).await;
        assert_joined(&reply, &room, "participant", "a join without Origin");

        const FLOOD: usize = 250;
        let ice = Message::Text(json!({"type":"ice","candidate":"","sdpMLineIndex":0}).to_string());
        for _ in 0..FLOOD {
            futures::SinkExt::feed(&mut ws, ice.clone())
                .await
                .expect("queued");
        }
        futures::SinkExt::flush(&mut ws).await.expect("flushed");

        // Every message gets one reply (an error either way: ICE before any offer, or the
        // rate limit); read until at least one rate_limited has come and the flood is
        // answered, or until the replies stop.
        let mut codes: Vec<String> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while codes.len() < FLOOD && Instant::now() < deadline {
            let Ok(Some(frame)) = tokio::time::timeout(Duration::from_secs(2), ws.next()).await
            else {
                break;
            };
            if let Message::Text(text) = frame.expect("a readable frame") {
                let v: Value = serde_json::from_str(&text).expect("JSON");
                if v["type"] == "error" {
                    codes.push(v["code"].as_str().unwrap_or_default().to_owned());
                }
            }
        }
        let limited = codes.iter().filter(|c| *c == "rate_limited").count();
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

        // The socket still answers: a second join on it is a conflict once the bucket has
        // refilled (polled, not slept).
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            send(
                &mut ws,
                json!({"type":"join","room":room,"name":"Again","token":guest}),
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
