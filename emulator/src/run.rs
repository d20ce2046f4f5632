//! Starting the emulator: one HTTP front door for both services over the SQLite store. A
//! POST to `/` goes to the identity pools' router or the user pools' by its `X-Amz-Target`
//! (`AWSCognitoIdentityService.` or `AWSCognitoIdentityProviderService.`); GETs serve the
//! JWKS and OpenID discovery documents (the identity side's at `/.well-known/`, each user
//! pool's at `/<poolId>/.well-known/`) and the local endpoints under `/_local/`. [`start`]
//! runs it inside a tokio runtime; the command line (`cli`) and the tests call it.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use aws_json_runtime::auth::credentials::Credentials;
use aws_json_runtime::server::http_server::{RequestLog, Server, SigV4Verifier};
use aws_json_runtime::{Bytes, HttpRequest, HttpResponse, HttpService};
use aws_json_runtime::{OperationMeta, ServiceMeta};
use aws_primitives::percent;
use cognito_identity::Router;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, StatusCode};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::fault::Fault;
use crate::log::Level;
use crate::service::{Emulator, Settings};
use crate::store::Store;
use crate::trust::{JwksSource, Trust};
use crate::user_pools::{self, PoolSettings, UserPools};
use crate::{log, service};

/// Where the JWKS document is served (also under `/.well-known/jwks_uri`, the path the real
/// service uses).
pub const JWKS_PATH: &str = "/.well-known/jwks.json";
/// Where the OpenID discovery document is served.
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// How to run the emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// The address to listen on.
    pub host: String,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Where the database file (`cognito-identity.db`) lives; `None` keeps state in memory.
    pub data_dir: Option<PathBuf>,
    /// The region in ids and ARNs.
    pub region: String,
    /// The account in ARNs.
    pub account_id: String,
    /// The `iss` of issued tokens; `None` uses the server's URL.
    pub issuer: Option<String>,
    /// Which request log lines to write.
    pub log_level: Level,
    /// The key pair (access key id, secret) requests must be signed with, when signatures
    /// are checked.
    pub verify_signatures: Option<(String, String)>,
    /// Seconds the emulator's clock runs ahead of this machine's (negative: behind): token
    /// times, credential expiries, the `Date` header and signature checks all read it.
    pub clock_offset_secs: i64,
    /// Login providers whose token signatures are verified, each with where its JWKS
    /// document is: an `http(s)` URL or a file path.
    pub trust: Vec<(String, String)>,
    /// The base URL user-pool tokens are issued under (`<base>/<poolId>`); `None` issues
    /// them as the service does, under `https://cognito-idp.<region>.amazonaws.com`.
    pub issuer_base: Option<String>,
    /// The code every confirmation and password reset uses; `None` makes random ones.
    pub fixed_code: Option<String>,
    /// User pools, app clients, users and groups to create at start (the `seed` of the
    /// configuration file).
    pub seed: Option<serde_json::Value>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: "127.0.0.1".to_owned(),
            port: 0,
            data_dir: None,
            region: "us-east-1".to_owned(),
            account_id: "123456789012".to_owned(),
            issuer: None,
            log_level: Level::Info,
            verify_signatures: None,
            clock_offset_secs: 0,
            trust: Vec::new(),
            issuer_base: None,
            fixed_code: None,
            seed: None,
        }
    }
}

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "cognito-identity.db";

/// Why the emulator could not start.
#[derive(Debug)]
pub enum StartError {
    /// The listener could not be bound.
    Bind(io::Error),
    /// The data directory or database could not be opened, or the signing key read.
    State(Fault),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::State(e) => write!(f, "cannot open the state: {}", e.message),
        }
    }
}

impl std::error::Error for StartError {}

/// Where `GET` reads the codes sent to a pool's users (`?pool=ID&username=NAME`).
pub const CODES_PATH: &str = "/_local/codes";
/// Where `POST` forgets every pool, identity and user.
pub const RESET_PATH: &str = "/_local/reset";

/// The HTTP service: the generated routers of both services, the JWKS and OpenID discovery
/// documents at their well-known paths, and the local endpoints.
pub struct Front {
    router: Router<Emulator>,
    pools: cognito_identity_provider::Router<UserPools>,
}

impl Front {
    /// The front for the identity side `emulator` and the user-pool side `pools`.
    pub fn new(emulator: Emulator, pools: UserPools) -> Front {
        Front {
            router: Router::new(emulator),
            pools: cognito_identity_provider::Router::new(pools),
        }
    }

    /// The identity side behind the router.
    pub fn emulator(&self) -> &Emulator {
        self.router.handler()
    }

    /// The user-pool side behind its router.
    pub fn user_pools(&self) -> &UserPools {
        self.pools.handler()
    }

    /// The document at a well-known path, for GET requests.
    fn well_known(&self, path: &str, query: &str) -> Result<Option<serde_json::Value>, Fault> {
        let signer = self.emulator().signer();
        match path {
            JWKS_PATH | "/.well-known/jwks_uri" => return Ok(Some(signer.jwks())),
            DISCOVERY_PATH => {
                let jwks_uri = format!("{}{JWKS_PATH}", signer.issuer().trim_end_matches('/'));
                return Ok(Some(signer.discovery(&jwks_uri)));
            }
            CODES_PATH => {
                let decode = |v: &str| String::from_utf8_lossy(&percent::decode(v)).into_owned();
                let mut pool = None;
                let mut username = None;
                for pair in query.split('&') {
                    match pair.split_once('=') {
                        Some(("pool", v)) => pool = Some(decode(v)),
                        Some(("username", v)) => username = Some(decode(v)),
                        _ => {}
                    }
                }
                let pool = pool.ok_or_else(|| {
                    Fault::invalid_parameter("GET /_local/codes needs ?pool=<user pool id>")
                })?;
                return self
                    .user_pools()
                    .codes(&pool, username.as_deref())
                    .map(Some)
                    .map_err(pool_fault);
            }
            _ => {}
        }
        // `/<poolId>/.well-known/...`: a user pool's documents.
        let Some((pool_id, rest)) = path.trim_start_matches('/').split_once('/') else {
            return Ok(None);
        };
        let keys = self.user_pools().keys();
        match rest {
            ".well-known/jwks.json" => keys.jwks(pool_id).map_err(pool_fault),
            ".well-known/openid-configuration" => {
                if keys.key(pool_id).map_err(pool_fault)?.is_none() {
                    return Ok(None);
                }
                let issuer = keys.settings().issuer(pool_id);
                Ok(Some(keys.discovery(
                    pool_id,
                    &format!("{issuer}/.well-known/jwks.json"),
                )))
            }
            _ => Ok(None),
        }
    }
}

fn pool_fault(f: user_pools::PoolFault) -> Fault {
    match f.code {
        "ResourceNotFoundException" => Fault::not_found(f.message),
        "InvalidParameterException" => Fault::invalid_parameter(f.message),
        _ => Fault::internal(f.message),
    }
}

impl HttpService for Front {
    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let mut response = self.answer(request).await;
        // A skewed clock shows in the `Date` header, which clients read to correct their own;
        // without an offset the server's own header stands.
        let offset = self.emulator().settings().clock_offset_secs;
        if offset != 0 {
            let now = std::time::UNIX_EPOCH
                + std::time::Duration::from_millis(service::clock_ms(offset).max(0) as u64);
            if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(now)) {
                response.headers_mut().insert(http::header::DATE, value);
            }
        }
        response
    }

    fn service_meta(&self) -> Option<&'static ServiceMeta> {
        self.router.service_meta()
    }

    fn operation_meta(&self, target: &str) -> Option<&'static OperationMeta> {
        if target.starts_with(user_pools::TARGET_PREFIX) {
            self.pools.operation_meta(target)
        } else {
            self.router.operation_meta(target)
        }
    }

    fn service_meta_for(&self, target: &str) -> Option<&'static ServiceMeta> {
        if target.starts_with(user_pools::TARGET_PREFIX) {
            self.pools.service_meta()
        } else {
            self.router.service_meta()
        }
    }
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> HttpResponse {
    let mut r = http::Response::new(Bytes::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

impl Front {
    async fn answer(&self, request: HttpRequest) -> HttpResponse {
        let path = request.uri().path().to_owned();
        if request.method() == Method::GET {
            let query = request.uri().query().unwrap_or_default();
            return match self.well_known(&path, query) {
                Ok(Some(doc)) => json_response(StatusCode::OK, &doc),
                Ok(None) => json_response(
                    StatusCode::NOT_FOUND,
                    &serde_json::json!({ "message": "Not Found" }),
                ),
                Err(e) => {
                    let status = match e.kind {
                        crate::fault::FaultKind::NotFound => StatusCode::NOT_FOUND,
                        crate::fault::FaultKind::InvalidParameter => StatusCode::BAD_REQUEST,
                        _ => StatusCode::INTERNAL_SERVER_ERROR,
                    };
                    json_response(
                        status,
                        &serde_json::json!({ "__type": e.kind.code(), "message": e.message }),
                    )
                }
            };
        }
        if request.method() == Method::POST && path == RESET_PATH {
            return match self.user_pools().reset() {
                Ok(()) => json_response(StatusCode::OK, &serde_json::json!({})),
                Err(e) => json_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &serde_json::json!({ "__type": e.code, "message": e.message }),
                ),
            };
        }
        let for_pools = request
            .headers()
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with(user_pools::TARGET_PREFIX));
        if for_pools {
            user_pools::token_rejection(self.pools.handle(request).await)
        } else {
            self.router.handle(request).await
        }
    }
}

/// A running emulator; dropping it does not stop it, [`Running::shutdown`] does.
pub struct Running {
    addr: SocketAddr,
    url: String,
    front: Arc<Front>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl Running {
    /// The URL clients use (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The HTTP service it serves, for calling in process.
    pub fn front(&self) -> &Arc<Front> {
        &self.front
    }

    /// Stops accepting, lets requests in flight finish, and waits until it has stopped.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.wait().await
    }

    /// Waits until the server stops (after SIGINT/SIGTERM when started by [`start`] with
    /// `signals`).
    pub async fn wait(self) -> io::Result<()> {
        match self.task.await {
            Ok(result) => result,
            Err(e) => Err(io::Error::other(format!("the server task failed: {e}"))),
        }
    }
}

/// Opens the state `options` names.
pub fn open_store(options: &Options) -> Result<Store, Fault> {
    match &options.data_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| {
                Fault::internal(format!(
                    "cannot create the data directory {}: {e}",
                    dir.display()
                ))
            })?;
            Store::open(&dir.join(DATABASE_FILE))
        }
        None => Store::in_memory(),
    }
}

/// Starts the emulator on the current tokio runtime: binds, opens the state, and serves until
/// [`Running::shutdown`] (or, with `signals`, SIGINT/SIGTERM as well).
pub async fn start(options: Options, signals: bool) -> Result<Running, StartError> {
    let listener = tokio::net::TcpListener::bind((options.host.as_str(), options.port))
        .await
        .map_err(StartError::Bind)?;
    let addr = listener.local_addr().map_err(StartError::Bind)?;
    let url = format!("http://{addr}");
    let store = Arc::new(open_store(&options).map_err(StartError::State)?);
    let settings = Settings {
        region: options.region.clone(),
        account_id: options.account_id.clone(),
        issuer: options.issuer.clone().unwrap_or_else(|| url.clone()),
        clock_offset_secs: options.clock_offset_secs,
    };
    let level = options.log_level;
    let trust = Trust::new(
        options
            .trust
            .iter()
            .map(|(provider, source)| (provider.clone(), JwksSource::parse(source))),
    );
    announce_trust(&trust, level).await;
    let pools = user_pools::build(
        store.clone(),
        PoolSettings {
            region: options.region.clone(),
            account_id: options.account_id.clone(),
            issuer_base: options.issuer_base.clone(),
            clock_offset_secs: options.clock_offset_secs,
            fixed_code: options.fixed_code.clone(),
            log_level: level,
        },
    );
    // Taken out of the options, so that it is gone once applied.
    if let Some(seed) = options.seed {
        user_pools::seed::apply(&pools, seed).map_err(|e| {
            StartError::State(Fault::invalid_parameter(format!("the seed: {}", e.message)))
        })?;
    }
    let emulator = Emulator::new(store, settings)
        .map_err(StartError::State)?
        .with_trust(trust)
        .with_local_pools(pools.keys().clone());
    let front = Arc::new(Front::new(emulator, pools));
    let mut builder = Server::builder(SharedFront(front.clone())).other_requests(true);
    // Operations the model signs need a signature made with the one configured key pair,
    // scoped to the emulator's region; the model's unsigned operations pass without one.
    if let Some((akid, secret)) = &options.verify_signatures {
        let key = Credentials::new(akid, secret, None, None, "emulator");
        builder = builder.sigv4(
            SigV4Verifier::new([key])
                .region(options.region.clone())
                .clock_offset(options.clock_offset_secs),
        );
    }
    let server = builder
        .on_request(move |entry: &RequestLog<'_>| log::request(level, entry))
        .listener(listener)
        .map_err(StartError::Bind)?;
    let (stop, stopped) = oneshot::channel::<()>();
    // Installed before start-up is announced, so a SIGTERM right after it stops the server.
    let signal = signals.then(aws_json_runtime::server::http_server::shutdown_signal);
    let task = tokio::spawn(async move {
        let stopped = async move {
            let _ = stopped.await;
        };
        if let Some(signal) = signal {
            server
                .serve_with_shutdown(async move {
                    tokio::select! {
                        () = stopped => {}
                        () = signal => {}
                    }
                })
                .await
        } else {
            server.serve_with_shutdown(stopped).await
        }
    });
    Ok(Running {
        addr,
        url,
        front,
        stop: Some(stop),
        task,
    })
}

/// Says once, at start-up, whose signatures are verified, and loads their keys. A provider
/// whose keys cannot be had yet (offline, say) does not stop the start: its logins are
/// answered with `ExternalServiceException` until its keys load.
async fn announce_trust(trust: &Trust, level: Level) {
    if let Err(e) = trust.load().await {
        log::note(
            level,
            Level::Warn,
            &format!("{e}; tried again at its next login"),
        );
    }
    let trusted: Vec<&str> = trust.providers().collect();
    let message = if trusted.is_empty() {
        "no --trust given: login JWTs are checked by their claims only (issuer, audience, \
         token use, expiry), their signatures are not verified"
            .to_owned()
    } else {
        format!(
            "signatures verified for {}; other providers' JWTs are checked by their claims only",
            trusted.join(", ")
        )
    };
    log::note(level, Level::Info, &message);
}

/// The front shared between the server and [`Running`].
struct SharedFront(Arc<Front>);

impl HttpService for SharedFront {
    fn call(&self, request: HttpRequest) -> impl std::future::Future<Output = HttpResponse> + Send {
        self.0.call(request)
    }
    fn service_meta(&self) -> Option<&'static ServiceMeta> {
        self.0.service_meta()
    }
    fn operation_meta(&self, target: &str) -> Option<&'static OperationMeta> {
        self.0.operation_meta(target)
    }
    fn service_meta_for(&self, target: &str) -> Option<&'static ServiceMeta> {
        self.0.service_meta_for(target)
    }
}
