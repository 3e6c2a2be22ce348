//! A small HTTP client for the JSON API (ureq), and the set-up most media tests need: an owner
//! account, a room, and an invite so that each test peer joins as its own guest.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// A reply: status, headers we look at, and the JSON body (or `Null`).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub body: Value,
}

impl Reply {
    /// The `error` code of an error body.
    pub fn error_code(&self) -> &str {
        self.body.get("error").and_then(Value::as_str).unwrap_or("")
    }

    pub fn str(&self, field: &str) -> String {
        self.body
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

/// Sends `method path` with an optional bearer token and JSON body.
pub fn call(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<Reply> {
    let mut req =
        ureq::request(method, &format!("{base}{path}")).timeout(std::time::Duration::from_secs(30));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let result = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => bail!("{method} {path}: {e}"),
    };
    to_reply(response)
}

/// Sends a raw body with a content type (for oversized or malformed bodies).
pub fn call_raw(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> Result<Reply> {
    let mut req = ureq::request(method, &format!("{base}{path}"))
        .timeout(std::time::Duration::from_secs(30))
        .set("Content-Type", content_type);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let response = match req.send_bytes(body) {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => bail!("{method} {path}: {e}"),
    };
    to_reply(response)
}

fn to_reply(response: ureq::Response) -> Result<Reply> {
    let status = response.status();
    let retry_after = response.header("Retry-After").map(str::to_owned);
    let content_type = response.header("Content-Type").map(str::to_owned);
    let text = response.into_string().context("reading the body")?;
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).with_context(|| format!("body is not JSON: {text}"))?
    };
    Ok(Reply {
        status,
        retry_after,
        content_type,
        body,
    })
}

/// The password every test account uses (not on the common-password list).
pub const PASSWORD: &str = "violet-kettle-harbour";

/// Registers `username` and signs in; returns the session token.
pub fn member_token(base: &str, username: &str) -> Result<String> {
    let r = call(
        base,
        "POST",
        "/api/auth/register",
        None,
        Some(json!({"username": username, "password": PASSWORD})),
    )?;
    if r.status != 201 {
        bail!("registering {username}: {} {}", r.status, r.body);
    }
    login(base, username)
}

/// Signs in with [`PASSWORD`]; returns the session token.
pub fn login(base: &str, username: &str) -> Result<String> {
    let r = call(
        base,
        "POST",
        "/api/auth/login",
        None,
        Some(json!({"username": username, "password": PASSWORD})),
    )?;
    if r.status != 200 {
        bail!("signing in {username}: {} {}", r.status, r.body);
    }
    Ok(r.str("token"))
}

/// Creates a room with `settings` (which must include `name`); returns its id.
pub fn create_room(base: &str, token: &str, settings: Value) -> Result<String> {
    let r = call(base, "POST", "/api/rooms", Some(token), Some(settings))?;
    if r.status != 201 {
        bail!("creating a room: {} {}", r.status, r.body);
    }
    Ok(r.str("id"))
}

/// Issues an invite for `role`; returns `(invite id, token)`.
pub fn invite(base: &str, token: &str, room: &str, role: &str) -> Result<(String, String)> {
    let r = call(
        base,
        "POST",
        &format!("/api/rooms/{room}/invites"),
        Some(token),
        Some(json!({"role": role})),
    )?;
    if r.status != 201 {
        bail!("inviting to {room}: {} {}", r.status, r.body);
    }
    Ok((r.str("id"), r.str("token")))
}

/// A room ready for media tests: its owner's credentials and a participant invite.
#[derive(Debug, Clone)]
pub struct TestRoom {
    pub id: String,
    pub owner: String,
    pub owner_token: String,
    /// Guests join with this; each under its own display name.
    pub guest_token: String,
}

impl TestRoom {
    /// Registers `owner`, creates a listed room named `name` and a participant invite.
    pub fn create(base: &str, owner: &str, name: &str) -> Result<Self> {
        let owner_token = member_token(base, owner)?;
        let id = create_room(base, &owner_token, json!({"name": name}))?;
        let (_, guest_token) = invite(base, &owner_token, &id, "participant")?;
        Ok(Self {
            id,
            owner: owner.to_owned(),
            owner_token,
            guest_token,
        })
    }

    /// What a guest peer joins with.
    pub fn guest(&self) -> Ticket {
        Ticket {
            room: self.id.clone(),
            token: self.guest_token.clone(),
        }
    }
}

/// What a socket `join` needs besides the display name.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub room: String,
    pub token: String,
}

/// A request that must be refused: what is wrong with it, its bearer token, content type and
/// body, and the status and error code it must get.
pub type Refusal<'a> = (&'a str, Option<&'a str>, &'a str, &'a [u8], u16, &'a str);

/// POSTs every case to `path` and asserts its status, its error code and a message that says
/// why.
pub fn assert_refusals(base: &str, path: &str, cases: &[Refusal]) {
    for (what, token, content_type, body, status, code) in cases {
        let reply =
            call_raw(base, "POST", path, *token, content_type, body).expect("the server replies");
        assert_eq!(
            (reply.status, reply.error_code()),
            (*status, *code),
            "{what}: {:?}",
            reply.body
        );
        assert!(reply.str("message").len() > 5, "{what}: a message says why");
    }
}

/// An unknown WHIP or WHEP session under `endpoint`: DELETE is 404, and PATCH (trickle ICE,
/// which the server does not take) 405 — both with JSON bodies.
pub fn assert_unknown_session(base: &str, endpoint: &str) {
    let unknown = format!("{endpoint}/0123456789abcdef");
    let reply = call(base, "DELETE", &unknown, None, None).expect("reply");
    assert_eq!((reply.status, reply.error_code()), (404, "not_found"));
    let reply = call_raw(
        base,
        "PATCH",
        &unknown,
        None,
        "application/trickle-ice-sdpfrag",
        b"a=x",
    )
    .expect("reply");
    assert_eq!(
        (reply.status, reply.error_code()),
        (405, "method_not_allowed"),
        "trickle ICE is refused: {:?}",
        reply.body
    );
}
