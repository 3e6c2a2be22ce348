//! What every API scenario needs: a server on either database backend, JSON calls with
//! assertion helpers, the admin CLI, raw HTTP from another loopback address and socket joins.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::api::{self, Reply};
use crate::support::postgres::TestDatabase;
use crate::support::server::TestServer;

pub use crate::support::api::PASSWORD;

/// Which database the server under test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Settings for a server that hashes with the production argon2 cost.
pub const PRODUCTION_ARGON2: &str =
    "argon2_memory_kib = 19456\nargon2_iterations = 2\nargon2_parallelism = 1";

/// A server under test and its database. Fields drop in order: the server stops before its
/// PostgreSQL database is dropped.
pub struct Env {
    pub server: TestServer,
    pub backend: Backend,
    pub database_url: String,
    _database: Option<TestDatabase>,
}

impl Env {
    /// Starts a server on `backend` with `extra_config` in its `[auth]` section.
    pub fn start(backend: Backend, extra_config: &str) -> Self {
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(
                TestDatabase::create()
                    .unwrap_or_else(|e| panic!("a PostgreSQL test database: {e:#}")),
            ),
        };
        let server = TestServer::start_full(&[], database.as_ref().map(|d| d.url()), extra_config)
            .unwrap_or_else(|e| panic!("the server starts on {backend:?}: {e:#}"));
        let database_url = match &database {
            Some(d) => d.url().to_owned(),
            None => format!("sqlite://{}/db.sqlite", server.data_dir().display()),
        };
        Self {
            server,
            backend,
            database_url,
            _database: database,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> String {
        self.server.url()
    }

    /// Sends a JSON request; transport errors fail the test (with the server's log).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        api::call(&self.base(), method, path, token, body).unwrap_or_else(|e| {
            panic!(
                "{method} {path} got no reply: {e:#}\n{}",
                self.server.log_tail(30)
            )
        })
    }

    /// Sends raw bytes with a content type.
    pub fn call_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> Reply {
        api::call_raw(&self.base(), method, path, token, content_type, body)
            .unwrap_or_else(|e| panic!("{method} {path} got no reply: {e:#}"))
    }

    /// Sends a request with an arbitrary `Authorization` header (or none).
    pub fn call_with_authorization(&self, path: &str, authorization: Option<&str>) -> Reply {
        let mut req = ureq::get(&format!("{}{path}", self.base())).timeout(Duration::from_secs(30));
        if let Some(a) = authorization {
            req = req.set("Authorization", a);
        }
        let response = crate::support::http::any_status(req, path);
        let status = response.status();
        let retry_after = response.header("Retry-After").map(str::to_owned);
        let content_type = response.header("Content-Type").map(str::to_owned);
        let text = response.into_string().expect("a readable body");
        Reply {
            status,
            retry_after,
            content_type,
            body: parse_body(&text),
        }
    }

    /// `POST /api/auth/register`.
    pub fn register(&self, username: &str, password: &str) -> Reply {
        self.call(
            "POST",
            "/api/auth/register",
            None,
            Some(json!({"username": username, "password": password})),
        )
    }

    /// `POST /api/auth/login`.
    pub fn login(&self, username: &str, password: &str) -> Reply {
        self.call(
            "POST",
            "/api/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
    }

    /// Registers `username` with [`PASSWORD`] and signs in: `(user, token)`.
    pub fn member(&self, username: &str) -> (Value, String) {
        let r = self.register(username, PASSWORD);
        assert_eq!(r.status, 201, "registering {username}: {}", r.body);
        let user = r.body.clone();
        (user, self.token(username))
    }

    /// Starts a server on `backend` with members registered and signed in under `names`,
    /// each as `(user, token)`.
    pub fn with_members<const N: usize>(
        backend: Backend,
        names: [&str; N],
    ) -> (Self, [(Value, String); N]) {
        let env = Self::start(backend, "");
        let members = names.map(|name| env.member(name));
        (env, members)
    }

    /// Signs in with [`PASSWORD`]; the session token.
    pub fn token(&self, username: &str) -> String {
        let r = self.login(username, PASSWORD);
        assert_eq!(r.status, 200, "signing in {username}: {}", r.body);
        r.str("token")
    }

    /// Creates a room; the 201 body.
    pub fn room(&self, token: &str, settings: Value) -> Value {
        let r = self.call("POST", "/api/rooms", Some(token), Some(settings.clone()));
        assert_eq!(r.status, 201, "creating room {settings}: {}", r.body);
        r.body
    }

    /// Runs `connect-right admin create --username NAME` against this server's database, the
    /// password coming from `CONNECT_RIGHT_ADMIN_PASSWORD` or (if `via_stdin`) standard input.
    pub fn admin_cli(&self, username: &str, password: &str, via_stdin: bool) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_connect-right"));
        cmd.args(["admin", "create", "--username", username])
            .current_dir(self.server.data_dir())
            .env("DATABASE_URL", &self.database_url)
            .env_remove("CONNECT_RIGHT_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if via_stdin {
            cmd.env_remove("CONNECT_RIGHT_ADMIN_PASSWORD")
                .stdin(Stdio::piped());
        } else {
            cmd.env("CONNECT_RIGHT_ADMIN_PASSWORD", password)
                .stdin(Stdio::null());
        }
        let mut child = cmd.spawn().expect("the admin command starts");
        if via_stdin {
            let mut stdin = child.stdin.take().expect("a stdin pipe");
            writeln!(stdin, "{password}").expect("the password is written");
        }
        child
            .wait_with_output()
            .expect("the admin command finishes")
    }

    /// Creates an admin with the CLI (asserting success) and signs it in: `(user, token)`.
    pub fn admin(&self, username: &str) -> (Value, String) {
        let out = self.admin_cli(username, PASSWORD, false);
        assert!(
            out.status.success(),
            "admin create {username}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let r = self.login(username, PASSWORD);
        assert_eq!(r.status, 200, "signing in admin {username}: {}", r.body);
        (r.body["user"].clone(), r.str("token"))
    }

    /// `users.password_hash` of `username`, read straight from the database.
    pub fn stored_password_hash(&self, username: &str) -> String {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            password_hash: String,
        }
        // The name comes from the test itself; no quoting needed beyond this check.
        assert!(username.chars().all(|c| c.is_ascii_alphanumeric()));
        let sql = format!("SELECT password_hash FROM users WHERE username = '{username}'");
        let rows: Vec<Row> = match self.backend {
            Backend::Sqlite => {
                let path = self.server.data_dir().join("db.sqlite");
                let mut conn = SqliteConnection::establish(&path.display().to_string())
                    .expect("the SQLite file opens");
                diesel::sql_query(sql).load(&mut conn).expect("users query")
            }
            Backend::Postgres => {
                let mut conn =
                    PgConnection::establish(&self.database_url).expect("the test database opens");
                diesel::sql_query(sql).load(&mut conn).expect("users query")
            }
        };
        assert_eq!(rows.len(), 1, "one row for {username}");
        rows.into_iter()
            .next()
            .map(|r| r.password_hash)
            .unwrap_or_default()
    }
}

/// A body as JSON, `Null` when empty; a non-JSON body fails the test.
fn parse_body(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(text).unwrap_or_else(|_| panic!("body is not JSON: {text}"))
    }
}

/// Asserts an error reply: the status, `{"error": code, "message": text}` and a JSON type.
#[track_caller]
pub fn assert_error(reply: &Reply, status: u16, code: &str, what: &str) {
    assert_eq!(reply.status, status, "{what}: status (body {})", reply.body);
    assert_eq!(
        reply.body["error"], code,
        "{what}: error code in {}",
        reply.body
    );
    let message = reply.body["message"].as_str().unwrap_or_default();
    assert!(
        message.len() > 3,
        "{what}: a readable message in {}",
        reply.body
    );
    let ct = reply.content_type.as_deref().unwrap_or_default();
    assert!(
        ct.starts_with("application/json"),
        "{what}: JSON content type, got {ct:?}"
    );
}

/// Asserts the shape of a user object.
#[track_caller]
pub fn assert_user(user: &Value, username: &str, role: &str, disabled: bool) {
    assert!(
        user["id"].as_str().is_some_and(|id| !id.is_empty()),
        "user id in {user}"
    );
    assert_eq!(user["username"], username, "username in {user}");
    assert_eq!(user["role"], role, "role in {user}");
    assert_eq!(user["disabled"], disabled, "disabled in {user}");
    assert_rfc3339(&user["createdAt"], "createdAt");
    for secret in ["password", "passwordHash", "password_hash", "hash"] {
        assert!(user.get(secret).is_none(), "no {secret} in {user}");
    }
}

/// Asserts an RFC 3339 time and returns it.
#[track_caller]
pub fn assert_rfc3339(value: &Value, what: &str) -> time::OffsetDateTime {
    let text = value.as_str().unwrap_or_default();
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{what} is RFC 3339: {value} ({e})"))
}

/// The `items` of a list reply (asserting the list shape).
#[track_caller]
pub fn items(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "a list: {}", reply.body);
    assert!(
        reply.body["next"].is_null() || reply.body["next"].is_string(),
        "next is a cursor or null: {}",
        reply.body
    );
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items is an array: {}", reply.body))
        .clone()
}

/// The `id` of a JSON object (a user, room or invite), empty when it has none.
pub fn id(value: &Value) -> String {
    value["id"].as_str().unwrap_or_default().to_owned()
}

/// The values of `field` in `items`.
pub fn field_of(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Every item of a list, following `next` with `?limit=1`, asserting one item per page.
pub fn all_pages(env: &Env, path: &str, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let url = match &cursor {
            None => format!("{path}?limit=1"),
            Some(c) => format!("{path}?limit=1&cursor={}", percent_encode(c)),
        };
        let r = env.call("GET", &url, Some(token), None);
        let page = items(&r);
        assert!(
            page.len() <= 1,
            "limit=1 gives at most one item: {}",
            r.body
        );
        out.extend(page);
        match r.body["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return out,
        }
    }
    panic!("paging {path} did not end after 100 pages");
}

/// Percent-encodes everything but unreserved characters.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Runs a future on a small runtime of its own.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// `POST path` with a JSON body over a TCP connection from `local` (e.g. 127.0.0.2): the
/// server sees another client address. HTTP/1.1, `Connection: close`.
pub fn post_json_from(local: Ipv4Addr, server: SocketAddr, path: &str, body: &Value) -> Reply {
    block_on(post_json_from_async(local, server, path, body))
        .unwrap_or_else(|e| panic!("POST {path} from {local}: {e:#}"))
}

async fn post_json_from_async(
    local: Ipv4Addr,
    server: SocketAddr,
    path: &str,
    body: &Value,
) -> Result<Reply> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket
        .bind(SocketAddr::from((local, 0)))
        .with_context(|| format!("binding {local}"))?;
    let mut stream = tokio::time::timeout(Duration::from_secs(10), socket.connect(server))
        .await
        .context("connect timed out")??;
    let body = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .context("reply timed out")??;
    parse_http_reply(&raw)
}

/// Parses an HTTP/1.1 reply (Content-Length or chunked body).
fn parse_http_reply(raw: &[u8]) -> Result<Reply> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of headers")?;
    let head = std::str::from_utf8(&raw[..split])?;
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().context("no status line")?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .context("no status code")?
        .parse()?;
    let mut retry_after = None;
    let mut content_type = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_owned();
        match name.trim().to_ascii_lowercase().as_str() {
            "retry-after" => retry_after = Some(value),
            "content-type" => content_type = Some(value),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    if chunked {
        body = dechunk(&body)?;
    }
    let text = String::from_utf8(body)?;
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

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .context("chunk size line")?;
        let size_text = std::str::from_utf8(&data[..line_end])?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            bail!("short chunk");
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Asserts a `429 rate_limited` with `Retry-After` in whole seconds, 1 ≤ s ≤ `max_secs`.
#[track_caller]
pub fn assert_rate_limited(reply: &Reply, max_secs: u64, what: &str) {
    assert_error(reply, 429, "rate_limited", what);
    let header = reply
        .retry_after
        .as_deref()
        .unwrap_or_else(|| panic!("{what}: a Retry-After header"));
    let secs: u64 = header
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{what}: Retry-After is whole seconds, got {header:?}"));
    assert!(
        (1..=max_secs).contains(&secs),
        "{what}: Retry-After {secs} within 1..={max_secs}"
    );
}

// ── WebSocket ────────────────────────────────────────────────────────────────────────────

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens `/ws` without an `Origin` header.
pub async fn connect(server: &TestServer) -> Socket {
    let (ws, _) = tokio_tungstenite::connect_async(server.ws_url())
        .await
        .expect("the socket opens");
    ws
}

/// Sends a JSON message.
pub async fn send(ws: &mut Socket, value: Value) {
    ws.send(Message::Text(value.to_string()))
        .await
        .expect("the message is sent");
}

/// The next JSON message whose `type` is one of `kinds`, skipping others (roster, ice).
pub async fn next_of(ws: &mut Socket, kinds: &[&str]) -> Value {
    let deadline = Instant::now() + REPLY_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(next) = tokio::time::timeout(left, ws.next()).await else {
            panic!("no {kinds:?} message within {REPLY_TIMEOUT:?}");
        };
        let Some(frame) = next else {
            panic!("the socket closed while waiting for {kinds:?}");
        };
        let frame = frame.expect("a readable frame");
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(&text).expect("the server sends JSON");
            if kinds.iter().any(|k| value["type"] == *k) {
                return value;
            }
        }
    }
}

/// Sends a `join` and returns the `joined` or `error` reply.
pub async fn join(
    ws: &mut Socket,
    room: &str,
    name: &str,
    role: Option<&str>,
    token: Option<&str>,
) -> Value {
    let mut msg = json!({"type": "join", "room": room, "name": name});
    if let Some(r) = role {
        msg["role"] = json!(r);
    }
    if let Some(t) = token {
        msg["token"] = json!(t);
    }
    send(ws, msg).await;
    next_of(ws, &["joined", "error"]).await
}

/// Joins on a new socket; the socket (kept open) and the reply.
pub async fn join_new(
    server: &TestServer,
    room: &str,
    name: &str,
    role: Option<&str>,
    token: Option<&str>,
) -> (Socket, Value) {
    let mut ws = connect(server).await;
    let reply = join(&mut ws, room, name, role, token).await;
    (ws, reply)
}

/// Asserts a socket `joined` with `role` for `room`.
#[track_caller]
pub fn assert_joined(reply: &Value, room: &str, role: &str, what: &str) {
    assert_eq!(reply["type"], "joined", "{what}: {reply}");
    assert_eq!(reply["room"], room, "{what}: room in {reply}");
    assert_eq!(reply["role"], role, "{what}: role in {reply}");
    assert!(
        reply["participantId"]
            .as_str()
            .is_some_and(|p| !p.is_empty()),
        "{what}: participantId in {reply}"
    );
    assert!(
        reply["iceServers"].is_array(),
        "{what}: iceServers in {reply}"
    );
}

/// Asserts a socket `error` with `code` and a readable message.
#[track_caller]
pub fn assert_socket_error(reply: &Value, code: &str, what: &str) {
    assert_eq!(reply["type"], "error", "{what}: {reply}");
    assert_eq!(reply["code"], code, "{what}: {reply}");
    assert!(
        reply["message"].as_str().is_some_and(|m| m.len() > 3),
        "{what}: a readable message in {reply}"
    );
}

/// Joins on a new socket and asserts the refusal `code`.
pub async fn expect_join_refused(
    server: &TestServer,
    room: &str,
    role: Option<&str>,
    token: Option<&str>,
    code: &str,
    what: &str,
) {
    let (_ws, reply) = join_new(server, room, "Refused", role, token).await;
    assert_socket_error(&reply, code, what);
}
