//! `?limit=&cursor=` paging and the `{"items": […], "next": cursor or null}` reply.

use serde::{Deserialize, Serialize};

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }
}

#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A full page may have a successor, found after its last id.
    pub fn new(items: Vec<T>, limit: i64, id_of: impl Fn(&T) -> &str) -> Self {
        let full = i64::try_from(items.len()).unwrap_or(i64::MAX) >= limit;
        let next = if full {
            items.last().map(|i| id_of(i).to_owned())
        } else {
            None
        };
        Self { items, next }
    }
}
