//! The end-to-end tests in one binary: the real server, real WebRTC peers (GStreamer and
//! headless Chromium), real recordings and real outside servers, each module one feature.
//!
//! One binary links the server's library once instead of once per feature, which keeps the
//! build small and quick. The media tests measure real-time behaviour on a 2-core machine, so
//! `scripts/test.sh` runs them one at a time (`--test-threads=1`); run one feature with
//! `cargo test --test e2e viewers:: -- --test-threads=1`.

// A scenario reads top to bottom, so test functions may run past clippy's 80 lines.
#![allow(clippy::too_many_lines)]

#[path = "../support/mod.rs"]
mod support;

mod hls;
mod layouts;
mod liveness;
mod placeholders;
mod presenter_layout;
mod presenter_role;
mod recording;
mod recording_faults;
mod renditions;
mod room_media;
mod rtmp;
mod signalling_errors;
mod udp_ports;
mod viewers;
mod vp8_fallback;
mod web_app;
mod whip;
