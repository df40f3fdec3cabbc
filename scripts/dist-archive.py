#!/usr/bin/env python3
"""Pack a staged folder into a .zip or .tar.gz with reproducible bytes.

    dist-archive.py OUT.zip|OUT.tar.gz STAGE_DIR [EPOCH]

Every entry is put under STAGE_DIR's own name, in sorted order, with the time EPOCH (default
$SOURCE_DATE_EPOCH, else 0), owner root and mode 0755 for executables, 0644 otherwise; the
gzip header carries no name and the same time. So the same staged files always give the same
archive bytes.

Python's zipfile sets the UTF-8 flag (general purpose bit 11) on every non-ASCII name, which
is what Windows Explorer's "Extract All" reads: without it, 使用说明.txt and 示例 would be
decoded in the OEM code page (GBK on a Chinese Windows) and come out garbled. Info-ZIP's
`zip` stores such names in an extra field only, hence this script.
"""

import gzip
import os
import sys
import tarfile
import time
import zipfile


def entries(stage):
    """(archive name, path, is_dir) for the stage folder and everything in it, sorted."""
    root = os.path.basename(os.path.normpath(stage))
    out = [(root, stage, True)]
    for dirpath, dirnames, filenames in os.walk(stage):
        dirnames.sort()
        rel = os.path.relpath(dirpath, stage)
        prefix = root if rel == "." else f"{root}/{rel.replace(os.sep, '/')}"
        for d in dirnames:
            out.append((f"{prefix}/{d}", os.path.join(dirpath, d), True))
        for f in sorted(filenames):
            out.append((f"{prefix}/{f}", os.path.join(dirpath, f), False))
    return sorted(out)


def mode(path, is_dir):
    return 0o755 if is_dir or os.access(path, os.X_OK) else 0o644


def write_zip(out, stage, epoch):
    # The zip format cannot store times before 1980.
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, path, is_dir in entries(stage):
            info = zipfile.ZipInfo(name + "/" if is_dir else name, stamp)
            info.create_system = 3  # Unix: the mode bits below are meaningful
            info.external_attr = (mode(path, is_dir) | (0o040000 if is_dir else 0o100000)) << 16
            if is_dir:
                info.external_attr |= 0x10  # MS-DOS directory bit
                z.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    z.writestr(info, f.read(), compresslevel=9)


def write_tar_gz(out, stage, epoch):
    with open(out, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, mtime=epoch, compresslevel=9
    ) as gz, tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, path, is_dir in entries(stage):
            info = tar.gettarinfo(path, arcname=name)
            info.mtime = epoch
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mode = mode(path, is_dir)
            if is_dir:
                tar.addfile(info)
            else:
                with open(path, "rb") as f:
                    tar.addfile(info, f)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    out, stage = sys.argv[1], sys.argv[2]
    epoch = int(sys.argv[3] if len(sys.argv) == 4 else os.environ.get("SOURCE_DATE_EPOCH", "0"))
    if out.endswith(".zip"):
        write_zip(out, stage, epoch)
    elif out.endswith(".tar.gz"):
        write_tar_gz(out, stage, epoch)
    else:
        sys.exit(f"unknown archive type: {out}")


if __name__ == "__main__":
    main()
