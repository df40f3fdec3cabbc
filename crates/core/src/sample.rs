//! A filled-in fictional report for exporter tests and benchmarks that should not depend on
//! the loader (the loader has its own tests against `examples/`).

use crate::format::Kind;
use crate::model::{Block, Count, Date, Inline, Prose, Report, Signature};
use crate::source::{FileId, Span};

fn inline(text: &str, bold: bool) -> Inline {
    Inline {
        text: text.to_string(),
        bold,
        span: Span::new(FileId(0), 0..0),
        exact: false,
        generated: false,
    }
}

fn para(text: &str) -> Block {
    Block::Paragraph {
        inlines: vec![inline(text, false)],
        span: Span::new(FileId(0), 0..0),
    }
}

fn heading(level: u8, text: &str) -> Block {
    Block::Heading {
        level,
        inlines: vec![inline(text, false)],
        span: Span::new(FileId(0), 0..0),
    }
}

fn prose(blocks: Vec<Block>) -> Prose {
    Prose {
        file: Some(FileId(0)),
        blocks,
    }
}

/// A consistent, non-zero report of a fictional county government (every check passes).
pub fn sample_report() -> Report {
    let mut r = Report::empty("示范县人民政府", 2024, Kind::Government);
    r.published = Some(Date {
        year: 2025,
        month: 3,
        day: 20,
    });
    r.signature = Some(Signature {
        agency: "示范县人民政府办公室".into(),
        date: Date {
            year: 2025,
            month: 3,
            day: 20,
        },
    });
    let set = |cells: &mut [Count], values: &[u64]| {
        for (c, v) in cells.iter_mut().zip(values) {
            c.value = *v;
        }
    };
    set(&mut r.active.rules, &[0, 0, 0]);
    set(&mut r.active.normative, &[12, 3, 86]);
    r.active.licensing.value = 15_234;
    r.active.punishment.value = 2_087;
    r.active.enforcement.value = 46;
    r.active.fee.value = 1234.5678;
    r.active.fee.text = "1234.5678".into();
    let t = &mut r.applications.rows;
    set(&mut t[0].cells, &[120, 8, 1, 2, 3, 4]); // 138 new
    set(&mut t[1].cells, &[5, 1, 0, 0, 0, 0]); // 6 carried over
    set(&mut t[2].cells, &[60, 4, 1, 1, 2, 1]); // disclosed
    set(&mut t[3].cells, &[10, 1, 0, 0, 0, 1]); // partial
    set(&mut t[4].cells, &[1, 0, 0, 0, 0, 0]);
    set(&mut t[7].cells, &[3, 1, 0, 0, 0, 0]);
    set(&mut t[9].cells, &[2, 0, 0, 0, 0, 0]);
    set(&mut t[12].cells, &[25, 1, 0, 1, 0, 1]);
    set(&mut t[13].cells, &[4, 0, 0, 0, 0, 0]);
    set(&mut t[15].cells, &[6, 0, 0, 0, 0, 0]);
    set(&mut t[16].cells, &[3, 0, 0, 0, 0, 0]);
    set(&mut t[20].cells, &[2, 1, 0, 0, 0, 0]);
    set(&mut t[22].cells, &[1, 0, 0, 0, 0, 0]);
    set(&mut t[24].cells, &[8, 1, 0, 0, 1, 1]);
    let g = &mut r.appeals.groups;
    set(&mut g[0].cells, &[5, 1, 0, 1]);
    set(&mut g[1].cells, &[3, 0, 1, 2]);
    set(&mut g[2].cells, &[1, 0, 0, 0]);
    r.sections.opening = Some(prose(vec![para(
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现发布示范县人民政府2024年政府信息公开工作年度报告。本报告所列数据统计期限自2024年1月1日起至2024年12月31日止。本报告电子版可在示范县人民政府门户网站（http://www.shifan.gov.cn）下载。如对本报告有疑问，请联系示范县人民政府办公室，地址：示范县人民路1号，邮编：123456，电话：0517-83605210，电子邮箱：hazwgkc@163.com。",
    )]));
    r.sections.overview = prose(vec![
        para("2024年，示范县坚持以人民为中心，全面推进政务公开标准化规范化建设，不断提升政府信息公开质量。"),
        heading(2, "（一）主动公开"),
        Block::Paragraph {
            inlines: vec![
                inline("全年主动公开政府信息", false),
                inline("3856条", true),
                inline("，其中规范性文件12件，现行有效规范性文件86件。“三安全一稳定”类信息依法审查，未发生泄密事件。", false),
            ],
            span: Span::new(FileId(0), 0..0),
        },
        heading(2, "（二）依申请公开"),
        para("全年新收政府信息公开申请138件，上年结转6件，办结133件，结转下年度继续办理11件。"),
        heading(3, "1.规范办理流程"),
        para("严格执行登记、审核、答复、归档全流程管理，答复文书格式统一。"),
    ]);
    r.sections.problems = prose(vec![para(
        "一是部分部门公开内容更新不够及时；二是政策解读形式较为单一。下一步，我县将加强督促检查，丰富解读形式。",
    )]);
    r.sections.other = prose(vec![para(
        "本年度未收取信息处理费。依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），全年共发出收费通知0件。",
    )]);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{T3_CARRIED_FORWARD, T3_CARRIED_OVER, T3_NEW, T3_TOTAL};

    #[test]
    fn sample_balances() {
        let r = sample_report();
        let t = &r.applications;
        for col in 0..7 {
            assert_eq!(
                t.value(T3_NEW, col) + t.value(T3_CARRIED_OVER, col),
                t.value(T3_TOTAL, col) + t.value(T3_CARRIED_FORWARD, col),
                "column {col}"
            );
        }
    }
}
