//! Plain HTTP GETs as a player, a CDN or a download client makes them: the status, the
//! headers and the body bytes, whatever the status.

use std::time::Duration;

/// What a GET returned: the status, the headers (names in lower case) and the body.
pub type Fetched = (u16, Vec<(String, String)>, Vec<u8>);

/// The value of header `name` (lower case) in `headers`, or "" when it is absent.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(h, _)| h == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// A GET with no header at all (a player or a CDN following a signed link).
pub fn fetch(url: &str) -> Fetched {
    get(url, None, None)
}

/// A GET with an optional bearer token and an optional `Range`.
pub fn get(url: &str, token: Option<&str>, range: Option<&str>) -> Fetched {
    let mut req = ureq::get(url).timeout(Duration::from_secs(30));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    if let Some(r) = range {
        req = req.set("Range", r);
    }
    let resp = any_status(req, url);
    let status = resp.status();
    let headers = resp
        .headers_names()
        .into_iter()
        .map(|h| {
            let v = resp.header(&h).unwrap_or_default().to_owned();
            (h.to_lowercase(), v)
        })
        .collect();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut resp.into_reader(), &mut body).expect("body");
    (status, headers, body)
}

/// The response to `req` whatever its status; panics only when no reply came at all.
pub fn any_status(req: ureq::Request, what: &str) -> ureq::Response {
    match req.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{what} got no reply: {e}"),
    }
}
