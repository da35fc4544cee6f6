#!/usr/bin/env bash
# The two independent judges of the OpenAPI specs, run from the repository root:
#   1. Spectral lints openapi/*.yaml with .spectral.yaml (fails on errors; warnings are shown).
#   2. Prism mocks each spec with request/response validation, and the `prism` test of
#      vpn-tests calls every operation through the generated client against it
#      (tests/tests/prism.rs).
# Needs Node >= 20.17 with npm, and cargo. Installs the pinned Node tools with `npm ci` when
# node_modules is missing or older than package-lock.json.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# No install-time analytics from @scarf/scarf (a dependency of spectral-cli), no update checks.
export SCARF_ANALYTICS=false
export DO_NOT_TRACK=1
export NO_UPDATE_NOTIFIER=1

step() { printf '\n==> %s\n' "$*"; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "judges.sh: node and npm are needed (Node >= 20.17)" >&2
    exit 1
fi

stamp=node_modules/.package-lock.json   # written by npm ci / npm install
if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" \
      || ! -x node_modules/.bin/spectral || ! -x node_modules/.bin/prism ]]; then
    step "npm ci (node $(node --version), npm $(npm --version))"
    npm ci --no-audit --no-fund
fi

step "Spectral $(node_modules/.bin/spectral --version) on openapi/*.yaml"
node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity=error openapi/*.yaml

step "Prism $(node_modules/.bin/prism --version): every operation through the generated client"
cargo test -p vpn-tests --features prism --test prism

step "judges: all green"
