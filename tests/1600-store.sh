# tests/1600-store.sh - the store with known answers of tests/1600-stats.t
# (its first comment describes it), for the tests of ceh stats, shortfall
# and list; sourced after lib.sh.  Sets ORACLE, P4..P6, A1..F1, day().
ORACLE="/usr/bin/python3 $CEH_ROOT/tests/1600-oracle.py"
P4=430102198001011014
P5=430102198102022126
P6=430102198203033238
D=86400
BASE=1748736000
day() { CEH_NOW=$((BASE + $1 * D)); export CEH_NOW; }
day 0
# STORE_INIT: --signed (the default) or --unsigned
ceh init "${STORE_INIT:---signed}" >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"

# yr APP YEAR PUBLIC PRO
yr() {
	ceh add-year "$1" --year "$2" --public-subject 公需科目 --public-hours "$3" \
	    --public-form 远程教育 --pro-subject 专业科目 --pro-hours "$4" \
	    --pro-form 培训班 >/dev/null || echo "yr $*: failed" >&2
}
new() { # new ID UNIT SERIES LEVEL REGION
	ceh apply --id "$1" --name 测试 --ethnicity 汉族 --unit "$2" \
	    --unit-nature 事业单位 --title-level "$4" --phone 15556565656 \
	    --series "$3" --specialty 综合 --region "$5" --allow-second
}
rv() { ceh review --as "$1" "$2" "$3" ${4:+--reason "$4"} >/dev/null || echo "review $*: failed" >&2; }

A1=$(new $ID1 $EMP1 工程 副高级 湖南省省本级)
yr $A1 2020 30 60; yr $A1 2021 30 60; yr $A1 2022 30.5 60; yr $A1 2023 40 50
A2=$(new $ID1 $EMP1 工程 副高级 湖南省省本级)
yr $A2 2022 30 60; yr $A2 2024 30 60
B1=$(new $ID2 $EMP2 工程 中级 长沙市); yr $B1 2023 30 60
B2=$(new $ID2 $EMP2 工程 中级 长沙市); yr $B2 2024 15 80
C1=$(new $ID3 $EMP3 卫生 正高级 芙蓉区); yr $C1 2022 30 60; yr $C1 2023 30 60
C2=$(new $ID3 $EMP3 卫生 正高级 芙蓉区); yr $C2 2021 30 60
D1=$(new $P4 $EMP1 工程 中级 湖南省省本级); yr $D1 2023 30 60
D2=$(new $P4 $EMP1 工程 中级 湖南省省本级); yr $D2 2023 30 60
E1=$(new $P5 $EMP2 工程 中级 长沙市)
cat > "$T/rec.csv" <<EOF
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$P6,测试,2024,公需科目,数字经济,12.5,远程教育,机构甲,R1
$P6,测试,2024,专业科目,专业课一,40,培训班,机构甲,R2
$P6,测试,2024,专业科目,专业课二,20,培训班,机构乙,R3
$P6,测试,2023,公需科目,公需课,30,远程教育,机构甲,R4
$ID1,测试,2019,专业科目,专业课,8,培训班,机构乙,R5
EOF
ceh import "$T/rec.csv" >/dev/null 2>&1 || echo "import failed" >&2
F1=$(new $P6 $EMP3 工程 中级 长沙市)
ceh add-year $F1 --year 2024 --from-records --record R1 --record R2 >/dev/null || echo "from-records failed" >&2

ceh submit $A1 >/dev/null; rv $EMP1 --approve $A1
day 1; ceh submit $B1 >/dev/null; ceh submit $D1 >/dev/null
day 2; rv $EMP1 --reject $D1 不符; ceh submit $C1 >/dev/null
day 3; rv $EMP2 --return $B1 补材料; ceh withdraw $C1 >/dev/null
ceh submit $C2 >/dev/null; ceh submit $D2 >/dev/null
day 4; ceh submit $B2 >/dev/null; rv $EMP2 --approve $B2
day 5; rv $SUP2 --approve $A1; rv $EMP3 --approve $C2
day 6; rv $SUP1 --approve $A1
day 7; rv $AGENCY --approve $C2
day 10; rv $AGENCY --approve $A1
day 12

