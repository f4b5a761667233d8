#!/usr/bin/env python3
"""`accord serve` over HTTPS (issue 7, TLS), end to end.

Generates a self-signed certificate for 127.0.0.1 with `openssl req -x509` in
a temp directory, starts `accord serve` with a config file naming it
(`tls: {cert, key}`) on an ephemeral loopback port, then checks:
  * a plain-HTTP request to the port gets no HTTP reply;
  * Python's urllib trusting the certificate gets 200s, and refuses the
    server without it;
  * `accord register` / `accord show` with `--registry https://... --cacert`
    work, and without --cacert exit 3 with a message about the certificate.

Usage: tls_test.py --accord PATH/TO/accord
"""
import argparse
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer  # noqa: E402
from checks import check, summary  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"


def make_certificate(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return cert, key


def https_get(base, path, context):
    with urllib.request.urlopen(base + path, timeout=30, context=context) as r:
        return r.status, r.read().decode()


def plain_http_fails(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/subjects")
        reply = conn.getresponse()
        # A TLS server may answer plain bytes with a TLS alert, never HTTP 200.
        return reply.status != 200
    except (http.client.HTTPException, OSError):
        return True
    finally:
        conn.close()


def accord(binary, *args):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accord", required=True)
    args = parser.parse_args()
    if shutil.which("openssl") is None:
        print("FAIL openssl is needed to generate the test certificate")
        return 1

    tmp = tempfile.mkdtemp(prefix="accord-tls-")
    try:
        cert, key = make_certificate(tmp)
        config = os.path.join(tmp, "accord.yaml")
        with open(config, "w") as f:
            f.write("tls:\n  cert: %s\n  key: %s\n" % (cert, key))
        schema = os.path.join(tmp, "order.json")
        with open(schema, "w") as f:
            json.dump({"type": "object", "properties": {"id": {"type": "string"}}}, f)

        with AccordServer(args.accord, args=("--config", config)) as server:
            check(server.base.startswith("https://"), "serve says https: %s" % server.base)
            check(plain_http_fails(server.port), "plain HTTP to the TLS port gets no reply")

            trusted = ssl.create_default_context(cafile=cert)
            status, body = https_get(server.base, "/subjects", trusted)
            check(status == 200 and json.loads(body) == [], "urllib with the CA: GET /subjects")
            try:
                https_get(server.base, "/subjects", ssl.create_default_context())
                check(False, "urllib without the CA must refuse the certificate")
            except urllib.error.URLError as e:
                check(isinstance(e.reason, ssl.SSLCertVerificationError),
                      "urllib without the CA refuses the certificate: %s" % e.reason)

            registry = ("--registry", server.base)
            rc, out, err = accord(args.accord, "register", "orders.order-placed", schema,
                                  *registry, "--cacert", cert)
            check(rc == 0, "accord register over https: rc=%d %s %s" % (rc, out, err))
            rc, out, err = accord(args.accord, "show", "orders.order-placed",
                                  *registry, "--cacert", cert)
            check(rc == 0 and "orders.order-placed" in out,
                  "accord show over https: rc=%d %s %s" % (rc, out, err))
            status, body = https_get(server.base, "/subjects", trusted)
            check(json.loads(body) == ["orders.order-placed"], "the registration arrived")

            for command in (("register", "orders.order-placed", schema),
                            ("show", "orders.order-placed")):
                rc, out, err = accord(args.accord, *command, *registry)
                check(rc == 3 and "certificate" in err and "not trusted" in err,
                      "accord %s without --cacert: exit 3, clear message: rc=%d %r"
                      % (command[0], rc, err.strip()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
