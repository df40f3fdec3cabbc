#!/usr/bin/env python3
"""Writes a copy of an OFD with one small, deliberate error, to show that the rendering
comparison of scripts/interop-ofd.sh catches it.

    ofd-perturb.py IN.ofd OUT.ofd KIND

KIND is one of
- ``advance``: one glyph advance (``DeltaX``) 0.5 mm too wide in a line of page 1, so the
  rest of that line sits 0.5 mm (2 px at 100 dpi) to the right;
- ``glyph``: one character of that line replaced by another one the same font has;
- ``baseline``: that line 0.5 mm lower (its ``Boundary``);
- ``rule``: one table rule left out (the first ``PathObject`` of the first page with rules).

Prints the page the error is on (1-based).
"""

import re
import sys
import zipfile


def first_line(text):
    """The first TextObject of at least ten characters: (start, end) of its TextCode."""
    for m in re.finditer(r"<ofd:TextCode [^>]*>([^<]{10,})</ofd:TextCode>", text):
        return m
    raise SystemExit("no line of ten characters on page 1")


def perturb(parts, kind):
    names = sorted((n for n in parts if n.endswith("/Content.xml")),
                   key=lambda n: int(re.search(r"Page_(\d+)", n).group(1)))
    if kind == "rule":
        for k, name in enumerate(names):
            text = parts[name].decode()
            new, n = re.subn(r"<ofd:PathObject [^>]*>.*?</ofd:PathObject>", "", text, count=1)
            if n:
                parts[name] = new.encode()
                return k + 1
        raise SystemExit("no rule to drop")
    name = names[0]
    text = parts[name].decode()
    m = first_line(text)
    code = m.group(0)
    if kind == "advance":
        deltas = re.search(r'DeltaX="([^"]*)"', code).group(1).split()
        k = next(i for i, t in enumerate(deltas) if t != "g")
        deltas[k] = f"{float(deltas[k]) + 0.5:.3f}"
        new = code.replace(re.search(r'DeltaX="[^"]*"', code).group(0),
                           f'DeltaX="{" ".join(deltas)}"')
    elif kind == "glyph":
        chars = m.group(1)
        other = next(c for c in chars if c != chars[3] and not c.isspace())
        new = code.replace(chars, chars[:3] + other + chars[4:])
    elif kind == "baseline":
        # The Boundary of the TextObject this TextCode belongs to.
        start = text.rfind("<ofd:TextObject ", 0, m.start())
        head = text[start:m.start()]
        box = re.search(r'Boundary="([^"]*)"', head).group(1).split()
        box[1] = f"{float(box[1]) + 0.5:.3f}"
        text = text[:start] + head.replace(re.search(r'Boundary="[^"]*"', head).group(0),
                                           f'Boundary="{" ".join(box)}"') + text[m.start():]
        parts[name] = text.encode()
        return 1
    else:
        raise SystemExit(f"unknown kind {kind}")
    parts[name] = (text[:m.start()] + new + text[m.end():]).encode()
    return 1


def main():
    src, dst, kind = sys.argv[1:4]
    with zipfile.ZipFile(src) as z:
        order = z.namelist()
        parts = {n: z.read(n) for n in order}
    page = perturb(parts, kind)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for n in order:
            z.writestr(n, parts[n])
    print(page)


if __name__ == "__main__":
    main()
