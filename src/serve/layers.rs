//! What wraps every route: the body limit, the request timeout, panics turned into a 500,
//! every error as a JSON `{"error": ...}`, compression, and one log line per request.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};

/// The largest request body, in bytes.
pub const BODY_LIMIT: usize = 1 << 20;

/// How long a request may take before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A JSON error answer.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": message.into() }).to_string();
    json_response(status, body)
}

/// A JSON answer.
pub fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// An error answer from a layer that is not JSON yet (the router's 405, the body limit's
/// 413, the timeout's 503) rewritten as `{"error": ...}`, its other headers (`Allow`) kept.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = parts
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            format!("`{path}` does not answer {method}; it answers {allow}")
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("the body is over the limit of {} bytes (1 MiB)", BODY_LIMIT)
        }
        StatusCode::SERVICE_UNAVAILABLE => format!(
            "the request took longer than {} s and was stopped",
            REQUEST_TIMEOUT.as_secs()
        ),
        _ if !text.is_empty() => text,
        _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::json!({ "error": message }).to_string();
    Response::from_parts(parts, Body::from(body))
}

/// A panic in a handler: a 500 that says so (the panic hook has logged it); the server
/// goes on.
pub fn panic_answer(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error: the server could not answer this request; it is logged",
    )
}

/// One log line per request: method, path, policy, status, duration.
pub async fn access_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let policy = policy_of(&path).unwrap_or("");
    tracing::info!(
        method = %method,
        path = %path,
        policy = %policy,
        status = res.status().as_u16(),
        duration_us = start.elapsed().as_micros() as u64,
        "request"
    );
    res
}

/// The policy a request path is about: `/v1/policies/NAME[/VERB]`.
fn policy_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/v1/policies/")?;
    Some(super::routes::split_verb(rest).map_or(rest, |(name, _)| name))
}
