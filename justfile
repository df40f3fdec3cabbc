# Everyday tasks. Every recipe is a plain cargo/shell command, so nothing needs `just` itself.

# Build the demo county report (DOCX, PDF, XLSX, HTML and the checksum list) into examples/demo-county-2024/out/
demo:
    cargo run -p nianbao -- build examples/demo-county-2024

# Build every example
examples:
    for ex in examples/*/; do cargo run -q -p nianbao -- build "$ex"; done

# Check a report folder
check dir="examples/demo-county-2024":
    cargo run -p nianbao -- check {{dir}}

# The test suite (what CI runs)
test:
    cargo test --workspace

# Rebuild on every save while drafting
watch dir="examples/demo-county-2024":
    cargo run -p nianbao -- watch {{dir}}

# Benchmarks
bench:
    cargo bench --workspace

# Refresh golden files after an intended output change (review the diff!)
golden:
    UPDATE_GOLDEN=1 cargo test --workspace
    git diff --stat

# The packages (Windows zip, Linux tar.gz and deb, x86_64 and aarch64) into target/dist/;
# a target whose toolchain cannot be had here is skipped with a message
package:
    bash scripts/package.sh

# Test the packages where they run: the exe under wine, aarch64 under qemu (after `just package`)
smoke:
    bash scripts/smoke-dist.sh

# Everything CI runs (installs LibreOffice, poppler, qpdf, openxml-audit when missing)
ci:
    bash .ci/run

# Regenerate the test sources in tests/broken/ from templates/report.toml
broken:
    python3 tests/make_broken.py

# Rebuild the shipped font subsets (downloads Debian packages)
fonts:
    scripts/make-fonts.sh
