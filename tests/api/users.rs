//! Admins made with the CLI manage users over `/api/users`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::harness::{
    Backend, Env, PASSWORD, all_pages, assert_error, assert_user, field_of, items,
};

on_both_backends!(admins_manage_users);

fn admins_manage_users(backend: Backend) {
    let env = Env::start(backend, "");

    // The CLI: password from the environment, then from standard input.
    let (boss, boss_token) = env.admin("boss");
    assert_user(&boss, "boss", "admin", false);
    let out = env.admin_cli("Boss2", PASSWORD, true);
    assert!(
        out.status.success(),
        "admin create via stdin: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = env.login("boss2", PASSWORD);
    assert_eq!(r.status, 200, "boss2 signs in: {}", r.body);
    assert_user(&r.body["user"], "boss2", "admin", false);
    let boss2_id = r.body["user"]["id"].as_str().unwrap_or_default().to_owned();
    // Refusals: a taken name, a common password, no password at all.
    for (name, password, via_stdin) in [
        ("BOSS", PASSWORD, false),
        ("boss3", "password123", false),
        ("boss4", "", true),
    ] {
        let out = env.admin_cli(name, password, via_stdin);
        assert!(
            !out.status.success(),
            "admin create {name} with {password:?} must fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        if name != "BOSS" {
            assert_error(
                &env.login(name, PASSWORD),
                401,
                "unauthorized",
                &format!("no account {name}"),
            );
        }
    }

    let (carol, carol_token) = env.member("carol");
    let (dave, dave_token) = env.member("dave");
    let id = |u: &Value| u["id"].as_str().unwrap_or_default().to_owned();
    let (carol_id, dave_id, boss_id) = (id(&carol), id(&dave), id(&boss));

    // The list: admins only.
    let r = env.call("GET", "/api/users", Some(&boss_token), None);
    let users = items(&r);
    let names: BTreeSet<String> = field_of(&users, "username").into_iter().collect();
    let expected: BTreeSet<String> = ["boss", "boss2", "carol", "dave"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(names, expected, "every user: {}", r.body);
    assert!(r.body["next"].is_null(), "one page: {}", r.body);
    for u in &users {
        let name = u["username"].as_str().unwrap_or_default();
        let role = if name.starts_with("boss") {
            "admin"
        } else {
            "member"
        };
        assert_user(u, name, role, false);
    }
    let paged = all_pages(&env, "/api/users", &boss_token);
    assert_eq!(field_of(&paged, "id"), field_of(&users, "id"), "paging");
    assert_error(
        &env.call("GET", "/api/users", Some(&carol_token), None),
        403,
        "forbidden",
        "a member lists users",
    );
    assert_error(
        &env.call("GET", "/api/users", None, None),
        401,
        "unauthorized",
        "anonymous lists users",
    );
    assert_error(
        &env.call(
            "PATCH",
            &format!("/api/users/{dave_id}"),
            Some(&carol_token),
            Some(json!({"role": "admin"})),
        ),
        403,
        "forbidden",
        "a member promotes someone",
    );

    // Promote and demote.
    let patch = |token: &str, user: &str, body: Value| {
        env.call(
            "PATCH",
            &format!("/api/users/{user}"),
            Some(token),
            Some(body),
        )
    };
    let r = patch(&boss_token, &dave_id, json!({"role": "admin"}));
    assert_eq!(r.status, 200, "promote: {}", r.body);
    assert_user(&r.body, "dave", "admin", false);
    let r = env.call("GET", "/api/users", Some(&dave_token), None);
    assert_eq!(r.status, 200, "dave is an admin now: {}", r.body);
    let r = patch(&dave_token, &dave_id, json!({"role": "member"}));
    assert_eq!(r.status, 200, "demote: {}", r.body);
    assert_user(&r.body, "dave", "member", false);
    assert_error(
        &env.call("GET", "/api/users", Some(&dave_token), None),
        403,
        "forbidden",
        "dave is a member again",
    );

    // Disabling ends the sessions and refuses sign-in; enabling lets it in again.
    let r = patch(&boss_token, &carol_id, json!({"disabled": true}));
    assert_eq!(r.status, 200, "disable: {}", r.body);
    assert_user(&r.body, "carol", "member", true);
    let r = env.call("GET", "/api/me", Some(&carol_token), None);
    assert!(
        matches!(
            (r.status, r.error_code()),
            (401, "unauthorized") | (403, "forbidden")
        ),
        "a disabled user's token stops working: {} {}",
        r.status,
        r.body
    );
    assert_error(
        &env.login("carol", PASSWORD),
        403,
        "forbidden",
        "a disabled user signs in",
    );
    assert_error(
        &env.login("carol", "wrong-password"),
        401,
        "unauthorized",
        "a disabled user with a wrong password learns nothing more",
    );
    let r = patch(&boss_token, &carol_id, json!({"disabled": false}));
    assert_eq!(r.status, 200, "enable: {}", r.body);
    assert_user(&r.body, "carol", "member", false);
    assert_eq!(env.login("carol", PASSWORD).status, 200, "enabled again");

    // The last active admin can be neither demoted nor disabled.
    let r = patch(&boss_token, &boss2_id, json!({"disabled": true}));
    assert_eq!(r.status, 200, "disable boss2: {}", r.body);
    assert_user(&r.body, "boss2", "admin", true);
    assert_error(
        &patch(&boss_token, &boss_id, json!({"role": "member"})),
        409,
        "conflict",
        "demoting the last active admin",
    );
    assert_error(
        &patch(&boss_token, &boss_id, json!({"disabled": true})),
        409,
        "conflict",
        "disabling the last active admin",
    );
    let me = env.call("GET", "/api/me", Some(&boss_token), None);
    assert_user(&me.body, "boss", "admin", false);

    // Bad requests.
    assert_error(
        &patch(
            &boss_token,
            "0190aaaa-0000-7000-8000-000000000000",
            json!({"role": "admin"}),
        ),
        404,
        "not_found",
        "unknown user id",
    );
    assert_error(
        &patch(&boss_token, "no-such-user", json!({"role": "admin"})),
        404,
        "not_found",
        "malformed user id",
    );
    for body in [
        json!({}),
        json!({"nickname": "x"}),
        json!({"role": "admin", "password": "hunter2hunter2"}),
        json!({"role": "king"}),
        json!({"disabled": "yes"}),
        json!({"role": null}),
    ] {
        assert_error(
            &patch(&boss_token, &dave_id, body.clone()),
            400,
            "bad_request",
            &format!("patch {body}"),
        );
    }
    let r = env.call("GET", "/api/me", Some(&dave_token), None);
    assert_user(&r.body, "dave", "member", false);
}
