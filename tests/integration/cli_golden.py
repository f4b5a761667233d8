#!/usr/bin/env python3
"""Runs CLI golden cases: each case is a directory holding

  cmd       the arguments after `accord`, one line, split like a POSIX shell
  stdin     (optional) fed to the command's standard input (else /dev/null)
  stdout    the exact expected standard output
  stderr    the exact expected standard error
  exit      the expected exit code

Commands run from the repository root (so paths in goldens are relative and
stable) with LC_ALL=C and no terminal. With ACCORD_UPDATE_GOLDENS=1 the
goldens are rewritten from what the command printed instead of compared.

Usage: cli_golden.py --accord PATH --root REPO [CASE_DIR ...]
Prints one line per case and "N passed, N failed"; exits 1 on any failure.
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys


def read(path, default=None):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return default


def run_case(accord, root, case, update):
    cmd = read(os.path.join(case, "cmd"))
    if cmd is None:
        return ["missing cmd file"]
    args = shlex.split(cmd.decode())
    stdin_path = os.path.join(case, "stdin")
    stdin = open(stdin_path, "rb") if os.path.exists(stdin_path) else subprocess.DEVNULL
    env = dict(os.environ, LC_ALL="C")
    env.pop("ACCORD_UPDATE_GOLDENS", None)
    try:
        proc = subprocess.run([accord] + args, cwd=root, stdin=stdin, capture_output=True,
                              env=env, timeout=120)
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()
    actual = {"stdout": proc.stdout, "stderr": proc.stderr,
              "exit": ("%d\n" % proc.returncode).encode()}
    if update:
        for name, data in actual.items():
            with open(os.path.join(case, name), "wb") as f:
                f.write(data)
        return []
    problems = []
    for name, data in actual.items():
        want = read(os.path.join(case, name), b"")
        if want == data:
            continue
        diff = difflib.unified_diff(want.decode(errors="replace").splitlines(True),
                                    data.decode(errors="replace").splitlines(True),
                                    "expected/" + name, "actual/" + name)
        problems.append("".join(diff))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    update = os.environ.get("ACCORD_UPDATE_GOLDENS") == "1"
    accord = os.path.abspath(args.accord)
    if not os.access(accord, os.X_OK):
        print("cli_golden: %s is not an executable (build accord first)" % accord)
        return 2
    cases = args.cases
    if not cases:
        here = os.path.dirname(os.path.abspath(__file__))
        for group in sorted(os.listdir(here)):
            cdir = os.path.join(here, group, "cases")
            if os.path.isdir(cdir):
                cases += [os.path.join(cdir, c) for c in sorted(os.listdir(cdir))]
    passed = failed = 0
    for case in cases:
        name = os.path.relpath(case, args.root)
        problems = run_case(accord, args.root, case, update)
        if problems:
            failed += 1
            print("FAIL %s" % name)
            for p in problems:
                sys.stdout.write(p if p.endswith("\n") else p + "\n")
        else:
            passed += 1
            print("%s %s" % ("UPDATED" if update else "ok  ", name))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
