#!/usr/bin/env python3
"""Confluent's shared JSON Schema compatibility cases through plain
`accord check OLD NEW` (no flags: the default dialect draft-07, mode
BACKWARD, policy STRICT), as a user would run them (issue 16 item 3).

Every case must agree with Confluent's `compatible`, except the
disagreements the engine-level runner (confluent_runner.cc,
kJustifiedDisagreements, STRICT entries) has proven; those must disagree
(a listed case that now agrees is stale). The list is read from the
runner's source so that there is one list. Prints the figures
(docs/conformance.md records them).

Data: $ACCORD_TESTDATA, else --testdata (CMake: ../shared/testdata);
absent: a message and exit 77 (ctest SKIP_RETURN_CODE).

Usage: cli_check.py --accord PATH/TO/accord --runner confluent_runner.cc [--testdata DIR]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def justified_strict(runner_source):
    """{index: description} of the runner's STRICT justified disagreements."""
    with open(runner_source) as f:
        text = f.read()
    entries = re.findall(r'\{(\d+),\s*"([^"]*)",\s*Policy::kStrict,', text)
    return {int(i): d for i, d in entries}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--runner", required=True)
    ap.add_argument("--testdata", default="")
    args = ap.parse_args()
    root = os.environ.get("ACCORD_TESTDATA") or args.testdata
    path = os.path.join(root, "confluent-json-compat", "diff-schema-examples.json")
    if not os.path.exists(path):
        print("SKIPPED: %s not found: Confluent's cases did not run (scripts/fetch-testdata "
              "explains where they come from; ACCORD_TESTDATA=DIR points elsewhere)" % path)
        return 77
    with open(path) as f:
        cases = json.load(f)
    justified = justified_strict(args.runner)
    if not justified:
        print("FAIL: no STRICT justified disagreements found in %s (format changed?)" %
              args.runner)
        return 1

    tmp = tempfile.mkdtemp(prefix="accord-confluent-cli-")
    try:
        agree, justified_seen, failures = 0, [], []
        for i, case in enumerate(cases):
            old = os.path.join(tmp, "old.json")
            new = os.path.join(tmp, "new.json")
            with open(old, "w") as f:
                json.dump(case["original_schema"], f)
            with open(new, "w") as f:
                json.dump(case["update_schema"], f)
            r = subprocess.run([args.accord, "check", old, new], capture_output=True, text=True)
            if r.returncode not in (0, 1):
                failures.append("case %d %r: accord check exited %d: %s" %
                                (i, case["description"], r.returncode, r.stderr.strip()))
                continue
            ours = r.returncode == 0
            listed = justified.get(i) == case["description"]
            if ours == case["compatible"]:
                if listed:
                    failures.append("case %d %r: listed as a justified disagreement but accord "
                                    "check agrees (stale entry)" % (i, case["description"]))
                else:
                    agree += 1
            elif listed:
                justified_seen.append(i)
            else:
                failures.append("case %d %r: Confluent says %s, accord check says %s\n%s" %
                                (i, case["description"],
                                 "compatible" if case["compatible"] else "incompatible",
                                 "compatible" if ours else "incompatible", r.stdout))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("confluent-json-compat through `accord check OLD NEW` (no flags): %d cases, "
          "%d agree, %d justified disagreements (cases %s), %d unexplained" %
          (len(cases), agree, len(justified_seen),
           ", ".join(str(i) for i in justified_seen) or "none", len(failures)))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
