//! Who is asking: accounts and sessions, passwords, tokens, login throttling, and who may
//! enter which room in which role.

pub mod accounts;
pub mod admission;
pub mod password;
pub mod publisher;
pub mod throttle;
pub mod tokens;

pub use accounts::{AccountRole, Accounts, AuthError, CurrentUser, UserView};
