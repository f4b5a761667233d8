#!/usr/bin/env python3
"""`accord check` and `accord diff` agree (issue 16): on the same pairs they
list the same changes with the same counts of breaking, undecided and safe
findings.

- A pair: `check OLD NEW --mode FULL` and `diff OLD NEW` give the same
  counts and the same findings by (severity, direction, old pointer, new
  pointer) (the kinds differ on purpose: check speaks in the reader's words,
  diff in the author's).
- A history: `check --history V1 .. VN NEW --mode FULL_TRANSITIVE` lists
  what the diffs of every pair (Vi, NEW) list, each distinct finding once,
  with the version pair it first came from.

    check_diff_agree.py --accord build/cli/accord --root .
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, summary  # noqa: E402

SCHEMAS = "tests/integration/check/schemas/"

# Histories, oldest first, ending with the new version; every consecutive
# pair and every (earlier, last) pair is compared too.
HISTORIES = [
    (["order_v1.json", "order_v2_optional_added.json"], []),
    (["order_v1.json", "order_v2_breaking.yaml"], []),
    (["order_v1.json", "order_v2_docs.json"], []),
    (["open_v1.json", "open_v2_optional_added.json"], []),
    (["open_v1.json", "open_v2_required_default.json"], []),
    (["closed_v1.json", "closed_v2.json", "closed_v3.json"], []),
    (["quota_v1.json", "quota_v2.json"], []),
    (["tuple_v1.json", "tuple_v2_closed.json"], []),
    (["contact_v1.json", "contact_v2_format.json"], []),
    (["priced_v1.json", "priced_v2.json"], ["--ref", SCHEMAS + "common.json"]),
    (["user.avsc", "user_v2_defaulted.avsc", "user_v2_new_field.avsc"], []),
    (["order_v2_docs.json", "order_v2_optional_added.json", "order_v1.json"], []),
]


def run(accord, root, args):
    proc = subprocess.run([accord] + args + ["--format", "json"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    if proc.returncode not in (0, 1):
        raise RuntimeError("accord %s: exit %d\n%s" % (" ".join(args), proc.returncode,
                                                       proc.stderr))
    return json.loads(proc.stdout)


def counts(report):
    return (report["breaking"], report["undecided"], report["safe"])


def key(f):
    return (f["severity"], f.get("direction", ""), f["oldPath"], f["newPath"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    accord = os.path.abspath(args.accord)
    pairs = 0
    for files, extra in HISTORIES:
        paths = [SCHEMAS + f for f in files]
        new = paths[-1]
        # Every (earlier, new) pair alone.
        diffs = []
        for old in paths[:-1]:
            c = run(accord, args.root, ["check", old, new, "--mode", "FULL"] + extra)
            d = run(accord, args.root, ["diff", old, new] + extra)
            what = "%s -> %s" % (os.path.basename(old), os.path.basename(new))
            pairs += 1
            check(counts(c) == counts(d),
                  "%s: check --mode FULL and diff count the same (breaking, undecided, safe)"
                  % what, "check %s, diff %s" % (counts(c), counts(d)))
            ck = sorted(key(f) for f in c["findings"])
            dk = sorted(key(f) for f in d["findings"])
            check(ck == dk, "%s: the same findings by severity, direction and pointers" % what,
                  "check only: %s\ndiff only: %s" % (sorted(set(ck) - set(dk)),
                                                      sorted(set(dk) - set(ck))))
            diffs.append(d)
        if len(paths) < 3:
            continue
        # The history: every pair's findings, each distinct one once.
        c = run(accord, args.root,
                ["check", "--history"] + paths + ["--mode", "FULL_TRANSITIVE"] + extra)
        seen = set()
        expected = []
        for i, d in enumerate(diffs):
            for f in d["findings"]:
                k = key(f) + (f["message"],)
                if k in seen:
                    continue
                seen.add(k)
                expected.append(key(f) + (i + 1,))
        want = (sum(1 for e in expected if e[0] == "BREAKING"),
                sum(1 for e in expected if e[0] == "UNDECIDED"),
                sum(1 for e in expected if e[0] == "SAFE"))
        what = " ".join(files)
        check(counts(c) == want,
              "%s: check --history FULL_TRANSITIVE counts what the diffs of every pair list"
              % what, "check %s, diffs %s" % (counts(c), want))
        old_version = {}
        got = []
        for f in c["findings"]:
            old_version = f["readerVersion"] if f.get("direction") == "FORWARD" else f[
                "writerVersion"]
            got.append(key(f) + (old_version,))
        check(sorted(got) == sorted(expected),
              "%s: the same findings, each named by the pair it came from" % what,
              "check only: %s\ndiffs only: %s" % (sorted(set(got) - set(expected)),
                                                   sorted(set(expected) - set(got))))
    check(pairs >= 15, "compared %d pairs" % pairs)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
