#!/bin/sh
# ceh verify-slip: good slips (by code, by JSON file), forged codes,
# altered files and records, changed data, and the refusals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 51

expect_code 0 "--help" ceh verify-slip --help
like "$T/out" "^usage: ceh verify-slip CODE\|NUMBER$" "usage on stdout"

ceh print-slip --id $ID1 --from 2019 --to 2023 --format json -o "$T/s.json" > "$T/issued" || exit 1
num=$(cut -f1 "$T/issued")
code=$(cut -f2 "$T/issued")
rec=$(ls "$CEH_STORE"/slips/$num.*.yaml)

# ---- good ----
before=$(store_digest)
expect_code 0 "a good code" ceh verify-slip $code
like "$T/out" "^valid: slip $num was issued by this store on 2025-06-01 and its figures match the approved data$" "says valid"
like "$T/out" "^slip $num for 张三 \($ID1\), 2019-2023: 2 of 5 years met, 280.5 hours in all$" "and what it certifies"
expect_code 0 "the code as typed: lower case, no dashes, spaces" ceh verify-slip "$(echo $code | tr -d - | tr A-Z a-z | sed 's/..../& /g')"
expect_code 0 "a good JSON file" ceh verify-slip --file "$T/s.json"
like "$T/out" "^valid: " "says valid"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), ensure_ascii=False, separators=(",", ":")))' "$T/s.json" > "$T/compact.json"
expect_code 0 "the same JSON compacted by another tool" ceh verify-slip --file "$T/compact.json"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$T/s.json" > "$T/ascii.json"
expect_code 0 "the same JSON with \\u escapes" ceh verify-slip --file "$T/ascii.json"
ok "verifying changed nothing in the store" test "$before" = "$(store_digest)"

# ---- forged codes ----
expect_code 3 "a well-formed code that was never issued" ceh verify-slip 7K3M-9Q2X-A7BD-0PWE-H5TN
like "$T/out" "^unknown: no slip with code 7K3M-9Q2X-A7BD-0PWE-H5TN was issued by this store$" "says unknown"
case $code in 0*) other=1${code#?} ;; *) other=0${code#?} ;; esac
expect_code 3 "the code with its first character changed" ceh verify-slip $other
expect_code 1 "not a code at all" ceh verify-slip 12345
like "$T/err" "is not a verification code" "says so"
expect_code 1 "a code with letters outside the alphabet" ceh verify-slip UUUU-UUUU-UUUU-UUUU-UUUU

# ---- altered files ----
alter() { # alter PYTHON-STATEMENT -> $T/alt.json
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); '"$1"'; json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, indent=2)' "$T/s.json" "$T/alt.json"
}
alter 'd["years"][1]["public_hours"] = 30; d["years"][1]["total_hours"] = 100; d["years"][1]["met"] = True'
expect_code 1 "more hours in a year" ceh verify-slip --file "$T/alt.json"
like "$T/out" "^altered: the figures of slip $num do not match its verification code" "says altered"
alter 'd["person"]["name"] = "李四"'
expect_code 1 "another name" ceh verify-slip --file "$T/alt.json"
alter 'd["all_met"] = True'
expect_code 1 "the range marked as met" ceh verify-slip --file "$T/alt.json"
alter 'd["number"] = "\x1b[2K\rvalid: slip 1 its figures match\n"'
expect_code 1 "a number with terminal control characters is refused" ceh verify-slip --file "$T/alt.json"
like "$T/err" "field 'number' is not valid text" "named as invalid text"
unlike "$T/out" "valid: slip" "and never echoed into a verdict line"
alter 'd["from"] = 2020; d["years"] = d["years"][1:]; d["totals"]["years"] = 4'
expect_code 1 "a year cut off" ceh verify-slip --file "$T/alt.json"
alter 'd["code"] = "7K3M-9Q2X-A7BD-0PWE-H5TN"'
expect_code 1 "a made-up code on a real slip" ceh verify-slip --file "$T/alt.json"
alter 'd["number"] = "20250601-0000000000"'
expect_code 1 "another number" ceh verify-slip --file "$T/alt.json"
alter 'd["extra"] = 1'
expect_code 1 "an unknown key" ceh verify-slip --file "$T/alt.json"
like "$T/err" "extra" "names it"
printf '{"format": 1' > "$T/broken.json"
expect_code 1 "a truncated file" ceh verify-slip --file "$T/broken.json"
expect_code 3 "a missing file" ceh verify-slip --file "$T/nonexistent.json"

# ---- a slip of another store (another secret) ----
( export CEH_STORE="$T/other"; ceh init --unsigned >/dev/null )
expect_code 1 "another store cannot vouch for it" env CEH_STORE="$T/other" ceh verify-slip --file "$T/s.json"
expect_code 3 "nor knows its code" env CEH_STORE="$T/other" ceh verify-slip $code

# ---- a tampered record in the store ----
cp "$rec" "$T/rec.bak"
sed -i 's/^  public_hours: 20$/  public_hours: 30/' "$rec"
ok "(the record was edited)" sh -c "! cmp -s '$rec' '$T/rec.bak'"
expect_code 1 "an edited record is detected" ceh verify-slip $code
like "$T/out" "^altered: the store's record of slip $num does not match" "says the record was altered"
cp "$T/rec.bak" "$rec"

# ---- a slip whose record is gone ----
mv "$rec" "$T/rec.moved"
expect_code 3 "a good file whose record is gone" ceh verify-slip --file "$T/s.json"
like "$T/out" "^unknown: no slip numbered $num was issued by this store$" "says unknown"
mv "$T/rec.moved" "$rec"

# ---- changed data ----
A4=$(apply_std $ID1 --unit $EMP3) && yr $A4 2023 30 60 && approve $A4
expect_code 4 "approved data changed since the slip was issued" ceh verify-slip $code
like "$T/out" "^changed: slip $num was issued by this store but the approved data have changed since: 2023: slip 未核认, now 公需 30 \+ 专业 60 = 90$" "says what changed"
expect_code 4 "the JSON file says the same" ceh verify-slip --file "$T/s.json"
like "$T/out" "^changed: " "changed"
ceh print-slip --id $ID1 --from 2022 --to 2023 --format json -o "$T/new.json" > /dev/null
expect_code 0 "a slip issued after the change is valid" ceh verify-slip --file "$T/new.json"
sed -i 's/scheme: hunan/scheme: national/' "$CEH_STORE/store.yaml"
expect_code 0 "a later change of the store's rule does not void it (it states its rule)" ceh verify-slip --file "$T/new.json"

# ---- a name beyond the BMP, written by a tool as \u surrogate pairs ----
P=$(apply_std 370101190102039973 --unit $EMP3 --name '王𠀾') || exit 1
yr $P 2022 30 60 && approve $P || exit 1
ceh print-slip --id 370101190102039973 --from 2022 --to 2022 --format json -o "$T/rare.json" > /dev/null
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$T/rare.json" > "$T/rare-ascii.json"
ok "(the file has the surrogate pair)" grep -q 'u738b\\ud840\\udc3e' "$T/rare-ascii.json"
expect_code 0 "it verifies" ceh verify-slip --file "$T/rare-ascii.json"
like "$T/out" "for 王𠀾 " "with the name read back right"

# ---- usage ----
expect_code 2 "no code" ceh verify-slip
expect_code 2 "two codes" ceh verify-slip $code $code
expect_code 2 "a code and --file" ceh verify-slip $code --file "$T/s.json"
expect_code 2 "unknown option" ceh verify-slip --bogus
done_testing
