#!/usr/bin/env bash
# Tests the packages of scripts/package.sh where they run, each unpacked as a clerk would:
#
# - linux-x86_64 (.tar.gz): needs nothing newer than glibc 2.17; builds every shipped example
#   with the fonts shipped beside it. Its outputs are the reference for the others.
# - the .deb: extracted, /usr/bin/nianbao finds /usr/share/nianbao/fonts; same bytes.
# - windows-x86_64 (.zip) under Debian's wine64, unzipped into a folder whose name has Chinese
#   and a space, reports in such folders too: every example gives the reference's bytes;
#   console output is UTF-8; a folder dropped onto nianbao.exe is built; the watch status line
#   shows the local time of the zone Windows reports.
# - linux-aarch64 (.tar.gz, .deb) under qemu-aarch64: the same bytes.
# - a binary copied without its fonts/ writes nothing and says why.
#
# A package that scripts/package.sh skipped is skipped here, with a message; a package that is
# there and misbehaves fails the script. Installs wine64, qemu-user and libc6-arm64-cross
# (Debian) when missing. Usage: bash scripts/smoke-dist.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export LC_ALL=C.UTF-8 # wine and qemu pass file names and output through the locale
unset NIANBAO_FONTS
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
dist=$root/target/dist
work=$root/target/smoke
rm -rf "$work"
mkdir -p "$work"
started=$SECONDS
skipped=()
fail() {
    echo "!! FAILED: $*" >&2
    exit 1
}
skip() {
    echo "!! SKIPPED $1: $2"
    skipped+=("$1: $2")
}
apt_install() { # packages…; 0 when all are there afterwards
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    ((${#missing[@]})) || return 0
    command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] || return 1
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends)
    "${apt[@]}" "${missing[@]}" >/dev/null 2>&1 ||
        { apt-get -o DPkg::Lock::Timeout=600 update -qq && "${apt[@]}" "${missing[@]}" >/dev/null; }
}
unpack() { # archive, into dir → prints the unpacked package folder
    mkdir -p "$2"
    python3 - "$1" "$2" <<'EOF'
import sys, tarfile, zipfile
src, dest = sys.argv[1], sys.argv[2]
if src.endswith(".zip"):
    with zipfile.ZipFile(src) as z:
        for i in z.infolist():
            # Windows Explorer decodes a name as UTF-8 only with flag bit 11.
            if not i.filename.isascii() and not i.flag_bits & 0x800:
                sys.exit(f"{src}: {i.filename} lacks the UTF-8 flag")
        z.extractall(dest)
else:
    with tarfile.open(src) as t:
        t.extractall(dest, filter="tar")
EOF
    echo "$2/$(basename "${1%.zip}" .tar.gz)"
}
max_glibc() { # ELF binary → highest GLIBC_x.y it needs
    readelf --version-info --wide "$1" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1
}
examples=() # names of the shipped examples
# Builds every example in $2 with command "$1 …" into $3/<example>/; fails on a non-zero exit.
build_examples() {
    local run=$1 src=$2 out=$3 ex log
    for ex in "${examples[@]}"; do
        log=$out/$ex.log
        mkdir -p "$out"
        $run build "$src/$ex" -o "$out/$ex" >"$log" 2>&1 </dev/null ||
            fail "$run build $ex exited $?: $(cat "$log")"
    done
}
# The same file names and bytes as the reference in every example's output folder.
same_as_ref() { # label, out dir
    local ex f n
    for ex in "${examples[@]}"; do
        # The default formats: DOCX, PDF, XLSX, HTML (page and fragment), the checksum list.
        for suffix in .docx .pdf .xlsx .html .fragment.html .sha256; do
            ls "$work/ref/$ex"/*"$suffix" >/dev/null 2>&1 || fail "reference $ex: no *$suffix in $(ls "$work/ref/$ex")"
        done
        n=$(find "$work/ref/$ex" -maxdepth 1 -type f | wc -l)
        diff <(cd "$work/ref/$ex" && ls) <(cd "$2/$ex" && ls) >/dev/null ||
            fail "$1 $ex: other file names than the Linux build: $(ls "$2/$ex")"
        for f in "$work/ref/$ex"/*; do
            cmp -s "$f" "$2/$ex/$(basename "$f")" || fail "$1 $ex: $(basename "$f") differs from the Linux build"
        done
    done
    echo "   $1: ${#examples[@]} examples × $n files byte-identical to the Linux build"
}

# --- linux-x86_64: the reference.
tgz=$dist/nianbao-$version-linux-x86_64.tar.gz
if [ ! -f "$tgz" ]; then
    # Still compare the others with a Linux build: the debug binary of the source tree.
    skip linux-x86_64 "no $tgz (package.sh skipped it); the reference is the debug build"
    cargo build -q -p nianbao
    for d in examples/*/; do examples+=("$(basename "$d")"); done
    build_examples "$root/target/debug/nianbao" "$root/examples" "$work/ref"
else
    echo "== linux-x86_64"
    s=$SECONDS
    pkg=$(unpack "$tgz" "$work/linux-x86_64")
    for d in "$pkg/示例"/*/; do examples+=("$(basename "$d")"); done
    ((${#examples[@]})) || fail "no examples in $tgz"
    glibc=$(max_glibc "$pkg/nianbao")
    [ "$(printf '%s\n' "$glibc" GLIBC_2.17 | sort -V | tail -1)" = GLIBC_2.17 ] ||
        fail "linux-x86_64 needs $glibc (want at most GLIBC_2.17)"
    echo "   needs $glibc at most"
    build_examples "$pkg/nianbao" "$pkg/示例" "$work/ref"
    grep -q "检查通过" "$work/ref/demo-county-2024.log" || fail "no 检查通过 in $(cat "$work/ref/demo-county-2024.log")"
    if [ -d target/ci-out ]; then
        # .ci/run's debug build of the same examples: release and debug agree.
        for ex in "${examples[@]}"; do
            for f in "$work/ref/$ex"/*; do
                ci="target/ci-out/$ex/$(basename "$f")"
                if [[ $f == *.sha256 ]]; then
                    # .ci/run builds every format (the OFD too), so its checksum list has a
                    # line more; every line of the default build's list must be in it.
                    [ -f "$ci" ] && ! grep -vxFf "$ci" "$f" >/dev/null ||
                        fail "$ex: $(basename "$f") lists other checksums in the release build than in the debug build"
                else
                    cmp -s "$f" "$ci" || fail "$ex: $(basename "$f") differs between the debug and the release build"
                fi
            done
        done
        echo "   same bytes as the debug build of .ci/run (target/ci-out)"
    fi
    "$pkg/nianbao" </dev/null >"$work/quick-start.txt" || fail "nianbao without arguments exited $?"
    grep -q "快速开始" "$work/quick-start.txt" && grep -q "示例/demo-county-2024" "$work/quick-start.txt" ||
        fail "quick start: $(cat "$work/quick-start.txt")"
    # Copied without its fonts: no PDF, an error (exit 1) that says where it looked; the
    # formats that need no fonts are still written (crates/watch/tests/build.rs).
    mkdir -p "$work/no-fonts"
    cp "$pkg/nianbao" "$work/no-fonts/"
    if "$work/no-fonts/nianbao" build "$pkg/示例/demo-county-2024" -o "$work/no-fonts/out" >"$work/no-fonts/log" 2>&1; then
        fail "a binary without fonts/ succeeded: $(cat "$work/no-fonts/log")"
    fi
    grep -q "找不到字体目录" "$work/no-fonts/log" || fail "no font message: $(cat "$work/no-fonts/log")"
    ! ls "$work/no-fonts/out" 2>/dev/null | grep -q '\.pdf$' || fail "a binary without fonts/ wrote a PDF: $(ls "$work/no-fonts/out")"
    ! grep -q '␊' "$work/no-fonts/log" || fail "a line break in a hint: $(cat "$work/no-fonts/log")"
    echo "   without fonts/: no PDF, exit 1, says 找不到字体目录"

    deb=$dist/nianbao_${version}_amd64.deb
    [ "$(dpkg-deb -f "$deb" Architecture)" = amd64 ] || fail "$deb: not amd64"
    dpkg-deb -x "$deb" "$work/deb-amd64"
    build_examples "$work/deb-amd64/usr/bin/nianbao" "$work/deb-amd64/usr/share/doc/nianbao/examples" "$work/out-deb-amd64"
    same_as_ref "deb amd64 (/usr/bin, /usr/share/nianbao/fonts)" "$work/out-deb-amd64"
    echo "   ($((SECONDS - s)) s)"
fi

# --- windows-x86_64 under wine.
zip=$dist/nianbao-$version-windows-x86_64.zip
if [ ! -f "$zip" ]; then
    skip windows-x86_64 "no $zip (package.sh skipped it)"
elif ! apt_install wine64 gcc-mingw-w64-x86-64; then
    skip windows-x86_64 "Debian's wine64 could not be installed"
else
    echo "== windows-x86_64 (wine)"
    s=$SECONDS
    wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
    wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
    export WINEPREFIX=$root/target/wine-prefix WINEDEBUG=-all
    # No Mono/Gecko installers (no network, no display); the ProcessPrng shim before Wine's own
    # bcryptprimitives.dll.
    export WINEDLLOVERRIDES="mscoree=;mshtml=;bcryptprimitives=n,b"
    win=$(unpack "$zip" "$work/下载 文件")
    # Test only, never in the zip: Wine 8 lacks ProcessPrng (see the shim's source).
    x86_64-w64-mingw32-gcc -shared -O2 -s -o "$win/bcryptprimitives.dll" \
        scripts/wine/processprng.c -ladvapi32
    "$wine" wineboot -i >/dev/null 2>&1 || true
    echo "   wine prefix ready ($((SECONDS - s)) s)"
    reports="$work/我的 报告 2024"
    cp -r "$win/示例" "$reports"
    # Relative Windows paths from the unzipped folder, as typed in cmd.exe.
    (
        cd "$win"
        for ex in "${examples[@]}"; do
            "$wine" nianbao.exe build "..\\..\\我的 报告 2024\\$ex" -o "..\\..\\wine-out\\$ex" \
                >"$work/wine-$ex.log" 2>&1 </dev/null ||
                fail "wine: build $ex exited $?: $(cat "$work/wine-$ex.log")"
        done
    )
    same_as_ref "windows-x86_64 under wine" "$work/wine-out"
    grep -q "检查通过：没有错误和警告" "$work/wine-demo-county-2024.log" ||
        fail "wine: console output not UTF-8 Chinese: $(cat "$work/wine-demo-county-2024.log")"
    # A folder dropped onto nianbao.exe (Explorer passes its absolute path): built into its out/.
    dropped=$("$wine" winepath -w "$reports/demo-county-2023" 2>/dev/null | tr -d '\r')
    (cd "$win" && "$wine" nianbao.exe "$dropped" >"$work/wine-dropped.log" 2>&1 </dev/null) ||
        fail "wine: dropped folder exited $?: $(cat "$work/wine-dropped.log")"
    for f in "$work/ref/demo-county-2023"/*; do
        cmp -s "$f" "$reports/demo-county-2023/out/$(basename "$f")" || fail "wine: dropped folder: $(basename "$f")"
    done
    echo "   a folder dropped onto nianbao.exe is built into its out\\"
    (cd "$win" && "$wine" nianbao.exe </dev/null >"$work/wine-quick-start.txt" 2>&1) ||
        fail "wine: nianbao.exe without arguments exited $?"
    grep -q "快速开始" "$work/wine-quick-start.txt" && grep -q 'build 示例\\demo-county-2024' "$work/wine-quick-start.txt" ||
        fail "wine: quick start: $(cat "$work/wine-quick-start.txt")"
    # The watch status line in local time, from Windows' own zone setting: Wine sets that from
    # its TZ, and cmd removes TZ from the Windows environment, so the exe cannot read it there.
    before=$(TZ=Asia/Shanghai date +%H:%M)
    (cd "$win" && TZ=Asia/Shanghai timeout 60 "$wine" cmd /c \
        'set "TZ=" && nianbao.exe watch 示例\demo-county-2024 -o ..\..\wine-watch' \
        >"$work/wine-watch.log" 2>&1 </dev/null) &
    for _ in $(seq 120); do
        grep -q '首次生成' "$work/wine-watch.log" 2>/dev/null && break
        sleep 0.5
    done
    after=$(TZ=Asia/Shanghai date +%H:%M)
    "$wineserver" -k >/dev/null 2>&1 || true # ends the watch (and any wine process of the prefix)
    wait || true
    line=$(grep -m1 '首次生成' "$work/wine-watch.log") || fail "wine: no watch status line: $(cat "$work/wine-watch.log")"
    [[ "$line" == "[$before:"* || "$line" == "[$after:"* ]] ||
        fail "wine: watch status line '$line' is not at the local time $after (Asia/Shanghai)"
    echo "   watch status line in Windows' local time (Asia/Shanghai): ${line%%]*}]"
    echo "   ($((SECONDS - s)) s)"
fi

# --- linux-aarch64 under qemu.
tgz=$dist/nianbao-$version-linux-aarch64.tar.gz
if [ ! -f "$tgz" ]; then
    skip linux-aarch64 "no $tgz (package.sh skipped it)"
elif ! apt_install qemu-user libc6-arm64-cross; then
    skip linux-aarch64 "Debian's qemu-user and libc6-arm64-cross could not be installed"
else
    echo "== linux-aarch64 (qemu)"
    s=$SECONDS
    export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
    arm=$(unpack "$tgz" "$work/linux-aarch64")
    glibc=$(max_glibc "$arm/nianbao")
    [ "$(printf '%s\n' "$glibc" GLIBC_2.17 | sort -V | tail -1)" = GLIBC_2.17 ] ||
        fail "linux-aarch64 needs $glibc (want at most GLIBC_2.17)"
    echo "   needs $glibc at most"
    build_examples "qemu-aarch64 $arm/nianbao" "$arm/示例" "$work/out-aarch64"
    same_as_ref "linux-aarch64 under qemu" "$work/out-aarch64"
    deb=$dist/nianbao_${version}_arm64.deb
    [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || fail "$deb: not arm64"
    dpkg-deb -x "$deb" "$work/deb-arm64"
    build_examples "qemu-aarch64 $work/deb-arm64/usr/bin/nianbao" "$work/deb-arm64/usr/share/doc/nianbao/examples" "$work/out-deb-arm64"
    same_as_ref "deb arm64 under qemu" "$work/out-deb-arm64"
    echo "   ($((SECONDS - s)) s)"
fi

echo "== smoke tests passed ($((SECONDS - started)) s)"
if ((${#skipped[@]})); then
    echo "skipped:"
    printf '  %s\n' "${skipped[@]}"
fi
