#!/usr/bin/env bash
# The client crate as a consumer downloads it: `cargo package -p huaweicloud-vpn` (which builds
# the packaged crate alone), then its doctests from the unpacked package (default features, and
# every product with the tools' feature `dynamic`), outside the workspace, so nothing of the
# repository but what the package holds can help.
#
#   bash scripts/package-check.sh
#
# The doctest build uses target/package-check as its target directory (kept between runs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# --allow-dirty: what is checked is the package's contents, not the state of the checkout.
cargo package --quiet -p huaweicloud-vpn --allow-dirty
version="$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "huaweicloud-vpn"))')"
crate="target/package/huaweicloud-vpn-$version.crate"
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
tar xzf "$crate" -C "$unpacked"
# tar keeps the archive's modification times, older than an earlier run's build of the crate
# in the shared target directory, which cargo would then take as fresh: make them new.
find "$unpacked" -type f -exec touch {} +
echo "package-check: $crate ($(du -k "$crate" | cut -f1) KiB) builds alone; its doctests:"
# With the default features (what docs.rs shows) and with every product.
for features in "" "legacy,p2c,dynamic"; do
    echo "package-check: doctests with the default features${features:+ and $features}"
    (cd "$unpacked/huaweicloud-vpn-$version" \
        && CARGO_TARGET_DIR="$root/target/package-check" \
            cargo test --quiet --locked --doc --features "$features")
done
