//! The routes: the policies' API under `/v1`, its OpenAPI description, and the page's
//! embedded files. Each handler reads the request and calls the service.

use super::Shared;
use super::assets;
use super::layers::{self, BODY_LIMIT, REQUEST_TIMEOUT, error, json_response};
use crate::service::{Catalog, Kind, ServiceError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The questions a policy answers by `POST /v1/policies/{name}/{verb}`.
const VERBS: [&str; 4] = ["eval", "partial", "explain", "ask"];

/// The whole server: [`routes`] inside [`with_layers`].
pub fn router(shared: Shared) -> Router {
    with_layers(routes(shared))
}

/// The routes alone.
pub fn routes(shared: Shared) -> Router {
    Router::new()
        .route("/v1/policies", get(list))
        .route("/v1/policies/{*rest}", any(policy))
        .route("/v1/openapi.json", get(openapi))
        .route("/", get(page))
        .route("/{file}", get(asset))
        .fallback(not_found)
        .with_state(shared)
}

/// The layers every route is wrapped in, outermost first: the log, compression, JSON
/// errors, the timeout, panics, the body limit.
pub fn with_layers(routes: Router) -> Router {
    routes.layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(layers::access_log))
            .layer(CompressionLayer::new())
            .layer(axum::middleware::from_fn(layers::json_errors))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                REQUEST_TIMEOUT,
            ))
            .layer(CatchPanicLayer::custom(layers::panic_answer))
            .layer(RequestBodyLimitLayer::new(BODY_LIMIT)),
    )
}

/// `NAME/VERB` split at its last `/` when VERB is a question a policy answers.
pub(super) fn split_verb(rest: &str) -> Option<(&str, &str)> {
    let (name, verb) = rest.rsplit_once('/')?;
    VERBS.contains(&verb).then_some((name, verb))
}

async fn list(State(shared): State<Shared>) -> Response {
    json_response(StatusCode::OK, shared.load().list())
}

/// Everything under `/v1/policies/`: `GET NAME` describes a policy, `POST NAME/VERB` asks
/// it a question. A name with `/` in it is a policy in a folder.
async fn policy(
    State(shared): State<Shared>,
    method: Method,
    Path(rest): Path<String>,
    body: Bytes,
) -> Response {
    let catalog = shared.load_full();
    let is_policy = catalog.entry(&rest).is_some();
    let question = split_verb(&rest);
    let question_to_policy = question.is_some_and(|(name, _)| catalog.entry(name).is_some());
    match method {
        Method::GET | Method::HEAD if is_policy || !question_to_policy => {
            answer(catalog.describe(&rest))
        }
        Method::GET | Method::HEAD => not_allowed(&rest, &method, "POST"),
        Method::POST => match question {
            Some((name, verb)) if !is_policy => ask(catalog, name.to_string(), verb, body).await,
            _ if is_policy => not_allowed(&rest, &method, "GET, HEAD"),
            _ => answer(catalog.describe(&rest)),
        },
        _ if is_policy => not_allowed(&rest, &method, "GET, HEAD"),
        _ if question_to_policy => not_allowed(&rest, &method, "POST"),
        _ => answer(catalog.describe(&rest)),
    }
}

/// A question to a policy. One case is answered at once; arrays, partial evaluation,
/// trails and questionnaires run beside the server's threads, so that a long one does not
/// hold up the others.
async fn ask(catalog: Arc<Catalog>, name: String, verb: &str, body: Bytes) -> Response {
    let quick = verb == "eval" && body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'[');
    if quick {
        return answer(catalog.eval(&name, &body));
    }
    let verb = verb.to_string();
    let job = tokio::task::spawn_blocking(move || match verb.as_str() {
        "eval" => catalog.eval(&name, &body),
        "partial" => catalog.partial(&name, &body),
        "explain" => catalog.explain(&name, &body),
        _ => catalog.ask(&name, &body),
    });
    match job.await {
        Ok(result) => answer(result),
        // The panic hook has logged it.
        Err(_) => layers::panic_answer(Box::new(())),
    }
}

fn answer(result: Result<String, ServiceError>) -> Response {
    match result {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(e) => {
            let status = match e.kind {
                Kind::Invalid => StatusCode::BAD_REQUEST,
                Kind::NotFound => StatusCode::NOT_FOUND,
                Kind::PolicyHasErrors => StatusCode::UNPROCESSABLE_ENTITY,
                Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            };
            json_response(status, e.to_json())
        }
    }
}

fn not_allowed(path: &str, method: &Method, allow: &'static str) -> Response {
    let mut res = error(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("`/v1/policies/{path}` does not answer {method}; it answers {allow}"),
    );
    res.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    res
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, assets::OPENAPI.to_string())
}

async fn page() -> Response {
    asset_response("index.html")
}

async fn asset(Path(file): Path<String>) -> Response {
    asset_response(&file)
}

fn asset_response(file: &str) -> Response {
    match assets::find(file) {
        Some((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            bytes,
        )
            .into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no page or file `/{file}`")),
    }
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!(
            "no route for {method} {}; the API is under /v1 (see /v1/openapi.json)",
            uri.path()
        ),
    )
}
