//! Checks on what clients name things: room ids (`[A-Za-z0-9_-]{1,64}`) and display names.

/// Longest display name, in characters (the tile label shows all of it).
pub const MAX_NAME_CHARS: usize = 32;
/// Longest room id.
pub const MAX_ROOM_ID_LEN: usize = 64;

/// A room id matching `[A-Za-z0-9_-]{1,64}`.
pub fn room_id(raw: &str) -> Result<String, String> {
    if raw.is_empty() || raw.len() > MAX_ROOM_ID_LEN {
        return Err(format!("room id must be 1 to {MAX_ROOM_ID_LEN} characters"));
    }
    if !raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err("room id may contain only letters, digits, '_' and '-'".into());
    }
    Ok(raw.to_owned())
}

/// A display name: trimmed, 1 to 32 characters, no control characters and no markup.
///
/// Names are drawn into the video as plain text; angle brackets are refused outright so that a
/// name never looks like markup anywhere it is shown.
pub fn display_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(format!("name must be 1 to {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err("name must not contain control characters".into());
    }
    if name.contains(['<', '>']) {
        return Err("name must be plain text, not markup".into());
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_room_ids_pass() {
        for id in ["a", "Team_standup-2", &"x".repeat(64)] {
            assert_eq!(room_id(id).as_deref(), Ok(id));
        }
    }

    #[test]
    fn bad_room_ids_fail() {
        for id in ["", "a b", "../etc", "ro/om", "é", &"x".repeat(65)] {
            assert!(room_id(id).is_err(), "{id:?}");
        }
    }

    #[test]
    fn names_are_trimmed_and_limited() {
        assert_eq!(display_name("  Ana Lúcia  ").as_deref(), Ok("Ana Lúcia"));
        assert!(display_name(&"é".repeat(32)).is_ok());
        assert!(display_name(&"é".repeat(33)).is_err());
        assert!(display_name("   ").is_err());
    }

    #[test]
    fn markup_and_control_characters_are_refused() {
        assert!(display_name("<b>boss</b>").is_err());
        assert!(display_name("<span foreground='red'>x</span>").is_err());
        assert!(display_name("a\u{7}b").is_err());
        assert!(display_name("Tom & Jerry").is_ok());
    }
}
