//! Pure routing of socket messages: text in, a room action or an error out. No sockets, no
//! rooms, so every rule is unit-tested here.

use serde_json::Value;

use super::protocol::{ClientMessage, ErrorCode, RecordingAction, ServerMessage};
use crate::domain::layout::Layout;
use crate::domain::names as validate;
use crate::domain::role::Role;

/// Largest accepted message, in bytes (the contract's 64 KiB).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// A well-formed `join`, before its token is checked.
#[derive(Debug, Clone)]
pub struct JoinAsk {
    pub room: String,
    pub name: String,
    /// The role asked for (never `Owner`).
    pub role: Role,
    /// Session or invite token; secret, so never printed.
    pub token: Option<secrecy::SecretString>,
}

impl PartialEq for JoinAsk {
    fn eq(&self, other: &Self) -> bool {
        use secrecy::ExposeSecret;
        self.room == other.room
            && self.name == other.name
            && self.role == other.role
            && self.token.as_ref().map(|t| t.expose_secret().to_owned())
                == other.token.as_ref().map(|t| t.expose_secret().to_owned())
    }
}

impl Eq for JoinAsk {}

/// What the socket loop should do with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Join(JoinAsk),
    Offer(String),
    Ice {
        candidate: String,
        m_line: u32,
    },
    Leave,
    SetRole {
        participant: uuid::Uuid,
        role: Role,
    },
    /// The member's microphone and camera switches.
    Media {
        audio: bool,
        video: bool,
    },
    /// Change the room's layout.
    Layout {
        layout: Layout,
    },
    /// Start (`true`) or stop the room's recording.
    Recording {
        start: bool,
    },
    /// Pin a rendition by name; `None` lets the link decide again.
    Rendition {
        name: Option<String>,
    },
}

/// A refusal, sent back as an `error` message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RouteError {
    pub code: ErrorCode,
    pub message: String,
}

impl RouteError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    pub fn to_message(&self) -> ServerMessage {
        ServerMessage::error(self.code, self.message.clone())
    }
}

/// Parses one text frame.
pub fn decode(text: &str) -> Result<ClientMessage, RouteError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(RouteError::new(
            ErrorCode::TooLarge,
            format!(
                "message of {} bytes exceeds {MAX_MESSAGE_BYTES}",
                text.len()
            ),
        ));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| RouteError::bad_request(format!("invalid JSON: {e}")))?;
    let Some(kind) = value.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return Err(RouteError::bad_request(
            "message needs a string field 'type'",
        ));
    };
    let kind = kind.as_str();
    match serde_json::from_value(value) {
        Ok(ClientMessage::Unknown) => {
            let shown: String = kind.chars().take(40).collect();
            Err(RouteError::bad_request(format!(
                "unknown message type '{shown}'"
            )))
        }
        Ok(message) => Ok(message),
        Err(e) => Err(RouteError::bad_request(format!(
            "invalid '{kind}' message: {e}"
        ))),
    }
}

/// Decides what a message means for a socket that has (`joined`) or has not joined a room.
pub fn route(joined: bool, message: ClientMessage) -> Result<Action, RouteError> {
    match message {
        ClientMessage::Join { .. } if joined => Err(RouteError::new(
            ErrorCode::Conflict,
            "this socket has already joined a room; leave first",
        )),
        ClientMessage::Join {
            room,
            name,
            role,
            token,
        } => {
            let room = validate::room_id(&room).map_err(RouteError::bad_request)?;
            let name = validate::display_name(&name).map_err(RouteError::bad_request)?;
            let role = role.map_or(Role::Participant, Role::from);
            let token = token.filter(|t| !t.is_empty());
            if token.as_ref().is_some_and(|t| t.len() > 512) {
                return Err(RouteError::bad_request("token is too long"));
            }
            Ok(Action::Join(JoinAsk {
                room,
                name,
                role,
                token: token.map(secrecy::SecretString::from),
            }))
        }
        _ if !joined => Err(RouteError::bad_request("join a room first")),
        // `decode` already refused it by name.
        ClientMessage::Unknown => Err(RouteError::bad_request("unknown message type")),
        ClientMessage::Offer { sdp } => Ok(Action::Offer(sdp)),
        ClientMessage::Ice {
            candidate,
            sdp_m_line_index,
        } => Ok(Action::Ice {
            candidate,
            m_line: sdp_m_line_index,
        }),
        ClientMessage::Leave => Ok(Action::Leave),
        ClientMessage::Recording { action } => Ok(Action::Recording {
            start: action == RecordingAction::Start,
        }),
        ClientMessage::Rendition { rendition } => match rendition.as_str() {
            "auto" => Ok(Action::Rendition { name: None }),
            name if (1..=16).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) =>
            {
                Ok(Action::Rendition {
                    name: Some(name.to_owned()),
                })
            }
            _ => Err(RouteError::bad_request(
                "rendition takes auto or a rendition name from joined",
            )),
        },
        ClientMessage::Media { audio, video } => Ok(Action::Media { audio, video }),
        ClientMessage::Layout { layout } => Layout::parse(&layout)
            .map(|layout| Action::Layout { layout })
            .map_err(|e| RouteError::bad_request(e.to_string())),
        ClientMessage::SetRole {
            participant_id,
            role,
        } => {
            let participant = participant_id
                .parse()
                .map_err(|_| RouteError::bad_request("participantId is not a participant id"))?;
            let role = Role::from(role);
            Ok(Action::SetRole { participant, role })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(joined: bool, text: &str) -> ErrorCode {
        match decode(text).and_then(|m| route(joined, m)) {
            Ok(a) => panic!("expected an error for {text}, got {a:?}"),
            Err(e) => e.code,
        }
    }

    #[test]
    fn a_valid_join_is_routed_with_defaults() {
        let a = decode(r#"{"type":"join","room":"r1","name":" Ann ","extra":1}"#)
            .and_then(|m| route(false, m))
            .expect("valid");
        assert_eq!(
            a,
            Action::Join(JoinAsk {
                room: "r1".into(),
                name: "Ann".into(),
                role: Role::Participant,
                token: None
            })
        );
        let a =
            decode(r#"{"type":"join","room":"r1","name":"Ann","token":"crs_x","role":"viewer"}"#)
                .and_then(|m| route(false, m))
                .expect("valid");
        let Action::Join(ask) = a else {
            panic!("a join")
        };
        assert_eq!(ask.role, Role::Viewer);
        assert!(
            !format!("{ask:?}").contains("crs_x"),
            "tokens are never printed"
        );
    }

    #[test]
    fn a_rendition_is_auto_or_a_plain_name() {
        let a = decode(r#"{"type":"rendition","rendition":"auto"}"#)
            .and_then(|m| route(true, m))
            .expect("valid");
        assert_eq!(a, Action::Rendition { name: None });
        let a = decode(r#"{"type":"rendition","rendition":"low"}"#)
            .and_then(|m| route(true, m))
            .expect("valid");
        assert_eq!(
            a,
            Action::Rendition {
                name: Some("low".into())
            }
        );
        for bad in [r#""""#, r#""LOW""#, r#""../x""#, "7"] {
            let text = format!(r#"{{"type":"rendition","rendition":{bad}}}"#);
            assert_eq!(code_of(true, &text), ErrorCode::BadRequest, "{text}");
        }
        assert_eq!(
            code_of(false, r#"{"type":"rendition","rendition":"low"}"#),
            ErrorCode::BadRequest,
            "before join"
        );
    }

    #[test]
    fn malformed_input_is_a_bad_request() {
        assert_eq!(code_of(false, "{not json"), ErrorCode::BadRequest);
        assert_eq!(code_of(false, "[1,2]"), ErrorCode::BadRequest);
        assert_eq!(code_of(false, r#"{"type":"dance"}"#), ErrorCode::BadRequest);
        assert_eq!(
            code_of(false, r#"{"type":"join","room":"r"}"#),
            ErrorCode::BadRequest
        );
    }

    #[test]
    fn oversized_messages_are_too_large() {
        let big = format!(
            r#"{{"type":"offer","sdp":"{}"}}"#,
            "a".repeat(MAX_MESSAGE_BYTES)
        );
        assert_eq!(code_of(true, &big), ErrorCode::TooLarge);
    }

    #[test]
    fn order_of_messages_is_enforced() {
        assert_eq!(
            code_of(false, r#"{"type":"offer","sdp":"v=0"}"#),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code_of(false, r#"{"type":"ice","candidate":"","sdpMLineIndex":0}"#),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code_of(true, r#"{"type":"join","room":"r","name":"n"}"#),
            ErrorCode::Conflict
        );
    }

    #[test]
    fn bad_rooms_names_and_roles_are_refused() {
        assert_eq!(
            code_of(false, r#"{"type":"join","room":"a/b","name":"n"}"#),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code_of(false, r#"{"type":"join","room":"r","name":"<i>x</i>"}"#),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code_of(
                false,
                r#"{"type":"join","room":"r","name":"n","role":"king"}"#
            ),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code_of(
                false,
                r#"{"type":"join","room":"r","name":"n","role":"owner"}"#
            ),
            ErrorCode::BadRequest,
            "ownership is given by the server, never asked for"
        );
    }

    #[test]
    fn unknown_types_and_values_are_named_in_the_refusal() {
        let unknown = decode(r#"{"type":"dance","steps":3}"#).expect_err("refused");
        assert_eq!(unknown.code, ErrorCode::BadRequest);
        assert_eq!(unknown.message, "unknown message type 'dance'");
        let action = decode(r#"{"type":"recording","action":"pause"}"#).expect_err("refused");
        assert_eq!(action.code, ErrorCode::BadRequest);
        assert!(action.message.contains("pause"), "{}", action.message);
        assert_eq!(
            route(
                true,
                decode(r#"{"type":"recording","action":"stop"}"#).expect("parses")
            ),
            Ok(Action::Recording { start: false })
        );
    }

    #[test]
    fn joined_sockets_route_offer_ice_and_leave() {
        let r = |t: &str| decode(t).and_then(|m| route(true, m)).expect("valid");
        assert_eq!(
            r(r#"{"type":"offer","sdp":"v=0"}"#),
            Action::Offer("v=0".into())
        );
        assert_eq!(
            r(r#"{"type":"ice","candidate":"c","sdpMLineIndex":2}"#),
            Action::Ice {
                candidate: "c".into(),
                m_line: 2
            }
        );
        assert_eq!(r(r#"{"type":"leave"}"#), Action::Leave);
        assert_eq!(
            r(r#"{"type":"media","audio":false,"video":true}"#),
            Action::Media {
                audio: false,
                video: true
            }
        );
        assert_eq!(
            r(r#"{"type":"layout","layout":"pip"}"#),
            Action::Layout {
                layout: Layout::parse("pip").expect("a name")
            }
        );
        assert_eq!(
            code_of(true, r#"{"type":"layout","layout":"Not A Name"}"#),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code_of(true, r#"{"type":"media","audio":"yes"}"#),
            ErrorCode::BadRequest
        );
        let id = uuid::Uuid::new_v4();
        assert_eq!(
            r(&format!(
                r#"{{"type":"setRole","participantId":"{id}","role":"presenter"}}"#
            )),
            Action::SetRole {
                participant: id,
                role: Role::Presenter
            }
        );
        assert_eq!(
            code_of(
                true,
                r#"{"type":"setRole","participantId":"nope","role":"presenter"}"#
            ),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code_of(
                true,
                &format!(r#"{{"type":"setRole","participantId":"{id}","role":"owner"}}"#)
            ),
            ErrorCode::BadRequest
        );
    }
}
