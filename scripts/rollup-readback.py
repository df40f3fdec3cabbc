#!/usr/bin/env python3
"""Reads a roll-up back with tools we did not write: 汇总.xlsx through openpyxl (cached values,
as Excel shows them without recalculating), the unit reports and the aggregate report.toml
through Python's tomllib. Checks, independently of nianbao's code:

  * one row per unit of units.toml, in its order, each holding that unit's typed numbers;
  * the totals row equals the aggregate report.toml, cell for cell, and equals the sum of the
    rows whose 计入汇总 is 是 (computed here);
  * the column headers carry the official labels of the leaf cells.

Usage: scripts/rollup-readback.py UNITS_DIR GOV_DIR   (needs openpyxl; exit 1 on a mismatch)
"""

import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl

T3_ROWS = [
    "new", "carried_over", "disclosed", "partial", "secret", "prohibited", "security",
    "third_party", "internal", "process", "case_file", "query", "not_held", "needs_creation",
    "unclear", "petition", "repeated", "publication", "excessive", "confirmation",
    "no_correction", "unpaid", "other", "carried_forward",
]
T4_GROUPS = ["review", "suit_direct", "suit_after_review"]
FIXED = 12  # 序号 … 计入汇总
FIRST_ROW = 7  # 1-based: title, description, legend, three header rows


def leaves(report):
    """The typed numbers of a report.toml, in the order of the official tables."""
    a, t3, t4 = report["active"], report["applications"], report["appeals"]
    out = [*a["rules"][:3], *a["normative"][:3], a["licensing"], a["punishment"], a["enforcement"]]
    out.append(Decimal(str(a["fee"])))
    for key in T3_ROWS:
        out.extend(t3[key][:6])
    for key in T4_GROUPS:
        out.extend(t4[key][:4])
    return out


def same(x, y):
    return Decimal(str(x)) == Decimal(str(y))


def main():
    units_dir, gov_dir = Path(sys.argv[1]), Path(sys.argv[2])
    units = tomllib.loads((units_dir / "units.toml").read_text("utf-8"))["unit"]
    gov = tomllib.loads((gov_dir / "report.toml").read_text("utf-8"))
    ws = openpyxl.load_workbook(gov_dir / "汇总.xlsx", data_only=True)["汇总"]
    failed = []

    expected_labels = {
        FIXED + 1: "本年制发件数", FIXED + 7: "本年处理决定数量",
        FIXED + 10: "本年收费金额（单位：万元）", FIXED + 11: "自然人", FIXED + 12: "商业企业",
        FIXED + 155: "结果维持", FIXED + 166: "尚未审结",
    }
    for col, label in expected_labels.items():
        if ws.cell(6, col).value != label:
            failed.append(f"header column {col}: {ws.cell(6, col).value!r}, expected {label!r}")
    if ws.cell(5, FIXED + 1).value != "规章":
        failed.append(f"row label of the first leaf column: {ws.cell(5, FIXED + 1).value!r}")

    n_leaves = len(leaves(gov))
    sums = [Decimal(0)] * n_leaves
    for i, unit in enumerate(units):
        row = FIRST_ROW + i
        report_path = units_dir / unit["dir"] / "report.toml"
        cells = [ws.cell(row, FIXED + 1 + k).value for k in range(n_leaves)]
        counted = ws.cell(row, FIXED).value == "是"
        if not report_path.is_file():
            if any(c is not None for c in cells) or counted:
                failed.append(f"row {row}: missing unit {unit['dir']} has numbers or is counted")
            continue
        report = tomllib.loads(report_path.read_text("utf-8"))
        if ws.cell(row, 2).value != report["agency"]:
            failed.append(f"row {row}: unit {ws.cell(row, 2).value!r}, expected {report['agency']!r}")
        for k, (got, want) in enumerate(zip(cells, leaves(report))):
            if got is None or not same(got, want):
                failed.append(f"row {row} column {FIXED + 1 + k}: {got!r}, report.toml has {want!r}")
        if counted:
            sums = [s + Decimal(str(c)) for s, c in zip(sums, cells)]
    totals_row = FIRST_ROW + len(units)
    if not str(ws.cell(totals_row, 1).value).startswith("合计"):
        failed.append(f"row {totals_row} is not the totals row: {ws.cell(totals_row, 1).value!r}")
    totals = [ws.cell(totals_row, FIXED + 1 + k).value for k in range(n_leaves)]
    for k, (got, want, summed) in enumerate(zip(totals, leaves(gov), sums)):
        if got is None or not same(got, want) or not same(got, summed):
            failed.append(f"total column {FIXED + 1 + k}: {got!r}; report.toml {want!r}; sum of rows {summed}")

    for f in failed[:20]:
        print("FAIL", f, file=sys.stderr)
    if failed:
        print(f"rollup-readback: {len(failed)} mismatches", file=sys.stderr)
        return 1
    print(f"rollup-readback: {len(units)} units × {n_leaves} cells and the totals agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
