#!/usr/bin/env bash
# Independent check of the checksum lists (*.sha256) in DIR with GNU coreutils.
#
#   scripts/interop-sha256.sh DIR
#
# Per list:
#   - `sha256sum --check --strict` in DIR: every listed file is there with its listed bytes,
#     and every line is well formed;
#   - the first line names the nianbao version and a 64-digit sources digest;
#   - every output beside it with the same report name (DOCX, PDF, XLSX, both HTML files) is
#     listed; the files CI adds itself (*.prose.txt, *.host.html) are not outputs.
#
# Needs: coreutils (sha256sum). Exit status 1 if any check fails.
set -euo pipefail

dir=${1:?usage: $0 DIR}
fail=0
count=0
shopt -s nullglob
for list in "$dir"/*.sha256; do
    count=$((count + 1))
    name=$(basename "$list")
    stem=${name%.sha256}
    if out=$(cd "$dir" && sha256sum --check --strict "$name" 2>&1); then
        echo "ok   $name: $(grep -c ': OK$' <<<"$out") files match"
    else
        echo "FAIL $name: sha256sum --check:"$'\n'"$out"
        fail=1
    fi
    if ! head -1 "$list" | grep -qE '^# nianbao [0-9][^ ]* sources-sha256 [0-9a-f]{64}$'; then
        echo "FAIL $name: first line is not '# nianbao <version> sources-sha256 <digest>': $(head -1 "$list")"
        fail=1
    fi
    for f in "$dir/$stem".*; do
        base=$(basename "$f")
        case "$base" in
            *.sha256 | *.prose.txt | *.host.html) continue ;;
        esac
        if ! grep -qF "  $base" "$list"; then
            echo "FAIL $name: $base is not listed"
            fail=1
        fi
    done
done
if [[ $count -eq 0 ]]; then
    echo "no checksum list in $dir"
    exit 1
fi
exit $fail
