//! Who is asking: accounts and sessions, passwords, login throttling, and who may enter which
//! room in which role. (Tokens themselves are `domain::tokens`.)

pub mod accounts;
pub mod admission;
pub mod password;
pub mod publisher;
pub mod throttle;

pub use accounts::{AccountRole, Accounts, AuthError, CurrentUser, UserView};
