//! Confirmation and password-reset codes. They are sent nowhere: each is written to the log
//! and kept, readable at `GET /_local/codes`, until used or replaced. `--fixed-code` makes
//! every code the same.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::store;
use super::{PoolFault, PoolSettings};
use crate::log::{self, Level};

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `ConfirmSignUp`.
    SignUp,
    /// `ConfirmForgotPassword`.
    Reset,
}

impl Purpose {
    /// The name kept in the store and shown at the local endpoint.
    pub fn name(self) -> &'static str {
        match self {
            Purpose::SignUp => "CONFIRM_SIGN_UP",
            Purpose::Reset => "FORGOT_PASSWORD",
        }
    }

    /// How long a code lives: a day for sign-up, an hour for a reset, as Cognito's are.
    fn lifetime_ms(self) -> i64 {
        match self {
            Purpose::SignUp => 24 * 3600 * 1000,
            Purpose::Reset => 3600 * 1000,
        }
    }
}

/// Makes, keeps and logs a new code for `username`, replacing any earlier one.
pub fn issue(
    c: &Connection,
    settings: &PoolSettings,
    pool_id: &str,
    username: &str,
    purpose: Purpose,
) -> Result<String, PoolFault> {
    let code = match &settings.fixed_code {
        Some(fixed) => fixed.clone(),
        None => {
            let bytes = crate::ids::random_bytes::<4>()?;
            format!("{:06}", u32::from_be_bytes(bytes) % 1_000_000)
        }
    };
    let expires = settings.now_ms() + purpose.lifetime_ms();
    store::put_code(c, pool_id, username, purpose.name(), &code, expires)?;
    log::note(
        settings.log_level,
        Level::Info,
        &format!(
            "{} code for user {username} of pool {pool_id}: {code}",
            purpose.name()
        ),
    );
    Ok(code)
}

/// `CodeMismatchException`: a code that is not the one issued.
pub fn mismatch() -> PoolFault {
    PoolFault::code_mismatch("Invalid verification code provided, please try again.")
}

/// Checks `given` against the user's code for `purpose` and forgets it when it matches.
pub fn redeem(
    c: &Connection,
    settings: &PoolSettings,
    pool_id: &str,
    username: &str,
    purpose: Purpose,
    given: &str,
) -> Result<(), PoolFault> {
    let Some((code, expires)) = store::code(c, pool_id, username, purpose.name())? else {
        return Err(PoolFault::expired_code(
            "Invalid code provided, please request a code again.",
        ));
    };
    if expires <= settings.now_ms() {
        return Err(PoolFault::expired_code(
            "Invalid code provided, please request a code again.",
        ));
    }
    if code != given {
        return Err(mismatch());
    }
    store::delete_code(c, pool_id, username, purpose.name())
}

/// The codes of a pool (one user's with `username`), as the local endpoint shows them.
pub fn listing(c: &Connection, pool_id: &str, username: Option<&str>) -> Result<Value, PoolFault> {
    let codes: Vec<Value> = store::codes(c, pool_id, username)?
        .into_iter()
        .map(|(user, purpose, code, expires)| {
            json!({ "Username": user, "Purpose": purpose, "Code": code, "ExpiresAt": expires / 1000 })
        })
        .collect();
    Ok(json!({ "Codes": codes }))
}
