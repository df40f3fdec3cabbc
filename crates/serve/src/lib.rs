//! nianbao-serve: `nianbao serve`, a local web app in which the clerk writes, checks and
//! publishes reports without a terminal.
//!
//! One blocking HTTP/1.1 server (tiny_http) on 127.0.0.1, a thread per request. It serves a
//! workspace (a folder of report folders): pages (plain HTML, CSS and ES2017 JavaScript,
//! embedded in the binary), a JSON API the pages call, server-sent events that tell a page
//! its report changed, the live preview, and the files a build wrote. Every check of what a
//! request may do is in [`http`]; every path a request names is resolved by
//! [`workspace::Workspace`]. The library never prints: [`Server::start`] returns the URL to
//! open, the CLI prints it.

#![forbid(unsafe_code)]

mod assets;
mod create;
mod grid;
pub mod http;
mod live;
mod preview;
mod save;
mod view;
pub mod workspace;

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nianbao_watch::build::{self, BuildOptions, FontCache};
use nianbao_watch::write::Written;
use serde_json::{json, Value};
use tiny_http::Request;

use crate::http::{Incoming, Reply};
use crate::save::Refused;
use crate::workspace::{ReportDir, Workspace};

/// The port `nianbao serve` tries first.
pub const DEFAULT_PORT: u16 = 4817;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Options {
    /// The workspace folder.
    pub dir: PathBuf,
    /// Port on 127.0.0.1; 0 takes a free one. `None`: [`DEFAULT_PORT`], else a free one.
    pub port: Option<u16>,
    /// Font folder for the PDF (as `build --fonts`).
    pub fonts: Option<PathBuf>,
}

/// A running server (bound, not yet answering until [`Server::run`]).
pub struct Server {
    http: Arc<tiny_http::Server>,
    app: Arc<App>,
    addr: SocketAddr,
}

struct App {
    ws: Workspace,
    token: String,
    port: u16,
    lives: live::Lives,
    fonts: Mutex<FontCache>,
}

/// Stops a running [`Server::run`].
#[derive(Clone)]
pub struct Stopper(Arc<tiny_http::Server>, Arc<App>);

impl Stopper {
    /// Makes [`Server::run`] return (after stopping every watch loop).
    pub fn stop(&self) {
        self.1.lives.stop_all();
        self.0.unblock();
    }
}

/// A fresh token: 128 bits from the OS's random source, in hex.
fn token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("无法生成访问令牌：{e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Server {
    /// Binds 127.0.0.1 and prepares the workspace.
    pub fn start(opts: &Options) -> Result<Server, String> {
        let ws = Workspace::new(&opts.dir)?;
        let bind = |port: u16| -> Result<tiny_http::Server, String> {
            let listener =
                std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| e.to_string())?;
            // Accepted connections inherit it (Linux, Windows, macOS). Without it each
            // response's body waited for the browser's delayed ACK of its head (40 ms on
            // Linux); a failure only costs that time.
            let _ = socket2::SockRef::from(&listener).set_tcp_nodelay(true);
            tiny_http::Server::from_listener(listener, None).map_err(|e| e.to_string())
        };
        let http = match opts.port {
            Some(p) => bind(p).map_err(|e| format!("无法在端口 {p} 上启动：{e}"))?,
            // The usual port, so a bookmark keeps working; another free one when it is taken.
            None => bind(DEFAULT_PORT)
                .or_else(|_| bind(0))
                .map_err(|e| format!("无法启动本地服务：{e}"))?,
        };
        let addr = http.server_addr().to_ip().ok_or("无法取得本地服务的地址")?;
        let app = App {
            ws,
            token: token()?,
            port: addr.port(),
            lives: live::Lives::default(),
            fonts: Mutex::new(FontCache::for_session(opts.fonts.clone())),
        };
        Ok(Server {
            http: Arc::new(http),
            app: Arc::new(app),
            addr,
        })
    }

    /// The address bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to open, with the token.
    pub fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?t={}",
            self.addr.port(),
            self.app.token
        )
    }

    /// The workspace folder served.
    pub fn workspace(&self) -> &Path {
        self.app.ws.root()
    }

    /// A handle that stops [`Server::run`].
    pub fn stopper(&self) -> Stopper {
        Stopper(self.http.clone(), self.app.clone())
    }

    /// Answers requests until stopped, each on its own thread.
    pub fn run(&self) {
        for req in self.http.incoming_requests() {
            let app = self.app.clone();
            let spawned = std::thread::Builder::new()
                .name("request".into())
                .spawn(move || handle(&app, req));
            if spawned.is_err() {
                // Out of threads: the request is dropped (tiny_http answers 500).
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Opens `url` in the default browser. Errors are the caller's to print (the URL then has to
/// be opened by hand).
pub fn open_browser(url: &str) -> std::io::Result<()> {
    let mut cmd = if cfg!(windows) {
        // `start` is a cmd built-in; rundll32 opens a URL without a console window or cmd's
        // quoting rules.
        let mut c = std::process::Command::new("rundll32");
        c.args(["url.dll,FileProtocolHandler", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
}

fn handle(app: &App, mut req: Request) {
    let inc = match http::accept(&mut req, app.port, &app.token) {
        Ok(i) => i,
        Err(reply) => return http::send(req, reply),
    };
    if inc.path.starts_with("/api/") && !inc.authorized {
        return http::send(req, http::refuse_token());
    }
    if inc.path == "/api/events" && !inc.post {
        return events(app, req, &inc);
    }
    let reply = route(app, &inc).unwrap_or_else(|r| r);
    http::send(req, reply);
}

/// The report a request names (`r`, in the query or the JSON body).
fn report_of(app: &App, inc: &Incoming, body: &Value) -> Result<ReportDir, Reply> {
    let id = inc
        .param("r")
        .or_else(|| body.get("r").and_then(Value::as_str))
        .ok_or_else(|| Reply::error(400, "没有指明报告"))?;
    app.ws
        .report(id)
        .ok_or_else(|| Reply::error(404, format!("工作文件夹中没有报告“{id}”")))
}

fn body_json(inc: &Incoming) -> Result<Value, Reply> {
    if !inc.post {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&inc.body).map_err(|_| Reply::error(400, "请求内容不是有效的 JSON"))
}

fn route(app: &App, inc: &Incoming) -> Result<Reply, Reply> {
    if !inc.path.starts_with("/api/") {
        if inc.post {
            return Err(Reply::error(405, "不支持的请求方法"));
        }
        return assets::get(&inc.path).ok_or_else(|| Reply::error(404, "没有这个页面"));
    }
    let body = body_json(inc)?;
    match (inc.post, inc.path.as_str()) {
        (false, "/api/workspace") => Ok(workspace_json(app)),
        (false, "/api/report") => {
            let dir = report_of(app, inc, &body)?;
            let state = app.lives.get(&dir).current();
            if let Some(e) = state.error {
                return Err(Reply::error(500, e));
            }
            Ok(Reply::text(
                "application/json; charset=utf-8",
                format!("{{\"version\":{},\"view\":{}}}", state.version, state.view),
            ))
        }
        (false, "/api/preview") => {
            let dir = report_of(app, inc, &body)?;
            let state = app.lives.get(&dir).current();
            let mut reply = Reply::text(
                "text/html; charset=utf-8",
                state.preview.as_bytes().to_vec(),
            );
            // Shown in the report page's frame; the page itself runs no script.
            reply.headers.push((
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self'; frame-ancestors 'self'".into(),
            ));
            Ok(reply)
        }
        (false, "/api/outputs") => {
            let dir = report_of(app, inc, &body)?;
            Ok(Reply::json(200, &outputs(&dir)))
        }
        (false, "/api/download") => {
            let dir = report_of(app, inc, &body)?;
            download(&dir, inc.param("f").unwrap_or_default())
        }
        (true, "/api/check") => {
            let dir = report_of(app, inc, &body)?;
            Ok(Reply::json(200, &check_edits(&dir, &body)?))
        }
        (true, "/api/save") => {
            let dir = report_of(app, inc, &body)?;
            let edits = edits(&body)?;
            let saved = save::save(&dir, &edits).map_err(|r| refused(r, &edits))?;
            Ok(Reply::json(200, &json!({ "saved": saved })))
        }
        (true, "/api/build") => {
            let dir = report_of(app, inc, &body)?;
            let draft = body.get("draft").and_then(Value::as_bool).unwrap_or(false);
            Ok(build_json(app, &dir, draft))
        }
        (true, "/api/new") => {
            let form: create::NewReport = serde_json::from_value(body)
                .map_err(|_| Reply::error(400, "新建报告的表单不完整"))?;
            let id = create::create(&app.ws, &form).map_err(|e| Reply::error(400, e))?;
            Ok(Reply::json(200, &json!({ "id": id })))
        }
        _ => Err(Reply::error(404, "没有这个接口")),
    }
}

/// What `POST /api/check` answers: the page's unsaved edits (its JSON body) laid over the
/// report's files in memory, loaded, checked and turned into the page's view; nothing is
/// written. Public for the benchmark (`benches/check.rs`).
pub fn check_edits(dir: &ReportDir, body: &Value) -> Result<Value, Reply> {
    let edits = edits(body)?;
    let overlay = save::overlay(dir, &edits).map_err(|r| refused(r, &edits))?;
    let mut loaded = nianbao_core::load::load_overlay(&dir.path, &overlay);
    nianbao_core::finish(&mut loaded);
    Ok(view::view(dir, &loaded))
}

fn edits(body: &Value) -> Result<save::Edits, Reply> {
    serde_json::from_value(body.clone()).map_err(|_| Reply::error(400, "修改内容的格式不对"))
}

/// The page's unsaved edits in the clerk's words (a conflict lists them: they are still on
/// the page, not in any file).
fn unsaved(edits: &save::Edits) -> Vec<Value> {
    let numbers = edits
        .numbers
        .iter()
        .map(|(k, v)| json!({ "what": nianbao_import::workbook::label(k), "value": v }));
    let prose = edits.prose.iter().map(|(k, v)| {
        let name = nianbao_core::format::PROSE_PARTS
            .iter()
            .find(|p| p.key == k)
            .map_or(k.as_str(), |p| p.name);
        json!({ "what": format!("文字“{name}”"), "value": v, "prose": k })
    });
    let meta = edits.meta.iter().map(|(k, v)| {
        let what = if k == "published" {
            "发布日期"
        } else {
            "机关全称"
        };
        json!({ "what": what, "value": v })
    });
    numbers.chain(prose).chain(meta).collect()
}

fn refused(r: Refused, edits: &save::Edits) -> Reply {
    match r {
        Refused::Conflict(files) => Reply::json(
            409,
            &json!({
                "error": format!(
                    "{} 在您编辑期间已被其他程序修改，未保存（没有覆盖任何文件）",
                    files.join("、")
                ),
                "conflict": files,
                "unsaved": unsaved(edits),
            }),
        ),
        Refused::Invalid(m) => Reply::error(400, m),
    }
}

/// The workspace page's list: each report with its status.
fn workspace_json(app: &App) -> Reply {
    let today = workspace::today();
    let reports: Vec<Value> = app
        .ws
        .reports()
        .iter()
        .map(|dir| {
            let loaded = nianbao_core::load_and_check(&dir.path);
            let c = nianbao_core::diag::count(&loaded.diagnostics);
            let meta = loaded.report.as_ref().map_or(json!(null), |r| {
                json!({
                    "title": r.title(),
                    "agency": r.agency,
                    "year": r.year,
                    "kind_name": r.kind.chinese(),
                    "deadline": workspace::deadline(r, today),
                })
            });
            json!({
                "id": dir.id,
                "meta": meta,
                "errors": c.errors,
                "warnings": c.warnings,
            })
        })
        .collect();
    // Last year's report to start from: a report folder (with its agency and year, for the
    // form's defaults) or a published file to import.
    let sources: Vec<Value> = reports
        .iter()
        .map(|r| {
            let id = r["id"].as_str().unwrap_or_default();
            let label = r["meta"]["title"]
                .as_str()
                .map_or_else(|| id.to_string(), |t| format!("{t}（{id}）"));
            json!({
                "value": id,
                "label": label,
                "agency": r["meta"]["agency"],
                "year": r["meta"]["year"],
            })
        })
        .chain(
            app.ws
                .importable()
                .into_iter()
                .map(|f| json!({ "value": format!("file:{f}"), "label": format!("{f}（导入）") })),
        )
        .collect();
    Reply::json(
        200,
        &json!({
            "root": view::display(app.ws.root()),
            "today": today.iso(),
            "reports": reports,
            "sources": sources,
            "kinds": nianbao_core::format::Kind::ALL
                .iter()
                .map(|(k, kw)| json!({ "value": kw, "label": k.chinese() }))
                .collect::<Vec<_>>(),
        }),
    )
}

/// The files in a report's `out/` folder (a build's outputs), newest build first by name.
fn outputs(dir: &ReportDir) -> Value {
    let out = dir.path.join("out");
    let mut files: Vec<Value> = std::fs::read_dir(&out)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let size = e.metadata().ok()?.len();
                    (!name.starts_with('.') && !name.starts_with("~$"))
                        .then(|| json!({ "name": name, "size": size }))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    json!({ "out_dir": view::display(&out), "files": files })
}

fn download(dir: &ReportDir, name: &str) -> Result<Reply, Reply> {
    let missing = || Reply::error(404, format!("输出文件夹中没有“{name}”"));
    if name.is_empty() || name.contains(['/', '\\', ':']) || name.starts_with('.') {
        return Err(missing());
    }
    let out = dir.path.join("out");
    let path = out.join(name).canonicalize().map_err(|_| missing())?;
    let out = out.canonicalize().map_err(|_| missing())?;
    if path.parent() != Some(out.as_path()) || !path.is_file() {
        return Err(missing());
    }
    let bytes =
        std::fs::read(&path).map_err(|e| Reply::error(500, format!("无法读取“{name}”：{e}")))?;
    let ext = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let content_type = match ext.as_str() {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "html" => "text/html; charset=utf-8",
        "ofd" => "application/ofd",
        _ => "application/octet-stream",
    };
    let mut reply = Reply::text(content_type, bytes);
    reply.headers.push((
        "Content-Disposition",
        format!("attachment; filename*=UTF-8''{}", http::encode(name)),
    ));
    Ok(reply)
}

fn build_json(app: &App, dir: &ReportDir, draft: bool) -> Reply {
    let opts = BuildOptions {
        draft,
        ..BuildOptions::default()
    };
    let report = {
        let mut fonts = app
            .fonts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        build::build(&dir.path, &opts, &mut fonts)
    };
    let c = report.counts();
    let files: Vec<Value> = report
        .outputs
        .iter()
        .map(|o| {
            let (status, message) = match &o.status {
                Written::Written => ("written", String::new()),
                Written::Unchanged => ("unchanged", String::new()),
                Written::Failed(m) => ("failed", m.clone()),
            };
            json!({
                "format": o.format.map(|f| f.extension()),
                "name": o.path.file_name().map(|n| n.to_string_lossy().into_owned()),
                "size": o.size,
                "status": status,
                "message": message,
            })
        })
        .collect();
    Reply::json(
        200,
        &json!({
            "refused": report.refused,
            "draft": report.draft,
            "errors": c.errors,
            "warnings": c.warnings,
            "elapsed_ms": report.elapsed.as_secs_f64() * 1000.0,
            "out_dir": view::display(&dir.path.join("out")),
            "files": files,
        }),
    )
}

/// `GET /api/events?r=…`: a server-sent event `change` with the new version after every build
/// of the report; a comment every 15 s keeps the connection (and finds closed tabs).
fn events(app: &App, req: Request, inc: &Incoming) {
    let dir = match report_of(app, inc, &Value::Null) {
        Ok(d) => d,
        Err(reply) => return http::send(req, reply),
    };
    let live = app.lives.get(&dir);
    let mut seen: u64 = inc.param("v").and_then(|v| v.parse().ok()).unwrap_or(0);
    // Written by hand on the raw connection: tiny_http would buffer a streamed body in 32 KB
    // chunks. `Connection: close` ends the body when the tab goes.
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
                Connection: close\r\n\r\nretry: 1000\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let v = live.wait_newer(seen, Duration::from_secs(15));
        let msg = if v > seen {
            seen = v;
            format!("event: change\ndata: {v}\n\n")
        } else {
            ": 保持连接\n\n".to_string()
        };
        if w.write_all(msg.as_bytes())
            .and_then(|()| w.flush())
            .is_err()
        {
            return;
        }
    }
}
