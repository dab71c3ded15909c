#!/bin/sh
# ceh review --revoke (issue 18, Corrections): after the final approval
# the agency that gave it revokes it with a reason: a signed, chained
# "revoked" event, the application ends 审核不通过 (final), its hours no
# longer count (stats, shortfall, a new slip), and a slip that counted
# them says "revoked" at verify-slip (exit 4).  Refused, store
# byte-identical: another unit, no reason, not approved, twice, an undo
# of it.  verify and fsck stay clean; forged revocations are refused.
. "$(dirname "$0")/lib.sh"
plan 45
export CEH_NOW=1748736000	# 2025-06-01T00:00:00Z
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
K="$XDG_CONFIG_HOME/ceh/keys"
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
approve() {
	ceh submit "$1" >/dev/null &&
	ceh review --as $EMP3 --approve "$1" >/dev/null &&
	ceh review --as $AGENCY --approve "$1" >/dev/null
}
refused() { # refused CODE MSG CMD...: exit CODE and the store unchanged
	_c=$1; _m=$2; shift 2
	store_digest > "$T/d0"
	expect_code "$_c" "$_m" "$@"
	store_digest > "$T/d1"
	same "$T/d0" "$T/d1" "$_m: store byte-identical"
}
P=$(apply_std $ID1 --unit $EMP3); yr $P 2023; approve $P || exit 1
Q=$(apply_std $ID2 --unit $EMP3); yr $Q 2023; approve $Q || exit 1
R=$(apply_std $ID3 --unit $EMP3); yr $R 2023; ceh submit $R >/dev/null || exit 1
ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$K/$AGENCY.key" > "$T/slip.txt" || exit 1
num=$(sed -n 's/^编号：\([^ ]*\) .*/\1/p' "$T/slip.txt")
sed -n 's/^核验码：//p' "$T/slip.txt" > "$T/payload"
ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$K/$AGENCY.key" --format json -o "$T/slip.json" >/dev/null 2>&1 || exit 1
expect_code 0 "the slip is valid before" ceh verify-slip $num
expect_code 0 "the payload is valid before" ceh verify-slip "$(cat "$T/payload")"
ceh key show --unit $AGENCY | head -1 > "$T/agency.pub"
ceh stats --year 2023 --format json > "$T/s0"
like "$T/s0" '"approved": 2,' "stats count both approvals"

refused 2 "--revoke needs --reason" ceh review --as $AGENCY --revoke $P
like "$T/err" "needs --reason" "says so"
refused 4 "only the approving agency revokes" ceh review --as $EMP3 --revoke --reason 误批 $P
like "$T/err" "approved by $AGENCY, not by $EMP3" "names the approver"
refused 4 "an application in review is not revoked" ceh review --as $EMP3 --revoke --reason 误批 $R
refused 2 "--next goes with --approve" ceh review --as $AGENCY --revoke --next agency --reason x $P

CEH_NOW=$((CEH_NOW + 86400))
expect_code 0 "the agency revokes its approval" ceh review --as $AGENCY --revoke --reason "证明材料系伪造" $P
like "$T/out" "^$P	revoked\$" "outcome line"
ceh show $P --format json > "$T/j"
like "$T/j" '"status": "审核不通过"' "it ends 审核不通过"
ceh list --format tsv > "$T/list"
like "$T/list" "^$P	.*	审核不通过	.*证明材料系伪造" "list: 审核不通过 with the revocation's reason"
ceh log $P --format tsv > "$T/log"
like "$T/log" "revoked.*$AGENCY.*证明材料系伪造" "the history records who and why"
refused 4 "revoked twice" ceh review --as $AGENCY --revoke --reason again $P
refused 4 "a revocation is not undone" ceh review --as $AGENCY --undo $P

expect_code 4 "verify-slip: revoked" ceh verify-slip $num
like "$T/out" "^revoked: slip $num counted the hours of application $P, whose approval $AGENCY revoked on 2025-06-02: 证明材料系伪造\$" "names the application, the agency, the date and the reason"
expect_code 4 "verify-slip of the signed JSON file: revoked" ceh verify-slip --file "$T/slip.json"
like "$T/out" "^revoked: slip $num counted the hours of application $P" "the file: says why"
expect_code 4 "verify-slip of the payload: revoked" ceh verify-slip "$(cat "$T/payload")"
like "$T/out" "^revoked: slip $num counted the hours of application $P" "the payload: says why"
expect_code 0 "offline (--trust), without the store: the signature holds" env CEH_STORE="$T/nowhere" ceh verify-slip --trust "$T/agency.pub" --file "$T/slip.json"
ceh slips --id $ID1 > "$T/slips" 2>&1
like "$T/slips" "revoked|已撤销" "ceh slips shows it revoked"
ceh stats --year 2023 --format json > "$T/s1"
like "$T/s1" '"approved": 1,' "stats count only the other approval"
ceh shortfall --year 2023 --format tsv > "$T/sf" 2>&1
like "$T/sf" "$ID1" "the person is short again"
ceh print-slip --id $ID1 --from 2023 --to 2023 --key "$K/$AGENCY.key" --format json > "$T/slip2.json" 2>&1
like "$T/slip2.json" 'has no approved application' "a new slip finds nothing approved"

# many ids: one outcome line each
printf '%s\n%s\n' $Q $R | ceh review --as $AGENCY --revoke --reason 复核不符 - > "$T/out" 2> "$T/err"
like "$T/out" "^$Q	revoked\$" "batch: the approved one revoked"
like "$T/out" "^$R	error 4" "batch: the one in review refused"

expect_code 0 "ceh verify clean" sh -c "ceh verify $P && ceh verify $Q"
expect_code 0 "ceh fsck clean" ceh fsck
like "$T/err" " 0 problem" "no problem"

# forged revocations, chained and signed with real keys (tests/0812-forge.py)
S=$(apply_std $ID3 --unit $EMP3); yr $S 2022; approve $S || exit 1
f=$(find "$CEH_STORE/people" -path "*/approved/${S#*-}.yaml")
cp "$f" "$T/saved"
ok "a revocation by the employer, forged" /usr/bin/python3 "$CEH_ROOT/tests/0812-forge.py" "$f" "$K" add event=revoked unit=$EMP3 reason=x key=x
expect_code 1 "verify refuses it" ceh verify $S
like "$T/err" "event [0-9]+ \\(revoked\\) was signed by $EMP3, but the agency $AGENCY approved it" "verify says why"
cp "$T/saved" "$f"
ok "a revocation without a reason, forged" /usr/bin/python3 "$CEH_ROOT/tests/0812-forge.py" "$f" "$K" add event=revoked unit=$AGENCY key=x
expect_code 1 "verify refuses it" ceh verify $S
like "$T/err" "event [0-9]+ \\(revoked\\) gives no reason" "verify says why"
cp "$T/saved" "$f"
expect_code 0 "restored: verified" ceh verify $S
done_testing
