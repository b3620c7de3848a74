#!/usr/bin/env bash
# CLI tests for `latticepol generate`: golden outputs, refusal to overwrite
# without --force (nothing written), --dry-run, merging with --force, the
# pending `pulumi config set` commands, formats, exit codes, --help.
# Usage: bash generate.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
SRC="$2"
DIR="$SRC/policies/shared-service"
TOPOLOGY="$DIR/topology.yaml"
OUTPUTS="$DIR/stack-outputs.example.json"
GOLDEN="$DIR/generated"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # TMP, fail, run, expect_in

same() {
  cmp -s "$2" "$3" || { fail "$1: $2 differs from $3"; diff "$2" "$3" >&2 || true; }
}

# --- a fresh directory gets exactly the golden files ------------------------
OUT="$TMP/out-dir"
run "generate with outputs" 0 "$LP" generate "$TOPOLOGY" --out "$OUT" --stack-outputs "$OUTPUTS"
expect_in "generate with outputs" "$TMP/out" "verified"
for f in auth-policy.json scenario.yaml common-service/Pulumi.dev.yaml \
         blue-service/Pulumi.dev.yaml green-service/Pulumi.dev.yaml; do
  same "golden $f" "$OUT/$f" "$GOLDEN/$f"
done
[ "$(find "$OUT" -type f | wc -l)" -eq 5 ] || fail "expected 5 files in $OUT"
ls -a "$OUT" "$OUT"/* | grep -q latticepol-tmp && fail "temporary files left behind"
[ "$(wc -l < "$OUT/auth-policy.json")" -eq 0 ] || fail "auth-policy.json is not one line"

# --- the same run again changes nothing and needs no --force -----------------
run "rerun unchanged" 0 "$LP" generate "$TOPOLOGY" --out "$OUT" --stack-outputs "$OUTPUTS"
expect_in "rerun unchanged" "$TMP/out" "unchanged"

# --- refusal: a changed file is not overwritten, and nothing else is written -
printf '# my notes\nconfig:\n  aws:region: "eu-west-1"\n  blue-service:token:\n    secure: AAAbbb==\n' \
  > "$OUT/blue-service/Pulumi.dev.yaml"
cp "$OUT/blue-service/Pulumi.dev.yaml" "$TMP/blue-before.yaml"
rm "$OUT/scenario.yaml"
run "refuse overwrite" 1 "$LP" generate "$TOPOLOGY" --out "$OUT" --stack-outputs "$OUTPUTS"
expect_in "refuse overwrite" "$TMP/err" "refusing to overwrite"
expect_in "refuse overwrite" "$TMP/err" "blue-service/Pulumi.dev.yaml"
expect_in "refuse overwrite" "$TMP/err" "nothing was written"
same "refused file untouched" "$OUT/blue-service/Pulumi.dev.yaml" "$TMP/blue-before.yaml"
[ -e "$OUT/scenario.yaml" ] && fail "refusal still wrote scenario.yaml"

# --- dry run: reports, writes nothing -----------------------------------------
run "dry run" 0 "$LP" generate "$TOPOLOGY" --out "$OUT" --stack-outputs "$OUTPUTS" --force --dry-run
expect_in "dry run" "$TMP/out" "would overwrite $OUT/blue-service/Pulumi.dev.yaml"
expect_in "dry run" "$TMP/out" "would create $OUT/scenario.yaml"
same "dry run wrote nothing" "$OUT/blue-service/Pulumi.dev.yaml" "$TMP/blue-before.yaml"
[ -e "$OUT/scenario.yaml" ] && fail "dry run wrote scenario.yaml"
# A dry run succeeds whether or not files exist, naming what needs --force.
run "dry run without force" 0 "$LP" generate "$TOPOLOGY" --out "$OUT" --stack-outputs "$OUTPUTS" --dry-run
expect_in "dry run without force" "$TMP/out" "would overwrite $OUT/blue-service/Pulumi.dev.yaml"
expect_in "dry run without force" "$TMP/out" ", needs --force"
expect_in "dry run without force" "$TMP/out" " -> "

# --- --force merges: the secure value survives, the region is regenerated ------
run "force merge" 0 "$LP" generate "$TOPOLOGY" --out "$OUT" --stack-outputs "$OUTPUTS" --force
expect_in "force merge" "$OUT/blue-service/Pulumi.dev.yaml" 'aws:region: "us-east-1"'
expect_in "force merge" "$TMP/out" 'aws:region: "eu-west-1" -> "us-east-1"'
expect_in "force merge" "$OUT/blue-service/Pulumi.dev.yaml" 'secure: AAAbbb=='  # the user's line, kept as written
expect_in "force merge" "$OUT/blue-service/Pulumi.dev.yaml" '# my notes'
expect_in "force merge" "$OUT/blue-service/Pulumi.dev.yaml" 'blue-service:lattice-network-arn: "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001"'
same "scenario rewritten" "$OUT/scenario.yaml" "$GOLDEN/scenario.yaml"

# --- without stack outputs: the missing keys become commands ------------------
run "no outputs" 0 "$LP" generate "$TOPOLOGY" --out "$TMP/first"
expect_in "no outputs" "$TMP/out" "pulumi config set --stack dev --cwd $TMP/first/blue-service blue-service:lattice-network-arn \"\$(pulumi stack output --stack dev --cwd $TMP/first/common-service blue-service-network-arn)\""
expect_in "no outputs" "$TMP/out" "green-service:shared-service-fqdn"
grep -q "lattice-network-arn" "$TMP/first/blue-service/Pulumi.dev.yaml" && fail "no outputs: network arn written"
same "no outputs policy" "$TMP/first/auth-policy.json" "$GOLDEN/auth-policy.json"

# --- formats --------------------------------------------------------------------
run "cloudformation" 0 "$LP" generate "$TOPOLOGY" --out "$TMP/cfn" --format cloudformation
same "cloudformation golden" "$TMP/cfn/auth-policy.template.json" "$GOLDEN/cloudformation/auth-policy.template.json"
[ -e "$TMP/cfn/common-service" ] && fail "cloudformation wrote pulumi stacks"
run "terraform" 0 "$LP" generate "$TOPOLOGY" --out "$TMP/tf" --format terraform
same "terraform golden" "$TMP/tf/auth-policy.tf" "$GOLDEN/terraform/auth-policy.tf"
run "bad format" 2 "$LP" generate "$TOPOLOGY" --out "$TMP/x" --format hcl
run "missing --out" 2 "$LP" generate "$TOPOLOGY"

# --- invalid inputs ---------------------------------------------------------------
sed 's/"111111111111"/"11111111111"/' "$TOPOLOGY" > "$TMP/bad.yaml"
run "invalid topology" 4 "$LP" generate "$TMP/bad.yaml" --out "$TMP/bad-out"
expect_in "invalid topology" "$TMP/err" "bad.yaml:16:16: /consumers/0/accountId: error: account id \`11111111111\` must be a string of exactly 12 digits"
[ -e "$TMP/bad-out" ] && fail "invalid topology created the output directory"
echo '{"shared-service-fqdn": "x.example.com"}' > "$TMP/outputs.json"
run "incomplete outputs" 4 "$LP" generate "$TOPOLOGY" --out "$TMP/o2" --stack-outputs "$TMP/outputs.json"
expect_in "incomplete outputs" "$TMP/err" "outputs.json: /blue-service-network-arn: error: missing stack output"
[ -e "$TMP/o2" ] && fail "bad outputs created the output directory"
run "unreadable topology" 4 "$LP" generate "$TMP/missing.yaml" --out "$TMP/o3"

# JSON topology on stdin.
printf '{"sharedService": {"accountId": "444455556666", "region": "us-east-1", "profile": "p", "serviceName": "svc1"},\n "consumers": [{"name": "blue", "project": "blue-service", "accountId": 011111111111, "profile": "b", "methods": ["GET"], "query": {"q": "blue"}}]}\n' \
  | run "json on stdin" 0 "$LP" generate - --out "$TMP/json"
expect_in "json on stdin" "$TMP/json/common-service/Pulumi.dev.yaml" 'common-service:blue-principal: "011111111111"'

# --- help explains the workflow -----------------------------------------------------
run "help" 0 "$LP" generate --help
expect_in "help" "$TMP/out" "pulumi stack output --json"
expect_in "help" "$TMP/out" "--stack-outputs"
expect_in "help" "$TMP/out" "deploy blue and green"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "generate.sh: all checks passed"
