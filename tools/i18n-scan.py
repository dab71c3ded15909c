#!/usr/bin/python3
"""tools/i18n-scan.py [FILE...] - user-facing strings not marked for translation.

Finds every call of a message function (MESSAGE_FUNCS: the function and
the position of its text argument) whose text argument is a bare string
literal holding a word (two ASCII letters in a row), not wrapped in _(),
Q_() or N_(), and prints FILE:LINE: TEXT for each; exit 1 if any.

A literal that is meant for scripts, not people (a machine word, a TSV
line, a JSON key), is exempted by a comment holding the word "machine"
on the line of the call or the line before it.
Used by tests/1701-catalog.t over cmd/*.c and lib/*.c.
"""
import re
import sys

# name -> index of the text argument; for fprintf/fputs only when the
# stream is stderr or stdout (or `out`, the usual FILE * parameter)
MESSAGE_FUNCS = {
    "ceh_fail": 2, "ceh_fail_errno": 1, "ceh_err_prefix": 1,
    "cmd_usage_error": 2, "printf": 0, "puts": 0,
    "fprintf": 1, "fputs": 0,
    # the helpers that print a finished line for the command: the
    # repair and check reports (store, index, atomic's sweep, fsck,
    # records) and import's rejects
    "say": 1, "mode_say": 1, "isay": 1, "sweep_say": 1, "problem": 2,
    "PROBLEM": 1, "REPAIRED": 1, "put_reject": 4,
}
STREAMS = {"stderr", "stdout"}
WORD = re.compile(r"[A-Za-z]{2}")


def strip_comments_keep_lines(src):
    """Blank out comments and keep string literals and line numbers."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            chunk = src[i:j]
            out.append("".join("\n" if ch == "\n" else " " for ch in chunk))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(s, start):
    """Arguments of the call whose '(' is at start: [(text, offset)]."""
    depth, i, args, cur = 0, start, [], start + 1
    while i < len(s):
        c = s[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < len(s) and s[j] != c:
                j += 2 if s[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append((s[cur:i], cur))
                return args
        elif c == "," and depth == 1:
            args.append((s[cur:i], cur))
            cur = i + 1
        i += 1
    return args


def literal_text(arg):
    """The text of an argument made only of string literals, or None."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    rest = re.sub(r'"((?:[^"\\]|\\.)*)"', "", arg).strip()
    if not parts or rest:
        return None
    return "".join(parts)


def scan(path):
    raw = open(path, encoding="utf-8").read()
    rawlines = raw.split("\n")
    s = strip_comments_keep_lines(raw)
    found = []
    for m in re.finditer(r"\b(%s)\s*\(" % "|".join(MESSAGE_FUNCS), s):
        name = m.group(1)
        prev = s[max(0, m.start() - 12):m.start()]
        if re.search(r"(->|\.)\s*$", prev) or re.search(r"\b(int|void)\s+$", prev):
            continue
        args = split_args(s, m.end() - 1)
        k = MESSAGE_FUNCS[name]
        if name in ("fprintf",) and (not args or args[0][0].strip() not in STREAMS):
            continue
        if name == "fputs" and (len(args) < 2 or args[1][0].strip() not in STREAMS):
            continue
        if len(args) <= k:
            continue
        text = literal_text(args[k][0])
        if text is None:
            continue
        words = re.sub(r"%[-#0-9.*lzjh]*[a-zA-Z]|\\[nt]|\bceh\b", "", text)
        if not WORD.search(words):
            continue
        line = s.count("\n", 0, m.start()) + 1
        near = " ".join(rawlines[max(0, line - 2):line + 1])
        if re.search(r"/\*[^\n]*\bmachine\b[^\n]*\*/", near):
            continue
        found.append((line, text))
    return found


def main(files):
    bad = 0
    for f in files:
        for line, text in scan(f):
            print("%s:%d: %s" % (f, line, text[:70]))
            bad += 1
    if bad:
        print("%d user-facing strings not marked for translation" % bad,
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
