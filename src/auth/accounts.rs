//! Accounts: registration, sign-in, sessions and what admins change.

use std::time::Duration;

use secrecy::SecretString;
use serde::Serialize;

use super::password::{HashError, Passwords, check_strength};
use crate::db::models::{Session, User};
use crate::db::{Db, DbError, new_id, now_ms, sessions, users};
use crate::domain::tokens::{self, TokenKind};

/// How long an expired session row is kept so that it answers `expired`, not `unauthorized`.
const EXPIRED_KEPT: Duration = Duration::from_secs(7 * 24 * 3600);

/// An account's role on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountRole {
    Admin,
    Member,
}

impl AccountRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Admin => "admin",
            AccountRole::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(AccountRole::Admin),
            "member" => Some(AccountRole::Member),
            _ => None,
        }
    }
}

/// Why an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("that username is taken")]
    UsernameTaken,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("sign in first")]
    Unauthorized,
    #[error("the session has expired; sign in again")]
    Expired,
    #[error("this account is disabled")]
    Disabled,
    #[error("no such user")]
    NoSuchUser,
    #[error("the last active admin cannot be demoted or disabled")]
    LastAdmin,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// An account as the API shows it (never the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub role: AccountRole,
    pub disabled: bool,
    pub created_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.clone(),
            username: u.username.clone(),
            role: AccountRole::parse(&u.role).unwrap_or(AccountRole::Member),
            disabled: u.disabled,
            created_at: rfc3339(u.created_at),
        }
    }
}

/// The signed-in account behind a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub token_hash: String,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.user.role == AccountRole::Admin.as_str()
    }

    /// This account as the directory of rooms sees a caller.
    pub fn caller(&self) -> crate::domain::caller::Caller {
        crate::domain::caller::Caller {
            id: self.user.id.clone(),
            admin: self.is_admin(),
        }
    }
}

/// A successful sign-in.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResult {
    pub token: String,
    pub user: UserView,
    pub expires_at: String,
}

use crate::domain::time::rfc3339;

/// Usernames: 3–32 characters of ASCII letters, digits, `.`, `_` and `-`, compared
/// case-insensitively (stored lowercase).
pub fn normalise_username(raw: &str) -> Result<String, AuthError> {
    let name = raw.trim().to_ascii_lowercase();
    if !(3..=32).contains(&name.len()) {
        return Err(AuthError::InvalidInput(
            "username must be 3 to 32 characters".into(),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(AuthError::InvalidInput(
            "username may contain only letters, digits, '.', '_' and '-'".into(),
        ));
    }
    Ok(name)
}

/// The account service: the database plus the password hasher and session lifetime.
#[derive(Clone)]
pub struct Accounts {
    pub db: Db,
    pub passwords: Passwords,
    pub session_ttl: Duration,
}

impl Accounts {
    /// Creates an account with `role`.
    pub async fn register(
        &self,
        username: &str,
        password: SecretString,
        role: AccountRole,
    ) -> Result<User, AuthError> {
        let username = normalise_username(username)?;
        {
            use secrecy::ExposeSecret;
            check_strength(password.expose_secret()).map_err(AuthError::InvalidInput)?;
        }
        let password_hash = self.passwords.hash(password).await?;
        let user = User {
            id: new_id(),
            username,
            password_hash,
            role: role.as_str().into(),
            disabled: false,
            created_at: now_ms(),
        };
        let row = user.clone();
        match self.db.run(move |c| users::insert(c, &row)).await {
            Ok(()) => Ok(user),
            Err(e) if e.is_unique_violation() => Err(AuthError::UsernameTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// Checks the password and opens a session. Unknown users cost the same hash time.
    pub async fn login(
        &self,
        username: &str,
        password: SecretString,
    ) -> Result<LoginResult, AuthError> {
        let name = username.trim().to_ascii_lowercase();
        let user = self.db.run(move |c| users::by_username(c, &name)).await?;
        let stored = user.as_ref().map(|u| u.password_hash.clone());
        if !self.passwords.verify(password, stored).await {
            return Err(AuthError::InvalidCredentials);
        }
        let user = user.ok_or(AuthError::InvalidCredentials)?;
        if user.disabled {
            return Err(AuthError::Disabled);
        }
        let (token, token_hash) = tokens::generate(TokenKind::Session);
        let now = now_ms();
        let ttl = i64::try_from(self.session_ttl.as_millis()).unwrap_or(i64::MAX);
        let session = Session {
            token_hash,
            user_id: user.id.clone(),
            created_at: now,
            expires_at: now.saturating_add(ttl),
        };
        let expires_at = rfc3339(session.expires_at);
        let kept = i64::try_from(EXPIRED_KEPT.as_millis()).unwrap_or(i64::MAX);
        self.db
            .run(move |c| {
                sessions::purge_expired(c, now - kept)?;
                sessions::insert(c, &session)
            })
            .await?;
        Ok(LoginResult {
            token,
            user: UserView::from(&user),
            expires_at,
        })
    }

    /// The account a session token belongs to.
    pub async fn authenticate(&self, token: &str) -> Result<CurrentUser, AuthError> {
        if TokenKind::of(token) != Some(TokenKind::Session) {
            return Err(AuthError::Unauthorized);
        }
        let token_hash = tokens::hash(token);
        let lookup = token_hash.clone();
        let found = self
            .db
            .run(move |c| sessions::with_user(c, &lookup))
            .await?;
        let (session, user) = found.ok_or(AuthError::Unauthorized)?;
        if session.expires_at <= now_ms() {
            return Err(AuthError::Expired);
        }
        if user.disabled {
            return Err(AuthError::Disabled);
        }
        Ok(CurrentUser { user, token_hash })
    }

    /// Ends the session (its token stops working at once).
    pub async fn logout(&self, current: &CurrentUser) -> Result<(), AuthError> {
        let hash = current.token_hash.clone();
        self.db.run(move |c| sessions::delete(c, &hash)).await?;
        Ok(())
    }

    /// Changes an account's role and/or disabled flag, keeping at least one active admin.
    pub async fn update_user(
        &self,
        id: &str,
        role: Option<AccountRole>,
        disabled: Option<bool>,
    ) -> Result<User, AuthError> {
        let id = id.to_owned();
        self.db
            .run(move |c| {
                let Some(mut user) = users::by_id(c, &id)? else {
                    return Ok(Err(AuthError::NoSuchUser));
                };
                let new_role = role.map_or(user.role.clone(), |r| r.as_str().to_owned());
                let new_disabled = disabled.unwrap_or(user.disabled);
                let was_active_admin = user.role == "admin" && !user.disabled;
                let stays_active_admin = new_role == "admin" && !new_disabled;
                if was_active_admin && !stays_active_admin && users::active_admins(c)? <= 1 {
                    return Ok(Err(AuthError::LastAdmin));
                }
                users::update(c, &id, &new_role, new_disabled)?;
                user.role = new_role;
                user.disabled = new_disabled;
                Ok(Ok(user))
            })
            .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked_and_lowercased() {
        assert_eq!(normalise_username(" Ann.Lee ").expect("valid"), "ann.lee");
        assert!(normalise_username("ab").is_err());
        assert!(normalise_username(&"a".repeat(33)).is_err());
        assert!(normalise_username("ann lee").is_err());
        assert!(normalise_username("<ann>").is_err());
        assert!(normalise_username("ännä").is_err());
    }
}
