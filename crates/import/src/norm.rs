//! Normalising text read from foreign files: widths, spaces, numbering, numbers.
//!
//! Labels in real reports differ from the official ones in small ways — half-width brackets
//! `(一)`, spaces a PDF justifier put between characters (`三、本 年度 办理 结果`), `1、` for `1.`,
//! a colon at the end. Comparing [`label`] forms makes those equal; the text itself is kept
//! as it was for the prose.

/// Whether `c` is a CJK ideograph or full-width punctuation (where a space is never content).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}'   // radicals, CJK symbols and punctuation, kana, ideographs
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}' // compatibility forms
        | '\u{FF00}'..='\u{FFEF}' // full-width forms
        | '\u{2018}'..='\u{201F}' // curly quotes
        | '\u{2026}' | '\u{2014}' | '\u{00B7}'
    ) || ('\u{20000}'..='\u{3FFFF}').contains(&c)
}

/// Full-width ASCII variants (`（`, `１`, `：`, U+3000) to ASCII; everything else unchanged.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The comparison form of a label: half-width, no whitespace, `、`/`．` after a leading
/// digit as `.`, quotes straightened, a trailing colon dropped.
pub fn label(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}' && *c != '\u{FEFF}')
        .map(|c| match c {
            '“' | '”' | '„' | '″' => '"',
            '‘' | '’' => '\'',
            '〔' | '［' | '【' => '[',
            '〕' | '］' | '】' => ']',
            _ => c,
        })
        .collect();
    // `1、` / `1．` (full stop already half-width) → `1.`
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest: String = out.chars().skip(digits).collect();
        if let Some(r) = rest.strip_prefix('、') {
            out = format!("{}.{}", &out[..digits], r);
        }
    }
    while out.ends_with(':') {
        out.pop();
    }
    out
}

/// Removes spaces that have a CJK character on either side (a PDF justifier's or a web
/// editor's spacing, never content); spaces between Latin letters and digits stay.
pub fn squeeze_cjk_spaces(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\u{3000}' || c == '\u{a0}' {
            let start = i;
            while i < chars.len() && matches!(chars[i], ' ' | '\u{3000}' | '\u{a0}') {
                i += 1;
            }
            let before = start.checked_sub(1).map(|k| chars[k]);
            let after = chars.get(i).copied();
            let cjk = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
            if !cjk && before.is_some() && after.is_some() {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// What a table cell holds, as far as numbers go.
#[derive(Clone, Debug, PartialEq)]
pub enum CellNum {
    /// A whole count.
    Count(u64),
    /// A decimal amount, with its text as written (`356.2731`).
    Decimal(String),
    /// Nothing, or a dash or slash standing for nothing (`/`, `—`, `无`).
    Blank(String),
    /// Text.
    Text,
}

/// Classifies a cell's text. Full-width digits and thousands separators (`1,234`) are read;
/// `12.0` (a spreadsheet's float) is a count.
pub fn cell_num(text: &str) -> CellNum {
    let t: String = text
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace())
        .collect();
    if t.is_empty() {
        return CellNum::Blank(String::new());
    }
    if matches!(
        t.as_str(),
        "/" | "-" | "—" | "——" | "–" | "无" | "\\" | "—/—" | "--"
    ) {
        return CellNum::Blank(t);
    }
    let grouped = t.contains(',');
    let plain = t.replace(',', "");
    if grouped && !valid_grouping(&t) {
        return CellNum::Text;
    }
    if !plain.is_empty() && plain.chars().all(|c| c.is_ascii_digit()) {
        return plain.parse().map_or(CellNum::Text, CellNum::Count);
    }
    if let Some((i, f)) = plain.split_once('.') {
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if digits(i) && digits(f) {
            if f.chars().all(|c| c == '0') {
                if let Ok(n) = i.parse() {
                    return CellNum::Count(n);
                }
            }
            return CellNum::Decimal(plain);
        }
    }
    CellNum::Text
}

fn valid_grouping(t: &str) -> bool {
    let int = t.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
}

/// A four-digit year between 2008 (the first year of the 条例) and 2100 at the start of
/// `s` (after spaces).
pub fn leading_year(s: &str) -> Option<i32> {
    let digits: String = s
        .trim_start()
        .chars()
        .map(half_width)
        .take_while(char::is_ascii_digit)
        .collect();
    let y: i32 = digits.parse().ok()?;
    (digits.len() == 4 && (2008..=2100).contains(&y)).then_some(y)
}

/// `2025年1月20日` (spaces allowed) as (year, month, day).
pub fn chinese_date(s: &str) -> Option<(i32, u8, u8)> {
    let t: String = s
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace())
        .collect();
    let (y, rest) = t.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    let d: u8 = d.parse().ok()?;
    ((2008..=2101).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_compare_across_widths_and_spaces() {
        assert_eq!(label("（一）予以公开"), label("(一)予以公开"));
        assert_eq!(label("三、本 年度 办理 结果"), label("三、本年度办理结果"));
        assert_eq!(label("1、属于国家秘密"), label("1.属于国家秘密"));
        assert_eq!(label("１．属于国家秘密"), "1.属于国家秘密");
        assert_eq!(label("（三）不予公开："), "(三)不予公开");
        assert_eq!(label("危及“三安全一稳定”"), label("危及\"三安全一稳定\""));
    }

    #[test]
    fn spaces_next_to_cjk_go() {
        assert_eq!(
            squeeze_cjk_spaces("年报 ” 栏 目 （ http://a.cn"),
            "年报”栏目（http://a.cn"
        );
        assert_eq!(squeeze_cjk_spaces("Open XML  SDK"), "Open XML SDK");
        assert_eq!(squeeze_cjk_spaces("  2024 年 "), "2024年");
    }

    #[test]
    fn numbers() {
        assert_eq!(cell_num(" 12 "), CellNum::Count(12));
        assert_eq!(cell_num("１２"), CellNum::Count(12));
        assert_eq!(cell_num("1,234"), CellNum::Count(1234));
        assert_eq!(cell_num("12,34"), CellNum::Text);
        assert_eq!(cell_num("3.0"), CellNum::Count(3));
        assert_eq!(cell_num("356.2731"), CellNum::Decimal("356.2731".into()));
        assert_eq!(cell_num("/"), CellNum::Blank("/".into()));
        assert_eq!(cell_num(""), CellNum::Blank(String::new()));
        assert_eq!(cell_num("2."), CellNum::Text);
        assert_eq!(cell_num("1.属于国家秘密"), CellNum::Text);
        assert_eq!(cell_num("99999999999999999999999"), CellNum::Text);
    }

    #[test]
    fn years_and_dates() {
        assert_eq!(leading_year("2024 年政府信息公开"), Some(2024));
        assert_eq!(leading_year("1999年"), None);
        assert_eq!(chinese_date("2025 年 1 月 20 日"), Some((2025, 1, 20)));
        assert_eq!(chinese_date("2025年13月20日"), None);
    }
}
