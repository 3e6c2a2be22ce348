//! A bare socket member that only listens: joins a room and reads the messages it is sent.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Joins `room` as `name` with `token` (no media) and waits for `joined`.
pub async fn join(ws_url: &str, room: &str, token: &str, name: &str) -> Socket {
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url)
        .await
        .expect("socket");
    let join = json!({"type":"join","room":room,"name":name,"token":token});
    ws.send(Message::Text(join.to_string()))
        .await
        .expect("sent");
    next_of(&mut ws, "joined").await;
    ws
}

/// The next message of type `kind`, skipping others (roster, ice…); panics after 10 s.
pub async fn next_of(ws: &mut Socket, kind: &str) -> Value {
    next_of_any(ws, &[kind]).await
}

/// The next message whose type is one of `kinds`; panics after 10 s.
pub async fn next_of_any(ws: &mut Socket, kinds: &[&str]) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let frame = tokio::time::timeout(left, ws.next())
            .await
            .unwrap_or_else(|_| panic!("no {kinds:?} message within 10 s"))
            .expect("the socket stays open")
            .expect("a readable frame");
        if let Message::Text(text) = frame {
            let v: Value = serde_json::from_str(&text).expect("the server sends JSON");
            if kinds.iter().any(|k| v["type"] == *k) {
                return v;
            }
        }
    }
}
