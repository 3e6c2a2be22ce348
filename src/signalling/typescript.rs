//! The web app's copy of the socket protocol, `web/src/api/wire.ts`, is generated from the
//! Rust types here and below (ts-rs), so the two cannot drift: the test fails when the file
//! is not what these types say. After changing the protocol, rewrite it with
//! `CONNECT_RIGHT_WRITE_TS=1 cargo test --lib typescript` and commit both.

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ts_rs::TS;

    use crate::broadcast::RtmpState;
    use crate::domain::layout::Layout;
    use crate::domain::refusal::ErrorCode;
    use crate::domain::role::Role;
    use crate::media::renditions::Rendition;
    use crate::rooms::{RecordingState, RosterEntry};
    use crate::signalling::protocol::{
        AskedRole, AssignedRole, ClientMessage, IceServer, RecordingAction, ServerMessage,
    };

    const FILE: &str = "web/src/api/wire.ts";

    /// The file's text: one exported declaration per type, in dependency order.
    fn generated() -> String {
        let declarations = [
            Role::decl(),
            AskedRole::decl(),
            AssignedRole::decl(),
            ErrorCode::decl(),
            IceServer::decl(),
            Rendition::decl(),
            RosterEntry::decl(),
            RecordingState::decl(),
            RecordingAction::decl(),
            RtmpState::decl(),
            Layout::decl(),
            ClientMessage::decl(),
            ServerMessage::decl(),
        ];
        let mut text = String::from(
            "// Generated from the server's Rust types (src/signalling/typescript.rs); do not\n\
             // edit. After a protocol change: CONNECT_RIGHT_WRITE_TS=1 cargo test --lib typescript\n",
        );
        for declaration in declarations {
            text.push_str("\nexport ");
            text.push_str(&declaration);
            text.push('\n');
        }
        text
    }

    #[test]
    fn the_web_apps_protocol_types_are_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(FILE);
        let expected = generated();
        if std::env::var_os("CONNECT_RIGHT_WRITE_TS").is_some() {
            std::fs::write(&path, &expected).expect("the file is written");
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == expected,
            "{FILE} is not what the Rust types say; rewrite it with \
             CONNECT_RIGHT_WRITE_TS=1 cargo test --lib typescript"
        );
    }
}
