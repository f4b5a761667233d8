#!/usr/bin/env python3
"""Peer benchmark: validates an NDJSON file with python-jsonschema.

Usage: py_validate.py SCHEMA EVENTS [--assert-format] [--limit N]
Uses Draft202012Validator (compiled once) and json.loads per line, reading
line by line. With --limit, stops after N events (python is slow: the bench
runs it on a prefix and scales). Prints "events=N invalid=I seconds=S"
(validation loop only).
"""
import argparse
import json
import time

import jsonschema


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("schema")
    ap.add_argument("events")
    ap.add_argument("--assert-format", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    with open(args.schema) as f:
        schema = json.load(f)
    checker = jsonschema.FormatChecker() if args.assert_format else None
    validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
    events = invalid = 0
    start = time.perf_counter()
    with open(args.events) as f:
        for line in f:
            if not line.strip():
                continue
            if args.limit and events >= args.limit:
                break
            events += 1
            try:
                doc = json.loads(line)
            except ValueError:
                invalid += 1
                continue
            if not validator.is_valid(doc):
                invalid += 1
    seconds = time.perf_counter() - start
    print("events=%d invalid=%d seconds=%.3f" % (events, invalid, seconds))


if __name__ == "__main__":
    main()
