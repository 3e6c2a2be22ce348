//! Recordings as their owner sees them through the API.

use std::time::Duration;

use serde_json::Value;

use super::analysis::poll_async;
use super::api::call;
use super::server::TestServer;

/// The recording's row once it has left `recording`/`finalizing` (polled every 200 ms);
/// panics after 30 s.
pub async fn settled(server: &TestServer, token: &str, id: &str) -> Value {
    let path = format!("/api/recordings/{id}");
    let mut status = String::new();
    let row = poll_async(Duration::from_secs(30), Duration::from_millis(200), || {
        let r = call(&server.url(), "GET", &path, Some(token), None).expect("reply");
        assert_eq!(r.status, 200, "{:?}", r.body);
        status = r.body["status"].as_str().unwrap_or("").to_owned();
        (!matches!(status.as_str(), "recording" | "finalizing")).then_some(r.body)
    })
    .await;
    row.unwrap_or_else(|| panic!("still {status}"))
}
