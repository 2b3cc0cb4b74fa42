//! The files the server embeds: the web page's HTML, script, style and icon, and the API's
//! OpenAPI description. Nothing else is ever served; no URL reaches the file system.

/// The OpenAPI 3.1 description of the API.
pub const OPENAPI: &str = include_str!("../../assets/openapi.json");

/// The page's files: name, content type, bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../../assets/web/index.html"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/app.js"),
    ),
    (
        "trail.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/trail.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/web/style.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../assets/web/favicon.svg"),
    ),
];

/// An embedded file by name: its content type and bytes.
pub fn find(name: &str) -> Option<(&'static str, &'static [u8])> {
    FILES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, content_type, bytes)| (content_type, bytes))
}
