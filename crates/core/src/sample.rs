//! A filled-in fictional report for exporter tests and benchmarks that should not depend on
//! the loader (the loader has its own tests against `examples/`).

use crate::format::{
    Kind, Part, PROSE_PARTS, T3_APPLICANT_COLS, T3_CARRIED_FORWARD, T3_CARRIED_OVER, T3_NEW,
    T3_RESULTS, T3_ROWS, T3_TOTAL, T4_GROUPS, T4_RESULT_COLS,
};
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

/// The repository's example reports (`examples/*/` with a `report.toml`): folder name and
/// path, sorted by name. For benches and tests run from a checkout.
pub fn examples() -> Vec<(String, std::path::PathBuf)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join(crate::load::REPORT_FILE).is_file())
                .map(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    (name, p)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
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

// ---------------------------------------------------------------------------------------
// Synthetic report folders (benchmarks, batch builds, layout stress)

/// A small deterministic generator (SplitMix64): the same seed gives the same report on every
/// platform, without a dependency. Public for tests that need random data of their own.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next_u64() % items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

const PLACES: [&str; 16] = [
    "青禾", "云溪", "石桥", "北湖", "南屏", "柳川", "白沙", "望江", "东岭", "西塘", "长宁", "安平",
    "临泉", "清水", "松阳", "金坪",
];
const DEPARTMENTS: [&str; 12] = [
    "生态环境局",
    "自然资源和规划局",
    "住房和城乡建设局",
    "交通运输局",
    "教育局",
    "卫生健康委员会",
    "市场监督管理局",
    "人力资源和社会保障局",
    "农业农村局",
    "财政局",
    "民政局",
    "水利局",
];
/// Townships of the synthetic reports: the first of the synthetic county's.
const TOWNS: &[&str] = COUNTY_TOWNS.split_at(8).0;

/// Sentences for the overview, by subsection; `{n}` becomes a free number (units that no
/// check reads as a count of applications).
const ACTIVE: [&str; 8] = [
    "全年通过门户网站主动公开政府信息{n}条，其中政策文件{n}条、工作动态{n}条。",
    "围绕财政预决算、重大建设项目、公共资源配置和社会公益事业等重点领域，及时发布相关信息{n}条。",
    "坚持政策文件与解读材料同步起草、同步审签、同步发布，全年发布图解、短视频等解读材料{n}篇。",
    "全年制发行政规范性文件{{active.normative.issued}}件，废止{{active.normative.repealed}}件，截至年底现行有效{{active.normative.in_force}}件，全部在规范性文件库中集中公开。",
    "对涉及群众切身利益的重大决策事项，通过网站、公众号等渠道公开征求意见{n}次，并反馈意见采纳情况。",
    "本年作出行政许可决定{{active.licensing}}项、行政处罚决定{{active.punishment}}项，均按规定在七个工作日内公开。",
    "规范政务新媒体管理，“**发布—审核—留存**”全流程留痕，全年推送信息{n}条。",
    "组织开展政府开放日活动{n}场，邀请人大代表、政协委员和群众代表共{n}人参加。",
];
const APPLY: [&str; 6] = [
    "全年新收政府信息公开申请{{applications.new}}件，上年结转{{applications.carried_over}}件，办结{{applications.total}}件，结转下年度继续办理{{applications.carried_forward}}件。",
    "办理结果中，予以公开{{applications.disclosed}}件，部分公开{{applications.partial}}件，不予公开{{applications.undisclosed}}件，无法提供{{applications.unavailable}}件。",
    "修订依申请公开办理规程，对涉及第三方权益的申请书面征求第三方意见，全部申请均在法定期限内答复。",
    "畅通当面、信函、网络等申请渠道，建立申请登记、审核、答复、归档全流程台账。",
    "全年发生政府信息公开行政复议{{appeals.review}}件、行政诉讼{{appeals.suit}}件，被纠正的均已重新答复。",
    "对疑难复杂申请实行“**一案一研判**”，答复文书统一格式、充分说理、告知救济途径。",
];
const MANAGE: [&str; 5] = [
    "严格落实公文公开属性源头认定制度，拟稿时明确公开方式，不予公开的须说明理由。",
    "严格执行信息发布“三审”制度，全年开展保密审查和公开属性审查{n}次。",
    "每季度对已公开信息进行全面核查，过期失效信息及时标注或撤除。",
    "完成历年行政规范性文件清理，清理结果向社会公布。",
    "建立政府信息公开目录动态更新机制，确保目录与实际公开内容一致。",
];
const PLATFORM: [&str; 4] = [
    "完成门户网站集约化迁移，政府信息公开专栏按“基础信息+重点领域”重新设置栏目{n}个。",
    "优化网站检索功能，支持按发文机关、文号、年份组合查询。",
    "政务服务便民热线将政策咨询类诉求纳入知识库统一答复，全年答复咨询{n}次。",
    "在政务服务中心设置政府信息公开查阅点{n}个，配备查阅终端和专人引导。",
];
const SUPERVISE: [&str; 4] = [
    "将政务公开工作纳入年度绩效考核，开展业务培训{n}期，培训人员{n}人次。",
    "聘请社会监督员{n}名，每季度通报网站巡查结果并督促整改。",
    "主要负责同志专题研究政务公开工作{n}次，明确分管负责同志和工作机构。",
    "对照第三方评估指标逐项查找差距，建立问题整改清单。",
];
const PROBLEMS: [&str; 6] = [
    "部分重点领域信息公开的及时性和完整性还有差距，个别栏目更新不够及时。",
    "政策解读形式仍较单一，图解、音视频等群众喜闻乐见的解读方式运用不够。",
    "依申请公开答复说理还不够充分，个别答复未告知申请人获取信息的途径。",
    "基层政务公开工作人员流动较大，业务能力有待进一步提升。",
    "政务新媒体运维力量薄弱，存在更新断档、留言回复不及时等问题。",
    "政府信息公开与政务服务融合不够，线上线下渠道衔接不够顺畅。",
];
const IMPROVE: [&str; 5] = [
    "下一步，将细化重点领域公开清单，建立栏目更新提醒机制，确保信息发布及时准确。",
    "丰富解读形式，推动解读材料与政策文件同步发布，提高政策知晓度。",
    "印发依申请公开答复指引，建立疑难申请集体研判和答复文书交叉评查机制。",
    "加强业务培训和工作指导，每年至少组织两次专题培训。",
    "开展政务新媒体专项检查，对长期不更新、无人管理的账号予以关停整合。",
];
const OTHER: [&str; 4] = [
    "全年承办人大代表建议{n}条、政协提案{n}条，均在规定时限内办理完毕并答复代表委员。",
    "对照本年度政务公开工作要点确定的{n}项任务建立工作台账，按月调度，年底全部完成。",
    "以“走进政府·共话发展”为主题举办政府开放日活动{n}场。",
    "深化基层政务公开标准化规范化建设，乡镇（街道）标准目录实现全覆盖。",
];

/// `count` sentences drawn from `pool` (repeats allowed), with free numbers filled in.
fn sentences(rng: &mut Rng, pool: &[&str], count: usize) -> String {
    let mut out = String::new();
    for _ in 0..count {
        let mut s = rng.pick(pool).to_string();
        while let Some(at) = s.find("{n}") {
            let n = rng.range(2, 300).to_string();
            s.replace_range(at..at + 3, &n);
        }
        out.push_str(&s);
    }
    out
}

/// Paragraphs of `per` sentences each, separated by blank lines.
fn paragraphs(rng: &mut Rng, pool: &[&str], paras: usize, per: usize) -> String {
    (0..paras)
        .map(|_| sentences(rng, pool, per))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Who a synthetic report is by, and when it was published.
struct Author {
    agency: String,
    kind: &'static str,
    signer: String,
    year: i32,
    published: String,
}

impl Author {
    fn new(rng: &mut Rng) -> Self {
        let place = rng.pick(&PLACES);
        let (agency, kind, signer) = match rng.range(0, 2) {
            0 => {
                let a = format!("{place}县人民政府");
                (a.clone(), "government", format!("{a}办公室"))
            }
            1 => {
                let a = format!("{place}市{}", rng.pick(&DEPARTMENTS));
                (a.clone(), "department", a)
            }
            _ => {
                let town = rng.pick(TOWNS);
                let a = if town.ends_with("街道") {
                    format!("{place}县{town}办事处")
                } else {
                    format!("{place}县{town}人民政府")
                };
                (a.clone(), "township", a)
            }
        };
        let year = 2021 + rng.range(0, 4) as i32;
        let published = Self::published(rng, kind, year);
        Author {
            agency,
            kind,
            signer,
            year,
            published,
        }
    }

    /// A given agency of a given kind and year (a unit of a synthetic county).
    fn unit(rng: &mut Rng, agency: &str, kind: Kind, year: i32) -> Self {
        let signer = if kind == Kind::Government {
            format!("{agency}办公室")
        } else {
            agency.to_string()
        };
        Author {
            agency: agency.to_string(),
            kind: kind.keyword(),
            signer,
            year,
            published: Self::published(rng, kind.keyword(), year),
        }
    }

    /// A publication date within the legal deadline: departments and townships by 31 January,
    /// governments by 31 March.
    fn published(rng: &mut Rng, kind: &str, year: i32) -> String {
        let (month, day) = if kind == "government" {
            (rng.range(1, 3), rng.range(1, 28))
        } else {
            (1, rng.range(5, 31))
        };
        format!("{}-{month:02}-{day:02}", year + 1)
    }
}

/// A complete, consistent report folder (file name, contents), for benchmarks and batch
/// tests: agency, kind and year vary with `seed`; the tables balance (no errors); the prose
/// runs from a few lines to several pages, so the tables start anywhere on a page and the long
/// ones break across pages. Numbers in the prose are placeholders, so the text always agrees
/// with the tables. The same seed always gives the same files.
pub fn synthetic_source(seed: u64) -> Vec<(String, String)> {
    synthetic(seed, None)
}

/// Like [`synthetic_source`], but for a given agency, kind and year: a unit of a county or
/// city, for roll-up tests and benchmarks (the numbers and prose still vary with `seed`).
pub fn synthetic_unit(seed: u64, agency: &str, kind: Kind, year: i32) -> Vec<(String, String)> {
    synthetic(seed, Some((agency, kind, year)))
}

fn synthetic(seed: u64, unit: Option<(&str, Kind, i32)>) -> Vec<(String, String)> {
    let mut rng = Rng(seed ^ 0x6E69_616E_6261_6F21);
    let mut who = Author::new(&mut rng);
    if let Some((agency, kind, year)) = unit {
        who = Author::unit(&mut rng, agency, kind, year);
    }
    // Size class: mostly ordinary reports, some very short, some long (several pages of prose
    // before the tables).
    let size = match rng.range(0, 9) {
        0 => 0,
        1..=6 => 1,
        7 | 8 => 2,
        _ => 3,
    };
    let leads = size >= 2 || rng.chance(30);
    let (agency, kind, signer, year, published) =
        (&who.agency, who.kind, &who.signer, who.year, &who.published);
    let mut toml = String::new();
    toml.push_str("# 合成的虚构报告（nianbao_core::sample::synthetic_source），用于性能测试。\n");
    toml.push_str(&format!(
        "agency = \"{agency}\"\nyear = {year}\nkind = \"{kind}\"\npublished = {published}\n\n"
    ));
    toml.push_str(&format!(
        "[signature]\nagency = \"{signer}\"\ndate = {published}\n\n"
    ));
    toml.push_str("[prose]\n");
    for p in PROSE_PARTS.iter().filter(|p| leads || !is_lead(p.part)) {
        toml.push_str(&format!("{} = \"{}\"\n", p.key, p.file));
    }
    toml.push('\n');
    toml.push_str(&synthetic_tables(&mut rng, size, kind));
    let mut files = vec![("report.toml".to_string(), toml)];
    files.extend(synthetic_prose(&mut rng, &who, size, leads));
    files
}

fn is_lead(part: Part) -> bool {
    matches!(
        part,
        Part::ActiveLead | Part::ApplicationsLead | Part::AppealsLead
    )
}

/// `[active]`, `[applications]` and `[appeals]` of a synthetic report of size class `size`.
fn synthetic_tables(rng: &mut Rng, size: usize, kind: &str) -> String {
    let mut toml = String::new();
    // 二: stock follows issued − repealed.
    let scale = [20u64, 200, 2_000, 20_000][size];
    let rules = if kind == "township" || rng.chance(60) {
        [0, 0, 0]
    } else {
        let issued = rng.range(0, 4);
        let repealed = rng.range(0, 3);
        [
            issued,
            repealed,
            rng.range(repealed, 40) + issued - repealed,
        ]
    };
    let issued = rng.range(0, 15);
    let repealed = rng.range(0, 10);
    let normative = [
        issued,
        repealed,
        rng.range(repealed, 150) + issued - repealed,
    ];
    let fee = if rng.chance(30) {
        "0".to_string()
    } else {
        format!("{}.{:04}", rng.range(0, 900), rng.range(0, 9_999))
    };
    toml.push_str(&format!(
        "[active]\nrules = {rules:?}\nnormative = {normative:?}\nlicensing = {}\npunishment = {}\nenforcement = {}\nfee = {fee}\n\n",
        rng.range(0, scale * 5),
        rng.range(0, scale),
        rng.range(0, scale / 10 + 1),
    ));

    // 三: per column, new + carried over = results + carried forward.
    let mut rows = vec![[0u64; 6]; T3_ROWS.len()];
    let col_scale = [scale, scale / 8 + 1, 2, 3, scale / 20 + 1, scale / 20 + 1];
    for col in T3_APPLICANT_COLS {
        let new = rng.range(0, col_scale[col]);
        let over = rng.range(0, new / 10 + 1);
        let forward = rng.range(0, (new + over) / 8 + 1).min(new + over);
        rows[T3_NEW][col] = new;
        rows[T3_CARRIED_OVER][col] = over;
        rows[T3_CARRIED_FORWARD][col] = forward;
        let mut left = new + over - forward;
        // Most are disclosed, the rest spread over the other results.
        let disclosed = left * rng.range(40, 90) / 100;
        rows[T3_RESULTS.start][col] = disclosed;
        left -= disclosed;
        while left > 0 {
            let row = rng.range(T3_RESULTS.start as u64 + 1, T3_RESULTS.end as u64 - 1) as usize;
            let take = rng.range(1, left.min(5));
            rows[row][col] += take;
            left -= take;
        }
    }
    toml.push_str("[applications]\n");
    for (i, row) in T3_ROWS.iter().enumerate() {
        if i == T3_TOTAL {
            continue;
        }
        toml.push_str(&format!("{} = {:?}\n", row.key, rows[i]));
    }
    toml.push_str("\n[appeals]\n");
    for (key, _) in T4_GROUPS {
        let cells: Vec<u64> = T4_RESULT_COLS.map(|_| rng.range(0, 3)).collect();
        toml.push_str(&format!("{key} = {cells:?}\n"));
    }
    toml
}

/// The prose files of a synthetic report (file name, text).
fn synthetic_prose(rng: &mut Rng, who: &Author, size: usize, leads: bool) -> Vec<(String, String)> {
    let (agency, signer, year) = (&who.agency, &who.signer, who.year);
    let host = format!(
        "www.{}.gov.cn",
        ["qh", "yx", "sq", "bh", "np"][rng.range(0, 4) as usize]
    );
    let opening = format!(
        "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息与政务公开办公室有关要求编制。报告中所列数据的统计期限自{{{{year}}}}年1月1日起至{{{{year}}}}年12月31日止。本报告电子版可在{agency}门户网站（http://{host}/zfxxgk/ndbg/{year}/index.html）查阅和下载。如对本报告有疑问，请与{signer}联系（电话：0{}-{}）。\n",
        rng.range(310, 999),
        rng.range(8_000_000, 8_999_999)
    );

    // 一、总体情况: an intro and the five usual subsections; long reports get more paragraphs
    // per subsection (and go past the 1000-character guideline, a warning only).
    let (paras, per) = [(1, 1), (1, 2), (2, 3), (4, 4)][size];
    let mut overview = sentences(rng, &ACTIVE[..1], 1);
    overview.insert_str(0, &format!("{{{{year}}}}年，{agency}坚持以人民为中心的发展思想，全面推进政务公开标准化规范化建设。"));
    for (title, pool) in [
        ("（一）主动公开", &ACTIVE[..]),
        ("（二）依申请公开", &APPLY[..]),
        ("（三）政府信息管理", &MANAGE[..]),
        ("（四）平台建设", &PLATFORM[..]),
        ("（五）监督保障", &SUPERVISE[..]),
    ] {
        overview.push_str(&format!("\n\n## {title}\n\n"));
        overview.push_str(&paragraphs(rng, pool, paras, per));
        if size >= 2 && rng.chance(50) {
            // A level-3 heading and a list, as real reports have.
            overview.push_str("\n\n### 1.工作举措\n\n");
            for _ in 0..rng.range(2, 4) {
                overview.push_str(&format!("- {}\n", sentences(rng, pool, 1)));
            }
        }
    }
    overview.push('\n');

    let mut problems = paragraphs(rng, &PROBLEMS, paras, per.max(2));
    problems.push_str("\n\n");
    for (i, _) in (0..rng.range(2, 4)).enumerate() {
        problems.push_str(&format!("{}. {}\n", i + 1, sentences(rng, &IMPROVE, 1)));
    }

    let fee_line = if rng.chance(80) {
        "本年度未收取信息处理费。".to_string()
    } else {
        format!(
            "依据《政府信息公开信息处理费管理办法》，本年度共收取信息处理费{}元。",
            rng.range(10, 900)
        )
    };
    let mut other = format!("## （一）信息处理费收取情况\n\n{fee_line}\n\n## （二）其他事项\n\n");
    other.push_str(&paragraphs(rng, &OTHER, paras.min(2), per));
    other.push('\n');

    let mut texts = vec![
        (Part::Opening, opening),
        (Part::Overview, overview),
        (Part::Problems, problems),
        (Part::Other, other),
    ];
    if leads {
        texts.push((
            Part::ActiveLead,
            format!(
                "本年收取行政事业性收费{{{{active.fee}}}}万元。{}\n",
                sentences(rng, &ACTIVE[3..4], 1)
            ),
        ));
        texts.push((
            Part::ApplicationsLead,
            format!("{}\n", sentences(rng, &APPLY[..2], per)),
        ));
        texts.push((
            Part::AppealsLead,
            "被纠正的行政复议案件均已按复议决定重新答复申请人。\n".to_string(),
        ));
    }
    texts
        .into_iter()
        .map(|(part, text)| (part.def().file.to_string(), text))
        .collect()
}

/// Departments of the synthetic county (more than [`DEPARTMENTS`], for 50-unit counties).
const COUNTY_DEPARTMENTS: [&str; 34] = [
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境分局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广电和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "城市管理局",
    "行政审批局",
    "信访局",
    "民族宗教事务局",
    "档案馆",
    "机关事务管理局",
    "粮食和物资储备局",
    "数据资源局",
    "地方金融管理局",
];
/// Townships and 街道 of the synthetic county.
const COUNTY_TOWNS: [&str; 16] = [
    "城关镇",
    "河口镇",
    "新桥乡",
    "双龙镇",
    "太平乡",
    "丰乐镇",
    "东门街道",
    "江南街道",
    "白马镇",
    "青山乡",
    "石门镇",
    "长岭乡",
    "永安镇",
    "桃源乡",
    "北关街道",
    "西湖街道",
];

/// The county [`synthetic_county`] makes.
pub const COUNTY: &str = "示范县";

/// One unit of a synthetic county: its folder name, its role word in `units.toml`, its files.
pub struct CountyUnit {
    /// Folder name (the agency's short name).
    pub dir: String,
    /// `本级`, `部门` or `乡镇`.
    pub role: &'static str,
    /// Its report's files ([`synthetic_unit`]).
    pub files: Vec<(String, String)>,
}

/// A county of `n` units for roll-up tests and benchmarks: the government's own office (本级),
/// then about two departments for every township; every report of `year`, valid, with numbers
/// and prose that vary per unit. Returns the `units.toml` listing them and the units.
pub fn synthetic_county(n: usize, year: i32) -> (String, Vec<CountyUnit>) {
    let mut units = Vec::with_capacity(n);
    let (mut d, mut t) = (0usize, 0usize);
    for i in 0..n {
        let (short, role, kind) = if i == 0 {
            ("人民政府办公室".to_string(), "本级", Kind::Department)
        } else if i % 3 == 0 {
            t += 1;
            let town = COUNTY_TOWNS[(t - 1) % COUNTY_TOWNS.len()];
            let name = if t > COUNTY_TOWNS.len() {
                format!("{town}{}", t / COUNTY_TOWNS.len() + 1)
            } else {
                town.to_string()
            };
            (name, "乡镇", Kind::Township)
        } else {
            d += 1;
            let dept = COUNTY_DEPARTMENTS[(d - 1) % COUNTY_DEPARTMENTS.len()];
            let name = if d > COUNTY_DEPARTMENTS.len() {
                format!("{dept}{}", d / COUNTY_DEPARTMENTS.len() + 1)
            } else {
                dept.to_string()
            };
            (name, "部门", Kind::Department)
        };
        let agency = match kind {
            Kind::Township if short.ends_with("街道") => format!("{COUNTY}{short}办事处"),
            Kind::Township => format!("{COUNTY}{short}人民政府"),
            _ => format!("{COUNTY}{short}"),
        };
        units.push(CountyUnit {
            files: synthetic_unit(1_000 + i as u64, &agency, kind, year),
            dir: short,
            role,
        });
    }
    let mut list = format!(
        "# {COUNTY}{year}年度政府信息公开工作年度报告 · 汇总单位清单（合成数据）\nagency = \"{COUNTY}人民政府\"\nyear = {year}\n"
    );
    for u in &units {
        list.push_str(&format!(
            "\n[[unit]]\ndir = \"{}\"\nrole = \"{}\"\n",
            u.dir, u.role
        ));
    }
    (list, units)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn synthetic_reports_load_without_errors() {
        let mut sizes = Vec::new();
        for seed in 0..40 {
            let files = synthetic_source(seed);
            assert_eq!(files, synthetic_source(seed), "deterministic");
            let toml = &files[0].1;
            let prose: Vec<(&str, &str)> = files[1..]
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            let mut loaded = crate::load::load_str(toml, &prose);
            crate::finish(&mut loaded);
            let errors: Vec<_> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == crate::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "seed {seed}: {errors:?}\n{toml}");
            // Warnings allowed: only the length guideline of long overviews.
            for d in &loaded.diagnostics {
                assert_eq!(d.id, "W-OVERVIEW-LEN", "seed {seed}: {d:?}");
            }
            let r = loaded.report.unwrap();
            sizes.push(r.sections.overview.text().chars().count());
        }
        sizes.sort_unstable();
        assert!(
            sizes[0] < 400 && sizes[sizes.len() - 1] > 2_000,
            "{sizes:?}"
        );
    }
}
