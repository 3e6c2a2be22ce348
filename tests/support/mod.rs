//! Shared helpers for the end-to-end tests: the real server, real WebRTC clients and analysis.
#![allow(dead_code)]

pub mod analysis;
pub mod api;
pub mod chromium;
pub mod gst_peer;
pub mod http;
pub mod media_files;
pub mod media_probe;
pub mod netns;
pub mod postgres;
pub mod receive_pipeline;
pub mod recordings;
pub mod rtmp_server;
pub mod scenes;
pub mod server;
pub mod signalling;
pub mod watcher;
