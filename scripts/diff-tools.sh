#!/usr/bin/env bash
# Runs `cargo xtask diff`, openapi-diff and Optic over the change set of `cargo xtask diff`
# (xtask/tests/diff/base.yaml and xtask/tests/diff/changes/*.yaml) and writes their raw results
# and a comparison table to target/diff-tools/:
#
#   specs/          base.json and one JSON variant per change (written by the ignored test
#                   `write_change_set` of xtask/tests/diff.rs, which applies each patch)
#   ours/ID.json    cargo xtask diff specs/base.json specs/ID.json --format json
#   openapi-diff/ID.txt   openapi-diff specs/base.json specs/ID.json (its text + JSON output)
#   optic/ID.txt    optic diff specs/base.json specs/ID.json --check (its text output, with the
#                   results of its standard breaking-change checks)
#   optic/ID.json   optic diff specs/base.json specs/ID.json --json (the changes it found)
#   table.md        one row per change: what each tool reported and how it classified it
#
# The npm tools are pinned in package.json (openapi-diff 0.24.1, @useoptic/optic 1.0.9) and run
# on local files only; with `unshare` available they run in a network namespace without any
# network, which shows that they work offline (set DIFF_TOOLS_NETWORK=1 to skip that).
# Optic's telemetry is switched off (OPTIC_TELEMETRY_LEVEL=off). docs/diff.md has the table of
# a real run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export SCARF_ANALYTICS=false DO_NOT_TRACK=1 NO_UPDATE_NOTIFIER=1 OPTIC_TELEMETRY_LEVEL=off

step() { printf '\n==> %s\n' "$*"; }

stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" \
      || ! -x node_modules/.bin/openapi-diff || ! -x node_modules/.bin/optic ]]; then
    step "npm ci (node $(node --version), npm $(npm --version))"
    npm ci --no-audit --no-fund
fi

out=target/diff-tools
rm -rf "$out"
mkdir -p "$out/ours" "$out/openapi-diff" "$out/optic"

step "change set -> $out/specs"
DIFF_CHANGE_SET_OUT="$PWD/$out/specs" \
    cargo test -q -p xtask --test diff -- --ignored write_change_set >/dev/null

step "cargo build -p xtask"
cargo build -q -p xtask
xtask=target/debug/xtask

offline=()
if [[ -z "${DIFF_TOOLS_NETWORK:-}" ]] && unshare -rn true 2>/dev/null; then
    offline=(unshare -rn)
    echo "npm tools run without network (unshare -rn)"
fi

od_version=$(node -p 'require("./node_modules/openapi-diff/package.json").version')
optic_version=$(node -p 'require("./node_modules/@useoptic/optic/package.json").version')
step "ours, openapi-diff $od_version, Optic $optic_version on each change"
base=$out/specs/base.json
for spec in "$out"/specs/[0-9]*.json; do
    id=$(basename "$spec" .json)
    printf '%s ' "$id"
    "$xtask" diff "$base" "$spec" --format json >"$out/ours/$id.json" 2>&1 || true
    "${offline[@]}" node_modules/.bin/openapi-diff "$base" "$spec" \
        >"$out/openapi-diff/$id.txt" 2>&1 || true
    "${offline[@]}" node_modules/.bin/optic diff "$base" "$spec" --check \
        >"$out/optic/$id.txt" 2>&1 || true
    "${offline[@]}" node_modules/.bin/optic diff "$base" "$spec" --json \
        >"$out/optic/$id.json" 2>/dev/null || true
done
echo

step "table -> $out/table.md"
OD_VERSION=$od_version OPTIC_VERSION=$optic_version node - "$out" <<'EOF'
const fs = require("fs");
const path = require("path");
const out = process.argv[2];
const index = JSON.parse(fs.readFileSync(path.join(out, "specs/index.json"), "utf8"));
const read = (p) => { try { return fs.readFileSync(path.join(out, p), "utf8"); } catch { return ""; } };
const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");

function ours(id) {
  let r;
  try { r = JSON.parse(read(`ours/${id}.json`)); } catch { return { text: "error: " + read(`ours/${id}.json`).slice(0, 80) }; }
  const f = r.files[0];
  if (!f.head.parses) return { text: "head does not parse (reported)" };
  const parts = f.changes.map((c) => `${c.kind}: ${c.wire} / ${c.rust ?? "unknown"}`);
  const uniq = [...new Set(parts)];
  return { text: uniq.join("; ") || "no change", n: f.changes.length };
}

function openapiDiff(id) {
  const text = read(`openapi-diff/${id}.txt`);
  const first = text.trim().split("\n")[0];
  if (/Error/.test(first)) return "error: " + first.replace(/^.*?\]: /, "").slice(0, 100);
  const brace = text.indexOf("{");
  if (brace < 0) {
    if (/No changes found/i.test(text)) return "no change";
    return "not run / error: " + text.trim().split("\n").slice(-1)[0].slice(0, 100);
  }
  let j;
  try { j = JSON.parse(text.slice(brace)); } catch { return "unparsable output"; }
  const fmt = (list, label) => (list || []).map((d) => `${label}: ${d.code}`);
  const all = [
    ...fmt(j.breakingDifferences, "breaking"),
    ...fmt(j.nonBreakingDifferences, "non-breaking"),
    ...fmt(j.unclassifiedDifferences, "unclassified"),
  ];
  return all.length ? [...new Set(all)].join("; ") : "no change";
}

function optic(id) {
  const text = read(`optic/${id}.txt`);
  let changes = 0;
  try {
    const j = JSON.parse(read(`optic/${id}.json`));
    const count = (o) => {
      if (Array.isArray(o)) return o.reduce((a, x) => a + count(x), 0);
      if (o && typeof o === "object") {
        let n = typeof o.change === "string" && o.change !== "unchanged" && (o.key !== undefined || o.before !== undefined || o.after !== undefined) ? 1 : 0;
        for (const v of Object.values(o)) n += count(v);
        return n;
      }
      return 0;
    };
    changes = count(j);
    const opChanges = (j.operations || []).filter((o) => o.change && o.change !== "unchanged");
    if (!changes) changes = opChanges.length;
  } catch {}
  if (/Error|error:/.test(text) && !/Checks:/.test(text)) {
    return "error: " + text.trim().split("\n")[0].slice(0, 100);
  }
  const failed = [...text.matchAll(/x \[([^\]]+)\]/g)].map((m) => m[1]);
  const checks = (text.match(/Checks: (\d+\/\d+) passed/) || [])[1];
  if (!changes && !failed.length) return "no change";
  const verdict = failed.length ? `breaking (${[...new Set(failed)].join("; ")})` : "reported, no check failed";
  return `${changes || "some"} change(s): ${verdict}${checks ? `, checks ${checks}` : ""}`;
}

let md = `| change | ours (kind: wire / Rust) | openapi-diff ${process.env.OD_VERSION} | Optic ${process.env.OPTIC_VERSION} (--check) |\n|---|---|---|---|\n`;
for (const v of index) {
  md += `| ${cell(v.id)}: ${cell(v.title)} | ${cell(ours(v.id).text)} | ${cell(openapiDiff(v.id))} | ${cell(optic(v.id))} |\n`;
}
fs.writeFileSync(path.join(out, "table.md"), md);
process.stdout.write(md);
EOF
