#!/usr/bin/env python3
"""Protobuf contracts end to end against a real `accord serve` (issue 17).

The producer (protobuf/shipping's contract over data/proto-example's .proto
files) imports a file beside its schema and one found through `proto_path`;
the consumer (protobuf/warehouse) reads the
subject with a reader .proto that imports a file of its own and a
well-known type. Asserted, each with its exact output and exit code:
  * `accord register` of a .proto with imports registers the imported files
    first, each under its import path as subject, and the schema's
    `references` name them (checked over HTTP);
  * `accord publish` of the consumer declares its reader with the imported
    file's text (checked over HTTP; again: unchanged);
  * `accord publish` of both contracts (again: unchanged), `accord test`
    on both sides (the consumer's check reads the producer's version from
    the registry through its references), `accord can-i-deploy` of both;
  * a breaking change in the imported sibling file fails `accord test` on
    the registry's versions and on the consumer (whose Parcel is in the
    file its reader imports), and `publish` is refused.

Usage: protobuf_contract_test.py --accord PATH --root REPO
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from accord_server import AccordServer, call_json  # noqa: E402
from checks import check, summary  # noqa: E402


class Run:
    def __init__(self, accord, cwd, registry):
        self.accord = accord
        self.cwd = cwd
        self.registry = registry

    def expect(self, what, args, rc, stdout, stderr=""):
        env = dict(os.environ, LC_ALL="C", ACCORD_REGISTRY=self.registry, NO_COLOR="1")
        p = subprocess.run([self.accord, *args], cwd=self.cwd, capture_output=True, text=True,
                           env=env, timeout=120)
        out = p.stdout.replace(self.registry, "http://REGISTRY")
        err = p.stderr.replace(self.registry, "http://REGISTRY")
        check(p.returncode == rc and out == stdout and err == stderr,
              "%s: accord %s -> %d" % (what, " ".join(args), rc),
              "exit %d\n--- stdout\n%s--- expected\n%s--- stderr\n%s--- expected\n%s" %
              (p.returncode, out, stdout, err, stderr))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    accord = os.path.abspath(args.accord)
    work = tempfile.mkdtemp(prefix="accord-proto-")
    try:
        shutil.copytree(os.path.join(HERE, "protobuf"), os.path.join(work, "protobuf"))
        # The producer's .proto files and example are the offline golden
        # cases' (data/proto-example).
        example = os.path.join(HERE, "data", "proto-example")
        shipping = os.path.join(work, "protobuf", "shipping")
        for folder in ("schemas", "protos"):
            shutil.copytree(os.path.join(example, folder), os.path.join(shipping, folder))
        os.makedirs(os.path.join(shipping, "events"))
        shutil.copyfile(os.path.join(example, "events", "good.json"),
                        os.path.join(shipping, "events", "good.json"))
        with AccordServer(accord) as server:
            walk(Run(accord, os.path.join(work, "protobuf"), server.base), server.base)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary()


def walk(r, base):
    # register: the imports first, under their import paths.
    r.expect("register with imports",
             ["register", "shipping.registered-by-hand", "shipping/schemas/shipment.proto",
              "-I", "shipping/protos"], 0,
             "registered acme/address.proto version 1 (id 1) (imported)\n"
             "registered parcel.proto version 1 (id 2) (imported)\n"
             "registered shipping.registered-by-hand version 1 (id 3)\n")
    status, subjects = call_json(base, "GET", "/subjects")
    check(status == 200 and sorted(subjects) == ["acme/address.proto", "parcel.proto",
                                                 "shipping.registered-by-hand"],
          "the imported files are subjects of their own", repr(subjects))
    status, version = call_json(base, "GET", "/subjects/shipping.registered-by-hand/versions/1")
    refs = version.get("references") if status == 200 else None
    check(refs == [{"name": "acme/address.proto", "subject": "acme/address.proto", "version": 1},
                   {"name": "parcel.proto", "subject": "parcel.proto", "version": 1}],
          "the schema's references name them", repr(version))
    r.expect("register again", ["register", "shipping.registered-by-hand",
                                "shipping/schemas/shipment.proto", "-I", "shipping/protos"], 0,
             "unchanged: acme/address.proto already has this schema as version 1 (id 1) "
             "(imported)\n"
             "unchanged: parcel.proto already has this schema as version 1 (id 2) (imported)\n"
             "unchanged: shipping.registered-by-hand already has this schema as version 1 "
             "(id 3)\n")
    r.expect("register without the import folder",
             ["register", "shipping.registered-by-hand", "shipping/schemas/shipment.proto"], 2, "",
             "accord register: error: shipping/schemas/shipment.proto:5:1: import "
             "\"acme/address.proto\" not found in shipping/schemas (add the folder it is under "
             "with -I/--proto-path)\n")

    # The consumer declares its reader; the producer tests and publishes.
    r.expect("publish the consumer", ["publish", "--file", "warehouse/accord.yaml"], 0,
             "service warehouse: published (produces 0, consumes 1)\n")
    # The reader imports parts.proto (beside it) and a well-known type: the
    # declaration carries parts.proto's text under its import path.
    with open(os.path.join(r.cwd, "warehouse", "readers", "parts.proto")) as f:
        parts = f.read()
    status, declared = call_json(base, "GET", "/accord/v1/services/warehouse")
    consumes = declared.get("consumes") if status == 200 else None
    check(consumes is not None and len(consumes) == 1 and
          consumes[0].get("references") == [{"name": "parts.proto", "schema": parts}],
          "the consumer's declaration carries the file its reader imports", repr(declared))
    r.expect("publish the consumer again", ["publish", "--file", "warehouse/accord.yaml"], 0,
             "service warehouse: unchanged\n")
    r.expect("publish the consumer's contract version",
             ["publish", "--file", "warehouse/accord.yaml", "--version", "1"], 0,
             "service warehouse: unchanged\n"
             "contract warehouse@1: published (produces 0, consumes 1)\n")
    status, contract = call_json(base, "GET", "/accord/v1/services/warehouse/versions/1")
    consumes = contract.get("consumes") if status == 200 else None
    check(consumes is not None and len(consumes) == 1 and
          consumes[0].get("references") == [{"name": "parts.proto", "schema": parts}],
          "the consumer's contract version carries it too", repr(contract))
    r.expect("test the producer before publishing", ["test", "--file", "shipping/accord.yaml"], 0,
             "PASS  shipping.shipment-sent: examples validate (1 file)\n"
             "PASS  shipping.shipment-sent: compatible with the registry's versions (BACKWARD, "
             "STRICT) (new subject)\n"
             # The registry lists a subject's consumers once the subject exists.
             "PASS  shipping.shipment-sent: consumers (none registered)\n"
             "PASSED: 3 checks, 3 passed, 0 failed, 0 warnings, 0 skipped\n")
    r.expect("publish the producer", ["publish", "--file", "shipping/accord.yaml"], 0,
             "acme/address.proto: unchanged (version 1, id 1) (imported by "
             "shipping.shipment-sent)\n"
             "parcel.proto: unchanged (version 1, id 2) (imported by shipping.shipment-sent)\n"
             "shipping.shipment-sent: registered version 1 (id 3)\n"
             "shipping.shipment-sent: owner, description and tags updated\n"
             "service shipping: published (produces 1, consumes 0)\n")
    # The contract's `message:` is the subject's catalog message.
    status, meta = call_json(base, "GET", "/accord/v1/subjects/shipping.shipment-sent/metadata")
    check(status == 200 and meta.get("message") == "acme.shipping.ShipmentSent",
          "publish names the subject's message in its catalog metadata", repr(meta))
    r.expect("publish the producer again", ["publish", "--file", "shipping/accord.yaml"], 0,
             "acme/address.proto: unchanged (version 1, id 1) (imported by "
             "shipping.shipment-sent)\n"
             "parcel.proto: unchanged (version 1, id 2) (imported by shipping.shipment-sent)\n"
             "shipping.shipment-sent: unchanged (version 1, id 3)\n"
             "service shipping: unchanged\n")
    r.expect("test the producer after publishing", ["test", "--file", "shipping/accord.yaml"], 0,
             "PASS  shipping.shipment-sent: examples validate (1 file)\n"
             "PASS  shipping.shipment-sent: compatible with the registry's versions (BACKWARD, "
             "STRICT) (registered as version 1)\n"
             "PASS  shipping.shipment-sent: consumer warehouse (team-warehouse) (version 1, "
             "STRICT)\n"
             "PASSED: 3 checks, 3 passed, 0 failed, 0 warnings, 0 skipped\n")
    r.expect("test the consumer", ["test", "--file", "warehouse/accord.yaml"], 0,
             "PASS  shipping.shipment-sent: version 1 readable (STRICT)\n"
             "PASSED: 1 check, 1 passed, 0 failed, 0 warnings, 0 skipped\n")
    r.expect("can-i-deploy the producer", ["can-i-deploy", "--service", "shipping"], 0,
             "PASS  shipping.shipment-sent: consumer warehouse (team-warehouse) (version 1, "
             "STRICT)\n"
             "PASSED: 1 check, 1 passed, 0 failed, 0 warnings, 0 skipped\n"
             "can-i-deploy shipping: yes\n")
    r.expect("can-i-deploy the consumer", ["can-i-deploy", "--service", "warehouse"], 0,
             "PASS  shipping.shipment-sent: version 1 readable (STRICT)\n"
             "PASSED: 1 check, 1 passed, 0 failed, 0 warnings, 0 skipped\n"
             "can-i-deploy warehouse: yes\n")

    # A breaking change in the imported sibling file.
    shutil.copyfile(os.path.join(r.cwd, "shipping", "parcel.breaking.proto"),
                    os.path.join(r.cwd, "shipping", "schemas", "parcel.proto"))
    witness_w = ('{"writer_message":"acme.shipping.Parcel","event":{"weightGrams":1},'
                 '"wire_hex":"1001","reader_message":"acme.shipping.Parcel","reader_result":'
                 '"field 2 (weight_grams) lost: its wire type does not match the reader\'s string '
                 '(kept only as an unknown field)","reader_reads":{}}')
    witness_c = ('{"writer_message":"acme.shipping.Parcel","event":{"weightGrams":"x"},'
                 '"wire_hex":"120178","reader_message":"acme.shipping.Parcel","reader_result":'
                 '"field 2 (weight_grams) lost: its wire type does not match the reader\'s int32 '
                 '(kept only as an unknown field)","reader_reads":{}}')
    r.expect("a breaking import fails the producer's test",
             ["test", "--file", "shipping/accord.yaml"], 1,
             "FAIL  shipping.shipment-sent: examples validate (1 file)\n"
             "      shipping/events/good.json:4: /parcels/0/weight_grams: invalid value 1200 for "
             "type TYPE_STRING [shipping/schemas/shipment.proto message "
             "acme.shipping.ShipmentSent]\n"
             "FAIL  shipping.shipment-sent: compatible with the registry's versions (BACKWARD, "
             "STRICT) (would be version 2)\n"
             # (The break is in the imported file: the problem points at it,
             # and the other side names the import of version 1 and of the
             # consumer's reader.)
             "      shipping/schemas/parcel.proto: cannot read version 1: "
             "FIELD_SCALAR_KIND_CHANGED: Parcel field 2 (weight_grams) changed from int32 to "
             "string (version 1: parcel.proto#/Parcel/weight_grams)\n"
             "        field:   /Parcel/weight_grams\n"
             "        witness: " + witness_w + "\n"
             "FAIL  shipping.shipment-sent: consumer warehouse (team-warehouse) (version 2, "
             "STRICT)\n"
             "      shipping/schemas/parcel.proto: breaks consumer warehouse (owner "
             "team-warehouse): FIELD_SCALAR_KIND_CHANGED: Parcel field 2 (weight_grams) changed "
             "from string to int32 (consumer's field: parts.proto#/Parcel/weight_grams)\n"
             "        field:   /Parcel/weight_grams\n"
             "        witness: " + witness_c + "\n"
             "FAILED: 3 checks, 0 passed, 3 failed, 0 warnings, 0 skipped\n")
    # The imported file's own subject refuses the change (BACKWARD by
    # default), so the schema importing it is not registered.
    r.expect("a breaking import is refused on publish",
             ["publish", "--file", "shipping/accord.yaml"], 1,
             "service shipping: unchanged\n",
             "accord publish: error: registry http://REGISTRY: 409 (40901) Schema being "
             "registered is incompatible with an earlier schema for subject \"parcel.proto\", "
             "details: [{errorType:'FIELD_SCALAR_KIND_CHANGED', description:'Parcel field 2 "
             "(weight_grams) changed from int32 to string', additionalInfo:'writer path: "
             "/Parcel/weight_grams, reader path: /Parcel/weight_grams', witness:'" + witness_w +
             "'}, {oldSchemaVersion: 1}, {compatibility: 'BACKWARD'}]\n")
    status, versions = call_json(base, "GET", "/subjects/shipping.shipment-sent/versions")
    check(status == 200 and versions == [1], "the refused change registered nothing",
          repr(versions))

if __name__ == "__main__":
    sys.exit(main())
