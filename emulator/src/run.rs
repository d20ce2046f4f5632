//! Starting the emulator: one HTTP front door for the service's operations, its JWKS and
//! OpenID discovery documents, over the SQLite store. [`start`] runs it inside a tokio
//! runtime; the command line (`cli`) and the tests call it.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use aws_json_runtime::auth::credentials::Credentials;
use aws_json_runtime::server::http_server::{RequestLog, Server, SigV4Verifier};
use aws_json_runtime::{Bytes, HttpRequest, HttpResponse, HttpService};
use aws_json_runtime::{OperationMeta, ServiceMeta};
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

/// The HTTP service: the generated router for the API, plus the JWKS and OpenID discovery
/// documents at their well-known paths.
pub struct Front {
    router: Router<Emulator>,
}

impl Front {
    /// The front for `emulator`.
    pub fn new(emulator: Emulator) -> Front {
        Front {
            router: Router::new(emulator),
        }
    }

    /// The emulator behind the router.
    pub fn emulator(&self) -> &Emulator {
        self.router.handler()
    }

    /// The document at a well-known path, for GET requests.
    fn well_known(&self, path: &str) -> Option<serde_json::Value> {
        let signer = self.emulator().signer();
        match path {
            JWKS_PATH | "/.well-known/jwks_uri" => Some(signer.jwks()),
            DISCOVERY_PATH => {
                let jwks_uri = format!("{}{JWKS_PATH}", signer.issuer().trim_end_matches('/'));
                Some(signer.discovery(&jwks_uri))
            }
            _ => None,
        }
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
        self.router.operation_meta(target)
    }
}

impl Front {
    async fn answer(&self, request: HttpRequest) -> HttpResponse {
        if request.method() == Method::GET {
            let mut response = match self.well_known(request.uri().path()) {
                Some(doc) => http::Response::new(Bytes::from(doc.to_string())),
                None => {
                    let mut r =
                        http::Response::new(Bytes::from_static(b"{\"message\":\"Not Found\"}"));
                    *r.status_mut() = StatusCode::NOT_FOUND;
                    r
                }
            };
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            return response;
        }
        self.router.handle(request).await
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
    let store = open_store(&options).map_err(StartError::State)?;
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
    let front = Arc::new(Front::new(
        Emulator::new(store, settings)
            .map_err(StartError::State)?
            .with_trust(trust),
    ));
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
}
