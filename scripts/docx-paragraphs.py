#!/usr/bin/env python3
"""Prints every body paragraph of a DOCX (not table cells), one per line.

.ci/run writes this next to each example's PDF as NAME.prose.txt, so scripts/interop-pdf.sh
can check that pdftotext recovers every paragraph of the report verbatim: the text comes from
the DOCX, made by a different exporter than the PDF.

Usage: scripts/docx-paragraphs.py FILE.docx > FILE.prose.txt
"""
import sys
import xml.etree.ElementTree as ET
import zipfile

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

with zipfile.ZipFile(sys.argv[1]) as z:
    root = ET.fromstring(z.read("word/document.xml"))
body = root.find(W + "body")
# Only paragraphs that are direct children of the body: table cells hold their own paragraphs.
for p in body.findall(W + "p"):
    text = "".join(t.text or "" for t in p.iter(W + "t"))
    if text.strip():
        print(text)
