//! Every exporter (XLSX, DOCX, PDF, HTML) takes any document the loader can produce from damaged sources — control
//! characters, unpaired brackets, huge numbers, empty sections — without failing or panicking.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use nianbao_core::load::load_str;
use nianbao_export::fonts::{find_font_dir, Fonts};

/// Escapes text for a TOML basic string.
fn toml_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => "\\\"".to_string(),
            '\\' => "\\\\".to_string(),
            c if c.is_control() => format!("\\u{:04X}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

#[test]
fn odd_documents_export_in_every_format() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-county-2024");
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    let fonts = Fonts::load(&find_font_dir(None).unwrap(), &[]).unwrap();
    let odd = [
        "\u{0}\u{1}\u{7}控制字符\u{b}\u{c}\u{1b}[31m",
        "（（（《《“‘【〔",
        "……——……——，。、；：？！）》」』”’",
        "𠀀𪚥𰻞 镕堃喆 emoji 😀 ①②③ ＡＢＣ",
        "a&b<c>\"d'e]]>&amp;",
        &"长".repeat(3000),
        &"x".repeat(600),
        "",
        "   \t  ",
    ];
    for (k, text) in odd.iter().enumerate() {
        let prose = [
            ("opening.md", *text),
            ("overview.md", *text),
            ("active.md", "a"),
            ("applications.md", "b"),
            ("appeals.md", "c"),
            ("problems.md", *text),
            ("other.md", "本年度未收取信息处理费。"),
        ];
        let agency: String = text.chars().take(40).collect();
        let toml = toml.replace(
            "青禾县人民政府",
            &format!("青禾县{}人民政府", toml_escape(&agency)),
        );
        let mut loaded = load_str(&toml, &prose);
        nianbao_core::finish(&mut loaded);
        let report = loaded.report.unwrap();
        let doc = nianbao_core::document::build(&report, true);
        nianbao_export::xlsx::export(&doc).unwrap_or_else(|e| panic!("xlsx {k}: {e}"));
        nianbao_export::docx::export(&doc).unwrap_or_else(|e| panic!("docx {k}: {e}"));
        let pdf =
            nianbao_export::pdf::export(&doc, &fonts).unwrap_or_else(|e| panic!("pdf {k}: {e}"));
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        let ofd =
            nianbao_export::ofd::export(&doc, &fonts).unwrap_or_else(|e| panic!("ofd {k}: {e}"));
        assert!(ofd.bytes.starts_with(b"PK"));
        let html = nianbao_export::html::export(&doc).unwrap_or_else(|e| panic!("html {k}: {e}"));
        for (name, text) in [("page", &html.page), ("fragment", &html.fragment)] {
            // No raw control characters (HTML forbids them) and no markup from the text.
            let raw = text
                .chars()
                .find(|&c| c.is_control() && c != '\n' && c != '\t');
            assert_eq!(raw, None, "html {name} {k}");
            assert!(
                !text.contains("<c>") && !text.contains("]]>"),
                "html {name} {k}"
            );
        }
    }
}
