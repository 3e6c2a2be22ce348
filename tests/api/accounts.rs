//! Registration, sign-in, sessions and how passwords are stored.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{
    Backend, Env, PASSWORD, PRODUCTION_ARGON2, assert_error, assert_rfc3339, assert_socket_error,
    assert_user, block_on, id, join_new,
};

on_both_backends!(
    registration_returns_the_member_with_the_name_in_lowercase,
    a_taken_name_is_refused_in_any_case,
    names_and_passwords_at_the_limits_are_accepted,
    malformed_usernames_are_refused,
    weak_or_wrongly_sized_passwords_are_refused_and_make_no_account,
    registration_needs_both_fields_in_well_formed_json,
    sign_in_gives_a_token_the_user_and_a_12_hour_expiry,
    wrong_password_and_unknown_user_get_the_same_401,
    me_needs_a_valid_bearer_token,
    logout_ends_that_session_only,
    logout_needs_a_live_session,
    production_hash_and_login_timing,
    sessions_expire,
);

/// Alice's name as she types it; the server stores it in lowercase.
const ALICE: &str = "Alice.Smith_1";
const ALICE_STORED: &str = "alice.smith_1";

/// Registers Alice with [`PASSWORD`]; the 201 body.
fn register_alice(env: &Env) -> Value {
    let r = env.register(ALICE, PASSWORD);
    assert_eq!(r.status, 201, "register: {}", r.body);
    r.body
}

/// A server with Alice registered and signed in: the server and her session token.
fn signed_in_alice(backend: Backend) -> (Env, String) {
    let env = Env::start(backend, "");
    register_alice(&env);
    let token = env.token(ALICE_STORED);
    (env, token)
}

fn registration_returns_the_member_with_the_name_in_lowercase(backend: Backend) {
    let env = Env::start(backend, "");
    assert_user(&register_alice(&env), ALICE_STORED, "member", false);
}

fn a_taken_name_is_refused_in_any_case(backend: Backend) {
    let env = Env::start(backend, "");
    register_alice(&env);
    for taken in [ALICE_STORED, "ALICE.Smith_1"] {
        let r = env.register(taken, "another-long-secret");
        assert_error(&r, 409, "conflict", &format!("registering taken {taken}"));
    }
}

fn names_and_passwords_at_the_limits_are_accepted(backend: Backend) {
    let env = Env::start(backend, "");
    let longest = "a".repeat(32);
    for (name, password) in [
        ("abc", "kq8!vzm2"),
        (longest.as_str(), "x7-".repeat(42).as_str()), // 126 characters
        ("d.o-t_s", &"p".repeat(128)),
    ] {
        let r = env.register(name, password);
        assert_eq!(r.status, 201, "register {name}: {}", r.body);
        assert_user(&r.body, name, "member", false);
    }
}

fn malformed_usernames_are_refused(backend: Backend) {
    let env = Env::start(backend, "");
    let too_long = "b".repeat(33);
    for bad in [
        "ab",
        too_long.as_str(),
        "two words",
        "<b>bold</b>",
        "x<script>",
        "",
        "tab\tname",
        "semi;colon",
    ] {
        let r = env.register(bad, PASSWORD);
        assert_error(&r, 400, "bad_request", &format!("username {bad:?}"));
    }
}

fn weak_or_wrongly_sized_passwords_are_refused_and_make_no_account(backend: Backend) {
    let env = Env::start(backend, "");
    let too_long_password = "q".repeat(129);
    for bad in [
        "short12",
        "",
        too_long_password.as_str(),
        "password123",
        "qwertyuiop",
    ] {
        let r = env.register("weakling", bad);
        assert_error(
            &r,
            400,
            "bad_request",
            &format!("password {:?}", &bad[..bad.len().min(12)]),
        );
    }
    // None of the refused registrations left an account behind.
    assert_error(
        &env.login("weakling", "password123"),
        401,
        "unauthorized",
        "a refused registration makes no account",
    );
}

fn registration_needs_both_fields_in_well_formed_json(backend: Backend) {
    let env = Env::start(backend, "");
    for body in [
        json!({}),
        json!({"username": "solo"}),
        json!({"password": PASSWORD}),
    ] {
        let r = env.call("POST", "/api/auth/register", None, Some(body.clone()));
        assert_error(&r, 400, "bad_request", &format!("register body {body}"));
    }
    let r = env.call_raw(
        "POST",
        "/api/auth/register",
        None,
        "application/json",
        b"{\"username\": ",
    );
    assert_error(&r, 400, "bad_request", "malformed register JSON");
}

fn sign_in_gives_a_token_the_user_and_a_12_hour_expiry(backend: Backend) {
    let env = Env::start(backend, "");
    let alice = register_alice(&env);

    // The name in any case.
    let before = time::OffsetDateTime::now_utc();
    let r = env.login("ALICE.smith_1", PASSWORD);
    assert_eq!(r.status, 200, "login: {}", r.body);
    let token = r.str("token");
    let secret = token
        .strip_prefix("crs_")
        .unwrap_or_else(|| panic!("a crs_ token, got {token:?}"));
    assert!(secret.len() >= 43, "≥ 256 bits of token, got {token:?}");
    assert_user(&r.body["user"], ALICE_STORED, "member", false);
    assert_eq!(r.body["user"]["id"], alice["id"]);
    let expires = assert_rfc3339(&r.body["expiresAt"], "expiresAt");
    let ttl = expires - before;
    assert!(
        ttl > time::Duration::hours(12) - time::Duration::minutes(1)
            && ttl < time::Duration::hours(12) + time::Duration::minutes(1),
        "a 12 h session, got {ttl}"
    );
}

fn wrong_password_and_unknown_user_get_the_same_401(backend: Backend) {
    let env = Env::start(backend, "");
    register_alice(&env);
    let wrong = env.login(ALICE_STORED, "not-the-password");
    let unknown = env.login("nobody-here", PASSWORD);
    assert_error(&wrong, 401, "unauthorized", "wrong password");
    assert_error(&unknown, 401, "unauthorized", "unknown user");
    assert_eq!(wrong.body, unknown.body, "nothing tells the two apart");
}

fn me_needs_a_valid_bearer_token(backend: Backend) {
    let (env, token) = signed_in_alice(backend);
    let me = env.call("GET", "/api/me", Some(&token), None);
    assert_eq!(me.status, 200, "me: {}", me.body);
    assert_user(&me.body, ALICE_STORED, "member", false);
    for (auth, what) in [
        (None, "no Authorization header"),
        (Some("Bearer"), "an empty bearer"),
        (Some("garbage"), "a garbage header"),
        (Some("Basic YWxpY2U6cHc="), "basic auth"),
        (Some("Bearer crs_unknown"), "an unknown token"),
        (
            Some("Bearer crs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            "a well-formed unknown token",
        ),
    ] {
        let r = env.call_with_authorization("/api/me", auth);
        assert_error(&r, 401, "unauthorized", what);
    }
}

/// Signs out with `token`, asserting the 204 without a body.
fn logout(env: &Env, token: &str) {
    let r = env.call("POST", "/api/auth/logout", Some(token), None);
    assert_eq!(r.status, 204, "logout: {}", r.body);
    assert_eq!(r.body, Value::Null, "204 has no body");
}

fn logout_ends_that_session_only(backend: Backend) {
    let (env, token) = signed_in_alice(backend);
    let other = env.token(ALICE_STORED);
    logout(&env, &token);
    let r = env.call("GET", "/api/me", Some(&token), None);
    assert_error(&r, 401, "unauthorized", "me after logout");
    let r = env.call("GET", "/api/me", Some(&other), None);
    assert_eq!(r.status, 200, "another session lives on: {}", r.body);
}

fn logout_needs_a_live_session(backend: Backend) {
    let (env, token) = signed_in_alice(backend);
    logout(&env, &token);
    let r = env.call("POST", "/api/auth/logout", Some(&token), None);
    assert_error(&r, 401, "unauthorized", "logout twice");
    let r = env.call("POST", "/api/auth/logout", None, None);
    assert_error(&r, 401, "unauthorized", "logout without a token");
}

fn production_hash_and_login_timing(backend: Backend) {
    let env = Env::start(
        backend,
        &format!(
            "{PRODUCTION_ARGON2}\nlogin_failures_per_address = 1000\n\
             login_failures_per_account = 1000"
        ),
    );
    let r = env.register("hashcheck", PASSWORD);
    assert_eq!(r.status, 201, "register: {}", r.body);

    // Stored as argon2id with OWASP's minimum cost, never the password itself.
    let hash = env.stored_password_hash("hashcheck");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "argon2id m=19456,t=2,p=1, got {hash:?}"
    );
    assert!(!hash.contains(PASSWORD));
    let parts: Vec<&str> = hash.split('$').collect();
    assert_eq!(parts.len(), 6, "a PHC string with salt and hash: {hash:?}");
    assert!(parts[4].len() >= 16, "a salt of ≥ 12 bytes: {hash:?}");
    assert!(parts[5].len() >= 43, "a hash of ≥ 32 bytes: {hash:?}");
    // A second account with the same password gets its own salt.
    assert_eq!(env.register("hashcheck2", PASSWORD).status, 201);
    assert_ne!(env.stored_password_hash("hashcheck2"), hash);

    let ok = env.login("hashcheck", PASSWORD);
    assert_eq!(ok.status, 200, "login: {}", ok.body);
    assert!(ok.str("token").starts_with("crs_"));

    // An unknown user costs as much time as a wrong password (no user enumeration by timing).
    // A shared 2-core machine is noisy, so one retry is allowed: a server that skips the hash
    // for unknown users is off by far more than 20 % every time.
    let mut attempts = Vec::new();
    for attempt in 0..2 {
        let (mu, mw) = login_medians(&env, attempt);
        let (lo, hi) = (mu.min(mw), mu.max(mw));
        let spread = (hi - lo).as_secs_f64() / hi.as_secs_f64().max(f64::EPSILON);
        attempts.push(format!(
            "unknown user {mu:?}, wrong password {mw:?} ({:.0} %)",
            spread * 100.0
        ));
        if spread < 0.20 {
            println!("sign-in medians: {}", attempts.join("; then "));
            return;
        }
    }
    panic!(
        "median sign-in times differ by 20 % or more: {}",
        attempts.join("; then ")
    );
}

/// Medians of 11 unknown-user and 11 wrong-password logins, interleaved, each kind going first
/// every other round so that neither gains from the order.
fn login_medians(env: &Env, attempt: usize) -> (Duration, Duration) {
    let timed = |username: &str, password: &str| {
        let start = Instant::now();
        let r = env.login(username, password);
        let took = start.elapsed();
        assert_error(&r, 401, "unauthorized", &format!("login {username}"));
        (took, r.body)
    };
    // Warm up both paths.
    for _ in 0..2 {
        let _ = timed("ghost-user", "not-the-password");
        let _ = timed("hashcheck", "not-the-password");
    }
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    for i in 0..11 {
        let unknown_login = || timed(&format!("ghost-{attempt}-{i}"), "not-the-password");
        let wrong_login = || timed("hashcheck", &format!("not-the-password-{i}"));
        let ((tu, body_unknown), (tw, body_wrong)) = if i % 2 == 0 {
            let u = unknown_login();
            (u, wrong_login())
        } else {
            let w = wrong_login();
            (unknown_login(), w)
        };
        unknown.push(tu);
        wrong.push(tw);
        assert_eq!(body_unknown, body_wrong, "identical 401 bodies");
    }
    (median(&mut unknown), median(&mut wrong))
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn sessions_expire(backend: Backend) {
    let env = Env::start(backend, "session_ttl_secs = 1");
    let (_, owner_token) = env.member("owner");
    let room_id = id(&env.room(&owner_token, json!({"name": "Expiring"})));

    let before = time::OffsetDateTime::now_utc();
    let r = env.login("owner", PASSWORD);
    assert_eq!(r.status, 200, "login: {}", r.body);
    let token = r.str("token");
    let expires = assert_rfc3339(&r.body["expiresAt"], "expiresAt");
    let ttl = expires - before;
    assert!(
        ttl > time::Duration::ZERO && ttl < time::Duration::seconds(3),
        "a 1 s session, got {ttl}"
    );
    let me = env.call("GET", "/api/me", Some(&token), None);
    assert_eq!(me.status, 200, "fresh token works: {}", me.body);

    // A sleep, not a poll: time passing is the behaviour under test. Nothing but the clock
    // may end these sessions, so the test waits their 1 s lifetime out (with margin) and then
    // expects every use of them to be refused.
    std::thread::sleep(Duration::from_millis(2500));

    for t in [&token, &owner_token] {
        let r = env.call("GET", "/api/me", Some(t), None);
        assert_error(&r, 401, "expired", "me with an expired session");
    }
    let r = env.call(
        "POST",
        "/api/rooms",
        Some(&token),
        Some(json!({"name": "late"})),
    );
    assert_error(
        &r,
        401,
        "expired",
        "creating a room with an expired session",
    );
    block_on(async {
        let (_ws, reply) = join_new(
            &env.server,
            &room_id,
            "Late",
            Some("participant"),
            Some(&token),
        )
        .await;
        assert_socket_error(&reply, "expired", "join with an expired session");
    });

    // Signing in again gives a working session.
    let fresh = env.token("owner");
    let me = env.call("GET", "/api/me", Some(&fresh), None);
    assert_eq!(me.status, 200, "a new session works: {}", me.body);
}
