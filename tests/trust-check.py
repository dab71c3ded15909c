#!/usr/bin/python3
"""Check an application document's hash chain, content hash and event
signatures from the canonical forms documented in ceh-trust(7), with
python3-cryptography and PyYAML only (no code shared with ceh).

usage: trust-check.py DOC.yaml TRUST.LOG   exit 0 if every check holds
"""
import base64
import hashlib
import sys

import yaml
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

APPLICANT = ["id_number", "name", "sex", "ethnicity", "unit", "unit_nature",
             "title_level", "phone", "education", "series", "specialty",
             "region", "remark"]


def esc(v):
    return str(v).replace("\\", "\\\\").replace("\n", "\\n")


def line(k, v):
    return "%s=%s\n" % (k, esc("" if v is None else v))


def half(h):
    return str(int(round(float(h) * 2)))


def content(doc):
    t = "ceh-content-v1\n" + line("id", doc["id"]) + line("stage", doc["stage"])
    t += line("waiting_at", doc.get("waiting_at", "")) + line("created", doc["created"])
    for k in APPLICANT:
        t += line("applicant." + k, doc["applicant"].get(k, ""))
    t += line("years", len(doc["years"]))
    for y in doc["years"]:
        t += line("year", y["year"])
        for p in ("public", "professional"):
            subj = y.get(p + "_subject", "")
            t += line(" %s_subject" % p, subj)
            t += line(" %s_half" % p, half(y[p + "_hours"]) if subj else "")
            t += line(" %s_form" % p, y.get(p + "_form", ""))
        recs = y.get("records", [])
        t += line(" records", len(recs))
        for r in recs:
            t += line(" record", r)
        atts = y.get("attachments", [])
        t += line(" attachments", len(atts))
        for a in atts:
            t += line(" attachment", a["name"]) + line(" entry", a["entry"])
            t += line(" size", a["size"]) + line(" type", a["type"])
            t += line(" sha256", a["sha256"]) + line(" added", a["added"])
    return t.encode()


def event_text(doc, i):
    ev = doc["history"][i]
    t = "ceh-event-v1\n" + line("application", doc["id"]) + line("seq", i)
    for k, name in (("prev", "prev"), ("content", "content"), ("at", "at"),
                    ("event", "event"), ("by", "by"), ("unit", "unit"),
                    ("next", "next"), ("reason", "reason"),
                    ("detail", "detail"), ("key", "key")):
        t += line(k, ev.get(name, ""))
    return t.encode()


def b64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def keys(log):
    """key hash -> public key bytes, from every certificate's key line"""
    out = {}
    for ln in open(log, encoding="utf-8"):
        if ln.startswith("key=ceh-ed25519 "):
            raw = b64(ln.split()[1])
            out[hashlib.sha256(raw).hexdigest()] = raw
    return out


def main():
    doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
    known = keys(sys.argv[2])
    prev = "0" * 64
    nsig = 0
    for i, ev in enumerate(doc["history"]):
        if str(ev.get("prev", "")) != prev:
            sys.exit("event %d: prev does not match" % i)
        text = event_text(doc, i)
        sig = ev.get("sig", "")
        if sig:
            pub = ed25519.Ed25519PublicKey.from_public_bytes(known[ev["key"]])
            msg = b"ceh-signature-v1\nceh-event\n" + text
            try:
                pub.verify(b64(sig), msg)
            except InvalidSignature:
                sys.exit("event %d: bad signature" % i)
            nsig += 1
        prev = hashlib.sha256(text + line("sig", sig).encode()).hexdigest()
    last = doc["history"][-1]["content"]
    if hashlib.sha256(content(doc)).hexdigest() != last:
        sys.exit("content hash does not match")
    print("ok %d signatures" % nsig)


if __name__ == "__main__":
    main()
