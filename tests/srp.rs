//! Cognito's SRP between our two halves and pycognito, the Python client for Cognito user
//! pools, which was written against the real service.
//!
//! - pycognito's own `AWSSRP` signs in to our server half: it draws its own `a`, makes SRP_A,
//!   answers the challenge our server made with its own clock's TIMESTAMP, and our server
//!   accepts the claim (and refuses it for a wrong password).
//! - pycognito has no server half, so our client half is held to its output instead: with
//!   the same `a` (pycognito's random draw replaced) and the same timestamp, SRP_A and the
//!   PASSWORD_CLAIM_SIGNATURE are the same, byte for byte.
//! - Our client and server together, with random users, passwords and secrets over many runs;
//!   a wrong password, a tampered signature, another timestamp or another secret block are
//!   refused, each with its own error.
//!
//! pycognito is installed into a virtualenv under the target directory (once; later runs
//! reuse it). Where Python, its venv module or pip cannot be had, the tests fail and say so.

#[path = "support/python.rs"]
mod python;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use cognito_srp::{
    Challenge, Client, Error, PoolName, SecretBlock, SecretExponent, ServerHandshake, Timestamp,
    Verifier,
};
use serde_json::{json, Value};

const USER_POOL_ID: &str = "us-east-1_AbCdEfGhI";

/// Drives pycognito's `AWSSRP` over standard input and output, one JSON object a line each
/// way. `start` makes a client (with a fixed `a` when given, else pycognito's own random one)
/// and answers its SRP_A; `respond` answers the challenge with pycognito's `process_challenge`
/// (with a fixed TIMESTAMP when given, else pycognito's clock). No request reaches AWS: the
/// boto3 client pycognito would make is replaced by a placeholder it never calls here.
const DRIVER: &str = r#"
import json, sys
from pycognito import aws_srp

draw_small_a = aws_srp.AWSSRP.generate_random_small_a
format_timestamp = aws_srp.AWSSRP.get_cognito_formatted_timestamp
fixed = {}

def small_a(self):
    return int(fixed["a"], 16) if fixed.get("a") else draw_small_a(self)

def timestamp(now):
    return fixed["timestamp"] if fixed.get("timestamp") else format_timestamp(now)

aws_srp.AWSSRP.generate_random_small_a = small_a
aws_srp.AWSSRP.get_cognito_formatted_timestamp = staticmethod(timestamp)

srp = None
for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "start":
        fixed["a"] = request.get("a")
        srp = aws_srp.AWSSRP(
            username=request["user"],
            password=request["password"],
            pool_id=request["pool"],
            client_id="client-id",
            client=object(),
        )
        answer = {"SRP_A": srp.get_auth_params()["SRP_A"]}
    else:
        fixed["timestamp"] = request.get("timestamp")
        challenge = request["challenge"]
        answer = srp.process_challenge(challenge, {"USERNAME": challenge["USERNAME"]})
    print(json.dumps(answer), flush=True)
"#;

/// A running pycognito driver.
struct Pycognito {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Pycognito {
    fn start() -> Pycognito {
        let venv = python::Venv::peers().unwrap_or_else(|e| panic!("{e}"));
        let mut child = Command::new(venv.python())
            .args(["-c", DRIVER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start pycognito's driver: {e}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Pycognito {
            child,
            stdin,
            stdout,
        }
    }

    fn call(&mut self, request: Value) -> Value {
        writeln!(self.stdin, "{request}").expect("pycognito's driver reads its input");
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("pycognito's driver answers");
        serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!("pycognito's driver answered {line:?} to {request} (see its stderr): {e}")
        })
    }

    /// A pycognito client for the user; its SRP_A.
    fn start_client(&mut self, user: &str, password: &str, a: Option<&str>) -> String {
        let answer = self.call(json!({
            "op": "start", "pool": USER_POOL_ID, "user": user, "password": password, "a": a,
        }));
        field(&answer, "SRP_A")
    }

    /// pycognito's answer to our server's challenge: (TIMESTAMP, PASSWORD_CLAIM_SIGNATURE,
    /// PASSWORD_CLAIM_SECRET_BLOCK).
    fn respond(
        &mut self,
        server: &ServerHandshake,
        timestamp: Option<&str>,
    ) -> (String, String, String) {
        let answer = self.call(json!({
            "op": "respond",
            "timestamp": timestamp,
            "challenge": {
                "USERNAME": server.user_id_for_srp(),
                "USER_ID_FOR_SRP": server.user_id_for_srp(),
                "SALT": server.salt(),
                "SRP_B": server.srp_b(),
                "SECRET_BLOCK": server.secret_block(),
            },
        }));
        (
            field(&answer, "TIMESTAMP"),
            field(&answer, "PASSWORD_CLAIM_SIGNATURE"),
            field(&answer, "PASSWORD_CLAIM_SECRET_BLOCK"),
        )
    }
}

impl Drop for Pycognito {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn field(answer: &Value, name: &str) -> String {
    answer[name]
        .as_str()
        .unwrap_or_else(|| panic!("pycognito's answer has no {name}: {answer}"))
        .to_owned()
}

fn pool() -> PoolName {
    PoolName::from_user_pool_id(USER_POOL_ID).unwrap()
}

/// Random bytes from the operating system, by way of a random secret block.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < len {
        out.extend_from_slice(SecretBlock::random().unwrap().as_bytes());
    }
    out.truncate(len);
    out
}

/// A random string of `len` characters, some of them outside ASCII.
fn random_text(len: usize) -> String {
    const ALPHABET: [char; 16] = [
        'a', 'Z', '0', '9', '-', '_', '.', '@', ' ', ':', 'é', 'ß', 'Ж', '✓', '中', '😀',
    ];
    random_bytes(len)
        .into_iter()
        .map(|b| ALPHABET[usize::from(b % 16)])
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn pycognito_signs_in_to_our_server() {
    let mut pycognito = Pycognito::start();
    for run in 0..12 {
        let user = format!("user-{run}-{}", random_text(8));
        let password = random_text(1 + run * 3);
        let verifier = Verifier::new(&pool(), &user, &password).unwrap();
        let srp_a = pycognito.start_client(&user, &password, None);
        let server = ServerHandshake::start(pool(), &user, &verifier, &srp_a).unwrap();
        let (timestamp, signature, secret_block) = pycognito.respond(&server, None);
        let timestamp = Timestamp::parse(&timestamp)
            .unwrap_or_else(|e| panic!("pycognito's own TIMESTAMP: {e}"));
        server
            .verify(&secret_block, &timestamp, &signature)
            .unwrap_or_else(|e| panic!("run {run}: our server refused pycognito: {e}"));
    }

    // The same user and password pycognito does not know: refused.
    let verifier = Verifier::new(&pool(), "carol", "the real password").unwrap();
    let srp_a = pycognito.start_client("carol", "a wrong password", None);
    let server = ServerHandshake::start(pool(), "carol", &verifier, &srp_a).unwrap();
    let (timestamp, signature, secret_block) = pycognito.respond(&server, None);
    let timestamp = Timestamp::parse(&timestamp).unwrap();
    assert_eq!(
        server.verify(&secret_block, &timestamp, &signature),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn our_client_says_what_pycognito_says_for_the_same_secret() {
    let mut pycognito = Pycognito::start();
    for run in 0..12 {
        let user = format!("{}-{run}", random_text(12));
        let password = random_text(20);
        // pycognito draws 1024 bits; alternate that with our 256-bit draws.
        let a = random_bytes(if run % 2 == 0 { 128 } else { 32 });
        let a_hex = hex(&a);
        let timestamp = Timestamp::from_unix_seconds(1_600_000_000 + 86_399 * run as u64);

        let client = Client::with_secret(pool(), SecretExponent::from_be_bytes(&a).unwrap());
        let their_srp_a = pycognito.start_client(&user, &password, Some(&a_hex));
        assert_eq!(client.srp_a(), their_srp_a, "SRP_A, run {run}");

        let verifier = Verifier::new(&pool(), &user, &password).unwrap();
        let server = ServerHandshake::start(pool(), &user, &verifier, client.srp_a()).unwrap();
        let (their_timestamp, their_signature, _) =
            pycognito.respond(&server, Some(timestamp.as_str()));
        assert_eq!(their_timestamp, timestamp.as_str());

        let challenge = Challenge::new(
            server.user_id_for_srp(),
            &server.salt(),
            server.srp_b(),
            &server.secret_block(),
        )
        .unwrap();
        let claim = client
            .respond(&challenge, &password, timestamp.clone())
            .unwrap();
        assert_eq!(claim.signature(), their_signature, "signature, run {run}");
        server
            .verify(claim.secret_block(), claim.timestamp(), claim.signature())
            .unwrap();
    }
}

/// One sign-in between our halves, as the server sees the claim.
struct Exchange {
    server: ServerHandshake,
    secret_block: String,
    timestamp: Timestamp,
    signature: String,
}

fn exchange(user: &str, stored_password: &str, typed_password: &str) -> Exchange {
    let verifier = Verifier::new(&pool(), user, stored_password).unwrap();
    let client = Client::new(pool()).unwrap();
    let server = ServerHandshake::start(pool(), user, &verifier, client.srp_a()).unwrap();
    let challenge = Challenge::new(
        server.user_id_for_srp(),
        &server.salt(),
        server.srp_b(),
        &server.secret_block(),
    )
    .unwrap();
    let claim = client
        .respond(&challenge, typed_password, Timestamp::now())
        .unwrap();
    Exchange {
        secret_block: claim.secret_block().to_owned(),
        timestamp: claim.timestamp().clone(),
        signature: claim.signature().to_owned(),
        server,
    }
}

#[test]
fn our_halves_agree_over_many_random_runs() {
    for run in 0..48 {
        let user = random_text(1 + run % 40);
        let password = random_text(run % 70);
        let e = exchange(&user, &password, &password);
        e.server
            .verify(&e.secret_block, &e.timestamp, &e.signature)
            .unwrap_or_else(|err| panic!("run {run} ({user:?}, {password:?}): {err}"));
    }
}

#[test]
fn wrong_password_tampering_timestamp_and_secret_block_are_refused() {
    let e = exchange("dave", "the password", "the passwore");
    assert_eq!(
        e.server.verify(&e.secret_block, &e.timestamp, &e.signature),
        Err(Error::SignatureMismatch),
        "wrong password"
    );

    let e = exchange("dave", "the password", "the password");
    e.server
        .verify(&e.secret_block, &e.timestamp, &e.signature)
        .unwrap();

    let mut tampered = base64_decode(&e.signature);
    tampered[7] ^= 0x01;
    assert_eq!(
        e.server
            .verify(&e.secret_block, &e.timestamp, &base64_encode(&tampered)),
        Err(Error::SignatureMismatch),
        "tampered signature"
    );
    assert_eq!(
        e.server.verify(
            &e.secret_block,
            &e.timestamp,
            &base64_encode(&tampered[..31])
        ),
        Err(Error::SignatureMismatch),
        "short signature"
    );
    assert_eq!(
        e.server
            .verify(&e.secret_block, &e.timestamp, "not base64!"),
        Err(Error::MalformedBase64 {
            parameter: cognito_srp::Parameter::Signature
        }),
    );

    let other_time = Timestamp::from_unix_seconds(e.timestamp.unix_seconds() + 1);
    assert_eq!(
        e.server.verify(&e.secret_block, &other_time, &e.signature),
        Err(Error::SignatureMismatch),
        "another timestamp"
    );

    let mut block = base64_decode(&e.secret_block);
    block[0] ^= 0x80;
    assert_eq!(
        e.server
            .verify(&base64_encode(&block), &e.timestamp, &e.signature),
        Err(Error::SecretBlockMismatch),
        "another secret block"
    );
}

#[test]
fn degenerate_public_values_are_refused() {
    let verifier = Verifier::new(&pool(), "erin", "pw").unwrap();
    let zero = ServerHandshake::start(pool(), "erin", &verifier, "000").unwrap_err();
    assert_eq!(
        zero,
        Error::ZeroModN {
            parameter: cognito_srp::Parameter::SrpA
        }
    );
    let n = concat!(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B2251",
        "4A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C",
        "42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007C",
        "B8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED52907",
        "7096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC",
        "07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAA",
        "C42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4",
        "C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64",
        "521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B",
        "82D120A93AD2CAFFFFFFFFFFFFFFFF",
    );
    assert_eq!(
        ServerHandshake::start(pool(), "erin", &verifier, n).unwrap_err(),
        Error::NotInGroup {
            parameter: cognito_srp::Parameter::SrpA
        }
    );
    assert!(matches!(
        ServerHandshake::start(pool(), "erin", &verifier, "SRP_A"),
        Err(Error::MalformedHex {
            parameter: cognito_srp::Parameter::SrpA,
            ..
        })
    ));
    assert_eq!(
        Challenge::new("erin", "ab", "0", "AA==").unwrap_err(),
        Error::ZeroModN {
            parameter: cognito_srp::Parameter::SrpB
        }
    );
    assert_eq!(
        Challenge::new("erin", "ab", n, "AA==").unwrap_err(),
        Error::NotInGroup {
            parameter: cognito_srp::Parameter::SrpB
        }
    );
    assert!(matches!(
        Challenge::new("erin", "xyz", "1234", "AA=="),
        Err(Error::MalformedHex {
            parameter: cognito_srp::Parameter::Salt,
            ..
        })
    ));
    assert_eq!(
        Challenge::new("erin", "ab", "1234", "%%").unwrap_err(),
        Error::MalformedBase64 {
            parameter: cognito_srp::Parameter::SecretBlock
        }
    );
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let password = "hunter2-password";
    let verifier = Verifier::new(&pool(), "frank", password).unwrap();
    let v_hex = hex(&verifier.verifier_bytes());
    let a = random_bytes(32);
    let client = Client::with_secret(pool(), SecretExponent::from_be_bytes(&a).unwrap());
    let server = ServerHandshake::start(pool(), "frank", &verifier, client.srp_a()).unwrap();
    let printed = format!("{verifier:?} {client:?} {server:?}");
    assert!(printed.contains("<redacted>"), "{printed}");
    assert!(!printed.contains(password), "{printed}");
    assert!(!printed.contains(&v_hex[300..]), "{printed}");
    assert!(!printed.contains(&hex(&a)[8..40]), "{printed}");
}

/// Standard base64, by way of the secret block's codec.
fn base64_decode(text: &str) -> Vec<u8> {
    SecretBlock::from_base64(text).unwrap().as_bytes().to_vec()
}

fn base64_encode(bytes: &[u8]) -> String {
    SecretBlock::from_bytes(bytes.to_vec()).to_base64()
}
