//! The signalling client of a [`super::gst_peer::GstPeer`]: JSON over a WebSocket.
//!
//! One task owns the socket. It forwards what the peer queues, hands `joined`, `answer` and
//! `error` to whoever waits in `join`, adds remote candidates to webrtcbin, and notes the
//! roster. Nothing the server sends is trusted to be well formed.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use futures::{SinkExt, StreamExt};
use gst::glib;
use gst::prelude::*;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

pub const SIGNALLING_TIMEOUT: Duration = Duration::from_secs(15);

/// What the signalling task has seen besides the replies `join` waits for.
#[derive(Default)]
pub struct Notes {
    pub roster: Vec<String>,
    /// The last roster as (name, role) pairs.
    pub roster_roles: Vec<(String, String)>,
    /// Viewers counted in the last roster.
    pub viewers: u64,
    pub errors: Vec<String>,
    pub closed: bool,
}

pub fn lock(notes: &Mutex<Notes>) -> MutexGuard<'_, Notes> {
    notes
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Messages from the signalling task that `join` waits for.
pub enum Control {
    Joined(String),
    Answer(String),
    Error(String),
}

pub enum Outgoing {
    Json(Value),
    Close,
}

pub fn send(out_tx: &mpsc::UnboundedSender<Outgoing>, value: Value) -> Result<()> {
    out_tx
        .send(Outgoing::Json(value))
        .map_err(|_| anyhow!("the signalling socket is closed"))
}

pub async fn next_control(rx: &mut mpsc::UnboundedReceiver<Control>) -> Result<Control> {
    tokio::time::timeout(SIGNALLING_TIMEOUT, rx.recv())
        .await
        .context("no reply from the server")?
        .context("the signalling socket closed")
}

/// The direction attribute of every m-line of an SDP, as `(media, direction)`.
pub fn media_directions(sdp: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in sdp.lines().map(str::trim) {
        if let Some(m) = line.strip_prefix("m=") {
            let media = m.split_whitespace().next().unwrap_or("").to_owned();
            out.push((media, "sendrecv".to_owned()));
        } else if let Some(last) = out.last_mut()
            && let Some(dir) = ["a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"]
                .iter()
                .find(|d| line == **d)
        {
            last.1 = dir.trim_start_matches("a=").to_owned();
        }
    }
    out
}

/// Reads the socket and writes what the peer sends; ends when either side closes.
pub async fn run_signalling<S>(
    ws: tokio_tungstenite::WebSocketStream<S>,
    mut out_rx: mpsc::UnboundedReceiver<Outgoing>,
    control_tx: mpsc::UnboundedSender<Control>,
    webrtc_rx: oneshot::Receiver<glib::WeakRef<gst::Element>>,
    notes: Arc<Mutex<Notes>>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut write, mut read) = ws.split();
    let mut webrtc_rx = Some(webrtc_rx);
    let mut webrtc: Option<glib::WeakRef<gst::Element>> = None;
    // Candidates that arrive before the pipeline exists.
    let mut pending: Vec<(u32, String)> = Vec::new();
    loop {
        tokio::select! {
            outgoing = out_rx.recv() => match outgoing {
                Some(Outgoing::Json(value)) => {
                    if write.send(Message::Text(value.to_string())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = write.send(Message::Close(None)).await;
                    break;
                }
            },
            weak = async { webrtc_rx.as_mut().expect("guarded by the select condition").await }, if webrtc_rx.is_some() => {
                webrtc_rx = None;
                if let Ok(weak) = weak {
                    if let Some(element) = weak.upgrade() {
                        for (mline, candidate) in pending.drain(..) {
                            element.emit_by_name::<()>("add-ice-candidate", &[&mline, &candidate]);
                        }
                    }
                    webrtc = Some(weak);
                }
            },
            incoming = read.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                if let Err(e) = handle_message(&text, &control_tx, webrtc.as_ref(), &mut pending, &notes) {
                    lock(&notes).errors.push(format!("signalling: {e:#}: {text}"));
                }
            }
        }
    }
    lock(&notes).closed = true;
}

fn handle_message(
    text: &str,
    control_tx: &mpsc::UnboundedSender<Control>,
    webrtc: Option<&glib::WeakRef<gst::Element>>,
    pending: &mut Vec<(u32, String)>,
    notes: &Mutex<Notes>,
) -> Result<()> {
    let value: Value = serde_json::from_str(text).context("not JSON")?;
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    match field("type").as_deref() {
        Some("joined") => {
            let id = field("participantId").context("joined without participantId")?;
            let _ = control_tx.send(Control::Joined(id));
        }
        Some("answer") => {
            let sdp = field("sdp").context("answer without sdp")?;
            let _ = control_tx.send(Control::Answer(sdp));
        }
        Some("ice") => {
            let candidate = field("candidate").unwrap_or_default();
            if candidate.is_empty() {
                return Ok(());
            }
            let mline = value
                .get("sdpMLineIndex")
                .and_then(Value::as_u64)
                .and_then(|m| u32::try_from(m).ok())
                .unwrap_or(0);
            match webrtc.and_then(|w| w.upgrade()) {
                Some(element) => {
                    element.emit_by_name::<()>("add-ice-candidate", &[&mline, &candidate])
                }
                None => pending.push((mline, candidate)),
            }
        }
        Some("roster") => {
            let names = value
                .get("participants")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let roles = value
                .get("participants")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|p| {
                            let text = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("");
                            (text("name").to_owned(), text("role").to_owned())
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut notes = lock(notes);
            notes.roster = names;
            notes.roster_roles = roles;
            notes.viewers = value.get("viewers").and_then(Value::as_u64).unwrap_or(0);
        }
        Some("error") => {
            let description = format!(
                "{}: {}",
                field("code").unwrap_or_default(),
                field("message").unwrap_or_default()
            );
            lock(notes)
                .errors
                .push(format!("server error {description}"));
            let _ = control_tx.send(Control::Error(description));
        }
        _ => {}
    }
    Ok(())
}
