//! The server half: the salt and verifier a user pool stores for a password, the plain
//! password check of USER_PASSWORD_AUTH, and the PASSWORD_VERIFIER handshake (SRP_A in,
//! SRP_B, SALT and SECRET_BLOCK out, PASSWORD_CLAIM_SIGNATURE checked). It stores nothing
//! itself: the caller keeps the verifier and the handshake between the two calls.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use crypto_bigint::U256;

use crate::error::{Error, Parameter};
use crate::group::{self, Exponent, Residue, BYTES};
use crate::proof::{self, PoolName, SessionKey};
use crate::secret::{Salt, SecretBlock, SecretExponent};
use crate::timestamp::Timestamp;

/// What a user pool stores for a password: a salt and the verifier v = g^x mod N, where
/// x = H(PAD(salt) | H(poolName | userId | ":" | password)).
///
/// The verifier is not the password, but it lets whoever holds it test guesses offline, so
/// keep it as secret as a password hash. `Debug` shows the salt only.
#[derive(Clone)]
pub struct Verifier {
    salt: Salt,
    v: Residue,
}

impl Verifier {
    /// The verifier of `password` for the user `user_id` (the user's `USER_ID_FOR_SRP`) with a
    /// fresh 16-byte salt: what SignUp, AdminCreateUser and AdminSetUserPassword store.
    ///
    /// Costs one modular exponentiation with a 256-bit exponent.
    pub fn new(pool: &PoolName, user_id: &str, password: &str) -> Result<Verifier, Error> {
        Ok(Verifier::with_salt(
            pool,
            user_id,
            password,
            Salt::random()?,
        ))
    }

    /// The verifier of `password` with the given salt.
    pub fn with_salt(pool: &PoolName, user_id: &str, password: &str, salt: Salt) -> Verifier {
        let v = verifier_for(pool, user_id, password, &salt);
        Verifier { salt, v }
    }

    /// A stored verifier: its salt and the verifier's big-endian bytes (as
    /// [`Verifier::verifier_bytes`] gave them, or any width). Refuses a verifier that is 0 or
    /// not below N: no password has it.
    pub fn from_parts(salt: Salt, verifier: &[u8]) -> Result<Verifier, Error> {
        let v = Residue::from_be_bytes(verifier, Parameter::Verifier)?;
        if v.is_zero() {
            return Err(Error::Zero {
                parameter: Parameter::Verifier,
            });
        }
        Ok(Verifier { salt, v })
    }

    /// The salt.
    pub fn salt(&self) -> &Salt {
        &self.salt
    }

    /// The verifier v in big-endian bytes, 384 of them (leading zeros kept), to store.
    pub fn verifier_bytes(&self) -> [u8; BYTES] {
        self.v.to_be_bytes()
    }

    /// Whether `password` is the password this verifier was made from, for USER_PASSWORD_AUTH
    /// and the admin flows that take a plain password. The comparison is in constant time.
    ///
    /// Costs one modular exponentiation with a 256-bit exponent (the same as making the
    /// verifier), about a millisecond: cheap enough for a sign-in, but a server facing
    /// guessing should limit attempts per user as Cognito does.
    pub fn check_password(&self, pool: &PoolName, user_id: &str, password: &str) -> bool {
        verifier_for(pool, user_id, password, &self.salt).ct_eq(self.v)
    }
}

fn verifier_for(pool: &PoolName, user_id: &str, password: &str, salt: &Salt) -> Residue {
    let x = proof::password_hash(pool, user_id, password, salt);
    group::g_pow(&Exponent::from_u256(&x))
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("salt", &self.salt)
            .field("v", &format_args!("<redacted>"))
            .finish()
    }
}

/// One PASSWORD_VERIFIER handshake's server side: started from the client's `SRP_A`, it gives
/// the challenge's `SRP_B`, `SALT` and `SECRET_BLOCK`, then checks the client's claim.
///
/// ```
/// use cognito_srp::{Challenge, Client, PoolName, ServerHandshake, Timestamp, Verifier};
/// # fn main() -> Result<(), cognito_srp::Error> {
/// let pool = PoolName::from_user_pool_id("us-east-1_AbCdEfGhI")?;
/// let stored = Verifier::new(&pool, "user-id", "the password")?; // at SignUp
///
/// let client = Client::new(pool.clone())?;
/// let server = ServerHandshake::start(pool, "user-id", &stored, client.srp_a())?;
/// let challenge = Challenge::new(
///     server.user_id_for_srp(),
///     &server.salt(),
///     server.srp_b(),
///     &server.secret_block(),
/// )?;
/// let claim = client.respond(&challenge, "the password", Timestamp::now())?;
/// server.verify(claim.secret_block(), claim.timestamp(), claim.signature())?;
/// # Ok(()) }
/// ```
pub struct ServerHandshake {
    pool: PoolName,
    user_id: String,
    verifier: Verifier,
    b: SecretExponent,
    client_public: Residue,
    u: U256,
    srp_b: String,
    secret_block: SecretBlock,
}

impl ServerHandshake {
    /// Starts a handshake for the user `user_id_for_srp` holding `verifier`, from the
    /// client's `SRP_A` (hex), with a fresh secret `b` and a random 64-byte SECRET_BLOCK.
    ///
    /// Refuses an SRP_A that is malformed, not below N or 0 modulo N. Costs one modular
    /// exponentiation with a 256-bit exponent (g^b); [`ServerHandshake::verify`] costs two
    /// more.
    pub fn start(
        pool: PoolName,
        user_id_for_srp: &str,
        verifier: &Verifier,
        srp_a: &str,
    ) -> Result<ServerHandshake, Error> {
        ServerHandshake::start_with(
            pool,
            user_id_for_srp,
            verifier,
            srp_a,
            SecretExponent::random()?,
            SecretBlock::random()?,
        )
    }

    /// [`ServerHandshake::start`] with the given secret `b` (for tests that must fix it) and
    /// SECRET_BLOCK (which a server may fill with state of its own).
    pub fn start_with(
        pool: PoolName,
        user_id_for_srp: &str,
        verifier: &Verifier,
        srp_a: &str,
        b: SecretExponent,
        secret_block: SecretBlock,
    ) -> Result<ServerHandshake, Error> {
        let client_public = Residue::from_hex(srp_a, Parameter::SrpA)?;
        if client_public.is_zero() {
            return Err(Error::ZeroModN {
                parameter: Parameter::SrpA,
            });
        }
        let public = group::server_public(verifier.v, &b.0);
        if public.is_zero() {
            // Only when g^b happens to be -k·v: a fixed `b` can hit it, a random one never.
            return Err(Error::ZeroModN {
                parameter: Parameter::SrpB,
            });
        }
        let u = proof::scrambler(client_public, public);
        if u == U256::ZERO {
            return Err(Error::ZeroScrambler);
        }
        Ok(ServerHandshake {
            pool,
            user_id: user_id_for_srp.to_owned(),
            verifier: verifier.clone(),
            b,
            client_public,
            srp_b: public.to_hex(),
            u,
            secret_block,
        })
    }

    /// `SRP_B`: the public value B = k·v + g^b mod N in lowercase hex.
    pub fn srp_b(&self) -> &str {
        &self.srp_b
    }

    /// `SALT`: the user's salt in lowercase hex without leading zeros.
    pub fn salt(&self) -> String {
        self.verifier.salt.to_hex()
    }

    /// `SECRET_BLOCK`, in standard base64.
    pub fn secret_block(&self) -> String {
        self.secret_block.to_base64()
    }

    /// `USER_ID_FOR_SRP`: the user id this handshake is for.
    pub fn user_id_for_srp(&self) -> &str {
        &self.user_id
    }

    /// Checks the client's claim: `PASSWORD_CLAIM_SECRET_BLOCK` must be this handshake's
    /// SECRET_BLOCK and `PASSWORD_CLAIM_SIGNATURE` the signature, under the session key, of
    /// the pool name, user id, secret block and `timestamp` (read with [`Timestamp::parse`];
    /// how far it may be from the server's clock is the caller's rule).
    ///
    /// A wrong password, and a signature over anything else, give
    /// [`Error::SignatureMismatch`]. Comparisons are in constant time.
    pub fn verify(
        &self,
        claim_secret_block: &str,
        timestamp: &Timestamp,
        signature: &str,
    ) -> Result<(), Error> {
        let claimed = SecretBlock::from_base64(claim_secret_block)?;
        if !claimed.ct_eq(&self.secret_block) {
            return Err(Error::SecretBlockMismatch);
        }
        let signature = STANDARD
            .decode(signature)
            .map_err(|_| Error::MalformedBase64 {
                parameter: Parameter::Signature,
            })?;
        self.session_key().verify(
            &self.pool,
            &self.user_id,
            &self.secret_block,
            timestamp,
            &signature,
        )
    }

    pub(crate) fn session_key(&self) -> SessionKey {
        let premaster =
            group::server_premaster(self.client_public, self.verifier.v, &self.u, &self.b.0);
        SessionKey::derive(premaster, &self.u)
    }
}

impl fmt::Debug for ServerHandshake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerHandshake")
            .field("pool", &self.pool)
            .field("user_id_for_srp", &self.user_id)
            .field("verifier", &self.verifier)
            .field("b", &self.b)
            .field("srp_b", &self.srp_b)
            .field("secret_block", &self.secret_block)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_verifiers_are_refused_when_zero_or_not_below_n() {
        let salt = Salt::from_bytes(&[1, 2, 3]);
        let parameter = Parameter::Verifier;
        assert_eq!(
            Verifier::from_parts(salt.clone(), &[0; BYTES]).unwrap_err(),
            Error::Zero { parameter }
        );
        assert_eq!(
            Verifier::from_parts(salt.clone(), &[0xff; BYTES]).unwrap_err(),
            Error::NotInGroup { parameter }
        );
        assert_eq!(
            Verifier::from_parts(salt.clone(), &[1; BYTES + 1]).unwrap_err(),
            Error::NotInGroup { parameter }
        );
        let pool = PoolName::from_user_pool_id("us-east-1_AbCdEfGhI").unwrap();
        let made = Verifier::with_salt(&pool, "user", "pw", salt.clone());
        let stored = Verifier::from_parts(salt, &made.verifier_bytes()).unwrap();
        assert!(stored.check_password(&pool, "user", "pw"));
        assert!(!stored.check_password(&pool, "user", "pW"));
    }
}
