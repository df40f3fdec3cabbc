#!/usr/bin/env bash
# Builds the packages a clerk downloads, into target/dist/:
#
#   nianbao-<版本>-windows-x86_64.zip     nianbao.exe, fonts/, 示例/, 使用说明.txt
#   nianbao-<版本>-linux-x86_64.tar.gz    nianbao, fonts/, 示例/, 使用说明.txt (glibc ≥ 2.17)
#   nianbao_<版本>_amd64.deb              /usr/bin/nianbao, /usr/share/nianbao/fonts, docs
#   nianbao-<版本>-linux-aarch64.tar.gz   the same for 飞腾/鲲鹏 (aarch64-unknown-linux-gnu)
#   nianbao_<版本>_arm64.deb
#
# Usage: bash scripts/package.sh [VERSION]      (VERSION, if given, must match Cargo.toml)
#        NIANBAO_TARGETS="windows-x86_64 linux-x86_64" bash scripts/package.sh
#
# It installs what it needs when missing (Debian gcc-mingw-w64-x86-64; PyPI cargo-zigbuild and
# ziglang in a venv under target/dist-tools) and asks rustup for each target's standard
# library. A target whose toolchain cannot be had here is skipped with a message saying why;
# that alone never fails the script. A target that has its toolchain and fails to build does.
# The binaries are the `ship` profile (release, no debug info, stripped), built once per
# target; scripts/smoke-dist.sh then tests the packages where they run (wine, qemu).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TERM_COLOR=never

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
if [ $# -ge 1 ] && [ "$1" != "$version" ]; then
    echo "package.sh: version $1 asked for, but Cargo.toml says $version; change it there first" >&2
    exit 2
fi
dist=target/dist
tools=target/dist-tools
mkdir -p "$dist" "$tools"
# Archive and file times: the last commit's, so the same commit gives the same archives.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
# A packaged binary looks for its fonts next to itself (or in ../share/nianbao/fonts), never
# in the source tree it was built from (see nianbao_export::pdf::find_font_dir).
export NIANBAO_PACKAGED=1
# No builder's paths inside the binaries (panic locations name source files).
export RUSTFLAGS="--remap-path-prefix=$root=nianbao --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=cargo"

targets=${NIANBAO_TARGETS:-windows-x86_64 linux-x86_64 linux-aarch64}
built=()
skipped=()
skip() { # name, reason
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

rust_target() { # triple; 0 when its standard library is installed (or could be added)
    local sysroot
    sysroot=$(rustc --print sysroot)
    [ -d "$sysroot/lib/rustlib/$1/lib" ] && return 0
    command -v rustup >/dev/null || return 1
    timeout 600 rustup target add "$1" >/dev/null 2>&1
}

zigbuild_ready() { # 0 when cargo-zigbuild and zig can be run (installing them if needed)
    local venv=$tools/venv
    if [ ! -x "$venv/bin/cargo-zigbuild" ]; then
        python3 -m venv "$venv" >/dev/null 2>&1 &&
            "$venv/bin/pip" install -q cargo-zigbuild==0.24.1 ziglang==0.17.1 >/dev/null 2>&1 ||
            return 1
    fi
    # cargo-zigbuild runs zig as `python3 -m ziglang` from the venv.
    PATH="$root/$venv/bin:$PATH" "$venv/bin/cargo-zigbuild" --version >/dev/null 2>&1
}

# Everything but the binary, shared by all packages.
stage_common() { # dest dir, line ending (crlf|lf)
    local dest=$1
    mkdir -p "$dest"
    git ls-files -z fonts | xargs -0 -I{} install -D -m 644 {} "$dest/{}"
    git ls-files -z examples | while IFS= read -r -d '' f; do
        install -D -m 644 "$f" "$dest/示例/${f#examples/}"
    done
    local guide="$dest/使用说明.txt"
    sed "s/@VERSION@/$version/g" packaging/使用说明.txt >"$guide"
    if [ "$2" = crlf ]; then
        # Notepad on Windows before 10 (1903) reads a file without BOM as GBK.
        { printf '\xef\xbb\xbf'; sed 's/$/\r/' "$guide"; } >"$guide.tmp" && mv "$guide.tmp" "$guide"
    fi
}

archive() { # out, stage dir
    find "$2" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    python3 scripts/dist-archive.py "$1" "$2" "$SOURCE_DATE_EPOCH"
}

make_deb() { # binary, debian arch
    local bin=$1 arch=$2 pkg=$tools/deb-$2
    rm -rf "$pkg"
    install -D -m 755 "$bin" "$pkg/usr/bin/nianbao"
    git ls-files -z fonts | while IFS= read -r -d '' f; do
        install -D -m 644 "$f" "$pkg/usr/share/nianbao/$f"
    done
    local doc=$pkg/usr/share/doc/nianbao
    git ls-files -z examples | while IFS= read -r -d '' f; do
        install -D -m 644 "$f" "$doc/$f"
    done
    sed "s/@VERSION@/$version/g" packaging/使用说明.txt >"$doc/使用说明.txt"
    sed "s/@VERSION@/$version/g" packaging/deb/copyright >"$doc/copyright"
    mkdir -p "$pkg/DEBIAN"
    local size
    size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
    sed -e "s/@VERSION@/$version/g" -e "s/@ARCH@/$arch/g" -e "s/@SIZE@/$size/g" \
        packaging/deb/control >"$pkg/DEBIAN/control"
    find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    dpkg-deb --root-owner-group -Zxz --build "$pkg" "$dist/nianbao_${version}_$arch.deb" >/dev/null
}

# The Linux packages: tar.gz and deb from one binary.
package_linux() { # name, triple, debian arch
    local name=$1 bin=target/$2/ship/nianbao
    local stage=$tools/stage/nianbao-$version-$name
    rm -rf "$stage"
    stage_common "$stage" lf
    install -m 755 "$bin" "$stage/nianbao"
    archive "$dist/nianbao-$version-$name.tar.gz" "$stage"
    make_deb "$bin" "$3"
}

started=$SECONDS
rm -f "$dist"/nianbao[-_]"$version"[-_]*

# --- Windows: x86_64-pc-windows-gnu, linked by mingw (.cargo/config.toml).
if [[ " $targets " == *" windows-x86_64 "* ]]; then
    t=x86_64-pc-windows-gnu
    if ! command -v x86_64-w64-mingw32-gcc >/dev/null && ! apt_install gcc-mingw-w64-x86-64; then
        skip windows-x86_64 "no x86_64-w64-mingw32-gcc, and Debian's gcc-mingw-w64-x86-64 could not be installed"
    elif ! rust_target $t; then
        skip windows-x86_64 "rustup could not add the target $t (its standard library is not available here)"
    else
        echo "== build $t"
        s=$SECONDS
        cargo build --locked --profile ship --target $t -p nianbao
        echo "   (${t}: $((SECONDS - s)) s)"
        stage=$tools/stage/nianbao-$version-windows-x86_64
        rm -rf "$stage"
        stage_common "$stage" crlf
        install -m 755 target/$t/ship/nianbao.exe "$stage/nianbao.exe"
        archive "$dist/nianbao-$version-windows-x86_64.zip" "$stage"
        built+=(windows-x86_64)
    fi
fi

# --- Linux x86_64 and aarch64 against glibc 2.17 (older 统信UOS/麒麟), linked by zig.
linux=()
for name in linux-x86_64 linux-aarch64; do
    [[ " $targets " == *" $name "* ]] || continue
    t=${name#linux-}-unknown-linux-gnu
    if ! zigbuild_ready; then
        skip $name "cargo-zigbuild and ziglang (PyPI) could not be installed or run"
    elif ! rust_target "$t"; then
        skip $name "rustup could not add the target $t (its standard library is not available here)"
    else
        linux+=("$name")
    fi
done
if ((${#linux[@]})); then
    args=()
    for name in "${linux[@]}"; do args+=(--target "${name#linux-}-unknown-linux-gnu.2.17"); done
    echo "== build ${linux[*]} (glibc 2.17)"
    s=$SECONDS
    PATH="$root/$tools/venv/bin:$PATH" "$tools/venv/bin/cargo-zigbuild" zigbuild \
        --locked --profile ship "${args[@]}" -p nianbao
    echo "   (${linux[*]}: $((SECONDS - s)) s)"
    for name in "${linux[@]}"; do
        arch=amd64
        [ "$name" = linux-aarch64 ] && arch=arm64
        package_linux "$name" "${name#linux-}-unknown-linux-gnu" "$arch"
        built+=("$name")
    done
fi

(cd "$dist" && sha256sum nianbao[-_]"$version"[-_]* >SHA256SUMS 2>/dev/null) || true
echo "== packages in $dist ($((SECONDS - started)) s)"
for f in "$dist"/nianbao[-_]"$version"[-_]*; do
    [ -e "$f" ] && printf '  %10s  %s\n' "$(stat -c %s "$f")" "$(basename "$f")"
done
for b in "${built[@]}"; do
    case $b in
        windows-x86_64) bin=target/x86_64-pc-windows-gnu/ship/nianbao.exe ;;
        *) bin=target/${b#linux-}-unknown-linux-gnu/ship/nianbao ;;
    esac
    printf '  %10s  %s (binary, stripped)\n' "$(stat -c %s "$bin")" "$bin"
done
echo "built: ${built[*]:-none}"
if ((${#skipped[@]})); then
    echo "skipped:"
    printf '  %s\n' "${skipped[@]}"
fi
