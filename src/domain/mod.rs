//! What several layers share: roles, room ids and names, layouts and their limits, the
//! admitted join, time formatting. No I/O; everything else may use it, it uses nothing of ours.

pub mod join;
pub mod layout;
pub mod names;
pub mod role;
pub mod time;
