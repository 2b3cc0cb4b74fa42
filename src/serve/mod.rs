//! The HTTP server (`deontic serve`): a front end that reads HTTP and answers from the
//! library's [`service`](crate::service). Its runtime and log, the listener, reloading, and
//! the graceful stop on SIGTERM or Ctrl-C.

mod assets;
mod layers;
mod reload;
mod routes;

pub use routes::{router, routes, with_layers};

use crate::service::Catalog;
use arc_swap::ArcSwap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Options {
    /// Policy files and folders.
    pub paths: Vec<PathBuf>,
    /// The address to listen on, `HOST:PORT`.
    pub listen: String,
    /// Log one JSON object per line instead of text.
    pub json_logs: bool,
}

/// The catalog every request reads: swapped whole on a reload, so a request sees one
/// version from start to end.
pub type Shared = Arc<ArcSwap<Catalog>>;

/// Loads the policies, listens, and serves until SIGTERM or Ctrl-C; the error says why it
/// could not start.
pub fn run(options: &Options) -> Result<(), String> {
    init_log(options.json_logs);
    let catalog = Catalog::load(&options.paths).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\nerror: ")
    })?;
    for entry in catalog.entries().iter().filter(|e| !e.ok) {
        tracing::warn!(
            policy = %entry.name,
            errors = entry.diagnostics.len(),
            "policy has static errors; it is listed but not served"
        );
    }
    let shared: Shared = Arc::new(ArcSwap::from_pointee(catalog));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    let _watcher =
        reload::watch(shared.clone()).map_err(|e| format!("cannot watch the policy files: {e}"))?;
    runtime.block_on(serve(options, shared))
}

async fn serve(options: &Options, shared: Shared) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(&options.listen)
        .await
        .map_err(|e| {
            format!(
                "cannot listen on `{}`: {}",
                options.listen,
                crate::files::io_reason(&e)
            )
        })?;
    let addr: SocketAddr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on `{}`: {e}", options.listen))?;
    let count = shared.load().entries().len();
    tracing::info!(address = %format!("http://{addr}"), policies = count, "listening");
    if !addr.ip().is_loopback() {
        tracing::warn!(
            address = %addr,
            "listening beyond this machine: anyone who can reach it can read the policies and evaluate cases"
        );
    }
    axum::serve(listener, router(shared))
        .with_graceful_shutdown(stop_signal())
        .await
        .map_err(|e| format!("the server stopped: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// SIGTERM or Ctrl-C: the listener closes, requests in flight are answered.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("stopping: answering the requests in flight");
}

/// The log on standard error, text or JSON; `RUST_LOG` can change its level. A panic is
/// logged as one line instead of the default report.
fn init_log(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    // A second initialisation (tests serving twice in one process) keeps the first.
    let _ = if json {
        log.json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init()
    } else {
        log.with_ansi(false).try_init()
    };
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        let location = info.location().map(|l| l.to_string()).unwrap_or_default();
        tracing::error!(panic = message, location = %location, "internal error");
    }));
}
