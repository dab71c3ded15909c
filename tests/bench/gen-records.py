#!/usr/bin/env python3
# Copied unchanged (apart from this line) from /work/shared/bench/gen-records.py,
# the issue 5/7 provider-CSV generator; edit the shared original, not this copy.
"""Generate a synthetic training-provider CSV of continuing-education hour records.

Standard library only; the output is fully determined by the options (--seed).

Columns (header row first):
  证件号码  18-char resident ID, GB 11643 check digit, Hunan region (43xxxx), born 1960-2000
  姓名      2-3 Chinese characters (compound surnames such as 欧阳 included)
  年度      2019-2026
  科目类型  公需科目 | 专业科目
  科目名称  course name
  学时      hours: mostly integers 6-60, some half hours (x.5), a few outside 6-60
  继续教育形式  远程教育, 培训班, 学术会议, 研修 (alias of 研修班), ...
  培训机构  one of a few dozen provider names
  记录编号  record id, unique per provider: <provider code>-<8-digit serial>

Fault injection (--bad-rate R): that fraction of data rows carries exactly one fault,
chosen uniformly from the kinds enabled by --faults:
  checksum  ID number with a wrong check digit
  name      empty 姓名
  hours     non-numeric 学时 (十二, abc, 12学分, 1,5, empty, ...)
  subject   unknown 科目类型 (其他科目, 公需, 选修课, ...)
  quoted    科目名称 / 培训机构 containing ASCII commas, double quotes and/or newlines,
            correctly quoted (valid RFC 4180 - it breaks line-based tools, not CSV parsers)
  columns   wrong number of fields (one missing or one extra)
--fault-log FILE writes one line per faulty row: <data row number, 1-based> <kind>.

Examples:
  gen-records.py --rows 1000000 --people 300000 --seed 1 -o records-1m.csv
  gen-records.py --rows 1000 --bad-rate 0.05 --encoding gb18030 --crlf -o bad.csv
"""
import argparse
import csv
import io
import random
import sys

HEADER = ["证件号码", "姓名", "年度", "科目类型", "科目名称", "学时",
          "继续教育形式", "培训机构", "记录编号"]

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_digit(first17):
    """GB 11643-1999 check character for the first 17 digits."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


# Hunan county-level region codes by prefecture (first four digits), with a rough
# population weight per prefecture.  The first four digits take only 14 values.
REGIONS = {
    "4301": (14, "430102 430103 430104 430105 430111 430112 430121 430181 430182"),
    "4302": (6, "430202 430203 430204 430211 430212 430223 430224 430225 430281"),
    "4303": (4, "430302 430304 430321 430381 430382"),
    "4304": (9, "430405 430406 430407 430408 430412 430421 430422 430423 430424 430426 430481 430482"),
    "4305": (9, "430502 430503 430511 430522 430523 430524 430525 430527 430528 430529 430581 430582"),
    "4306": (7, "430602 430603 430611 430621 430623 430624 430626 430681 430682"),
    "4307": (7, "430702 430703 430721 430722 430723 430724 430725 430726 430781"),
    "4308": (2, "430802 430811 430821 430822"),
    "4309": (5, "430902 430903 430921 430922 430923 430981"),
    "4310": (6, "431002 431003 431021 431022 431023 431024 431025 431026 431027 431028 431081"),
    "4311": (7, "431102 431103 431122 431123 431124 431125 431126 431127 431128 431129"),
    "4312": (6, "431202 431221 431222 431223 431224 431225 431226 431227 431228 431229 431230 431281"),
    "4313": (5, "431302 431321 431322 431381 431382"),
    "4331": (3, "433101 433122 433123 433124 433125 433126 433127 433130"),
}

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
            "尹薛段雷侯龙史陶黎贺顾毛龚邵万钱严覃武戴莫孔向汤易伍颜文欧聂阳刘李王")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娥玲兰鹏辉建国志宇婷"
         "雪琳晶欣怡浩然子轩梓涵雨晨思远博文嘉俊凯峰斌斐湘蓉岳麓沅澧潇楚湘君亮林海"
         "波宁健琴燕慧颖倩佳晓东亚新春夏秋冬文武德仁义礼智信良源清泉鑫森淼焱垚")

PUBLIC_SUBJECTS = (
    "专业技术人员职业道德与诚信建设", "数字经济与创新驱动发展", "人工智能与健康",
    "专业技术人员心理健康与心理调适", "大数据时代的互联网信息安全", "乡村振兴战略解读",
    "生态文明建设与绿色发展", "知识产权保护与运用", "法治湖南建设专题讲座",
    "专业技术人员创新能力培养与提高", "党的二十大精神学习辅导", "湖湘文化与科学精神",
)
PROFESSIONAL_SUBJECTS = (
    "建筑工程施工质量控制", "BIM技术在建筑设计中的应用", "岩土工程勘察新规范解读",
    "临床合理用药", "护理质量与安全管理", "中小学信息技术与学科融合",
    "企业会计准则解读（2024版）", "农业技术推广新技术", "水利工程建设管理",
    "公路桥梁检测技术", "电气安全与节能技术", "环境影响评价技术导则",
    "新课标下的课堂教学设计", "急危重症护理", "智慧农业与数字乡村", "工程造价管理实务",
    "装配式建筑设计", "财务共享与管理会计", "中医适宜技术推广", "城乡规划编制与实施",
    "地质灾害防治技术", "食品安全检验检测", "特种设备安全技术", "数据治理与数据安全",
)
# Names from the reference code list (codes/ce-forms.yaml), some spelled as its aliases
# (网络培训, 研修, 进修, 岗位培训), as providers write them.
FORMS = ("远程教育", "远程教育", "远程教育", "培训班", "培训班", "学术会议", "研修",
         "进修", "学术讲座", "研修班", "岗位培训", "网络培训")
PROVIDERS = (
    "湖南大学继续教育学院", "中南大学继续教育学院", "湖南师范大学继续教育学院",
    "湘潭大学继续教育学院", "长沙理工大学继续教育学院", "湖南农业大学继续教育学院",
    "湖南科技大学继续教育学院", "南华大学继续教育学院", "吉首大学继续教育学院",
    "湖南工业大学继续教育学院", "湖南中医药大学继续教育学院", "中南林业科技大学继续教育学院",
    "湖南省专业技术人员继续教育网络平台", "湖南人才市场有限公司", "湖南省建设人力资源协会",
    "湖南省土木建筑学会", "湖南省会计学会", "湖南省护理学会", "湖南省医学会",
    "湖南省教育科学研究院", "长沙市继续教育培训中心", "株洲市专业技术人员继续教育基地",
    "湘潭市人才发展服务中心", "衡阳市继续教育培训中心", "岳阳市专业技术人员培训中心",
    "常德市人才服务中心", "郴州市继续教育培训中心", "怀化市专业技术人员继续教育基地",
    "湖南省水利水电勘测设计规划研究总院培训中心", "湖南省交通运输厅干部培训中心",
    "湖南省农业农村厅农业广播电视学校", "湖南省工程咨询协会", "湖南省电力行业协会",
    "湖南省测绘地理信息学会", "湖南省环境保护科学研究院培训部", "国家开放大学湖南分部",
)
COMMON_HOURS = (6, 8, 12, 16, 20, 24, 30, 30, 32, 40, 48, 60)
FAULT_KINDS = ("checksum", "name", "hours", "subject", "quoted", "columns")
BAD_HOURS = ("十二", "abc", "12学分", "1,5", "", "N/A", "三十", "12.5.1", "—")
BAD_SUBJECT_TYPES = ("其他科目", "公需", "选修课", "专业", "Public", "")
QUOTED_TEXT = ("建筑工程, 施工质量控制", '临床"合理"用药', "护理质量\n与安全管理",
               '会计准则解读, "2024" 版\r\n(上)', "BIM技术,设计,施工")


def make_people(rng, count):
    prefixes = list(REGIONS)
    weights = [REGIONS[p][0] for p in prefixes]
    codes = {p: REGIONS[p][1].split() for p in prefixes}
    seen = set()
    people = []
    while len(people) < count:
        region = rng.choice(codes[rng.choices(prefixes, weights)[0]])
        year = rng.randint(1960, 2000)
        month = rng.randint(1, 12)
        mdays = 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30 if month != 2 else \
            29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
        day = rng.randint(1, mdays)
        first17 = "%s%04d%02d%02d%03d" % (region, year, month, day, rng.randint(1, 999))
        if first17 in seen:
            continue
        seen.add(first17)
        if rng.random() < 0.03:
            surname = rng.choice(COMPOUND_SURNAMES)
            given = rng.choice(GIVEN)
        else:
            surname = rng.choice(SURNAMES)
            given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        people.append((first17 + id_check_digit(first17), surname + given))
    return people


def hours_value(rng):
    r = rng.random()
    if r < 0.70:
        return str(rng.choice(COMMON_HOURS))
    if r < 0.88:
        return str(rng.randint(6, 60))
    if r < 0.97:
        return "%d.5" % rng.randint(6, 59)
    return str(rng.choice((1, 2, 3, 4, 5, 72, 80, 90)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[2:]))
    ap.add_argument("--rows", type=int, default=1000, help="data rows (default 1000)")
    ap.add_argument("--people", type=int, default=0,
                    help="distinct people the rows are spread over (default rows/3, at least 1)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--encoding", choices=("utf-8", "utf-8-sig", "gb18030"), default="utf-8")
    ap.add_argument("--crlf", action="store_true", help="CRLF line ends (as Excel writes)")
    ap.add_argument("--bad-rate", type=float, default=0.0,
                    help="fraction of rows with one injected fault (default 0)")
    ap.add_argument("--faults", default=",".join(FAULT_KINDS),
                    help="comma-separated fault kinds to draw from (default all: %s)"
                    % ",".join(FAULT_KINDS))
    ap.add_argument("--fault-log", help="write '<row> <kind>' per faulty data row here")
    ap.add_argument("-o", "--output", help="output file (default stdout)")
    a = ap.parse_args()

    kinds = [k for k in a.faults.split(",") if k]
    for k in kinds:
        if k not in FAULT_KINDS:
            ap.error("unknown fault kind %r (choose from %s)" % (k, ", ".join(FAULT_KINDS)))
    if not 0.0 <= a.bad_rate <= 1.0:
        ap.error("--bad-rate must be between 0 and 1")
    if a.bad_rate > 0 and not kinds:
        ap.error("--bad-rate needs at least one fault kind")
    npeople = a.people if a.people > 0 else max(1, a.rows // 3)

    rng = random.Random(a.seed)
    people = make_people(rng, npeople)
    provider_code = ["JX%03d" % (i + 1) for i in range(len(PROVIDERS))]
    serial = [0] * len(PROVIDERS)

    if a.output:
        raw = open(a.output, "wb")
    else:
        raw = sys.stdout.buffer
    out = io.TextIOWrapper(raw, encoding=a.encoding, newline="", write_through=False)
    w = csv.writer(out, lineterminator="\r\n" if a.crlf else "\n")
    w.writerow(HEADER)
    flog = open(a.fault_log, "w", encoding="utf-8") if a.fault_log else None

    choice, random_ = rng.choice, rng.random
    for row_no in range(1, a.rows + 1):
        pid, name = people[rng.randrange(npeople)]
        year = str(2019 + min(7, int(random_() ** 0.8 * 8)))
        if random_() < 0.35:
            stype, subject = "公需科目", choice(PUBLIC_SUBJECTS)
        else:
            stype, subject = "专业科目", choice(PROFESSIONAL_SUBJECTS)
        p = rng.randrange(len(PROVIDERS))
        serial[p] += 1
        row = [pid, name, year, stype, subject, hours_value(rng), choice(FORMS),
               PROVIDERS[p], "%s-%08d" % (provider_code[p], serial[p])]
        if a.bad_rate > 0 and random_() < a.bad_rate:
            kind = choice(kinds)
            if kind == "checksum":
                good = row[0][17]
                row[0] = row[0][:17] + choice([c for c in "0123456789X" if c != good])
            elif kind == "name":
                row[1] = ""
            elif kind == "hours":
                row[5] = choice(BAD_HOURS)
            elif kind == "subject":
                row[3] = choice(BAD_SUBJECT_TYPES)
            elif kind == "quoted":
                if random_() < 0.7:
                    row[4] = choice(QUOTED_TEXT)
                else:
                    row[7] = row[7] + ", 长沙\n分部"
            elif kind == "columns":
                if random_() < 0.5:
                    del row[rng.randrange(len(row))]
                else:
                    row.insert(rng.randrange(len(row) + 1), choice(("", "备注", "1")))
            if flog:
                flog.write("%d %s\n" % (row_no, kind))
        w.writerow(row)
    out.flush()
    if a.output:
        out.close()
    if flog:
        flog.close()


if __name__ == "__main__":
    main()
