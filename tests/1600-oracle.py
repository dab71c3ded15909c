#!/usr/bin/python3
# tests/1600-oracle.py - an independent computation of `ceh stats` and
# `ceh shortfall` from the documents, for tests/1600-stats.t.
#
#   1600-oracle.py dump                 read every application (ceh list,
#                                       ceh show --format json), units,
#                                       rules, regions, records -> stdout
#   1600-oracle.py stats DUMP ARGS...   the expected rows of ceh stats ARGS
#   1600-oracle.py shortfall DUMP ARGS...
#   1600-oracle.py list DUMP ARGS...    the ids ceh list ARGS prints, in
#                                       its order
#   1600-oracle.py norm-stats | norm-shortfall   ceh's JSON on stdin
#
# Expected and actual rows are printed in one normal form (one line per
# row, numbers as numbers) so the test compares them with cmp.  The JSON
# read is checked for its types on the way (ceh(1) OUTPUT FORMATS): hours,
# counts, years and rates are numbers (null when there is none), never
# strings; a JSON value of the wrong type fails the test.  Written from
# the definitions in ceh-stats(1) and ceh-shortfall(1), not from
# lib/report.c.
import json, os, subprocess, sys

import yaml


def ceh(*args, missing=None):
    r = subprocess.run(["ceh"] + list(args), capture_output=True, text=True)
    if r.returncode == 3 and missing is not None:
        return missing              # not found: e.g. no records
    if r.returncode != 0:
        sys.exit("ceh %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def number(v, what, null=False):
    if v is None and null:
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        sys.exit("%s: %r is not a JSON number" % (what, v))
    return v


def half(v):
    return int(round(number(v, "hours") * 2))


def dump():
    ids = [l.split("\t")[0] for l in ceh("list", "--format", "tsv").splitlines()[1:] if l]
    apps = [json.loads(ceh("show", i, "--format", "json")) for i in ids]
    units = json.loads(ceh("unit", "list", "--format", "json"))
    store = os.environ["CEH_STORE"]
    with open(store + "/store.yaml") as f:
        rules = yaml.safe_load(f)["rules"]
    with open(store + "/codes/hunan-regions.yaml") as f:
        regions = yaml.safe_load(f)["items"]
    records = {}
    for p in sorted({a["applicant"]["id_number"] for a in apps}):
        records[p] = json.loads(ceh("records", "--id", p, "--format", "json",
                                    missing="[]"))
    json.dump({"apps": apps, "units": units, "rules": rules,
               "regions": regions, "records": records,
               "now": int(os.environ["CEH_NOW"])}, sys.stdout, ensure_ascii=False)


def iso(t):
    import calendar, time
    return calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ"))


class World:
    def __init__(self, d):
        self.d = d
        self.units = {u["code"]: u for u in d["units"]}
        self.regions = {}
        for r in d["regions"]:
            self.regions[r["code"]] = r
            self.regions[r["name"]] = r
        self.rules = d["rules"]

    def met(self, pub, pro):
        r = self.rules
        tot = pub + pro
        if r["scheme"] == "hunan":
            return (tot >= 2 * r["annual_total"] and pub >= 2 * r["annual_public"]
                    and pro >= 2 * r["annual_professional"])
        n, dd = map(int, str(r["professional_share"]).split("/"))
        return tot >= 2 * r["annual_total"] and pro * dd >= tot * n

    def kind(self, code):
        u = self.units.get(code)
        return u["kind"] if u else "supervisor"

    def stage(self, a):
        st = a["stage"]
        if st == "review":
            return "waiting_" + self.kind(a["waiting_at"])
        if st in ("approved", "rejected"):
            return st
        for ev in reversed(a["history"]):
            if ev["event"] == "returned":
                return "returned"
            if ev["event"] == "withdrawn":
                return "withdrawn"
            if ev["event"] in ("submitted", "created"):
                break
        return "draft"

    def stints(self, a):
        """[(level, seconds)] of every stint; open ones up to now."""
        out, cur = [], None
        for ev in a["history"]:
            t = iso(ev["at"])
            if cur and ev["event"] in ("submitted", "forwarded", "approved",
                                       "rejected", "returned", "withdrawn",
                                       "undone"):
                out.append((cur[0], max(0, t - cur[1])))
                cur = None
            if ev["event"] in ("submitted", "forwarded", "undone") and ev["next"]:
                cur = (self.kind(ev["next"]), t)
        if cur:
            out.append((cur[0], max(0, self.d["now"] - cur[1])))
        return out

    def under(self, code, top):
        seen = 0
        while code and seen < 64:
            if code == top:
                return True
            code = self.units.get(code, {}).get("parent", "")
            seen += 1
        return False

    def region_under(self, name, top):
        r = self.regions.get(name)
        while r:
            if r["code"] == top:
                return True
            r = self.regions.get(r["parent"]) if r["parent"] else None
        return False

    def approved_years(self, person):
        """year -> met, over every approved application of the person."""
        out = {}
        for a in self.d["apps"]:
            if a["applicant"]["id_number"] == person and a["stage"] == "approved":
                for y in a["years"]:
                    m = self.met(half(y["public_hours"]), half(y["professional_hours"]))
                    out[y["year"]] = out.get(y["year"], False) or m
        return out


def parse(args):
    o = {"by": [], "unit": None, "subtree": False, "region": None, "series": None,
         "level": None, "from": 0, "to": 0, "for": None, "year": 0,
         "stage": None, "at": None, "id": None, "sort": "id"}
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--subtree":
            o["subtree"] = True
            i += 1
            continue
        v = args[i + 1]
        i += 2
        if a == "--by":
            o["by"] = v.split(",")
        elif a in ("--year", "--from", "--to"):
            o[a[2:]] = int(v)
        else:
            o[a[2:]] = v
    if o["year"] and not o["for"]:
        o["from"] = o["to"] = o["year"]
    if o["for"]:
        span = 5 if o["for"] == "senior" else 4
        o["from"], o["to"] = o["year"] - span, o["year"] - 1
    return o


def in_scope(w, o, a):
    ap = a["applicant"]
    if o["unit"]:
        if o["subtree"]:
            if not w.under(ap["unit"], o["unit"]):
                return False
        elif ap["unit"] != o["unit"]:
            return False
    if o["region"]:
        top = w.regions[o["region"]]["code"]
        if not w.region_under(ap["region"], top):
            return False
    if o["series"] and ap["series"] != o["series"]:
        return False
    if o["level"] and ap["title_level"] != o["level"]:
        return False
    return True


STAGES = ["draft", "waiting_employer", "waiting_supervisor", "waiting_agency",
          "approved", "rejected", "returned", "withdrawn"]
LEVELS = ["employer", "supervisor", "agency"]


def key_of(w, k, a, year):
    ap = a["applicant"]
    if k == "unit":
        return ap["unit"]
    if k == "supervisor":
        return w.units.get(ap["unit"], {}).get("parent", "")
    if k == "region":
        return ap["region"]
    if k == "series":
        return ap["series"]
    if k == "level":
        return ap["title_level"]
    if k == "year":
        return year if year else None
    return w.stage(a)


def rate(met, n):
    return "" if n == 0 else "%.1f" % ((met * 1000 + n // 2) // n / 10)


def days(secs, n):
    return "" if n == 0 else "%.1f" % ((secs * 10 + n * 43200) // (n * 86400) / 10)


def stats(w, o):
    groups = {}   # key tuple -> dict
    rng = list(range(o["from"], o["to"] + 1)) if o["from"] else None

    def g(key):
        return groups.setdefault(key, {"people": set(), "apps": 0, "py": set(),
                                       "stage": dict.fromkeys(STAGES, 0),
                                       "wn": dict.fromkeys(LEVELS, 0),
                                       "ws": dict.fromkeys(LEVELS, 0)})
    approved = {}
    for a in w.d["apps"]:
        if not in_scope(w, o, a):
            continue
        p = a["applicant"]["id_number"]
        if p not in approved:
            approved[p] = w.approved_years(p)
        declared = [y["year"] for y in a["years"]]
        if "year" in o["by"]:
            ys = rng if rng else (declared or [0])
        else:
            ys = [0]
        for y in ys:
            key = tuple(key_of(w, k, a, y) for k in o["by"])
            gr = g(key)
            gr["people"].add(p)
            if y:
                cand = [y]
            else:
                cand = rng if rng else declared
            for c in cand:
                gr["py"].add((p, c))
            counts = (y in declared) if (y and rng) else \
                (not rng or any(d in rng for d in declared))
            if counts:
                gr["apps"] += 1
                gr["stage"][w.stage(a)] += 1
                for lv, s in w.stints(a):
                    gr["wn"][lv] += 1
                    gr["ws"][lv] += s
    rows = []
    for key in sorted(groups, key=lambda t: tuple(
            "" if v is None else "%04d" % v if isinstance(v, int) else v for v in t)):
        gr = groups[key]
        met = sum(1 for (p, y) in gr["py"] if approved[p].get(y, False))
        r = dict(zip(o["by"], key))
        for k in o["by"]:
            if k in ("unit", "supervisor"):
                r[k + "_name"] = w.units[r[k]]["name"] if r[k] else ""
        r.update({"people": len(gr["people"]), "applications": gr["apps"],
                  "years_met": met, "years_not_met": len(gr["py"]) - met,
                  "met_rate": rate(met, len(gr["py"]))})
        for s in STAGES:
            r[s] = gr["stage"][s]
        r["approval_rate"] = rate(r["approved"], r["approved"] + r["rejected"])
        for lv in LEVELS:
            r["days_" + lv] = days(gr["ws"][lv], gr["wn"][lv])
        rows.append(r)
    if not o["by"] and not rows:
        rows.append({"people": 0, "applications": 0, "years_met": 0,
                     "years_not_met": 0, "met_rate": "",
                     **dict.fromkeys(STAGES, 0),
                     **{"days_" + lv: "" for lv in LEVELS}, "approval_rate": ""})
    return rows


# --stage words of ceh list (ceh-list(1)) -> the stages of ceh stats
STAGE_WORDS = {"review": STAGES[1:4], "waiting": STAGES[1:4], "待审核": STAGES[1:4],
               "暂存": ["draft"], "审核通过": ["approved"],
               "审核不通过": ["rejected"], "退回": ["returned"],
               "已撤销": ["withdrawn"], "待用人单位审核": ["waiting_employer"],
               "待主管部门审核": ["waiting_supervisor"],
               "待人社部门审核": ["waiting_agency"]}


def list_value(a, col):
    ap = a["applicant"]
    if col in ("id", "status", "waiting_at", "reason"):
        return a[col]
    if col == "years":
        return ",".join(str(y["year"]) for y in a["years"])
    return ap[col]


def list_ids(w, o):
    stages = None
    if o["stage"]:
        stages = STAGE_WORDS.get(o["stage"], [o["stage"]])
    rows = []
    for a in w.d["apps"]:
        declared = [y["year"] for y in a["years"]]
        if not in_scope(w, o, a):
            continue
        if o["from"] and not any(o["from"] <= y <= o["to"] for y in declared):
            continue
        if stages and w.stage(a) not in stages:
            continue
        if o["at"] and not (a["stage"] == "review" and a["waiting_at"] == o["at"]):
            continue
        if o["id"] and a["applicant"]["id_number"] != o["id"]:
            continue
        rows.append(a)
    rows.sort(key=lambda a: (list_value(a, o["sort"]).encode(), a["id"]))
    return [a["id"] for a in rows]


def lacks(w, pub, pro):
    r = w.rules
    tot = pub + pro
    lt = max(0, 2 * r["annual_total"] - tot)
    if r["scheme"] == "hunan":
        return (max(0, 2 * r["annual_public"] - pub),
                max(0, 2 * r["annual_professional"] - pro), lt)
    n, d = map(int, str(r["professional_share"]).split("/"))
    x = 0
    while (pro + x) * d < max(tot + x, 2 * r["annual_total"]) * n:
        x += 1                              # the fewest, by counting up
    return (0, x, lt)


def shortfall(w, o):
    people = {}
    for a in w.d["apps"]:
        people.setdefault(a["applicant"]["id_number"], []).append(a)
    rows = []
    for p, apps in people.items():
        match = [a for a in apps if in_scope(w, o, a)]
        if not match:
            continue
        who = max(match, key=lambda a: (a["updated"], a["id"]))
        appr = w.approved_years(p)
        for y in range(o["from"], o["to"] + 1):
            if appr.get(y, False):
                continue
            pub = pro = 0
            status = "undeclared"
            decl = None
            for a in apps:
                for yr in a["years"]:
                    if yr["year"] != y:
                        continue
                    if status == "undeclared":
                        status = "not_approved"
                    if a["stage"] == "approved":
                        status = "below_rule"
                        pub, pro = half(yr["public_hours"]), half(yr["professional_hours"])
                    elif a["stage"] != "rejected":
                        rank = {"draft": 1, "withdrawn": 1, "returned": 2,
                                "waiting_employer": 3, "waiting_supervisor": 4,
                                "waiting_agency": 5}[w.stage(a)]
                        k = (rank, a["updated"], a["id"])
                        if decl is None or k > decl[0]:
                            decl = (k, half(yr["public_hours"]),
                                    half(yr["professional_hours"]))
            lp, lr, lt = lacks(w, pub, pro)
            named = {k for a in apps for yr in a["years"] for k in yr["records"]}
            rec = [r for r in w.d["records"].get(p, [])
                   if int(r["year"]) == y and r["provider"] + "/" + r["record_id"] not in named]
            rows.append({"id_number": p, "unit": who["applicant"]["unit"],
                         "name": who["applicant"]["name"], "year": y, "status": status,
                         "public_hours": pub / 2, "professional_hours": pro / 2,
                         "total_hours": (pub + pro) / 2, "lack_public": lp / 2,
                         "lack_professional": lr / 2, "lack_total": lt / 2,
                         "declared_public": decl[1] / 2 if decl else "",
                         "declared_professional": decl[2] / 2 if decl else "",
                         "records_undeclared": len(rec),
                         "records_public": sum(half(r["hours"]) for r in rec if r["type"] == "公需科目") / 2,
                         "records_professional": sum(half(r["hours"]) for r in rec if r["type"] == "专业科目") / 2,
                         "applications": sorted(a["id"] for a in apps)})
    rows.sort(key=lambda r: (r["unit"], r["id_number"], r["year"]))
    return rows


TEXT = {"id_number", "name", "unit", "unit_name", "supervisor",
        "supervisor_name", "region", "series", "level", "stage", "status"}


def norm_value(k, v):
    if k in TEXT:
        return str(v) if v not in (None, "") else "-"
    if isinstance(v, list):
        return ",".join(v)
    if v is None or v == "":
        return "-"
    if isinstance(v, bool):
        return str(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return str(int(f)) if f == int(f) else "%.1f" % f


STATS_KEYS = ["people", "applications"] + STAGES + ["years_met", "years_not_met",
              "met_rate", "days_employer", "days_supervisor", "days_agency",
              "approval_rate"]
SHORT_KEYS = ["id_number", "name", "unit", "year", "status", "public_hours",
              "professional_hours", "total_hours", "lack_public",
              "lack_professional", "lack_total", "declared_public",
              "declared_professional", "records_undeclared", "records_public",
              "records_professional", "applications"]
GROUP_KEYS = ["unit", "unit_name", "supervisor", "supervisor_name", "region",
              "series", "level", "year", "stage"]


INTS = {"people", "applications", "years_met", "years_not_met", "year",
        "records_undeclared"} | set(STAGES)
NUMBERS = {"met_rate", "approval_rate", "days_employer", "days_supervisor",
           "days_agency", "public_hours", "professional_hours", "total_hours",
           "lack_public", "lack_professional", "lack_total", "declared_public",
           "declared_professional", "records_public", "records_professional"}
NULLABLE = {"met_rate", "approval_rate", "days_employer", "days_supervisor",
            "days_agency", "declared_public", "declared_professional", "year"}


def check_types(rows, text=()):
    """ceh's JSON: numbers where ceh(1) says so, strings elsewhere."""
    for r in rows:
        for k, v in r.items():
            if k in text:
                if not isinstance(v, str):
                    sys.exit("%s: %r is not a string" % (k, v))
            elif k in INTS:
                if v is not None or k not in NULLABLE:
                    number(v, k)
                    if not isinstance(v, int):
                        sys.exit("%s: %r is not an integer" % (k, v))
            elif k in NUMBERS:
                number(v, k, null=k in NULLABLE)
            elif not isinstance(v, str):
                sys.exit("%s: %r is not a string" % (k, v))


def emit(rows, keys):
    for r in rows:
        ks = [k for k in GROUP_KEYS if k in r and keys is STATS_KEYS] + keys
        print(" ".join("%s=%s" % (k, norm_value(k, r.get(k))) for k in ks))


def apps_in_text(t):
    return sorted(p.split(" ")[0] for p in t.split("；") if p)


def main():
    mode = sys.argv[1]
    if mode == "dump":
        return dump()
    if mode == "norm-stats":
        rows = json.load(sys.stdin)
        check_types(rows)
        emit(rows, STATS_KEYS)
        return
    if mode == "norm-shortfall":
        rows = json.load(sys.stdin)
        check_types(rows, text={"applications"})
        for r in rows:
            r["applications"] = apps_in_text(r["applications"])
        emit(rows, SHORT_KEYS)
        return
    with open(sys.argv[2]) as f:
        w = World(json.load(f))
    o = parse(sys.argv[3:])
    if mode == "stats":
        emit(stats(w, o), STATS_KEYS)
    elif mode == "list":
        for i in list_ids(w, o):
            print(i)
    else:
        emit(shortfall(w, o), SHORT_KEYS)


main()
