//! Admins made with the CLI manage users over `/api/users`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::harness::{
    Backend, Env, PASSWORD, all_pages, assert_error, assert_user, field_of, id, items,
};
use crate::support::api::Reply;

on_both_backends!(
    // The CLI.
    the_cli_makes_an_admin_with_the_password_from_the_environment,
    the_cli_reads_the_password_from_standard_input,
    the_cli_refuses_a_taken_name_a_common_password_and_no_password,
    // The list.
    an_admin_lists_every_user_on_one_page,
    an_admin_lists_the_users_page_by_page,
    only_admins_list_users,
    // Changes.
    a_member_may_not_change_a_role,
    an_admin_promotes_a_member_to_admin,
    a_demoted_admin_is_a_member_again,
    disabling_a_user_ends_their_sessions_and_refuses_their_sign_in,
    an_enabled_user_signs_in_again,
    the_last_active_admin_can_be_neither_demoted_nor_disabled,
    changing_an_unknown_user_is_not_found,
    a_change_must_be_a_valid_role_or_disabled_flag,
);

/// A server with an admin made by the CLI, Boss, and two members, Carol and Dave.
struct Users {
    env: Env,
    boss: Value,
    boss_token: String,
    carol_id: String,
    carol_token: String,
    dave_id: String,
    dave_token: String,
}

impl Users {
    fn start(backend: Backend) -> Self {
        let (env, [(carol, carol_token), (dave, dave_token)]) =
            Env::with_members(backend, ["carol", "dave"]);
        let (boss, boss_token) = env.admin("boss");
        Self {
            env,
            boss,
            boss_token,
            carol_id: id(&carol),
            carol_token,
            dave_id: id(&dave),
            dave_token,
        }
    }

    /// `PATCH /api/users/USER` as `token`.
    fn patch(&self, token: &str, user: &str, body: Value) -> Reply {
        let path = format!("/api/users/{user}");
        self.env.call("PATCH", &path, Some(token), Some(body))
    }

    /// Boss changes `user`; the 200 body.
    fn boss_changes(&self, user: &str, body: Value) -> Value {
        let r = self.patch(&self.boss_token, user, body.clone());
        assert_eq!(r.status, 200, "{body}: {}", r.body);
        r.body
    }

    /// `GET /api/users` as `token`.
    fn list(&self, token: Option<&str>) -> Reply {
        self.env.call("GET", "/api/users", token, None)
    }
}

// ── The CLI ──────────────────────────────────────────────────────────────────────────────

fn the_cli_makes_an_admin_with_the_password_from_the_environment(backend: Backend) {
    let env = Env::start(backend, "");
    // `admin` asserts that the command succeeds and that the admin signs in.
    let (boss, _) = env.admin("boss");
    assert_user(&boss, "boss", "admin", false);
}

fn the_cli_reads_the_password_from_standard_input(backend: Backend) {
    let env = Env::start(backend, "");
    let out = env.admin_cli("Boss2", PASSWORD, true);
    assert!(
        out.status.success(),
        "admin create via stdin: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = env.login("boss2", PASSWORD);
    assert_eq!(r.status, 200, "boss2 signs in: {}", r.body);
    assert_user(&r.body["user"], "boss2", "admin", false);
}

fn the_cli_refuses_a_taken_name_a_common_password_and_no_password(backend: Backend) {
    let env = Env::start(backend, "");
    env.admin("boss");
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
}

// ── The list ─────────────────────────────────────────────────────────────────────────────

/// Adds a second admin, Boss2, to [`Users`]: the list of all four as Boss sees it.
fn list_of_four(f: &Users) -> Reply {
    f.env.admin("boss2");
    f.list(Some(&f.boss_token))
}

fn an_admin_lists_every_user_on_one_page(backend: Backend) {
    let f = Users::start(backend);
    let r = list_of_four(&f);
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
}

fn an_admin_lists_the_users_page_by_page(backend: Backend) {
    let f = Users::start(backend);
    let users = items(&list_of_four(&f));
    let paged = all_pages(&f.env, "/api/users", &f.boss_token);
    assert_eq!(field_of(&paged, "id"), field_of(&users, "id"), "paging");
}

fn only_admins_list_users(backend: Backend) {
    let f = Users::start(backend);
    assert_error(
        &f.list(Some(&f.carol_token)),
        403,
        "forbidden",
        "a member lists users",
    );
    assert_error(&f.list(None), 401, "unauthorized", "anonymous lists users");
}

// ── Changes ──────────────────────────────────────────────────────────────────────────────

fn a_member_may_not_change_a_role(backend: Backend) {
    let f = Users::start(backend);
    assert_error(
        &f.patch(&f.carol_token, &f.dave_id, json!({"role": "admin"})),
        403,
        "forbidden",
        "a member promotes someone",
    );
}

fn an_admin_promotes_a_member_to_admin(backend: Backend) {
    let f = Users::start(backend);
    let dave = f.boss_changes(&f.dave_id, json!({"role": "admin"}));
    assert_user(&dave, "dave", "admin", false);
    let r = f.list(Some(&f.dave_token));
    assert_eq!(r.status, 200, "dave is an admin now: {}", r.body);
}

fn a_demoted_admin_is_a_member_again(backend: Backend) {
    let f = Users::start(backend);
    f.boss_changes(&f.dave_id, json!({"role": "admin"}));
    // Dave steps down himself.
    let r = f.patch(&f.dave_token, &f.dave_id, json!({"role": "member"}));
    assert_eq!(r.status, 200, "demote: {}", r.body);
    assert_user(&r.body, "dave", "member", false);
    assert_error(
        &f.list(Some(&f.dave_token)),
        403,
        "forbidden",
        "dave is a member again",
    );
}

fn disabling_a_user_ends_their_sessions_and_refuses_their_sign_in(backend: Backend) {
    let f = Users::start(backend);
    let carol = f.boss_changes(&f.carol_id, json!({"disabled": true}));
    assert_user(&carol, "carol", "member", true);
    let r = f.env.call("GET", "/api/me", Some(&f.carol_token), None);
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
        &f.env.login("carol", PASSWORD),
        403,
        "forbidden",
        "a disabled user signs in",
    );
    assert_error(
        &f.env.login("carol", "wrong-password"),
        401,
        "unauthorized",
        "a disabled user with a wrong password learns nothing more",
    );
}

fn an_enabled_user_signs_in_again(backend: Backend) {
    let f = Users::start(backend);
    f.boss_changes(&f.carol_id, json!({"disabled": true}));
    let carol = f.boss_changes(&f.carol_id, json!({"disabled": false}));
    assert_user(&carol, "carol", "member", false);
    assert_eq!(f.env.login("carol", PASSWORD).status, 200, "enabled again");
}

fn the_last_active_admin_can_be_neither_demoted_nor_disabled(backend: Backend) {
    let f = Users::start(backend);
    let (boss2, _) = f.env.admin("boss2");
    let boss2 = f.boss_changes(&id(&boss2), json!({"disabled": true}));
    assert_user(&boss2, "boss2", "admin", true);
    let boss_id = id(&f.boss);
    assert_error(
        &f.patch(&f.boss_token, &boss_id, json!({"role": "member"})),
        409,
        "conflict",
        "demoting the last active admin",
    );
    assert_error(
        &f.patch(&f.boss_token, &boss_id, json!({"disabled": true})),
        409,
        "conflict",
        "disabling the last active admin",
    );
    let me = f.env.call("GET", "/api/me", Some(&f.boss_token), None);
    assert_user(&me.body, "boss", "admin", false);
}

fn changing_an_unknown_user_is_not_found(backend: Backend) {
    let f = Users::start(backend);
    assert_error(
        &f.patch(
            &f.boss_token,
            "0190aaaa-0000-7000-8000-000000000000",
            json!({"role": "admin"}),
        ),
        404,
        "not_found",
        "unknown user id",
    );
    assert_error(
        &f.patch(&f.boss_token, "no-such-user", json!({"role": "admin"})),
        404,
        "not_found",
        "malformed user id",
    );
}

fn a_change_must_be_a_valid_role_or_disabled_flag(backend: Backend) {
    let f = Users::start(backend);
    for body in [
        json!({}),
        json!({"nickname": "x"}),
        json!({"role": "admin", "password": "hunter2hunter2"}),
        json!({"role": "king"}),
        json!({"disabled": "yes"}),
        json!({"role": null}),
    ] {
        assert_error(
            &f.patch(&f.boss_token, &f.dave_id, body.clone()),
            400,
            "bad_request",
            &format!("patch {body}"),
        );
    }
    // Nothing changed.
    let r = f.env.call("GET", "/api/me", Some(&f.dave_token), None);
    assert_user(&r.body, "dave", "member", false);
}
