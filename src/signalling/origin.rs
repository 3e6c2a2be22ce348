//! Cross-site WebSocket hijacking guard: a browser page may open the socket only from the
//! server's own origin or one on the allow-list. Clients that send no `Origin` (OBS, native
//! apps, test clients) are not cross-site pages and go on to token authentication.

/// True if a socket upgrade with this `Origin` (if any) may proceed.
pub fn allowed(origin: Option<&str>, host: &str, allow_list: &[String]) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let origin = origin.trim().trim_end_matches('/');
    if allow_list
        .iter()
        .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    // Same origin: the page was served by this server, so the origin's authority is the
    // Host the request was sent to.
    origin.split_once("://").is_some_and(|(scheme, authority)| {
        matches!(scheme, "http" | "https") && authority.eq_ignore_ascii_case(host)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_and_listed_origins_pass_others_fail() {
        let list = vec!["http://localhost:5173".to_owned()];
        assert!(
            allowed(None, "127.0.0.1:8080", &list),
            "no Origin: not a browser page"
        );
        assert!(allowed(
            Some("http://127.0.0.1:8080"),
            "127.0.0.1:8080",
            &list
        ));
        assert!(allowed(
            Some("https://Meet.Example.org"),
            "meet.example.org",
            &list
        ));
        assert!(allowed(
            Some("http://localhost:5173/"),
            "127.0.0.1:8080",
            &list
        ));
        assert!(!allowed(
            Some("https://evil.example"),
            "127.0.0.1:8080",
            &list
        ));
        assert!(!allowed(
            Some("http://127.0.0.1:8081"),
            "127.0.0.1:8080",
            &list
        ));
        assert!(!allowed(Some("null"), "127.0.0.1:8080", &list));
        assert!(!allowed(
            Some("file://127.0.0.1:8080"),
            "127.0.0.1:8080",
            &list
        ));
    }
}
