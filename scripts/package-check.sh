#!/usr/bin/env bash
# The client as a consumer downloads it: `cargo package` of the client crate and of its types
# crate (which builds each packaged crate alone, the client against the packaged types), then
# the doctests from the unpacked packages (default features, and every product with the tools'
# feature `dynamic`), outside the workspace, so nothing of the repository but what the packages
# hold can help. The unpacked client reads the unpacked types crate through a `[patch]`, as it
# would read the published one.
#
#   bash scripts/package-check.sh
#
# The doctest build uses target/package-check as its target directory (kept between runs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version_of() {
    cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == sys.argv[1]))' "$1"
}
# `cargo package` of both crates "publishes" the types crate into a temporary registry under
# target/package and verifies the client against it. Cargo unpacks that registry's crates into
# $CARGO_HOME/registry/src/-<hash of the registry's path>/ and, finding a directory there already
# marked as unpacked, reuses it without comparing: a second run from the same checkout path (a
# CI machine, or this one) verified the client against the types crate of the first run. The
# version stays 0.1.0 between commits, so remove our crates' unpacked copies first. (Sources with
# a host, such as crates.io, are named `<host>-<hash>`; a temporary registry has none.)
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
types_version="$(version_of huaweicloud-vpn-types)"
rm -rf "$cargo_home"/registry/src/-*/"huaweicloud-vpn-types-$types_version"
# Cargo takes a registry crate's build as fresh by its version alone: the client's verification
# would link the types crate built by an earlier run. Clean the types crate's builds (the
# workspace's own build of it is redone in seconds).
cargo clean --quiet -p huaweicloud-vpn-types
# --allow-dirty: what is checked is the package's contents, not the state of the checkout.
cargo package --quiet -p huaweicloud-vpn-types -p huaweicloud-vpn --allow-dirty
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
for name in huaweicloud-vpn-types huaweicloud-vpn; do
    crate="target/package/$name-$(version_of "$name").crate"
    tar xzf "$crate" -C "$unpacked"
    echo "package-check: $crate ($(du -k "$crate" | cut -f1) KiB) builds alone"
done
# tar keeps the archive's modification times, older than an earlier run's build of the crate
# in the shared target directory, which cargo would then take as fresh: make them new.
find "$unpacked" -type f -exec touch {} +
types_dir="$unpacked/huaweicloud-vpn-types-$types_version"
client_dir="$unpacked/huaweicloud-vpn-$(version_of huaweicloud-vpn)"
# The copy cargo verified the client against is the one just packaged (if cargo's layout ever
# changes so that the removal above misses, say so rather than pass on an old copy).
copies=0
for copy in "$cargo_home"/registry/src/-*/"huaweicloud-vpn-types-$types_version"; do
    [ -d "$copy" ] || continue
    copies=$((copies + 1))
    if ! diff -rq --exclude=.cargo-ok "$types_dir" "$copy" >/dev/null; then
        echo "package-check: $copy is not the packaged types crate; cargo verified the client against an old copy" >&2
        exit 1
    fi
done
if [ "$copies" -eq 0 ]; then
    echo "package-check: found no unpacked types crate under $cargo_home/registry/src/-*/;" \
        "cargo's layout changed, and the removal above may have missed an old copy" >&2
    exit 1
fi
# With the default features (what docs.rs shows) and with every product.
for features in "" "legacy,p2c,dynamic"; do
    echo "package-check: doctests with the default features${features:+ and $features}"
    (cd "$client_dir" \
        && CARGO_TARGET_DIR="$root/target/package-check" \
            cargo test --quiet --doc --features "$features" \
                --config "patch.crates-io.huaweicloud-vpn-types.path=\"$types_dir\"")
done
echo "package-check: the types crate's doctests (every product)"
(cd "$types_dir" \
    && CARGO_TARGET_DIR="$root/target/package-check" \
        cargo test --quiet --doc --features "s2c,p2c,legacy,dynamic")
