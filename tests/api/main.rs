//! Black-box tests of accounts, users, rooms, invites and socket admission over HTTP and the
//! WebSocket, each behaviour run against SQLite and against a real PostgreSQL (the database
//! named by `CONNECT_RIGHT_TEST_POSTGRES`, which `scripts/test.sh` provides).

#[path = "../support/mod.rs"]
mod support;

/// Generates `sqlite::NAME` and `postgres::NAME` tests that run `NAME(backend)`.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::harness::Backend::Sqlite);
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::harness::Backend::Postgres);
                }
            )+
        }
    };
}

mod accounts;
mod harness;
mod rooms;
mod sockets;
mod stream_keys;
mod throttling;
mod users;
