#!/usr/bin/env python3
"""Generates tests/broken/<case>/: one realistic mistake per folder, from a clean base report.

Run from the repository root: python3 tests/make_broken.py. The folders are committed; the
expected diagnostics (expected.txt) are pinned by crates/core/tests/golden.rs
(UPDATE_GOLDEN=1 refreshes them).
"""
import os, re, shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "broken")
tmpl = open(os.path.join(os.path.dirname(__file__), "..", "templates", "report.toml"), encoding="utf-8").read()
# The [prose] lines `nianbao new` writes (crates/core/src/template.rs, prose_table) for a report
# with an opening and no table leads.
PROSE_TABLE = """opening = "opening.md"       # 开头段落（可选）：依据、统计期限、下载地址、联系方式
overview = "overview.md"     # 一、总体情况（原则上不超过一千字）
# active = "active.md"       # 二、表格前的说明（可选）
# applications = "applications.md"  # 三、表格前的说明（可选）
# appeals = "appeals.md"     # 四、表格前的说明（可选）
problems = "problems.md"     # 五、存在的主要问题及改进情况
other = "other.md"           # 六、其他需要报告的事项（必须写明信息处理费收取情况）"""
BASE = (tmpl.replace("@AGENCY@", "某某县交通运输局").replace("@YEAR@", "2024")
        .replace("@KIND@", "department").replace("@PUBLISHED@", "2025-01-20")
        .replace("@PROSE@", PROSE_TABLE))

def setrow(src, key, values):
    return re.sub(r"(?m)^(%s\s*=\s*)\[[^\]]*\]" % key, lambda m: m.group(1) + "[" + ", ".join(values) + "]", src, count=1)

# Clean, consistent numbers: 12 new + 1 carried = 10 handled + 3 carried forward.
BASE = setrow(BASE, "new", "8 2 0 1 0 1".split())
BASE = setrow(BASE, "carried_over", "1 0 0 0 0 0".split())
BASE = setrow(BASE, "disclosed", "5 1 0 0 0 0".split())
BASE = setrow(BASE, "not_held", "2 0 0 1 0 0".split())
BASE = setrow(BASE, "repeated", "1 0 0 0 0 0".split())
BASE = setrow(BASE, "carried_forward", "1 1 0 0 0 1".split())
BASE = setrow(BASE, "normative", "3 1 20".split())
BASE = setrow(BASE, "review", "1 0 0 1".split())
BASE = BASE.replace("licensing = 0", "licensing = 1520").replace("fee = 0  ", "fee = 2.5")

PROSE = {
    "opening.md": "本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为{{year}}年1月1日至12月31日。\n",
    "overview.md": "## （一）主动公开\n\n全年主动公开政府信息360条。\n\n## （二）依申请公开\n\n全年新收政府信息公开申请{{applications.new}}件，办结{{applications.total}}件。\n",
    "problems.md": "一是公开内容更新不够及时。下一步将建立季度检查制度，逐项整改落实。\n",
    "other.md": "本年度未收取信息处理费。\n",
}

def case(name, toml=BASE, prose=None, last=None):
    d = os.path.join(ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    files = dict(PROSE)
    files.update(prose or {})
    open(os.path.join(d, "report.toml"), "w", encoding="utf-8").write(toml)
    for n, t in files.items():
        if t is not None:
            open(os.path.join(d, n), "w", encoding="utf-8").write(t)
    if last:
        ld = os.path.join(d, "last")
        os.makedirs(ld)
        ltoml, lprose = last
        open(os.path.join(ld, "report.toml"), "w", encoding="utf-8").write(ltoml)
        lfiles = dict(PROSE)
        lfiles.update(lprose)
        for n, t in lfiles.items():
            open(os.path.join(ld, n), "w", encoding="utf-8").write(t)

shutil.rmtree(ROOT, ignore_errors=True)
case("clean")
case("t3-balance", setrow(BASE, "new", "9 2 0 1 0 1".split()))
case("t3-subtotal", BASE.replace("carried_forward =", "total           = [9, 1, 0, 1, 0, 0]\ncarried_forward ="))
# The 2022 township pattern: a （四） row filled while the stated （七）总计 leaves it out; the
# imbalance it causes is folded into the one E-T3-SUBTOTAL.
case("t3-subtotal-fold", setrow(BASE.replace("carried_forward =", "total           = [8, 1, 0, 1, 0, 0]\ncarried_forward ="),
                               "needs_creation", "3 0 0 0 0 0".split()))
case("t3-rowsum", setrow(BASE, "disclosed", "5 1 0 0 0 0 7".split()))
case("t4-sum", setrow(BASE, "review", "1 0 0 1 3".split()))
case("number-negative", setrow(BASE, "secret", "0 -1 0 0 0 0".split()))
case("number-slash", BASE.replace("punishment = 0", 'punishment = "/"'))
case("number-fraction", setrow(BASE, "rules", "0 0 1.5".split()))
case("number-missing-row", re.sub(r"(?m)^query .*\n", "", BASE))
case("number-short-row", setrow(BASE, "unclear", "0 0 0".split()))
case("sections-missing", BASE.replace('problems = "problems.md"', '# problems = "problems.md"'))
case("sections-heading", prose={"overview.md": "# 一、总体情况\n\n" + PROSE["overview.md"]})
case("sections-empty", prose={"problems.md": "<!-- 待写 -->\n"})
case("fee-missing", prose={"other.md": "本年度无其他需要报告的事项。\n"})
case("old-format", prose={"overview.md": PROSE["overview.md"] + "\n本年新制作数量12件，对外公开总数量300件。\n"})
case("toml-syntax", setrow(BASE, "new", "8 2 0 1 0 1".split()).replace("new             = [8, 2, 0, 1, 0, 1]", "new             = [8, 2, 0, 1, 0, 1"))
case("unknown-key", BASE.replace('agency = "', 'agnecy = "', 1).replace("carried_over    =", "carried_ovr     =")
     .replace("punishment = 0", "punishmnet = 815").replace("enforcement = 0", "enforce_count = 41"))
case("wrong-type", BASE.replace("year = 2024", 'year = "2024年"').replace('kind = "department"', 'kind = "departmnet"'))
case("path-escape", BASE.replace('overview = "overview.md"', 'overview = "../../etc/passwd"'))
case("missing-file", BASE.replace('problems = "problems.md"', 'problems = "problem.md"'))
case("bad-date", BASE.replace("published = 2025-01-20", "published = 2025-02-30"))
case("placeholder", prose={"overview.md": "全年新收申请{{applications.nwe}}件，复议{{appeals.reveiw}}件。\n"})
case("text-table", prose={"overview.md": "全年新收政府信息公开申请15件，办结10件。被申请行政复议3件，结转下年度继续办理3件。\n"})
case("text-zero", prose={"overview.md": "本年度未收到政府信息公开申请。\n"})
case("enum", prose={"overview.md": "## （一）主动公开\n\n全年主动公开政府信息360条。\n\n## （二）依申请公开\n\n全年新收政府信息公开申请{{applications.new}}件。\n\n## （二）政府信息管理\n\n严格公开属性认定。\n",
                    "problems.md": "一是公开内容更新不够及时。二是解读形式单一。三是业务培训不足。三是监督考核不严。下一步将逐项整改。\n"})
case("overview-len", prose={"overview.md": "全年持续深化政务公开，围绕重点领域逐项落实公开要求，不断提升公开质量和实效。\n\n" * 30})
case("deadline", BASE.replace("published = 2025-01-20", "published = 2025-02-15"))
case("punct", prose={"opening.md": "根据《条例》要求,现发布本报告(全文)。\n"})
case("label", prose={"overview.md": PROSE["overview.md"] + "\n1、规范办理流程\n\n对照本年制件数量和现行有效件数量进行清理。\n"})
case("todo", prose={"problems.md": "【待填写：存在的主要问题】\n"})
# Issue 14: what clerks paste and type.
case("sections-pasted", prose={"overview.md": PROSE["overview.md"] + "\n四、因政府信息公开工作被申请行政复议、提起行政诉讼情况\n行政复议、行政诉讼情况详见表四。\n",
                               "other.md": "六、其它需要报告的事项\n本年度未收取信息处理费。\n"})
case("unclosed-comment", prose={"overview.md": "## （一）主动公开\n\n全年主动公开政府信息360条。\n\n<!-- 写作提示：依申请公开情况要写明新收、办结和结转件数\n\n## （二）依申请公开\n\n全年新收政府信息公开申请{{applications.new}}件，办结{{applications.total}}件。\n"})
case("toml-chinese-punct", BASE.replace('agency = "某某县交通运输局"', 'agency = “某某县交通运输局”')
     .replace("licensing = 1520", "licensing ＝ 1520").replace("rules = [0, 0, 0]", "rules = [0，0，0]"))
case("toml-empty-cell", setrow(BASE, "disclosed", "5 1 0 0 0 0".split()).replace("disclosed       = [5, 1, 0, 0, 0, 0]", "disclosed       = [5, 1, , 0, 0, 0]"))
case("number-word-table", setrow(setrow(BASE, "security", ['"/"'] * 6), "secret", ['"/"', "0", '""', "0", "0", '"—"']))
case("agency-too-long", BASE.replace('agency = "某某县交通运输局"', 'agency = "%s"' % ("某" * 63 + "交通局")))
case("imprint-printer-too-long", BASE.replace("[prose]", '[imprint]\ncc = ["县政府办公室", "县政务公开办公室"]\nprinter = "某某县交通运输局办公室综合科档案管理室文印室"\n\n[prose]'))
case("markup", prose={"problems.md": PROSE["problems.md"] + "\n| 项目 | 数量 |\n|---|---|\n| 申请 | 5 |\n\n<div>\n块级HTML里的文字\n</div>\n\n全角占位符｛｛applications.new｝｝件。\n"})
LAST = (setrow(setrow(BASE.replace("year = 2024", "year = 2023").replace("published = 2025-01-20", "published = 2024-01-25").replace("fee = 2.5", "fee = 0.0025"),
               "carried_forward", "2 0 0 0 0 0".split()), "normative", "2 0 15".split()),
        {"problems.md": PROSE["problems.md"], "overview.md": PROSE["overview.md"]})
LAST = (setrow(setrow(LAST[0], "new", "9 1 0 1 0 1".split()), "carried_over", "0 0 0 0 0 0".split()), LAST[1])
case("cross-year", BASE.replace('# last_year = "../上年度报告文件夹"', 'last_year = "last"'), last=LAST)
# W-STOCK explained in the prose: a note, not a warning. Last year differs only in 现行有效.
LAST_STOCK = (setrow(setrow(setrow(BASE.replace("year = 2024", "year = 2023").replace("published = 2025-01-20", "published = 2024-01-25"),
                                   "normative", "2 0 15".split()), "carried_forward", "1 0 0 0 0 0".split()), "new", "8 1 0 1 0 0".split()),
              {"overview.md": "## （一）主动公开\n\n上年度主动公开政府信息280条。\n", "problems.md": "一是栏目设置有待优化。\n"})
case("stock-explained", BASE.replace('# last_year = "../上年度报告文件夹"', 'last_year = "last"'),
     prose={"overview.md": PROSE["overview.md"] + "\n开展行政规范性文件集中清理，将上年漏统的3件现行有效文件一并计入。\n"}, last=LAST_STOCK)
case("last-year-missing", BASE.replace('# last_year = "../上年度报告文件夹"', 'last_year = "../no-such-report"'))
# Issue 19: what the bad-input campaign found.
case("control-char", BASE.replace('agency = "某某县交通运输局"', 'agency = "某某县\\u001b[31m交通\\u202E运输局\\n二行"', 1))
case("number-too-large", BASE.replace("licensing = 1520", "licensing = 9007199254740993")
     .replace("new             = [8, 2, 0, 1, 0, 1]", "new             = [18446744073709551612, 2, 0, 1, 0, 1]"))
case("fee-radix", BASE.replace("fee = 2.5", "fee = 0x10"))
case("fee-exponent", BASE.replace("fee = 2.5", "fee = 1e-5"))
case("date-year", BASE.replace("published = 2025-01-20", 'published = "202-1-20"'))
case("many-findings", prose={"problems.md": PROSE["problems.md"] + "\n" + "中," * 200 + "\n\n" + "".join("第%d项,待改。\n\n" % i for i in range(30))})
case("encoding-gbk")
open(os.path.join(ROOT, "encoding-gbk", "problems.md"), "wb").write(PROSE["problems.md"].encode("gbk"))
print("cases:", len(os.listdir(ROOT)))
