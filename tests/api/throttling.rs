//! Failed sign-ins are throttled per account-and-address and per address, so a stranger
//! elsewhere cannot lock a user out. Clients on 127.0.0.2 and 127.0.0.3 stand in for other
//! machines (Linux routes all of 127/8 to the loopback interface).

use std::net::Ipv4Addr;

use serde_json::json;

use crate::harness::{
    Backend, Env, PASSWORD, assert_error, assert_rate_limited, assert_user, post_json_from,
};

on_both_backends!(failed_logins_are_throttled);

/// The default window: Retry-After never exceeds it.
const WINDOW_SECS: u64 = 900;

fn failed_logins_are_throttled(backend: Backend) {
    let env = Env::start(
        backend,
        "login_failures_per_account = 3\nlogin_failures_per_address = 4",
    );
    env.member("alice");
    env.member("bob");
    let addr = env.server.addr();
    let login_from = |ip: Ipv4Addr, username: &str, password: &str| {
        post_json_from(
            ip,
            addr,
            "/api/auth/login",
            &json!({"username": username, "password": password}),
        )
    };
    let elsewhere = Ipv4Addr::new(127, 0, 0, 2);
    let third = Ipv4Addr::new(127, 0, 0, 3);

    // Per account (from one address): three failures, then even the right password waits.
    for i in 0..3 {
        let r = env.login("alice", &format!("wrong-password-{i}"));
        assert_error(&r, 401, "unauthorized", &format!("failure {}", i + 1));
    }
    // Another account from the same address is not affected (3 < 4 address failures).
    let r = env.login("bob", PASSWORD);
    assert_eq!(
        r.status, 200,
        "bob signs in from the same address: {}",
        r.body
    );
    let r = env.login("alice", PASSWORD);
    assert_rate_limited(&r, WINDOW_SECS, "4th attempt for alice");
    let r = env.login("ALICE", PASSWORD);
    assert_rate_limited(&r, WINDOW_SECS, "alice in another case");

    // The same account from another address still signs in.
    let r = login_from(elsewhere, "alice", PASSWORD);
    assert_eq!(r.status, 200, "alice from 127.0.0.2: {}", r.body);
    assert_user(&r.body["user"], "alice", "member", false);
    let me = env.call("GET", "/api/me", Some(&r.str("token")), None);
    assert_eq!(me.status, 200, "that session works: {}", me.body);
    let r = login_from(elsewhere, "alice", "wrong-again");
    assert_error(
        &r,
        401,
        "unauthorized",
        "a failure from 127.0.0.2 is a plain 401",
    );

    // Per address: failures spread over different names (known or not) add up.
    for (i, name) in ["alice", "bob", "carol-unknown", "dave-unknown"]
        .iter()
        .enumerate()
    {
        let r = login_from(third, name, "wrong-password");
        assert_error(
            &r,
            401,
            "unauthorized",
            &format!("address failure {} ({name})", i + 1),
        );
    }
    for name in ["bob", "erin-unknown"] {
        let r = login_from(third, name, PASSWORD);
        assert_rate_limited(&r, WINDOW_SECS, &format!("{name} from a throttled address"));
    }
    // Those failures did not lock bob out elsewhere.
    let r = login_from(elsewhere, "bob", PASSWORD);
    assert_eq!(r.status, 200, "bob from 127.0.0.2: {}", r.body);
}
