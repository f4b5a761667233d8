#!/usr/bin/env python3
"""Golden tests of the owner commands (`accord register`, `deprecate`, `ls`,
`show`) against a real `accord serve` (temp data dir, ephemeral loopback port).

Every directory under steps/ is one step; steps run in name order against ONE
server, so later steps see what earlier ones registered. A step holds the
files of a cli_golden.py case:

  cmd       the arguments after `accord`, one line, split like a POSIX shell
  stdout    the exact expected standard output
  stderr    the exact expected standard error
  exit      the expected exit code
  env       (optional) lines NAME=VALUE to set, or -NAME to unset

Each command runs from the repository root with LC_ALL=C and
ACCORD_REGISTRY set to the server's URL. In `cmd`, $REGISTRY stands for that
URL; in the outputs, the URL is written as $REGISTRY too, and the values of
time members ("registeredAt", "deprecatedAt", "updatedAt", "ts") as 0, so the
goldens do not depend on the port or the clock; likewise the date in the
registry's "the earliest allowed date is YYYY-MM-DD" (a sunset too soon) is
written as EARLIEST. With ACCORD_UPDATE_GOLDENS=1
the goldens are rewritten instead of compared.

Usage: owner_golden.py --accord PATH --root REPO [STEP_NAME ...]
Prints one line per step and "N passed, N failed"; exits 1 on any failure.
A failing step does not stop the run (later steps may fail in its wake).
"""
import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/integration: accord_server, cli_golden
from accord_server import AccordServer  # noqa: E402
from cli_golden import read  # noqa: E402

TIME_MEMBERS = re.compile(rb'("(?:registeredAt|deprecatedAt|updatedAt|ts)": )\d+')
EARLIEST = re.compile(rb"(the earliest allowed date is )\d{4}-\d{2}-\d{2}")


def normalise(data, base):
    data = data.replace(base.encode(), b"$REGISTRY")
    data = EARLIEST.sub(rb"\g<1>EARLIEST", data)
    return TIME_MEMBERS.sub(rb"\g<1>0", data)


def step_env(step, base):
    env = dict(os.environ, LC_ALL="C", ACCORD_REGISTRY=base)
    for name in ("ACCORD_UPDATE_GOLDENS", "ACCORD_PRINCIPAL", "ACCORD_KEY"):
        env.pop(name, None)
    for line in (read(os.path.join(step, "env"), b"") or b"").decode().splitlines():
        line = line.strip()
        if line.startswith("-"):
            env.pop(line[1:], None)
        elif "=" in line:
            name, value = line.split("=", 1)
            env[name] = value.replace("$REGISTRY", base)
    return env


def run_step(accord, root, step, base, update):
    cmd = read(os.path.join(step, "cmd"))
    if cmd is None:
        return ["missing cmd file"]
    args = shlex.split(cmd.decode().replace("$REGISTRY", base))
    proc = subprocess.run([accord] + args, cwd=root, stdin=subprocess.DEVNULL,
                          capture_output=True, env=step_env(step, base), timeout=60)
    actual = {"stdout": normalise(proc.stdout, base), "stderr": normalise(proc.stderr, base),
              "exit": ("%d\n" % proc.returncode).encode()}
    if update:
        for name, data in actual.items():
            with open(os.path.join(step, name), "wb") as f:
                f.write(data)
        return []
    problems = []
    for name, data in actual.items():
        want = read(os.path.join(step, name), b"")
        if want != data:
            problems.append("".join(difflib.unified_diff(
                want.decode(errors="replace").splitlines(True),
                data.decode(errors="replace").splitlines(True),
                "expected/" + name, "actual/" + name)))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("only", nargs="*", help="run only these steps (the server is still fresh)")
    args = ap.parse_args()
    update = os.environ.get("ACCORD_UPDATE_GOLDENS") == "1"
    accord = os.path.abspath(args.accord)
    if not os.access(accord, os.X_OK):
        print("owner_golden: %s is not an executable (build accord first)" % accord)
        return 2
    steps_dir = os.path.join(HERE, "steps")
    steps = sorted(s for s in os.listdir(steps_dir) if not args.only or s in args.only)
    passed = failed = 0
    # Reads are not counted: what `deprecate` prints about readers would
    # depend on when the counts were flushed (usage_http_test.py checks it).
    with AccordServer(accord, args=("--readers", "off")) as server:
        for name in steps:
            problems = run_step(accord, args.root, os.path.join(steps_dir, name), server.base,
                                update)
            if problems:
                failed += 1
                print("FAIL %s" % name)
                for p in problems:
                    sys.stdout.write(p if p.endswith("\n") else p + "\n")
            else:
                passed += 1
                print("%s %s" % ("UPDATED" if update else "ok  ", name))
        if failed:
            print("--- server log (tail) ---\n" + server.log_tail())
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
