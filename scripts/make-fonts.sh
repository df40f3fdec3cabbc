#!/usr/bin/env bash
# Rebuild fonts/ from Debian packages (see fonts/README.md).
#
#   scripts/make-fonts.sh
#
# Downloads texlive-lang-chinese (Fandol fonts, GPL-3 + font exception),
# fonts-noto-cjk (Noto CJK, SIL OFL 1.1) and fonts-liberation2 (Liberation Serif,
# SIL OFL 1.1) with `apt-get download`, extracts them with `dpkg -x` (nothing is
# installed), copies FandolFang/FandolKai unmodified, makes three renamed subsets
# of Noto CJK and one renamed Latin subset of Liberation Serif (the Times-metric
# face for digits and Latin letters) with fontTools' pyftsubset.
# Running it twice gives byte-identical files.
#
# Environment:
#   DEB_DIR        folder that already holds the two .deb files (skip download)
#   FONTTOOLS_PY   a python that already has fontTools==$FONTTOOLS_VERSION
#                  (otherwise a throw-away venv is made under the temp dir)
#   ALLOW_OTHER_INPUTS=1  do not fail when the source fonts' SHA-256 differ
#                  from the ones this script was written against
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/fonts"

FONTTOOLS_VERSION=4.68.0
TEXLIVE_PKG="texlive-lang-chinese=2022.20230122-1"
NOTO_PKG="fonts-noto-cjk=1:20220127+repack1-1"
LIBERATION_PKG="fonts-liberation2=2.1.5-1"
# Fixed timestamp written to head.created/head.modified of the subsets:
# 2022-01-27T00:00:00Z, the fonts-noto-cjk upstream release date.
export SOURCE_DATE_EPOCH=1643241600

# SHA-256 of the inputs this script was written against (Debian bookworm).
declare -A INPUT_SHA256=(
  [FandolFang-Regular.otf]=d838ad32ce2244d8144f408c37fe71065aba6fbbc80759a4d2aa2033948d5bc9
  [FandolKai-Regular.otf]=ea7e7fb4f9b3ac694a68d43946e04d21deed6e8c29a7c2d3081e1a4138f2f827
  [NotoSansCJK-Regular.ttc]=b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a
  [NotoSerifCJK-Regular.ttc]=a04178ec485dffdff7cc0c0c20e1fce9202d7e2160d805e8e44a4c8841c58481
  [NotoSerifCJK-Bold.ttc]=a5d4b046c127da3d7c72f98b46c41489cd29bf52abfdf18aba920903e920d4ac
  [LiberationSerif-Regular.ttf]=29d12439831b7f59194efec85872f24f54eff05738933f9a860220d2abff88ba
)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/make-fonts.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "work dir: $WORK"

# ---- 1. packages ------------------------------------------------------------
if [[ -n "${DEB_DIR:-}" ]]; then
  DEBS="$DEB_DIR"
else
  DEBS="$WORK/debs"; mkdir -p "$DEBS"
  if ! (cd "$DEBS" && apt-get download "$TEXLIVE_PKG" "$NOTO_PKG" "$LIBERATION_PKG"); then
    echo "apt-get download failed; running apt-get update and retrying" >&2
    apt-get update -qq
    (cd "$DEBS" && apt-get download "$TEXLIVE_PKG" "$NOTO_PKG" "$LIBERATION_PKG")
  fi
fi
X="$WORK/x"; mkdir -p "$X"
for deb in "$DEBS"/texlive-lang-chinese_*.deb "$DEBS"/fonts-noto-cjk_*.deb \
           "$DEBS"/fonts-liberation2_*.deb; do
  [[ -f "$deb" ]] || { echo "missing $deb" >&2; exit 1; }
  dpkg -x "$deb" "$X"
done
FANDOL_DIR="$X/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
FANDOL_DOC="$X/usr/share/doc/texlive-doc/fonts/fandol"
NOTO_DIR="$X/usr/share/fonts/opentype/noto"
NOTO_COPYRIGHT="$X/usr/share/doc/fonts-noto-cjk/copyright"
LIBERATION_DIR="$X/usr/share/fonts/truetype/liberation2"
LIBERATION_COPYRIGHT="$X/usr/share/doc/fonts-liberation2/copyright"

check_sha() {
  local f="$1" want="${INPUT_SHA256[$(basename "$1")]}" got
  got="$(sha256sum "$f" | cut -d' ' -f1)"
  if [[ "$got" != "$want" ]]; then
    echo "WARNING: $(basename "$f") sha256 $got differs from expected $want" >&2
    [[ "${ALLOW_OTHER_INPUTS:-}" == 1 ]] || exit 1
  fi
}
for f in "$FANDOL_DIR/FandolFang-Regular.otf" "$FANDOL_DIR/FandolKai-Regular.otf" \
         "$NOTO_DIR/NotoSansCJK-Regular.ttc" "$NOTO_DIR/NotoSerifCJK-Regular.ttc" \
         "$NOTO_DIR/NotoSerifCJK-Bold.ttc" "$LIBERATION_DIR/LiberationSerif-Regular.ttf"; do
  check_sha "$f"
done

# ---- 2. fontTools ---------------------------------------------------------------
if [[ -n "${FONTTOOLS_PY:-}" ]]; then
  PY="$FONTTOOLS_PY"
else
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q "fonttools==$FONTTOOLS_VERSION"
  PY="$WORK/venv/bin/python"
fi
"$PY" -c "import fontTools, sys; v=fontTools.version; sys.exit(0 if v=='$FONTTOOLS_VERSION' else 'fontTools %s != $FONTTOOLS_VERSION' % v)"

# ---- 3. Fandol: unmodified, with licence ------------------------------------
mkdir -p "$OUT/fandol" "$OUT/noto"
install -m 644 "$FANDOL_DIR/FandolFang-Regular.otf" "$OUT/fandol/"
install -m 644 "$FANDOL_DIR/FandolKai-Regular.otf" "$OUT/fandol/"
for doc in COPYING README; do
  if [[ -f "$FANDOL_DOC/$doc.gz" ]]; then
    gzip -dc "$FANDOL_DOC/$doc.gz" > "$OUT/fandol/$doc"
  else
    cat "$FANDOL_DOC/$doc" > "$OUT/fandol/$doc"
  fi
  chmod 644 "$OUT/fandol/$doc"
done

# ---- 4. character sets ------------------------------------------------------------
# gb2312.txt / gbk.txt: one code point (hex) per line, for --unicodes-file.
"$PY" - "$WORK" <<'PYEOF'
import sys
work = sys.argv[1]

def double_byte(enc, leads, trails):
    out = set()
    for a in leads:
        for b in trails:
            try:
                c = bytes([a, b]).decode(enc)
            except UnicodeDecodeError:
                continue
            if len(c) == 1:
                out.add(ord(c))
    return out

gb2312 = double_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
gbk = double_byte("gbk", range(0x81, 0xFF), [t for t in range(0x40, 0xFF) if t != 0x7F])

extra = set(range(0x20, 0x7F))                # ASCII
extra |= set(range(0xA0, 0x100))              # Latin-1 (× ÷ ° ± · é ü ...)
extra |= set(range(0x3000, 0x3040))           # CJK symbols & punctuation (、。〇《》〔〕【】 ...)
extra |= set(range(0xFF01, 0xFF5F))           # full-width ASCII forms (，；：？！％ ０-９ ...)
extra |= set(range(0xFF5F, 0xFF66))           # full-width brackets, half-width 。「」、
extra |= set(range(0xFFE0, 0xFFE7))           # full-width ￠￡￢￣￤￥￦
extra |= set(range(0x2010, 0x2028))           # ‐ – — ― ‘ ’ “ ” • … etc.
extra |= {0x2030, 0x2032, 0x2033, 0x203B, 0x2103, 0x2116, 0x2122, 0x22EF, 0x25CB, 0x25CF, 0x25A1, 0x25A0, 0x25B3, 0x2605, 0x2606}
extra |= set(range(0x2160, 0x216C)) | set(range(0x2170, 0x217C))   # Ⅰ-Ⅻ ⅰ-ⅻ
extra |= set(range(0x2460, 0x249C))           # ①-⑳ ⑴-⒇ ⒈-⒛
extra |= set(range(0x3220, 0x322A))           # ㈠-㈩
# the punctuation the reports use, spelled out so that it is never lost:
extra |= {ord(c) for c in "“”‘’（）《》〔〕【】、。，；：？！…—·％０１２３４５６７８９〇"}

for name, s in (("gb2312", gb2312 | extra), ("gbk", gbk | gb2312 | extra)):
    with open(f"{work}/{name}.txt", "w") as f:
        for cp in sorted(s):
            f.write("%04X\n" % cp)
    print(f"{name}: {len(s)} code points")
PYEOF

# ---- 5. subsets ------------------------------------------------------------------
SUBSET_OPTS=(
  --font-number=2            # face 2 of the .ttc = Simplified Chinese (checked below)
  --no-hinting               # strip CFF hints (charstrings stay subroutinized:
                             # --desubroutinize made the files ~10% larger)
  --layout-features=         # no GSUB/GPOS features (no vert/vrt2/locl needed)
  --drop-tables+=GSUB,GPOS,GDEF,BASE,vhea,vmtx,VORG
  --name-IDs='*'
  --name-languages=0x0409
  --notdef-outline
  --recommended-glyphs
  --no-recalc-timestamp
)

subset() {  # src.ttc charset out.otf
  "$PY" - "$1" <<'PYEOF'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1], fontNumber=2, lazy=True)
ps = f["name"].getDebugName(6)
if not ps.startswith(("NotoSansCJKsc-", "NotoSerifCJKsc-")):
    sys.exit(f"{sys.argv[1]}: face 2 is {ps}, not Simplified Chinese")
print(f"  source face: {ps}")
PYEOF
  "$PY" -m fontTools.subset "$1" "${SUBSET_OPTS[@]}" \
    --unicodes-file="$WORK/$2.txt" --output-file="$3"
}

rename() {  # in.otf out.otf "Family" "Style" PostScriptName source-description
  "$PY" - "$@" <<'PYEOF'
import sys
from fontTools.ttLib import TTFont
from fontTools.misc.timeTools import timestampSinceEpoch
import os

src, dst, family, style, psname, origin = sys.argv[1:7]
full = family if style == "Regular" else f"{family} {style}"
f = TTFont(src, recalcTimestamp=False)
name = f["name"]
old_version = name.getDebugName(5)
old_copyright = name.getDebugName(0)

# Drop the names that carry the original (reserved / trademarked) name.
for nid in (1, 3, 4, 6, 7, 11, 16, 17, 18, 21, 22):
    name.removeNames(nameID=nid)
version = old_version.split(";")[0]
new = {
    0: f"{old_copyright} Modified Version (subset, renamed) of {origin}, "
       "made by scripts/make-fonts.sh; licensed under the SIL Open Font License 1.1.",
    1: family,
    2: style,
    3: f"{version.replace('Version ', '')};NIANBAO;{psname}",
    4: full,
    5: f"{version}; subset of {origin}",
    6: psname,
}
for nid, s in new.items():
    name.setName(s, nid, 3, 1, 0x409)
# Windows/Unicode English records only.
name.names = [r for r in name.names if (r.platformID, r.langID) == (3, 0x409)]
name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))

# CFF: FontName (name INDEX), top dict and FD names must not say Noto either.
cff = f["CFF "].cff
old_ps = cff.fontNames[0]
cff.fontNames = [psname]
top = cff.topDictIndex[0]
for k in ("FullName", "FamilyName", "CIDFontName", "FontName"):
    if hasattr(top, k):
        setattr(top, k, {"FullName": full, "FamilyName": family}.get(k, psname))
if hasattr(top, "Notice"):
    top.Notice = ""
if hasattr(top, "Copyright"):
    top.Copyright = new[0]
if hasattr(top, "FDArray"):
    for fd in top.FDArray:
        if hasattr(fd, "FontName"):
            fd.FontName = fd.FontName.replace(old_ps, psname)

# OS/2 vendor id: not Adobe's/Google's any more
f["OS/2"].achVendID = "NONE"

# Fixed timestamps -> byte-identical output on every run.
ts = timestampSinceEpoch(int(os.environ["SOURCE_DATE_EPOCH"]))
f["head"].created = ts
f["head"].modified = ts
f.save(dst, reorderTables=True)
print(f"  {os.path.basename(dst)}: {family} / {psname} (from {old_ps})")
PYEOF
}

echo "hei:   Noto Sans CJK SC Regular, GB2312"
subset "$NOTO_DIR/NotoSansCJK-Regular.ttc" gb2312 "$WORK/hei.otf"
rename "$WORK/hei.otf" "$OUT/noto/NianbaoHei-Regular.otf" "Nianbao Hei" Regular NianbaoHei-Regular "Noto Sans CJK SC Regular"

echo "title: Noto Serif CJK SC Bold, GB2312"
subset "$NOTO_DIR/NotoSerifCJK-Bold.ttc" gb2312 "$WORK/title.otf"
rename "$WORK/title.otf" "$OUT/noto/NianbaoTitle-Bold.otf" "Nianbao Title" Bold NianbaoTitle-Bold "Noto Serif CJK SC Bold"

echo "song:  Noto Serif CJK SC Regular, GBK"
subset "$NOTO_DIR/NotoSerifCJK-Regular.ttc" gbk "$WORK/song.otf"
rename "$WORK/song.otf" "$OUT/noto/NianbaoSong-Regular.otf" "Nianbao Song" Regular NianbaoSong-Regular "Noto Serif CJK SC Regular"
chmod 644 "$OUT"/noto/*.otf

# ---- 6. OFL text for the Noto subsets ---------------------------------------------
"$PY" - "$NOTO_COPYRIGHT" "$NOTO_DIR" "$OUT/noto/OFL.txt" <<'PYEOF'
import sys
from fontTools.ttLib import TTFont
copyright_file, noto_dir, out = sys.argv[1:4]

# The SIL-1.1 stanza of the Debian copyright file (DEP-5 format: leading
# space, " ." for blank lines).
lines = open(copyright_file, encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines)
             if l == "License: SIL-1.1" and lines[i + 1].startswith(" ")) + 1
body = []
for l in lines[start:]:
    if not l.startswith(" "):
        break
    body.append("" if l.strip() == "." else l[1:])
ofl = "\n".join(body).strip("\n") + "\n"
assert "SIL OPEN FONT LICENSE Version 1.1" in ofl

notices = []
for ttc, label in (("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
                   ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC")):
    n = TTFont(f"{noto_dir}/{ttc}", fontNumber=2, lazy=True)["name"]
    notices.append(f"{label} ({n.getDebugName(5).split(';')[0]}): {n.getDebugName(0)}")

head = f"""Fonts in this folder
====================

NianbaoHei-Regular.otf, NianbaoTitle-Bold.otf and NianbaoSong-Regular.otf are
Modified Versions, in the sense of the SIL Open Font License 1.1 below, of
Noto Sans CJK SC Regular, Noto Serif CJK SC Bold and Noto Serif CJK SC Regular
(Debian package fonts-noto-cjk 1:20220127+repack1-1, upstream
https://github.com/googlefonts/noto-cjk). They were subset (GB2312 / GBK
characters only, hinting and OpenType layout tables removed) and renamed, so
that no Reserved Font Name or the "Noto" trademark is used as their name, by
scripts/make-fonts.sh. They remain under the SIL Open Font License 1.1; the
licence does not apply to documents (PDFs) made with them.

Copyright notices of the Original Versions:
""" + "".join(f"  {s}\n" for s in notices) + """
Debian's copyright file for fonts-noto-cjk lists: Copyright 2010-2012, Google
Corporation; License: SIL-1.1. The OFL notice published with Noto CJK
upstream reads "Copyright 2014-2021 Adobe (http://www.adobe.com/), with
Reserved Font Name 'Source'." The files here use neither "Source" nor "Noto"
in their names.

"""
open(out, "w", encoding="utf-8").write(head + ofl)
PYEOF
chmod 644 "$OUT/noto/OFL.txt"

# ---- 7. Latin: Liberation Serif Regular (Times New Roman metrics), renamed subset --
# Digits and Latin letters of 仿宋 and 楷体 text (GB/T 9704 practice: Times New Roman).
# Liberation Serif is metric-compatible with Times New Roman, so a line measures the
# same as in Word with Times New Roman. Its Reserved Font Names ("Liberation"; "Tinos"
# for the Google digitisation) may not name a Modified Version: the subset is
# "Nianbao Serif".
echo "latin: Liberation Serif Regular, Basic Latin + Latin-1 + punctuation"
mkdir -p "$OUT/latin"
"$PY" -m fontTools.subset "$LIBERATION_DIR/LiberationSerif-Regular.ttf" \
  --unicodes='U+0020-007E,U+00A0-00FF,U+2010-2027,U+2030-203A,U+20AC,U+2122' \
  --no-hinting --layout-features= --drop-tables+=GSUB,GPOS,GDEF,kern,DSIG \
  --name-IDs='*' --name-languages=0x0409 --notdef-outline --recommended-glyphs \
  --no-recalc-timestamp --output-file="$WORK/latin.ttf"
"$PY" - "$WORK/latin.ttf" "$OUT/latin/NianbaoSerif-Regular.ttf" <<'PYEOF'
import os, sys
from fontTools.ttLib import TTFont
from fontTools.misc.timeTools import timestampSinceEpoch
src, dst = sys.argv[1:3]
f = TTFont(src, recalcTimestamp=False)
name = f["name"]
old_copyright = name.getDebugName(0).replace("\n", " ")
version = name.getDebugName(5).split(";")[0]
for nid in (1, 3, 4, 6, 7, 8, 9, 11, 12, 16, 17, 18, 21, 22):
    name.removeNames(nameID=nid)
new = {
    0: f"{old_copyright} Modified Version (subset, renamed) of Liberation Serif Regular, "
       "made by scripts/make-fonts.sh; licensed under the SIL Open Font License 1.1.",
    1: "Nianbao Serif",
    2: "Regular",
    3: f"{version.replace('Version ', '')};NIANBAO;NianbaoSerif-Regular",
    4: "Nianbao Serif",
    5: f"{version}; subset of Liberation Serif Regular",
    6: "NianbaoSerif-Regular",
}
for nid, s in new.items():
    name.setName(s, nid, 3, 1, 0x409)
name.names = [r for r in name.names if (r.platformID, r.langID) == (3, 0x409)]
name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))
f["OS/2"].achVendID = "NONE"
ts = timestampSinceEpoch(int(os.environ["SOURCE_DATE_EPOCH"]))
f["head"].created = ts
f["head"].modified = ts
f.save(dst, reorderTables=True)
print(f"  {os.path.basename(dst)}: Nianbao Serif / NianbaoSerif-Regular")
PYEOF
chmod 644 "$OUT/latin/NianbaoSerif-Regular.ttf"
"$PY" - "$LIBERATION_COPYRIGHT" "$OUT/latin/OFL.txt" <<'PYEOF'
import sys
copyright_file, out = sys.argv[1:3]
lines = open(copyright_file, encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("License: SIL-OFL-1.1")) + 1
body = []
for l in lines[start:]:
    if not l.startswith(" "):
        break
    body.append("" if l.strip() == "." else l[1:])
ofl = "\n".join(body).strip("\n") + "\n"
assert "SIL OPEN FONT LICENSE Version 1.1" in ofl
head = """Fonts in this folder
====================

NianbaoSerif-Regular.ttf is a Modified Version, in the sense of the SIL Open
Font License 1.1 below, of Liberation Serif Regular 2.1.5 (Debian package
fonts-liberation2 2.1.5-1, upstream https://github.com/liberationfonts). It was
subset (Basic Latin, Latin-1 and general punctuation; hinting and OpenType
layout tables removed) and renamed by scripts/make-fonts.sh, so that neither
Reserved Font Name ("Liberation"; "Arimo", "Tinos", "Cousine") is its name. It
remains under the SIL Open Font License 1.1; the licence does not apply to
documents (PDFs) made with it.

Copyright notices of the Original Version (Debian's copyright file):
  Digitized data copyright (c) 2010 Google Corporation with Reserved Font
  Arimo, Tinos and Cousine.
  Copyright (c) 2012 Red Hat, Inc. with Reserved Font Name Liberation.

"""
open(out, "w", encoding="utf-8").write(head + ofl)
PYEOF
chmod 644 "$OUT/latin/OFL.txt"

echo
echo "done:"
(cd "$OUT" && find . -type f | sort | xargs ls -l)
