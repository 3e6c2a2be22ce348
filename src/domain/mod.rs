//! What several layers share: roles, room ids and names, layouts and their limits, the
//! admitted join, refusals, time formatting. No I/O; everything else may use it, it uses nothing of ours.

pub mod caller;
pub mod join;
pub mod layout;
pub mod names;
pub mod refusal;
pub mod role;
pub mod time;
pub mod tokens;
