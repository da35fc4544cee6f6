#!/usr/bin/env bash
# The independent judges, run from the repository root:
#   1. Spectral lints openapi/*.yaml with .spectral.yaml (fails on errors; warnings are shown).
#   2. Prism mocks each spec with request/response validation, and the `prism` test of
#      vpn-tests calls every operation through the generated client against it
#      (tests/tests/prism.rs).
#   3. The official Python SDK's signer (huaweicloudsdkcore, pinned in requirements-judges.txt)
#      signs a few hundred generated requests, and the `signer_official` test of vpn-tests
#      checks that our AK/SK signer agrees exactly (tests/tests/signer_official.rs,
#      scripts/official_signer.py).
#   4. The official VPN SDK (huaweicloudsdkvpn) runs the v5 flow against the emulator, every
#      request AK/SK-signed (scripts/python_sdk_flow.py).
#   5. openstacksdk, a standard OpenStack client, runs seed 004's legacy flow against the
#      emulator with no auth and an endpoint override, version discovery first
#      (scripts/openstack_client_flow.py).
#   6. schemathesis fuzzes the emulator from both specs (scripts/schemathesis.sh).
# Needs Node >= 20.17 with npm, Python 3 with venv and pip, and cargo. Installs the pinned Node
# tools with `npm ci` when node_modules is missing or older than package-lock.json, and the
# pinned Python packages into .venv-judges when it is missing or older than
# requirements-judges.txt.
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
cargo test --workspace --features vpn-tests/prism --test prism

python=${JUDGES_PYTHON:-python3}   # the Python that makes the venv
if ! command -v "$python" >/dev/null; then
    echo "judges.sh: $python is needed (Python 3 with venv and pip) for the official signer" >&2
    exit 1
fi
venv=.venv-judges
pip_stamp=$venv/.requirements-installed   # touched after a successful pip install
if [[ ! -x $venv/bin/python || ! -f $pip_stamp || requirements-judges.txt -nt $pip_stamp ]]; then
    step "Python venv $venv ($("$python" --version 2>&1)) with requirements-judges.txt"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet --no-input \
        -r requirements-judges.txt
    touch "$pip_stamp"
fi

step "Official signer (huaweicloudsdkcore $("$venv/bin/python" -c \
    'from importlib.metadata import version; print(version("huaweicloudsdkcore"))')) against ours"
OFFICIAL_SIGNER_PYTHON="$PWD/$venv/bin/python" \
    cargo test --workspace --features vpn-tests/official-signer --test signer_official

step "VPN emulator + official Python SDK (huaweicloudsdkvpn $("$venv/bin/python" -c \
    'from importlib.metadata import version; print(version("huaweicloudsdkvpn"))')), every request AK/SK-signed"
# The emulator binary as `cargo test --workspace` builds it (same package selection, so no
# second build of the dependencies with other features).
cargo test --quiet --workspace --no-run

# with_emulator "FLAGS" COMMAND...: starts target/debug/vpn-emulator with FLAGS on a free
# loopback port, runs COMMAND with every `{url}` argument replaced by the emulator's base URL,
# and stops the emulator whatever happens.
with_emulator() (
    flags=$1
    shift
    emulator_out="$(mktemp)"
    # shellcheck disable=SC2086 # FLAGS are words
    target/debug/vpn-emulator --port 0 $flags >"$emulator_out" &
    emulator_pid=$!
    trap 'kill "$emulator_pid" 2>/dev/null || true; rm -f "$emulator_out"' EXIT
    url=""
    for _ in $(seq 1 100); do
        url="$(head -n 1 "$emulator_out")"
        [[ $url == http://* ]] && break
        kill -0 "$emulator_pid" 2>/dev/null || { echo "judges.sh: the emulator exited" >&2; exit 1; }
        sleep 0.1
    done
    [[ $url == http://* ]] || { echo "judges.sh: the emulator printed no URL" >&2; exit 1; }
    "${@//\{url\}/$url}"
)

with_emulator "--delay-ms 200 --ak judges-sdk-ak --sk judges-sdk-sk --project-id 0123456789abcdef0123456789abcdef" \
    "$venv/bin/python" scripts/python_sdk_flow.py "{url}" judges-sdk-ak judges-sdk-sk \
    0123456789abcdef0123456789abcdef

step "VPN emulator + openstacksdk $("$venv/bin/python" -c \
    'from importlib.metadata import version; print(version("openstacksdk"))') (no auth, endpoint override): seed 004 on the legacy API"
with_emulator "--delay-ms 200" "$venv/bin/python" scripts/openstack_client_flow.py "{url}"

step "VPN emulator fuzzed by schemathesis from both specs (scripts/schemathesis.sh)"
JUDGES_VENV="$PWD/$venv" bash scripts/schemathesis.sh

step "judges: all green"
