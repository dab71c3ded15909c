#!/usr/bin/python3
"""Forge an application's history the way someone holding unit keys
could: change, remove, reorder or add events, change the document, then
chain and sign it again from the canonical forms of ceh-trust(7) with
python3-cryptography and PyYAML only (no code shared with ceh; the
canonical forms are trust-check.py's), so that
every hash and signature holds and only the workflow is wrong.

usage: 0812-forge.py DOC.yaml KEYDIR OP...   (rewrites DOC.yaml)

  ev I FIELD VALUE   set field of event I (unit, next, event, ...)
  del I              remove event I
  swap I J           exchange events I and J
  add FIELD=VALUE... append an event (at = the last event's time)
  doc FIELD VALUE    set a top-level field (stage, waiting_at)
  hours YEAR HALF... set year YEAR's public hours (a number)
  nochain            do not chain or sign again (plain tampering)
  same               change nothing (the output is ceh's own bytes)

Every event that has a key is signed again with the private key of its
unit (KEYDIR/UNIT.key, the key files of ceh-key(1)).
"""
import base64
import hashlib
import importlib.util
import json
import os
import sys

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

# the canonical forms of ceh-trust(7), as the independent checker of
# the tests (trust-check.py) writes them
_spec = importlib.util.spec_from_file_location(
    "trust_check", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "trust-check.py"))
_tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tc)
line, content, event_text = _tc.line, _tc.content, _tc.event_text


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def private(keydir, unit):
    for ln in open(os.path.join(keydir, unit + ".key"), encoding="utf-8"):
        if ln.startswith("ceh-ed25519-private "):
            return ed25519.Ed25519PrivateKey.from_private_bytes(
                b64d(ln.split()[1]))
    sys.exit("no private key for " + unit)


def rechain(doc, keydir):
    prev = "0" * 64
    hist = doc["history"]
    for i, ev in enumerate(hist):
        ev["prev"] = prev
        if i == len(hist) - 1:
            ev["content"] = hashlib.sha256(content(doc)).hexdigest()
        if ev.get("key"):
            k = private(keydir, ev["unit"])
            pub = k.public_key().public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)
            ev["key"] = hashlib.sha256(pub).hexdigest()
            msg = b"ceh-signature-v1\nceh-event\n" + event_text(doc, i)
            ev["sig"] = b64e(k.sign(msg))
        sig = ev.get("sig", "")
        prev = hashlib.sha256(event_text(doc, i) +
                              line("sig", sig).encode()).hexdigest()


def ambiguous(s):
    """ceh's writer quotes what would not read back as a string"""
    words = ("y Y yes Yes YES n N no No NO true True TRUE false False FALSE "
             "on On ON off Off OFF null Null NULL ~").split()
    return (s == "" or s in words or s[0] == " " or s[-1] == " " or
            s[0] in "-?:,[]{}#&*!|>'\"%@`.+0123456789" or
            any(c in s for c in ":#\t\n"))


def q(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    v = str(v)
    return json.dumps(v, ensure_ascii=False) if ambiguous(v) else v


def emit(doc):
    out = []
    for k, v in doc.items():
        if k == "applicant":
            out.append("applicant:")
            out += ["  %s: %s" % (a, q(b)) for a, b in v.items()]
        elif k == "years":
            out.append("years:")
            for y in v:
                first = True
                for a, b in y.items():
                    pre = "- " if first else "  "
                    first = False
                    if isinstance(b, list):
                        out.append(pre + a + ":")
                        for it in b:
                            if isinstance(it, dict):
                                f2 = True
                                for c, d in it.items():
                                    out.append(("  - " if f2 else "    ") +
                                               "%s: %s" % (c, q(d)))
                                    f2 = False
                            else:
                                out.append("  - " + q(it))
                    else:
                        out.append(pre + "%s: %s" % (a, q(b)))
        elif k == "history":
            out.append("history:")
            for ev in v:
                first = True
                for a, b in ev.items():
                    if b == "" or b is None:
                        continue
                    out.append(("- " if first else "  ") + "%s: %s" % (a, q(b)))
                    first = False
        elif k in ("format", "revision"):
            out.append("%s: %s" % (k, v))
        else:
            out.append("%s: %s" % (k, q(v)))
    return "\n".join(out) + "\n"


def main():
    path, keydir, ops = sys.argv[1], sys.argv[2], sys.argv[3:]
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    for ev in doc["history"]:
        for k in list(ev):
            ev[k] = "" if ev[k] is None else str(ev[k])
    for k in ("id", "created", "updated"):
        doc[k] = str(doc[k])
    for k in doc["applicant"]:
        v = doc["applicant"][k]
        doc["applicant"][k] = "" if v is None else str(v)
    chain = True
    i = 0
    while i < len(ops):
        op = ops[i]
        h = doc["history"]
        if op == "ev":
            h[int(ops[i + 1])][ops[i + 2]] = ops[i + 3]
            i += 4
        elif op == "del":
            del h[int(ops[i + 1])]
            i += 2
        elif op == "swap":
            a, b = int(ops[i + 1]), int(ops[i + 2])
            h[a], h[b] = h[b], h[a]
            i += 3
        elif op == "add":
            ev = {"at": h[-1]["at"], "event": "", "by": "forger@elsewhere"}
            i += 1
            while i < len(ops) and "=" in ops[i]:
                k, v = ops[i].split("=", 1)
                ev[k] = v
                i += 1
            h.append(ev)
        elif op == "doc":
            doc[ops[i + 1]] = ops[i + 2]
            i += 3
        elif op == "hours":
            for y in doc["years"]:
                if int(y["year"]) == int(ops[i + 1]):
                    y["public_hours"] = float(ops[i + 2])
                    if y["public_hours"] == int(y["public_hours"]):
                        y["public_hours"] = int(y["public_hours"])
                    y["total_hours"] = (y["public_hours"] +
                                        y.get("professional_hours", 0))
            i += 3
        elif op == "same":	# nothing: the document as ceh wrote it
            i += 1
        elif op == "nochain":
            chain = False
            i += 1
        else:
            sys.exit("unknown op " + op)
    if chain:
        rechain(doc, keydir)
    if ops != ["same"]:
        doc["revision"] = int(doc["revision"]) + 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(emit(doc))


main()
