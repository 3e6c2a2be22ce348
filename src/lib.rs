//! Connect-Right: an MCU that mixes a room's participants into one stream.

pub mod admin_cli;
pub mod auth;
pub mod broadcast;
pub mod cli;
pub mod config;
pub mod db;
pub mod directory;
pub mod domain;
pub mod http;
#[cfg(test)]
mod layers;
pub mod media;
pub mod recording;
pub mod rooms;
pub mod signalling;
pub mod startup;
pub mod telemetry;
