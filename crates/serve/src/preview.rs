//! The live preview: the portal's HTML page of the report (`nianbao_export::html::page`,
//! issue 12's renderer), exactly as `nianbao build --format html` writes it, for the report
//! as it is on disk.

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
    nianbao_export::html::page(&document::build(report, draft))
}
