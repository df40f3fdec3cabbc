//! The live preview: the portal's HTML page of the report (`nianbao_export::html::page`), as
//! `nianbao build --format html` writes it, for the report as it is on disk.

use nianbao_core::diag::count;
use nianbao_core::document;
use nianbao_core::load::Loaded;

/// The preview page of a loaded report (a draft when it has errors, as `--draft` builds it).
pub fn page(loaded: &Loaded) -> String {
    let Some(report) = loaded.report.as_ref() else {
        return "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>预览</title>\
                <body><p>report.toml 有错误，改正后显示预览。</p></body></html>"
            .into();
    };
    let draft = count(&loaded.diagnostics).errors > 0;
    let doc = document::build(report, draft);
    // Issue 12's HTML exporter replaces this placeholder (merge pending).
    let mut s = String::from("<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><body>");
    s.push_str(&escape(&doc.meta.title));
    s.push_str("</body></html>");
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
