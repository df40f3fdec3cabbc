//! `nianbao serve`: the local web app (crates/serve). This prints where it is and opens the
//! browser; the library serves.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nianbao_serve::{open_browser, Options, Server};

/// Starts the server on the workspace `dir` and serves until Ctrl-C (or the console window is
/// closed).
pub fn run(dir: &Path, port: Option<u16>, open: bool, fonts: Option<PathBuf>) -> ExitCode {
    let server = match Server::start(&Options {
        dir: dir.to_path_buf(),
        port,
        fonts,
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let url = server.url();
    println!(
        "nianbao 已启动，工作文件夹：{}",
        server.workspace().display()
    );
    println!("在浏览器中打开：{url}");
    println!("（只有本机可以访问；关闭这个窗口或按 Ctrl+C 停止）");
    if open {
        if let Err(e) = open_browser(&url) {
            eprintln!("无法打开浏览器（{e}），请复制上面的地址到浏览器中打开");
        }
    }
    let stopper = server.stopper();
    if let Err(e) = ctrlc::set_handler(move || stopper.stop()) {
        eprintln!("无法处理 Ctrl-C：{e}");
    }
    server.run();
    println!("nianbao 已停止");
    ExitCode::SUCCESS
}
