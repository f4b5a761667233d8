#!/usr/bin/env python3
"""`accord serve` settings as a new user meets them (issue 19 items 2 and 3).

Checks:
  * precedence, highest first: flag, environment variable, config file,
    default (seen through GET /config's compatibilityLevel), and a bad value
    in a lower layer is never read when a higher one sets the setting;
  * a bad setting is named with its value, where it came from and the
    allowed values (flag, environment, config file);
  * a second server on a port in use says "address already in use", naming
    the address, and exits 1;
  * a JSON Schema posted without schemaType (read as AVRO, as Confluent does)
    is refused with a hint to set schemaType JSON; a broken Avro schema gets
    no such hint;
  * `make run PORT=… DATA=…` passes them to accord serve, and without them
    passes no --listen/--data (so ACCORD_LISTEN is not hidden by a flag);
    `make example SCHEMA=… EVENTS=…` validates those.

Usage: serve_settings_test.py --accord PATH/TO/accord --root REPO
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer, call_json as call  # noqa: E402
from checks import check, summary  # noqa: E402


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(extra)
    return env


def level_of(accord, args, env):
    with AccordServer(accord, args=args, env=env) as server:
        status, reply = call(server.base, "GET", "/config")
        return reply.get("compatibilityLevel") if status == 200 else (status, reply)


def serve_fails(accord, tmp, args, env):
    r = subprocess.run([accord, "serve", "--data", os.path.join(tmp, "never"), *args],
                       capture_output=True, text=True, env=env, timeout=60)
    return r.returncode, r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    accord = args.accord
    tmp = tempfile.mkdtemp(prefix="accord-settings-")
    try:
        config = os.path.join(tmp, "accord.yaml")
        with open(config, "w") as f:
            f.write("compatibility: FULL\n")
        bad_config = os.path.join(tmp, "bad.yaml")
        with open(bad_config, "w") as f:
            f.write("compatibility: FULLL\nthreads: 8\n")

        # --- precedence -------------------------------------------------------------
        cases = [
            ("default", [], clean_env(), "BACKWARD"),
            ("config file over default", ["--config", config], clean_env(), "FULL"),
            ("ACCORD_CONFIG names the config file", [], clean_env(ACCORD_CONFIG=config), "FULL"),
            ("environment over config file", ["--config", config],
             clean_env(ACCORD_COMPATIBILITY="FORWARD"), "FORWARD"),
            ("flag over environment and config file", ["--config", config, "--compatibility", "NONE"],
             clean_env(ACCORD_COMPATIBILITY="FORWARD"), "NONE"),
            ("a bad config value under an environment value is never read",
             ["--config", bad_config], clean_env(ACCORD_COMPATIBILITY="FULL_TRANSITIVE"),
             "FULL_TRANSITIVE"),
        ]
        for name, extra, env, want in cases:
            got = level_of(accord, extra, env)
            check(got == want, "precedence: %s (%s)" % (name, want), "got %r" % (got,))

        # --- bad settings are named --------------------------------------------------
        allowed_levels = ("allowed: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, "
                          "FULL, FULL_TRANSITIVE, NONE")
        bad = [
            ("--threads abc", ["--threads", "abc"], clean_env(),
             "accord serve: invalid setting threads 'abc' (--threads): expected a whole number "
             "from 1 to 4096\n"),
            ("ACCORD_THREADS=0", [], clean_env(ACCORD_THREADS="0"),
             "accord serve: invalid setting threads '0' (environment ACCORD_THREADS): expected a "
             "whole number from 1 to 4096\n"),
            ("compatibility: FULLL in the config file", ["--config", bad_config], clean_env(),
             "accord serve: invalid setting compatibility 'FULLL' (config file %s): unknown value "
             "'FULLL' (did you mean 'FULL'?); %s\n" % (bad_config, allowed_levels)),
            ("--listen without a port", ["--listen", "127.0.0.1"], clean_env(),
             "accord serve: invalid setting listen '127.0.0.1' (--listen): expected HOST:PORT with "
             "PORT from 0 to 65535\n"),
            ("--compatibility-policy loose", ["--compatibility-policy", "loose"], clean_env(),
             "accord serve: invalid setting compatibility_policy 'loose' (--compatibility-policy): "
             "unknown value 'loose'; allowed: STRICT, LENIENT\n"),
        ]
        for name, extra, env, want in bad:
            rc, err = serve_fails(accord, tmp, extra, env)
            check(rc == 2 and err == want, "bad setting named: %s" % name,
                  "exit %d, stderr %r" % (rc, err))

        # --- address already in use --------------------------------------------------
        with AccordServer(accord, env=clean_env()) as server:
            rc, err = serve_fails(accord, tmp, ["--listen", "127.0.0.1:%d" % server.port],
                                  clean_env())
            want = ("accord serve: error: cannot listen on 127.0.0.1:%d: address already in use "
                    "(another process listens there: stop it or choose another port); the address "
                    "is the listen setting (--listen)\n" % server.port)
            check(rc == 1 and err.endswith(want), "a port in use is said as such, naming the address",
                  "exit %d, stderr %r" % (rc, err))

            # --- schemaType hint -----------------------------------------------------
            status, reply = call(server.base, "POST", "/subjects/orders.placed/versions", {
                "schema": json.dumps({"type": "object",
                                      "properties": {"id": {"type": "string"}}})})
            check(status == 422 and reply.get("error_code") == 42201 and
                  'register it with "schemaType": "JSON"' in reply.get("message", ""),
                  "a JSON Schema posted without schemaType gets the schemaType JSON hint",
                  "%s %r" % (status, reply))
            status, reply = call(server.base, "POST", "/subjects/orders.placed/versions", {
                "schema": json.dumps({"type": "record", "name": "R",
                                      "fields": [{"name": "a", "type": "strng"}]})})
            check(status == 422 and "schemaType" not in reply.get("message", ""),
                  "a broken Avro schema gets no schemaType hint", "%s %r" % (status, reply))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # --- make run PORT= DATA= ---------------------------------------------------------
    def make_n(*extra):
        r = subprocess.run(["make", "-n", "-C", args.root, "run", "RELEASE_BUILD=B", *extra],
                           capture_output=True, text=True, env=clean_env(), timeout=60)
        return [line.split() for line in r.stdout.splitlines() if line.startswith("B/cli/accord")]

    check(make_n("PORT=8092", "DATA=/tmp/accord-x") ==
          [["B/cli/accord", "serve", "--listen", "127.0.0.1:8092", "--data", "/tmp/accord-x"]],
          "make run PORT=8092 DATA=/tmp/accord-x passes both to accord serve",
          repr(make_n("PORT=8092", "DATA=/tmp/accord-x")))
    check(make_n() == [["B/cli/accord", "serve"]],
          "make run without PORT/DATA passes no flag (ACCORD_LISTEN and the config apply)",
          repr(make_n()))
    r = subprocess.run(["make", "-n", "-C", args.root, "example", "BUILD=B", "SCHEMA=s.avsc",
                        "EVENTS=ev"], capture_output=True, text=True, env=clean_env(), timeout=60)
    lines = [line.split() for line in r.stdout.splitlines() if line.startswith("B/cli/accord")]
    check(lines == [["B/cli/accord", "validate", "--schema", "s.avsc", "ev"]],
          "make example SCHEMA=s.avsc EVENTS=ev validates those", repr(lines))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
