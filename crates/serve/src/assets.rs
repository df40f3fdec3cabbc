//! The pages, style sheet and scripts, embedded in the binary (no build step, no CDN: plain
//! HTML, CSS and ES2017 JavaScript for the older Chromium-based browsers of office PCs).

use crate::http::Reply;

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// The asset at `path`, if there is one.
pub fn get(path: &str) -> Option<Reply> {
    let (content_type, body): (&'static str, &'static str) = match path {
        "/" | "/index.html" => (HTML, include_str!("assets/workspace.html")),
        "/new" => (HTML, include_str!("assets/new.html")),
        "/report" => (HTML, include_str!("assets/report.html")),
        "/app.css" => (CSS, include_str!("assets/app.css")),
        "/app.js" => (JS, include_str!("assets/app.js")),
        "/workspace.js" => (JS, include_str!("assets/workspace.js")),
        "/new.js" => (JS, include_str!("assets/new.js")),
        "/report.js" => (JS, include_str!("assets/report.js")),
        _ => return None,
    };
    Some(Reply::text(content_type, body))
}
