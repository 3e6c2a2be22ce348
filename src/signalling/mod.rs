//! WebSocket signalling: the message contract, the pure router and the socket loop.

pub mod origin;
pub mod protocol;
pub mod rate;
pub mod router;
mod typescript;
pub mod ws;
