//! The client half: `SRP_A` for InitiateAuth (USER_SRP_AUTH), then, from the
//! PASSWORD_VERIFIER challenge's parameters, the PASSWORD_CLAIM_SIGNATURE for
//! RespondToAuthChallenge. It sends nothing itself.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::error::{Error, Parameter};
use crate::group::{self, Exponent, Residue};
use crate::proof::{self, PoolName, SessionKey};
use crate::secret::{Salt, SecretBlock, SecretExponent};
use crate::timestamp::Timestamp;

/// One sign-in attempt's client side: a fresh secret `a` and its public value `SRP_A`.
///
/// ```
/// use cognito_srp::{Challenge, Client, PoolName, Timestamp};
/// # fn main() -> Result<(), cognito_srp::Error> {
/// let client = Client::new(PoolName::from_user_pool_id("us-east-1_AbCdEfGhI")?)?;
/// let srp_a: &str = client.srp_a(); // AuthParameters.SRP_A of InitiateAuth
/// # let server_b = "5f3c"; let salt = "1a2b"; let secret_block = "c2VjcmV0";
/// // InitiateAuth answered with the PASSWORD_VERIFIER challenge's parameters:
/// let challenge = Challenge::new("user-id-for-srp", salt, server_b, secret_block)?;
/// let claim = client.respond(&challenge, "the password", Timestamp::now())?;
/// // RespondToAuthChallenge's ChallengeResponses:
/// let _ = (claim.signature(), claim.secret_block(), claim.timestamp().as_str());
/// # Ok(()) }
/// ```
pub struct Client {
    pool: PoolName,
    a: SecretExponent,
    public: Residue,
    srp_a: String,
}

impl Client {
    /// A client with a fresh secret from the operating system's generator.
    pub fn new(pool: PoolName) -> Result<Client, Error> {
        Ok(Client::with_secret(pool, SecretExponent::random()?))
    }

    /// A client with the given secret `a`, for tests that must fix it.
    pub fn with_secret(pool: PoolName, a: SecretExponent) -> Client {
        // g is a unit modulo the prime N, so A = g^a is never 0 modulo N.
        let public = group::g_pow(&a.0);
        let srp_a = public.to_hex();
        Client {
            pool,
            a,
            public,
            srp_a,
        }
    }

    /// `SRP_A`: the public value A = g^a mod N in lowercase hex.
    pub fn srp_a(&self) -> &str {
        &self.srp_a
    }

    /// The pool name this client signs in to.
    pub fn pool_name(&self) -> &PoolName {
        &self.pool
    }

    /// Answers the PASSWORD_VERIFIER challenge: proves knowledge of `password` for the
    /// challenge's user, signing `timestamp` (normally [`Timestamp::now`]).
    ///
    /// Refuses u = H(PAD(A) | PAD(B)) = 0. Takes the client by value: a secret `a` serves one
    /// challenge.
    pub fn respond(
        self,
        challenge: &Challenge,
        password: &str,
        timestamp: Timestamp,
    ) -> Result<PasswordClaim, Error> {
        let key = self.session_key(challenge, password)?;
        let signature = key.sign(
            &self.pool,
            &challenge.user_id,
            &challenge.secret_block,
            &timestamp,
        );
        Ok(PasswordClaim {
            signature: STANDARD.encode(signature),
            secret_block: challenge.secret_block.to_base64(),
            timestamp,
        })
    }

    pub(crate) fn session_key(
        &self,
        challenge: &Challenge,
        password: &str,
    ) -> Result<SessionKey, Error> {
        let u = proof::scrambler(self.public, challenge.srp_b);
        if u == crypto_bigint::U256::ZERO {
            return Err(Error::ZeroScrambler);
        }
        let x = proof::password_hash(&self.pool, &challenge.user_id, password, &challenge.salt);
        let v = group::g_pow(&Exponent::from_u256(&x));
        let premaster = group::client_premaster(challenge.srp_b, v, &self.a.0, &u, &x);
        Ok(SessionKey::derive(premaster, &u))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("pool", &self.pool)
            .field("a", &self.a)
            .field("srp_a", &self.srp_a)
            .finish()
    }
}

/// The PASSWORD_VERIFIER challenge's parameters, read and checked.
#[derive(Clone)]
pub struct Challenge {
    user_id: String,
    salt: Salt,
    srp_b: Residue,
    secret_block: SecretBlock,
}

impl Challenge {
    /// Reads `USER_ID_FOR_SRP`, `SALT` (hex), `SRP_B` (hex) and `SECRET_BLOCK` (base64) as
    /// Cognito sends them. Refuses a malformed parameter, and an SRP_B that is not below N or
    /// is 0 modulo N.
    pub fn new(
        user_id_for_srp: &str,
        salt: &str,
        srp_b: &str,
        secret_block: &str,
    ) -> Result<Challenge, Error> {
        let salt = Salt::from_hex(salt)?;
        let srp_b = Residue::from_hex(srp_b, Parameter::SrpB)?;
        if srp_b.is_zero() {
            return Err(Error::ZeroModN {
                parameter: Parameter::SrpB,
            });
        }
        let secret_block = SecretBlock::from_base64(secret_block)?;
        Ok(Challenge {
            user_id: user_id_for_srp.to_owned(),
            salt,
            srp_b,
            secret_block,
        })
    }

    /// `USER_ID_FOR_SRP`: the user id the signature and the password hash name.
    pub fn user_id_for_srp(&self) -> &str {
        &self.user_id
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("user_id_for_srp", &self.user_id)
            .field("salt", &self.salt)
            .field("srp_b", &self.srp_b.to_hex())
            .field("secret_block", &self.secret_block)
            .finish()
    }
}

/// The client's answer: RespondToAuthChallenge's `PASSWORD_CLAIM_SIGNATURE`,
/// `PASSWORD_CLAIM_SECRET_BLOCK` and `TIMESTAMP` (with `USERNAME` from the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordClaim {
    signature: String,
    secret_block: String,
    timestamp: Timestamp,
}

impl PasswordClaim {
    /// `PASSWORD_CLAIM_SIGNATURE`: HMAC-SHA256 of the pool name, user id, secret block and
    /// timestamp under the session key, in standard base64.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// `PASSWORD_CLAIM_SECRET_BLOCK`: the challenge's SECRET_BLOCK, in standard base64.
    pub fn secret_block(&self) -> &str {
        &self.secret_block
    }

    /// `TIMESTAMP`: the time signed.
    pub fn timestamp(&self) -> &Timestamp {
        &self.timestamp
    }
}
