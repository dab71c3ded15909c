#!/bin/sh
# The JSON of every command (--format json), parsed by /usr/bin/python3's
# json module and checked for the same types everywhere (ceh(1) OUTPUT
# FORMATS, changed once in 2026-12): hours and sizes are numbers, years
# are numbers, a list of years is an array, and a unit is given by its
# code with its name beside it (KEY and KEY_name).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 22
PY=/usr/bin/python3
printf '%%PDF-1.4 evidence\n' > "$T/cert.pdf"
ceh attach $A3 --year 2021 "$T/cert.pdf" >/dev/null || exit 1
ceh submit $A3 >/dev/null && ceh review --as $EMP3 --return --reason '缺证明' $A3 >/dev/null || exit 1
cat > "$T/rec.csv" <<CSV
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$ID1,张三,2024,专业科目,装配式建筑,24.5,培训班,湖南大学,H-1
CSV
ceh import "$T/rec.csv" 2>/dev/null || exit 1

# json CHECK MSG CMD...: run CMD, parse its stdout, run the python CHECK on d
json() {
	_chk=$1 _jmsg=$2; shift 2
	expect_code 0 "$_jmsg: exit 0" "$@"
	check "$_jmsg: parsed and typed" $PY -c "
import json, sys
d = json.load(open(sys.argv[1]), parse_constant=lambda c: 1 / 0)
def unit(o, k, name=None):
    assert isinstance(o[k], str) and isinstance(o[k + '_name'], str), (k, o)
    if name is not None: assert o[k + '_name'] == name, (k, o)
def num(v): assert type(v) in (int, float) and not isinstance(v, bool), v
$_chk" "$T/out"
}

json "
assert d['id'] == '$A3' and d['stage'] == 'draft' and d['status'] == '退回'
assert type(d['revision']) is int
unit(d, 'waiting_at')
a = d['applicant']
assert a['id_number'] == '$ID1' and a['unit'] == '$EMP3'
unit(a, 'unit', '湖南某民营建筑公司')
y = d['years'][0]
assert type(y['year']) is int and y['year'] == 2021
for k in ('public_hours', 'professional_hours', 'total_hours'): num(y[k])
assert y['total_hours'] == 90 and type(y['met']) is bool
assert isinstance(y['records'], list)
att = y['attachments'][0]
assert type(att['size']) is int and att['size'] > 0 and type(att['year']) is int
for e in d['history']:
    unit(e, 'unit'); unit(e, 'next')
r = [e for e in d['history'] if e['event'] == 'returned'][0]
assert r['unit'] == '$EMP3' and r['unit_name'] == '湖南某民营建筑公司' and r['reason'] == '缺证明'
" "show" ceh show $A3 --format json

json "
assert isinstance(d, list) and len(d) == 3
for r in d:
    unit(r, 'unit', '湖南某民营建筑公司'); unit(r, 'waiting_at')
    assert r['unit'] == '$EMP3'
    assert isinstance(r['years'], list) and all(type(x) is int for x in r['years'])
    assert isinstance(r['id_number'], str) and isinstance(r['phone'], str)
assert {tuple(r['years']) for r in d} == {(2019, 2020), (2022,), (2021,)}
" "list" ceh list --format json

json "
assert [e['event'] for e in d][:2] == ['created', 'year-added']
s = [e for e in d if e['event'] == 'submitted'][0]
unit(s, 'next'); unit(s, 'unit')
f = [e for e in d if e['event'] == 'approved'][-1]
assert f['unit'] == '$AGENCY' and f['unit_name'] == '湖南省人力资源和社会保障厅', f
" "log" ceh log $A1 --format json

json "
assert len(d) == 1
r = d[0]
assert type(r['year']) is int and r['year'] == 2024
num(r['hours']); assert r['hours'] == 24.5
assert type(r['import']) is int and isinstance(r['record_id'], str)
" "records" ceh records --id $ID1 --format json

json "
assert len(d) == 6
for u in d:
    unit(u, 'parent')
    assert isinstance(u['region'], str)
e = [u for u in d if u['code'] == '$EMP1'][0]
assert e['parent'] == '$SUP2' and e['parent_name'] == '省建设工程质量安全监督总站'
" "unit list" ceh unit list --format json

json "
assert d['code'] == '$EMP1'
unit(d, 'parent', '省建设工程质量安全监督总站'); unit(d, 'region')
assert all(isinstance(c['code'], str) and isinstance(c['name'], str) for c in d['chain'])
assert d['chain'][-1]['code'] == '$AGENCY'
" "unit show" ceh unit show $EMP1 --format json

json "
assert len(d) == 1 and type(d[0]['year']) is int and type(d[0]['size']) is int
assert d[0]['name'] == 'cert.pdf'
" "attach --list" ceh attach $A3 --list --format json

json "
assert type(d['from']) is int and type(d['to']) is int
unit(d['person'], 'unit', '湖南某民营建筑公司')
for y in d['years']:
    assert type(y['year']) is int
    num(y['public_hours']); num(y['professional_hours'])
" "print-slip" ceh print-slip --id $ID1 --from 2019 --to 2022 --format json

json "
assert len(d) == 1
r = d[0]
for k in ('from', 'to', 'years_met'):
    assert type(r[k]) is int, (k, r)
num(r['total_hours']); unit(r, 'agency', '湖南省人力资源和社会保障厅')
assert isinstance(r['status'], str) and isinstance(r['status_label'], str)
" "slips" ceh slips --id $ID1 --format json

json "
assert len(d) >= 2
for r in d:
    unit(r, 'unit')
    assert isinstance(r['stage'], str) and isinstance(r['stage_name'], str)
    for k in ('people', 'applications', 'draft', 'approved', 'returned',
              'years_met', 'years_not_met'):
        assert type(r[k]) is int, (k, r)
    for k in ('met_rate', 'approval_rate', 'days_employer', 'days_supervisor',
              'days_agency'):
        assert r[k] is None or num(r[k]) is None, (k, r)
assert [r for r in d if r['stage'] == 'returned'][0]['unit_name'] == '湖南某民营建筑公司'
" "stats" ceh stats --by unit,stage --format json

json "
assert len(d) > 0
for r in d:
    unit(r, 'unit')
    assert type(r['year']) is int and r['year'] == 2021
    for k in ('public_hours', 'professional_hours', 'total_hours', 'lack_public',
              'lack_professional', 'lack_total', 'records_public',
              'records_professional'):
        num(r[k])
    for k in ('declared_public', 'declared_professional'):
        assert r[k] is None or num(r[k]) is None, (k, r)
    assert type(r['records_undeclared']) is int
    assert isinstance(r['applications'], str)
r = [r for r in d if r['id_number'] == '$ID1'][0]
assert r['declared_public'] == 30 and r['lack_total'] == 90, r
" "shortfall" ceh shortfall --year 2021 --format json
done_testing
