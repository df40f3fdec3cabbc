//! `nianbao serve` over real HTTP on 127.0.0.1: the security checks, saving (comments kept,
//! edits made meanwhile never overwritten), checking unsaved edits, live events after a save
//! from another editor, building and downloading.

#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nianbao_serve::{Options, Server, Stopper};
use serde_json::{json, Value};

struct Running {
    addr: SocketAddr,
    token: String,
    ws: PathBuf,
    stopper: Stopper,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stopper.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.ws);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A server on a workspace holding copies of the two demo reports.
fn start(name: &str) -> Running {
    let ws = std::env::temp_dir().join(format!("nianbao-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&ws);
    for r in ["demo-county-2023", "demo-county-2024"] {
        copy_dir(&repo().join("examples").join(r), &ws.join(r));
    }
    let server = Server::start(&Options {
        dir: ws.clone(),
        port: Some(0),
        fonts: Some(repo().join("fonts")),
    })
    .unwrap();
    let url = server.url();
    let token = url.split("t=").nth(1).unwrap().to_string();
    let addr = server.addr();
    let stopper = server.stopper();
    let thread = std::thread::spawn(move || server.run());
    Running {
        addr,
        token,
        ws,
        stopper,
        thread: Some(thread),
    }
}

struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

fn raw(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(out.len());
    let headers = String::from_utf8_lossy(&out[..split]).into_owned();
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = out.get(split + 4..).unwrap_or_default().to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

impl Running {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.addr.port())
    }

    fn get(&self, path: &str) -> Answer {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nX-Nianbao-Token: {}\r\nConnection: close\r\n\r\n",
            self.host(),
            self.token
        );
        raw(self.addr, req.as_bytes())
    }

    fn post(&self, path: &str, body: &Value) -> Answer {
        let body = body.to_string();
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nX-Nianbao-Token: {}\r\nContent-Type: application/json\r\nOrigin: http://{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.host(),
            self.token,
            self.host(),
            body.len()
        );
        raw(self.addr, req.as_bytes())
    }

    fn view(&self, id: &str) -> Value {
        let a = self.get(&format!("/api/report?r={id}"));
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        let v = a.json();
        assert!(
            v["view"].is_object(),
            "{}",
            String::from_utf8_lossy(&a.body)
        );
        v
    }
}

#[test]
fn refuses_other_hosts_missing_tokens_and_large_bodies() {
    let s = start("security");
    let port = s.addr.port();
    let ok = s.get("/api/workspace");
    assert_eq!(ok.status, 200);
    let listed = ok.json();
    let ids: Vec<&str> = listed["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["demo-county-2023", "demo-county-2024"]);
    assert!(ok.headers.contains("Cache-Control: no-store"));

    // DNS rebinding: the attacker's host name, pointing at 127.0.0.1.
    for host in [
        "evil.example:{p}",
        "127.0.0.1.evil.example:{p}",
        "127.0.0.1",
        "",
    ] {
        let host = host.replace("{p}", &port.to_string());
        let req = format!(
            "GET /api/workspace HTTP/1.1\r\nHost: {host}\r\nX-Nianbao-Token: {}\r\nConnection: close\r\n\r\n",
            s.token
        );
        let a = raw(s.addr, req.as_bytes());
        assert_eq!(a.status, 403, "{host}");
        assert!(a.json()["error"].as_str().unwrap().contains("主机名"));
    }
    // localhost is this server too.
    let req = format!(
        "GET /api/workspace HTTP/1.1\r\nHost: localhost:{port}\r\nX-Nianbao-Token: {}\r\nConnection: close\r\n\r\n",
        s.token
    );
    assert_eq!(raw(s.addr, req.as_bytes()).status, 200);

    // No token, a wrong token, a token of the right length but wrong.
    let wrong = "0".repeat(s.token.len());
    for token in ["", "x", wrong.as_str()] {
        let req = format!(
            "GET /api/workspace HTTP/1.1\r\nHost: {}\r\nX-Nianbao-Token: {token}\r\nConnection: close\r\n\r\n",
            s.host()
        );
        let a = raw(s.addr, req.as_bytes());
        assert_eq!(a.status, 403, "{token}");
        assert!(a.json()["error"].as_str().unwrap().contains("令牌"));
    }
    // State-changing requests without the token change nothing.
    let toml = s.ws.join("demo-county-2024/report.toml");
    let before = std::fs::read(&toml).unwrap();
    let body = json!({"r": "demo-county-2024", "numbers": {"active.licensing": "1"}, "base": {}, "force": true}).to_string();
    let req = format!(
        "POST /api/save HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        s.host(),
        body.len()
    );
    assert_eq!(raw(s.addr, req.as_bytes()).status, 403);
    // …nor with the token in a form a cross-site page can send.
    let req = format!(
        "POST /api/save?t={} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        s.token,
        s.host(),
        body.len()
    );
    assert_eq!(raw(s.addr, req.as_bytes()).status, 415);
    let req = format!(
        "POST /api/save HTTP/1.1\r\nHost: {}\r\nX-Nianbao-Token: {}\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        s.host(),
        s.token,
        body.len()
    );
    assert_eq!(raw(s.addr, req.as_bytes()).status, 403);
    assert_eq!(std::fs::read(&toml).unwrap(), before);

    // Bodies over the limit, announced or not.
    let big = "x".repeat(nianbao_serve::http::BODY_LIMIT + 10);
    let req = format!(
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nX-Nianbao-Token: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{big}",
        s.host(),
        s.token,
        big.len()
    );
    assert_eq!(raw(s.addr, req.as_bytes()).status, 413);

    // Paths outside the workspace, or outside the output folder.
    for path in [
        "/api/report?r=..",
        "/api/report?r=../..",
        "/api/report?r=demo-county-2024/..",
        "/api/report?r=%2Fetc",
        "/api/download?r=demo-county-2024&f=..%2Freport.toml",
        "/api/download?r=demo-county-2024&f=report.toml",
    ] {
        assert_eq!(s.get(path).status, 404, "{path}");
    }
    #[cfg(unix)]
    {
        let outside = s.ws.with_extension("outside");
        copy_dir(&s.ws.join("demo-county-2023"), &outside);
        std::os::unix::fs::symlink(&outside, s.ws.join("link")).unwrap();
        assert_eq!(s.get("/api/report?r=link").status, 404);
        // A prose file that is a symlink to a file outside is not written through.
        let other = s.ws.join("demo-county-2024/other.md");
        std::fs::remove_file(&other).unwrap();
        std::os::unix::fs::symlink(outside.join("other.md"), &other).unwrap();
        let v = s.view("demo-county-2024");
        let a = s.post(
            "/api/save",
            &json!({"r": "demo-county-2024", "prose": {"other": "改写"}, "base": v["view"]["files"]}),
        );
        assert_eq!(a.status, 400, "{}", String::from_utf8_lossy(&a.body));
        assert_ne!(
            std::fs::read_to_string(outside.join("other.md")).unwrap(),
            "改写"
        );
        std::fs::remove_dir_all(&outside).unwrap();
    }
    // Pages are served without the token (they hold no data).
    let req = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        s.host()
    );
    let page = raw(s.addr, req.as_bytes());
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("政府信息公开工作年度报告"));
}

fn input_keys(view: &Value) -> Vec<String> {
    view["tables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["cells"].as_array().unwrap().iter())
        .filter_map(|c| c["key"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn checks_unsaved_numbers_and_saves_keeping_comments() {
    let s = start("save");
    let id = "demo-county-2024";
    let v = s.view(id);
    let view = &v["view"];
    assert_eq!(view["counts"]["errors"], 0, "{}", view["diagnostics"]);
    assert_eq!(input_keys(view).len(), 166);

    // A planted imbalance: 一、本年新收 of 自然人 one higher, unsaved.
    let new_natural = view["tables"][1]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "applications.new.natural")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    let planted = (new_natural + 1).to_string();
    let edits = json!({"r": id, "numbers": {"applications.new.natural": planted}});
    let checked = s.post("/api/check", &edits);
    assert_eq!(checked.status, 200);
    let checked = checked.json();
    let balance = checked["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["id"] == "E-T3-BALANCE" && d["message"].as_str().unwrap().contains("“自然人”列")
        })
        .expect("the imbalance is found before saving");
    assert_eq!(
        balance["target"]["cells"],
        json!(["applications.carried_forward.natural"])
    );
    let check = checked["tables"][1]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "E-T3-BALANCE")
        .unwrap();
    // 一, 二, 三（七）, 四 of the 自然人 column.
    assert_eq!(check["cells"], json!([[3, 3], [4, 3], [26, 3], [27, 3]]));
    // Nothing was written by checking.
    let toml_path = s.ws.join(id).join("report.toml");
    let before = std::fs::read_to_string(&toml_path).unwrap();
    assert!(!before.contains(&planted) || before.matches(&planted).count() > 0);

    // Save numbers and a prose paragraph.
    let base = view["files"].clone();
    let saved = s.post(
        "/api/save",
        &json!({"r": id, "numbers": {"active.licensing": "9320", "active.fee": "12.5"},
                "prose": {"problems": "一是公开内容还不够全面。\n二是解读形式比较单一。\n"},
                "base": base}),
    );
    assert_eq!(
        saved.status,
        200,
        "{}",
        String::from_utf8_lossy(&saved.body)
    );
    let after = std::fs::read_to_string(&toml_path).unwrap();
    assert!(after.contains("licensing = 9320             # 行政许可：本年处理决定数量"));
    assert!(after.contains("fee = 12.5"));
    // Everything else is byte for byte as it was.
    let strip = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with("licensing") && !l.starts_with("fee"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&before), strip(&after));
    assert_eq!(
        std::fs::read_to_string(s.ws.join(id).join("problems.md")).unwrap(),
        "一是公开内容还不够全面。\n二是解读形式比较单一。\n"
    );

    // The page's base is now stale for report.toml (the old hash): another save from it is a
    // conflict, and nothing is written.
    let conflict = s.post(
        "/api/save",
        &json!({"r": id, "numbers": {"active.licensing": "1"}, "base": base}),
    );
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.json()["conflict"], json!(["report.toml"]));
    assert_eq!(std::fs::read_to_string(&toml_path).unwrap(), after);

    // Another editor saves report.toml meanwhile: the page's save is refused…
    let fresh = s.view(id);
    let base = fresh["view"]["files"].clone();
    let edited = after.replace("enforcement = 41", "enforcement = 42");
    std::fs::write(&toml_path, &edited).unwrap();
    let conflict = s.post(
        "/api/save",
        &json!({"r": id, "numbers": {"active.punishment": "816"}, "base": base}),
    );
    assert_eq!(conflict.status, 409);
    assert_eq!(std::fs::read_to_string(&toml_path).unwrap(), edited);
    // The page is told what of the clerk's is unsaved, in Chinese, to list it.
    assert_eq!(
        conflict.json()["unsaved"],
        json!([{"what": "表二“行政处罚”本年处理决定数量", "value": "816"}])
    );
    // …and with force, the page's number goes onto the other editor's text.
    let forced = s.post(
        "/api/save",
        &json!({"r": id, "numbers": {"active.punishment": "816"}, "base": base, "force": true}),
    );
    assert_eq!(forced.status, 200);
    let now = std::fs::read_to_string(&toml_path).unwrap();
    assert!(now.contains("enforcement = 42") && now.contains("punishment = 816"));

    // Invalid numbers are refused with the cell's name.
    let bad = s.post(
        "/api/save",
        &json!({"r": id, "numbers": {"applications.new.natural": "-3"}, "base": s.view(id)["view"]["files"]}),
    );
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].as_str().unwrap().contains("自然人"));
}

/// Reads server-sent events until one says `change` with a version above `seen`.
fn wait_change(reader: &mut BufReader<TcpStream>, seen: u64, limit: Duration) -> Option<u64> {
    let start = Instant::now();
    let mut line = String::new();
    while start.elapsed() < limit {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        if let Some(v) = line.strip_prefix("data: ") {
            let v: u64 = v.trim().parse().unwrap();
            if v > seen {
                return Some(v);
            }
        }
    }
    None
}

#[test]
fn a_save_from_another_editor_reaches_the_page() {
    let s = start("live");
    let id = "demo-county-2024";
    let v = s.view(id);
    let version = v["version"].as_u64().unwrap();
    let mut stream = TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET /api/events?r={id}&v={version}&t={} HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.token,
        s.host()
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");

    let toml_path = s.ws.join(id).join("report.toml");
    let text = std::fs::read_to_string(&toml_path).unwrap();
    std::fs::write(
        &toml_path,
        text.replace("licensing = 9317", "licensing = 9999"),
    )
    .unwrap();
    let changed = wait_change(&mut reader, version, Duration::from_secs(5)).expect("an event");
    let v = s.view(id);
    assert_eq!(v["version"].as_u64().unwrap(), changed);
    let value = v["view"]["tables"][0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "active.licensing")
        .unwrap()["value"]
        .clone();
    assert_eq!(value, "9999");
    let preview = s.get(&format!("/api/preview?r={id}"));
    assert_eq!(preview.status, 200);
    assert!(String::from_utf8_lossy(&preview.body).contains("青禾县人民政府"));
}

#[test]
fn builds_and_downloads() {
    let s = start("build");
    let id = "demo-county-2024";
    let built = s.post("/api/build", &json!({"r": id}));
    assert_eq!(built.status, 200);
    let built = built.json();
    assert!(built["refused"].is_null(), "{built}");
    let names: Vec<String> = built["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    let pdf = names.iter().find(|n| n.ends_with(".pdf")).unwrap();
    assert!(names.iter().any(|n| n.ends_with(".docx")));
    assert!(names.iter().any(|n| n.ends_with(".xlsx")));
    let enc: String = pdf
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let a = s.get(&format!("/api/download?r={id}&f={enc}"));
    assert_eq!(a.status, 200);
    assert!(a.body.starts_with(b"%PDF-"));
    assert!(a
        .headers
        .contains("Content-Disposition: attachment; filename*=UTF-8''"));
    let listed = s.get(&format!("/api/outputs?r={id}")).json();
    assert_eq!(listed["files"].as_array().unwrap().len(), names.len());

    // A new report from last year's, as `nianbao new --from` makes it.
    let made = s.post(
        "/api/new",
        &json!({"folder": "青禾县-2025", "from": "demo-county-2024", "agency": "", "year": null, "kind": ""}),
    );
    assert_eq!(made.status, 200, "{}", String::from_utf8_lossy(&made.body));
    let new_id = made.json()["id"].as_str().unwrap().to_string();
    let toml = std::fs::read_to_string(s.ws.join(&new_id).join("report.toml")).unwrap();
    assert!(toml.contains("year = 2025") && toml.contains("last_year = \"../demo-county-2024\""));
    let v = s.view(&urlencode(&new_id));
    assert_eq!(v["view"]["meta"]["year"], 2025);
    let again = s.post(
        "/api/new",
        &json!({"folder": "青禾县-2025", "agency": "某局", "year": 2025}),
    );
    assert_eq!(again.status, 400);
    let escape = s.post(
        "/api/new",
        &json!({"folder": "../x", "agency": "某局", "year": 2025}),
    );
    assert_eq!(escape.status, 400);
}

fn urlencode(s: &str) -> String {
    nianbao_serve::http::encode(s)
}
