//! The HTTP edge: what every request must satisfy before anything reads the workspace, and the
//! responses.
//!
//! - **Host**: only `127.0.0.1:<port>` and `localhost:<port>`. A page on another site that
//!   points its own host name at 127.0.0.1 (DNS rebinding) sends its own name here and is
//!   refused, so it can never read an answer.
//! - **Token**: every `/api/` request carries the per-run token from the URL the server
//!   opened (header `X-Nianbao-Token`, or `t=` in the query for `EventSource`, the preview
//!   frame and download links, which cannot set headers). Pages themselves are static shells
//!   with no data.
//! - **Writes** (`POST`) also need `Content-Type: application/json` and, when the browser sends
//!   one, an `Origin` of this server: a cross-site form cannot set the one nor fake the other.
//! - **Bodies** are read up to [`BODY_LIMIT`]; a longer one is refused (413) unread.

use std::io::Read as _;

use tiny_http::{Header, Method, Request, Response, StatusCode};

/// Largest request body: 2 MiB. A whole report's prose is a few tens of kilobytes.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// What a request is, once it passed the checks of this module.
pub struct Incoming {
    /// `GET` or `POST` (anything else is refused).
    pub post: bool,
    /// The path without the query (`/api/report`).
    pub path: String,
    /// Query parameters, percent-decoded.
    pub query: Vec<(String, String)>,
    /// Whether the request carried the right token.
    pub authorized: bool,
    /// The body (`POST` only).
    pub body: Vec<u8>,
}

impl Incoming {
    /// A query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response to send.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Body.
    pub body: Vec<u8>,
    /// Extra headers (name, value).
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// A JSON body.
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: value.to_string().into_bytes(),
            headers: Vec::new(),
        }
    }

    /// An error as JSON `{ "error": message }` (message in Chinese, shown by the page).
    pub fn error(status: u16, message: impl Into<String>) -> Reply {
        Reply::json(status, &serde_json::json!({ "error": message.into() }))
    }

    /// A static or generated text body.
    pub fn text(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
            headers: Vec::new(),
        }
    }
}

/// Checks a request and reads its body. `Err` is the refusal to send as it is.
pub fn accept(req: &mut Request, port: u16, token: &str) -> Result<Incoming, Reply> {
    let header = |name: &'static str| -> Option<String> {
        req.headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_string())
    };
    if !host_allowed(header("Host").as_deref(), port) {
        return Err(Reply::error(
            403,
            "拒绝访问：请求的主机名不是 127.0.0.1 或 localhost",
        ));
    }
    let post = match req.method() {
        Method::Get | Method::Head => false,
        Method::Post => true,
        _ => return Err(Reply::error(405, "不支持的请求方法")),
    };
    let url = req.url().to_string();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_query(q)),
        None => (url.clone(), Vec::new()),
    };
    let given = header("X-Nianbao-Token")
        .or_else(|| query.iter().find(|(k, _)| k == "t").map(|(_, v)| v.clone()));
    let authorized = given.is_some_and(|g| same_token(&g, token));
    let mut body = Vec::new();
    if post {
        if !authorized {
            return Err(refuse_token());
        }
        let json = header("Content-Type").is_some_and(|c| c.starts_with("application/json"));
        if !json {
            return Err(Reply::error(415, "请求格式不对（应为 JSON）"));
        }
        if let Some(origin) = header("Origin") {
            if !origin_allowed(&origin, port) {
                return Err(Reply::error(403, "拒绝访问：请求来自其他网站"));
            }
        }
        if req.body_length().is_some_and(|n| n > BODY_LIMIT) {
            return Err(too_large());
        }
        let limit = BODY_LIMIT as u64 + 1;
        if req.as_reader().take(limit).read_to_end(&mut body).is_err() {
            return Err(Reply::error(400, "请求内容读取失败"));
        }
        if body.len() > BODY_LIMIT {
            return Err(too_large());
        }
    }
    Ok(Incoming {
        post,
        path,
        query,
        authorized,
        body,
    })
}

/// The refusal of an `/api/` request without the right token.
pub fn refuse_token() -> Reply {
    Reply::error(
        403,
        "拒绝访问：缺少或错误的访问令牌。请使用 nianbao serve 启动时打开（或在窗口中显示）的地址",
    )
}

fn too_large() -> Reply {
    Reply::error(413, "请求内容过大（上限 2 MB）")
}

/// Whether `host` (the `Host` header) names this server: `127.0.0.1:<port>` or
/// `localhost:<port>` (case-insensitive).
pub fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    p == port.to_string() && (name == "127.0.0.1" || name == "localhost")
}

/// Whether an `Origin` header is this server's.
fn origin_allowed(origin: &str, port: u16) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|host| host_allowed(Some(host), port))
}

/// Compares tokens in time independent of where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `a=1&b=%E4%B8%AD` → pairs, percent- and `+`-decoded (invalid UTF-8 replaced).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Percent-encodes a file name for `Content-Disposition: attachment; filename*=UTF-8''…`.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Sends `reply`, with the headers every response carries: no caching (the data changes on
/// every save), no MIME sniffing, no referrer (the token is in some URLs), and a content
/// security policy that allows nothing from elsewhere.
pub fn send(req: Request, reply: Reply) {
    // Always a Content-Length (tiny_http would chunk bodies above 32 KB): the browser shows a
    // download's progress, and every body is in memory anyway.
    let mut response = Response::from_data(reply.body)
        .with_status_code(StatusCode(reply.status))
        .with_chunked_threshold(usize::MAX);
    let mut headers: Vec<(&str, String)> = vec![
        ("Content-Type", reply.content_type.to_string()),
        ("Cache-Control", "no-store".into()),
        ("X-Content-Type-Options", "nosniff".into()),
        ("Referrer-Policy", "no-referrer".into()),
    ];
    let framed = reply
        .headers
        .iter()
        .any(|(k, _)| *k == "Content-Security-Policy");
    if !framed {
        headers.push((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
                .into(),
        ));
    }
    headers.extend(reply.headers);
    for (k, v) in headers {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    // The browser may have gone away (tab closed): nothing to do about it.
    let _ = req.respond(response);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(host_allowed(Some("127.0.0.1:4817"), 4817));
        assert!(host_allowed(Some("LOCALHOST:4817"), 4817));
        assert!(!host_allowed(Some("127.0.0.1:4818"), 4817));
        assert!(!host_allowed(Some("evil.example:4817"), 4817));
        assert!(!host_allowed(Some("127.0.0.1.evil.example:4817"), 4817));
        assert!(!host_allowed(Some("localhost"), 4817));
        assert!(!host_allowed(None, 4817));
        assert!(origin_allowed("http://localhost:4817", 4817));
        assert!(!origin_allowed("https://localhost:4817", 4817));
        assert!(!origin_allowed("http://evil.example", 4817));
    }

    #[test]
    fn queries() {
        assert_eq!(
            parse_query("r=%E6%9F%90%E5%B1%80-2024&t=ab+c&x"),
            vec![
                ("r".to_string(), "某局-2024".to_string()),
                ("t".to_string(), "ab c".to_string()),
                ("x".to_string(), String::new()),
            ]
        );
        assert_eq!(parse_query("a=%zz%4"), vec![("a".into(), "%zz%4".into())]);
        assert_eq!(parse_query("a=%中"), vec![("a".into(), "%中".into())]);
        assert_eq!(encode("某 a.pdf"), "%E6%9F%90%20a.pdf");
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
    }
}
