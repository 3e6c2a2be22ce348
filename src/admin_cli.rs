//! `connect-right admin create`: makes an admin account without the HTTP server.

use std::io::BufRead;

use anyhow::{Context, Result, bail};
use secrecy::{ExposeSecret, SecretString};

use crate::auth::AccountRole;
use crate::auth::accounts::normalise_username;
use crate::auth::password::{Passwords, check_strength};
use crate::cli::AdminCreateArgs;
use crate::db::models::User;
use crate::db::{Db, new_id, now_ms, users};

/// Environment variable that may carry the new admin's password.
pub const PASSWORD_ENV: &str = "CONNECT_RIGHT_ADMIN_PASSWORD";

/// Creates the admin and prints its id.
pub fn create_admin(args: &AdminCreateArgs) -> Result<()> {
    let settings = args.settings()?;
    let username = normalise_username(&args.username).map_err(|e| anyhow::anyhow!("{e}"))?;
    let password = read_password()?;
    check_strength(password.expose_secret()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let passwords = Passwords::new(&settings.auth)?;
    let db = Db::open(&settings.database_url).context("cannot open the database")?;
    let user = User {
        id: new_id(),
        username: username.clone(),
        password_hash: passwords.hash_now(&password)?,
        role: AccountRole::Admin.as_str().into(),
        disabled: false,
        created_at: now_ms(),
    };
    match db.run_now(|c| users::insert(c, &user)) {
        Ok(()) => {
            println!("created admin {username} ({})", user.id);
            Ok(())
        }
        Err(e) if e.is_unique_violation() => bail!("the username {username} is taken"),
        Err(e) => Err(e.into()),
    }
}

fn read_password() -> Result<SecretString> {
    if let Ok(value) = std::env::var(PASSWORD_ENV) {
        return Ok(SecretString::from(value));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password: set {PASSWORD_ENV} or write it on standard input");
    }
    Ok(SecretString::from(password))
}
