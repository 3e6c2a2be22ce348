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

/// The next message of type `kind`; panics after 10 s.
pub async fn next_of(ws: &mut Socket, kind: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let frame = tokio::time::timeout(left, ws.next())
            .await
            .unwrap_or_else(|_| panic!("no {kind} message in time"))
            .expect("socket open")
            .expect("readable");
        if let Message::Text(text) = frame {
            let v: Value = serde_json::from_str(&text).expect("json");
            if v["type"] == kind {
                return v;
            }
        }
    }
}
