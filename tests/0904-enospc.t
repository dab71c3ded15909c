#!/bin/sh
# A really full disk: the store on a small tmpfs, filled up with a filler
# file so only K bytes are left.  Every mutating command either works
# completely (exit 0, fsck clean) or fails with exit 5, one clear line
# naming the problem, and the store's files exactly as they were (empty
# directories made on the way are not data; a stale entry of the review
# queue index is harmless by design, see lib/queue.h, and must be gone
# after fsck --repair).  Skipped where
# mounting a tmpfs is not permitted (not root, containers without
# CAP_SYS_ADMIN).
. "$(dirname "$0")/lib.sh"
M=$T/mnt
mkdir -p "$M"
if [ "${CEH_VALGRIND:-0}" = 1 ]; then
	echo "1..0 # SKIP under valgrind (see 0903 and the plain run)"
	exit 0
fi
if [ "$(id -u)" != 0 ] ||
    ! mount -t tmpfs -o size=4m,mode=0700 tmpfs "$M" 2>/dev/null; then
	echo "1..0 # SKIP cannot mount a tmpfs here"
	exit 0
fi
trap 'umount "$M" 2>/dev/null; rm -rf "$T"' EXIT
export CEH_STORE=$M/store
ceh init --signed >/dev/null && mk_units || { echo "1..1"; echo "not ok 1 - setup"; exit 1; }
sed -i 's/^  required: true$/  required: false/' "$CEH_STORE/store.yaml"
head -c 40000 /dev/urandom > "$T/rnd"
{ printf '%%PDF-1.4\n'; cat "$T/rnd"; printf '\n%%%%EOF\n'; } > "$T/big.pdf"
A=$(apply_std $ID1)
ceh add-year $A --year 2022 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
B=$(apply_std $ID2)
ceh add-year $B --year 2021 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh submit $B >/dev/null
D=$(apply_std 430103196001010019)
ceh add-year $D --year 2021 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh submit $D >/dev/null
for u in $EMP1 $SUP2 $SUP1 $AGENCY; do ceh review --as $u --approve $D >/dev/null; done
{ echo '证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号'
  for r in $(seq 1 40); do echo "$ID1,张三,2022,专业科目,课程名称很长的课程$r,2,培训班,培训机构甲,R$r"; done; } > "$T/hours.csv"
cp -a "$CEH_STORE" "$T/base"

# fill FREE: leave about FREE bytes (0: none) on the tmpfs
fill() {
	rm -f "$M/filler"
	dd if=/dev/zero of="$M/filler" bs=4k 2>/dev/null
	if [ "$1" -gt 0 ]; then
		sz=$(stat -c %s "$M/filler")
		truncate -s $((sz > $1 ? sz - $1 : 0)) "$M/filler"
	fi
}
# the files of the store (directories left out; records shards up to
# their committed size, as readers see them: see lib/records.h)
files_digest() { python3 "$CEH_ROOT/tests/torture/storedigest.py" --files "$CEH_STORE"; }
restore() { rm -rf "$CEH_STORE" "$M/filler"; cp -a "$T/base" "$CEH_STORE"; }

set -- \
	"apply|apply_std $ID3" \
	"add-year|ceh add-year $A --year 2023 --pro-subject 专业课程名称很长很长 --pro-hours 60 --pro-form 培训班" \
	"edit|ceh edit $A --phone 15556560000 --remark 备注备注备注" \
	"attach|ceh attach $A --year 2022 $T/big.pdf" \
	"submit|ceh submit $A" \
	"review|ceh review --as $EMP1 --approve $B" \
	"withdraw|ceh withdraw $B" \
	"unit add|ceh unit add 91430100MA4L33333R --name 新单位 --kind employer --region 430100" \
	"import|ceh import $T/hours.csv" \
	"print-slip|ceh print-slip --id 430103196001010019 --from 2020 --to 2021 --format json"
plan $(($# * 3 * 2))
for c in "$@"; do
	label=${c%%|*} cmd=${c#*|}
	for free in 0 2048 24576; do
		restore
		before=$(files_digest)
		fill $free
		eval "$cmd" >"$T/out" 2>"$T/err" </dev/null
		rc=$?
		rm -f "$M/filler"
		case $rc in
		0)	_report 0 "$label with $free bytes free: done"
			expect_code 0 "$label with $free bytes free: fsck clean" ceh fsck ;;
		5)	if head -1 "$T/err" | grep -q "^ceh [a-z-]*: .*No space left on device" &&
			    ! grep -v -q "^ceh [a-z-]*: " "$T/err"; then
				_report 0 "$label with $free bytes free: exit 5 naming the cause"
			else
				_report 1 "$label with $free bytes free: exit 5 naming the cause"
			fi
			after=$(files_digest)
			if [ "$before" != "$after" ] && [ -z "$(echo "$after" | grep -v -x -F "$before" | grep -v '^queues/')" ]; then
				echo "# $label with $free bytes free: stale queue entry left: $(echo "$after" | grep -v -x -F "$before" | cut -d' ' -f1)"
				ceh fsck --repair >/dev/null 2>&1
				after=$(files_digest)
			fi
			if [ "$before" = "$after" ]; then
				_report 0 "$label with $free bytes free: store unchanged"
			else
				_report 1 "$label with $free bytes free: store unchanged"
				echo "$before" > "$T/d1"; echo "$after" > "$T/d2"
				diff "$T/d1" "$T/d2" | sed 's/^/#   /' | head -8
			fi ;;
		*)	_report 1 "$label with $free bytes free: exit $rc"
			_report 1 "$label with $free bytes free: (not checked)" ;;
		esac
	done
done
done_testing
