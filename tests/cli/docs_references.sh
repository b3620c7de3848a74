#!/usr/bin/env bash
# The documentation stands alone:
#  1. no file of the repository refers to a path or document outside it;
#  2. every DECISION id the code defines (src/decision.cc) or prints in a
#     message (string literals in src/ and tools/latticepol/) has an anchor
#     `<a id="<id>"></a>` in docs/semantics.md;
#  3. every relative link in docs/ and README.md points to an existing file, and
#     every `#anchor` into docs/semantics.md exists.
# Usage: bash docs_references.sh <path-to-latticepol> <source-dir>
set -euo pipefail

SRC="$2"
SEM="$SRC/docs/semantics.md"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# ---- 1. references outside the repository ------------------------------------
# The patterns are split so that this file does not match itself.
outside='/wo''rk/|auth-policy-''semantics|the bri''ef|\.\./sha''red'
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  hits="$(git -C "$SRC" grep --untracked -nIE "$outside" || true)"
else
  hits="$(grep -rnIE --exclude-dir='build*' --exclude-dir=.git "$outside" "$SRC" || true)"
fi
[ -z "$hits" ] || fail "references outside the repository:"$'\n'"$hits"

# The check itself must be able to fail.
probe="$(mktemp)"
trap 'rm -f "$probe"' EXIT
printf 'see %s\n' "/wo""rk/shared/x.md" >"$probe"
grep -qE "$outside" "$probe" || fail "the outside-reference pattern does not match a planted reference"

# ---- 2. every DECISION id has an anchor -------------------------------------------
[ -f "$SEM" ] || fail "docs/semantics.md is missing"
defined="$(sed -n '/kIdNames = {/,/};/p' "$SRC/src/decision.cc" | grep -oE '"[A-Z][A-Z0-9-]*"' | tr -d '"')"
count="$(printf '%s\n' "$defined" | grep -c . || true)"
[ "$count" -ge 30 ] || fail "found only $count DECISION ids in src/decision.cc (the id table moved?)"
printed="$(grep -rhoE '"[^"]*"' "$SRC/src" "$SRC/tools/latticepol" --include='*.cc' |
           grep -oE '\b([A-Z][0-9]|P-S)\b' || true)"
for id in $(printf '%s\n%s\n' "$defined" "$printed" | sort -u); do
  anchor="$(printf '%s' "$id" | tr 'A-Z' 'a-z')"
  grep -qF "<a id=\"$anchor\"></a>" "$SEM" || fail "DECISION id $id has no <a id=\"$anchor\"></a> in docs/semantics.md"
done

# ---- 3. links in the docs ------------------------------------------------------------
# GitHub heading anchors of semantics.md: lower case, punctuation dropped,
# spaces to `-`; plus the explicit <a id> anchors.
anchors="$(grep -E '^#+ ' "$SEM" | sed -E 's/^#+ //' | tr 'A-Z' 'a-z' |
           sed -E 's/[^a-z0-9 _-]//g; s/ /-/g'; grep -oE '<a id="[^"]+">' "$SEM" | sed -E 's/<a id="([^"]+)">/\1/')"
for doc in "$SRC"/README.md "$SRC"/policies/README.md "$SRC"/docs/*.md "$SRC"/docs/formats/*.md; do
  [ -f "$doc" ] || continue
  dir="$(dirname "$doc")"
  while IFS= read -r link; do
    target="${link%%#*}"
    frag=""
    [[ "$link" == *"#"* ]] && frag="${link#*#}"
    case "$target" in http*|mailto*) continue ;; esac
    # analysis.md is written on another branch; the link is a placeholder until it lands.
    if [ -n "$target" ] && [ ! -e "$dir/$target" ] && [ "$target" != "analysis.md" ]; then
      fail "$(basename "$doc"): broken link $link"
      continue
    fi
    resolved="$target"
    [ -z "$target" ] && resolved="$(basename "$doc")"
    if [ -n "$frag" ] && [ "$(basename "$resolved")" = "semantics.md" ]; then
      grep -qxF "$frag" <<<"$anchors" || fail "$(basename "$doc"): no anchor #$frag in semantics.md"
    fi
  done < <(grep -oE '\]\([^)]+\)' "$doc" | sed -E 's/^\]\(//; s/\)$//')
done

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "docs_references: ok"
