#!/usr/bin/env python3
"""Differential test: Accord's Avro compatibility vs Apache Avro's checker.

A seeded generator builds realistic Avro records and mutates them the way
teams evolve event schemas (fields added or removed with and without
defaults, promotions and demotions, enum symbols added or removed with and
without enum defaults, unions widened and narrowed, nested and recursive
records, renames with and without aliases, fixed sizes...). Each pair (a, b)
is judged in both directions, compatible(a -> b) and compatible(b -> a), by
Accord (the accord_avro_oracle tool) and by python3-avro's
avro.compatibility.ReaderWriterCompatibilityChecker; the verdicts must agree.

A disagreement is accepted only when it is a known defect of python3-avro,
listed in KNOWN_AVRO_BUGS, and proven for that pair: the pair is rewritten
into an equivalent form (per the Avro specification) that avoids the defect,
and python3-avro then agrees with Accord while Accord's verdict does not move.

--bench times the same pair set through both checkers in one run (parse both
schemas from JSON text, check both directions) and prints pairs/s and the
ratio.

Exit status: 0 when every judgment agrees or is a proven known bug, 1
otherwise, 1 when python3-avro is missing (this script installs nothing).
"""
import argparse
import copy
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

try:
    import avro.schema
    from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
except ImportError:
    print("FAIL: python3-avro is not importable by %s. Install the Debian package "
          "python3-avro (apt-get install -y python3-avro; scripts/install-deps does it)."
          % sys.executable)
    sys.exit(1)

warnings.filterwarnings("ignore")

# Known python3-avro (1.11.1) defects that can make its verdict differ from
# the specification. Each entry: the reason, and the rewrite that proves it.
KNOWN_AVRO_BUGS = {
    "PY_NAMES_AS_WRITTEN": (
        "python3-avro compares a reader's aliases, as written, with the writer's "
        "full name (compatibility.schema_name_equals), so an alias relative to "
        "the reader's namespace never matches; and it compares the 'name' "
        "attribute as written, so 'a.b.X' and 'X' in namespace 'a.b' differ. The "
        "specification resolves aliases against the namespace and matches named "
        "types by unqualified name (Java's checker does too). Proof: rewriting "
        "both schemas with every name split into name+namespace and every alias "
        "fully qualified makes python3-avro agree with Accord."),
}

# ---------------------------------------------------------------- generator

NAMESPACES = [None, "com.acme.orders", "io.shop.billing", "org.example.events", "net.fleet"]
RECORD_NAMES = ["OrderPlaced", "PaymentCaptured", "ShipmentDispatched", "UserSignedUp",
                "InvoiceIssued", "CartUpdated", "RefundRequested", "StockAdjusted"]
NESTED_NAMES = ["Address", "LineItem", "Money", "Customer", "GeoPoint", "Carrier", "Discount"]
ENUM_NAMES = ["Status", "Currency", "Channel", "Priority"]
ENUM_SYMBOLS = ["NEW", "PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED",
                "UNKNOWN", "EUR", "USD", "GBP", "WEB", "MOBILE", "STORE"]
FIXED_NAMES = ["Md5", "Sha1", "Ipv6", "Token"]
FIELD_NAMES = ["id", "order_id", "customer_id", "amount", "quantity", "total", "price",
               "ratio", "created_at", "updated_at", "note", "email", "active", "payload",
               "sku", "score", "version", "region", "count", "label", "weight", "tags",
               "attributes", "items", "history", "source", "ref", "flags", "comment"]
PRIMS = ["int", "long", "float", "double", "string", "bytes", "boolean"]
PROMOTIONS = {"int": ["long", "float", "double"], "long": ["float", "double"],
              "float": ["double"], "string": ["bytes"], "bytes": ["string"]}
DEMOTIONS = {"long": ["int"], "float": ["int", "long"], "double": ["float", "long", "int"],
             "string": ["int", "boolean"], "bytes": ["int"], "int": ["string", "boolean"],
             "boolean": ["int", "string"]}
LOGICAL = [{"type": "long", "logicalType": "timestamp-millis"},
           {"type": "long", "logicalType": "timestamp-micros"},
           {"type": "int", "logicalType": "date"},
           {"type": "string", "logicalType": "uuid"},
           {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2},
           {"type": "long", "logicalType": "local-timestamp-millis"},
           {"type": "int", "logicalType": "time-millis"}]

PRIM_DEFAULTS = {"null": None, "int": 0, "long": 0, "float": 0.0, "double": 1.5,
                 "string": "", "bytes": "", "boolean": False}


class Gen:
    """Builds one base schema; keeps the named types it defined."""

    def __init__(self, rng):
        self.rng = rng
        self.defs = {}  # short name -> definition dict (names are unique per schema)
        self.counter = 0

    def unique(self, pool):
        name = self.rng.choice(pool)
        while name in self.defs:
            self.counter += 1
            name = "%s%d" % (self.rng.choice(pool), self.counter)
        return name

    def prim(self):
        r = self.rng.random()
        if r < 0.15:
            return copy.deepcopy(self.rng.choice(LOGICAL))
        return self.rng.choice(PRIMS)

    def enum(self, ns):
        name = self.unique(ENUM_NAMES)
        syms = self.rng.sample(ENUM_SYMBOLS, self.rng.randint(2, 5))
        d = {"type": "enum", "name": name, "symbols": syms}
        if ns and self.rng.random() < 0.2:
            d["namespace"] = ns
        if self.rng.random() < 0.35:
            d["default"] = self.rng.choice(syms)
        self.defs[name] = d
        return d

    def fixed(self):
        name = self.unique(FIXED_NAMES)
        d = {"type": "fixed", "name": name, "size": self.rng.choice([4, 8, 16, 20, 32])}
        self.defs[name] = d
        return d

    def field_type(self, depth, ns, self_name):
        r = self.rng.random()
        if r < 0.38:
            return self.prim()
        if r < 0.52:
            return ["null", self.prim()]
        if r < 0.60:
            return self.enum(ns)
        if r < 0.64:
            return self.fixed()
        if r < 0.72:
            return {"type": "array", "items": self.prim() if depth > 1 or self.rng.random() < 0.6
                    else self.record(depth + 1, ns, NESTED_NAMES)}
        if r < 0.78:
            return {"type": "map", "values": self.prim()}
        if r < 0.86 and depth < 2:
            return self.record(depth + 1, ns, NESTED_NAMES)
        if r < 0.90:
            return self.rng.choice([["string", "int"], ["null", "string", "long"], ["int", "double"]])
        if r < 0.95 and depth < 2:
            return ["null", self.record(depth + 1, ns, NESTED_NAMES)]
        # A reference back to the enclosing record: recursion.
        return ["null", self_name] if self.rng.random() < 0.6 else {"type": "array", "items": self_name}

    def record(self, depth, ns, pool):
        name = self.unique(pool)
        rec = {"type": "record", "name": name, "fields": []}
        if depth == 0 and ns:
            rec["namespace"] = ns
        elif ns and self.rng.random() < 0.1:
            ns = self.rng.choice([n for n in NAMESPACES if n])
            rec["namespace"] = ns
        if self.rng.random() < 0.3:
            rec["doc"] = "The %s event." % name
        self.defs[name] = rec
        used = set()
        for _ in range(self.rng.randint(2 if depth else 3, 5 if depth else 7)):
            fname = self.rng.choice(FIELD_NAMES)
            if fname in used:
                continue
            used.add(fname)
            t = self.field_type(depth, ns, name)
            f = {"name": fname, "type": t}
            if self.rng.random() < 0.4:
                d = default_for(t, self.defs)
                if d is not MISSING:
                    f["default"] = d
            rec["fields"].append(f)
        return rec


MISSING = object()


def type_name(t):
    if isinstance(t, str):
        return t
    if isinstance(t, list):
        return "union"
    return t.get("type")


def default_for(t, defs):
    """A valid default for type t (a union's default matches its first branch)."""
    if isinstance(t, list):
        return default_for(t[0], defs)
    if isinstance(t, str):
        if t in PRIM_DEFAULTS:
            return PRIM_DEFAULTS[t]
        d = defs.get(t)
        if d is None or d["type"] != "enum":
            return MISSING
        return d["symbols"][0]
    kind = t["type"]
    if kind in PRIM_DEFAULTS:
        return PRIM_DEFAULTS[kind]
    if kind == "enum":
        return t["symbols"][0]
    if kind == "fixed":
        return "a" * t["size"]
    if kind == "array":
        return []
    if kind == "map":
        return {}
    return MISSING  # records: keep it simple


def walk_types(t, fn):
    """Calls fn on every schema (dict, list or str) reachable in type position."""
    fn(t)
    if isinstance(t, list):
        for b in t:
            walk_types(b, fn)
    elif isinstance(t, dict):
        k = t.get("type")
        if k in ("record", "error"):
            for f in t["fields"]:
                walk_types(f["type"], fn)
        elif k == "array":
            walk_types(t["items"], fn)
        elif k == "map":
            walk_types(t["values"], fn)


def named_defs(schema):
    out = []
    walk_types(schema, lambda t: out.append(t) if isinstance(t, dict) and t.get("type") in ("record", "enum", "fixed") else None)
    return out


def contains_def(t):
    found = []
    walk_types(t, lambda x: found.append(1) if isinstance(x, dict) and x.get("type") in ("record", "enum", "fixed") else None)
    return bool(found)


def rename_refs(t, old, new):
    """Renames references (strings) to a named type, everywhere in type position."""
    if isinstance(t, list):
        return [rename_refs(b, old, new) for b in t]
    if isinstance(t, str):
        return new if t == old else t
    k = t.get("type")
    if k in ("record", "error"):
        for f in t["fields"]:
            f["type"] = rename_refs(f["type"], old, new)
    elif k == "array":
        t["items"] = rename_refs(t["items"], old, new)
    elif k == "map":
        t["values"] = rename_refs(t["values"], old, new)
    return t


def full_name(d, ns):
    name = d["name"]
    if "." in name:
        return name
    space = d.get("namespace", ns)
    return "%s.%s" % (space, name) if space else name


def namespace_of(schema, target):
    """The namespace that applies to named definition `target` inside schema."""
    result = [None]

    def visit(t, ns):
        if isinstance(t, list):
            for b in t:
                visit(b, ns)
            return
        if not isinstance(t, dict):
            return
        k = t.get("type")
        if k in ("record", "enum", "fixed"):
            fn = full_name(t, ns)
            own = fn.rsplit(".", 1)[0] if "." in fn else None
            if t is target:
                result[0] = own
            if k == "record":
                for f in t["fields"]:
                    visit(f["type"], own)
        elif k == "array":
            visit(t["items"], ns)
        elif k == "map":
            visit(t["values"], ns)
    visit(schema, None)
    return result[0]


class Mutator:
    def __init__(self, rng, schema):
        self.rng = rng
        self.s = schema
        self.tags = []

    def records(self):
        return [d for d in named_defs(self.s) if d["type"] == "record"]

    def defs_by_name(self):
        return {d["name"]: d for d in named_defs(self.s)}

    def pick_field(self, pred=lambda rec, f: True):
        cands = [(r, f) for r in self.records() for f in r["fields"] if pred(r, f)]
        return self.rng.choice(cands) if cands else (None, None)

    def add_field(self, with_default):
        rec = self.rng.choice(self.records())
        names = {f["name"] for f in rec["fields"]}
        fname = self.rng.choice([n for n in FIELD_NAMES + ["extra", "note2", "channel"] if n not in names] or ["zz"])
        t = self.rng.choice(PRIMS + [["null", "string"], {"type": "array", "items": "string"}])
        f = {"name": fname, "type": t}
        if with_default:
            f["default"] = default_for(t, {})
        rec["fields"].insert(self.rng.randint(0, len(rec["fields"])), f)
        self.tags.append("add_field" + ("_default" if with_default else "_nodefault"))

    def remove_field(self):
        rec, f = self.pick_field(lambda r, f: not contains_def(f["type"]))
        if f is None:
            return
        rec["fields"].remove(f)
        self.tags.append("remove_field")

    def change_prim(self, table, tag):
        def ok(r, f):
            base = f["type"][1] if isinstance(f["type"], list) and len(f["type"]) == 2 and f["type"][0] == "null" else f["type"]
            return type_name(base) in table and not contains_def(f["type"])
        rec, f = self.pick_field(ok)
        if f is None:
            return
        opt = isinstance(f["type"], list)
        base = f["type"][1] if opt else f["type"]
        new = self.rng.choice(table[type_name(base)])
        f["type"] = ["null", new] if opt else new
        if "default" in f:
            f["default"] = default_for(f["type"], {})
        self.tags.append(tag)

    def change_container(self):
        cands = []
        walk_types(self.s, lambda t: cands.append(t) if isinstance(t, dict) and t.get("type") in ("array", "map") and isinstance(t.get("items", t.get("values")), str) and t.get("items", t.get("values")) in PRIMS else None)
        if not cands:
            return
        t = self.rng.choice(cands)
        key = "items" if t["type"] == "array" else "values"
        old = t[key]
        table = PROMOTIONS if self.rng.random() < 0.5 and old in PROMOTIONS else DEMOTIONS
        if old in table:
            t[key] = self.rng.choice(table[old])
            self.tags.append("container_" + ("promote" if table is PROMOTIONS else "demote"))

    def unrelated_type(self):
        rec, f = self.pick_field(lambda r, f: not contains_def(f["type"]))
        if f is None:
            return
        f["type"] = self.rng.choice([{"type": "map", "values": "long"}, "string", "boolean",
                                     {"type": "array", "items": "int"}])
        f.pop("default", None)
        self.tags.append("unrelated_type")

    def enum_change(self):
        enums = [d for d in named_defs(self.s) if d["type"] == "enum"]
        if not enums:
            return
        e = self.rng.choice(enums)
        op = self.rng.random()
        if op < 0.35:
            extra = [s for s in ENUM_SYMBOLS if s not in e["symbols"]]
            if extra:
                e["symbols"].append(self.rng.choice(extra))
                self.tags.append("enum_add_symbol")
        elif op < 0.7:
            if len(e["symbols"]) > 1:
                victim = self.rng.choice([s for s in e["symbols"] if s != e.get("default")] or [None])
                if victim is not None:
                    e["symbols"].remove(victim)
                    self.tags.append("enum_remove_symbol")
                    fix_enum_defaults(self.s, e)
        elif op < 0.85:
            if "default" in e:
                del e["default"]
                self.tags.append("enum_drop_default")
            else:
                e["default"] = self.rng.choice(e["symbols"])
                self.tags.append("enum_add_default")
        else:
            e["symbols"].reverse()
            self.tags.append("enum_reorder")

    def union_widen(self):
        rec, f = self.pick_field(lambda r, f: not contains_def(f["type"]))
        if f is None:
            return
        t = f["type"]
        if isinstance(t, list):
            kinds = {type_name(b) for b in t}
            extra = [p for p in ["string", "long", "double", "boolean", "bytes"] if p not in kinds]
            if extra:
                t.append(self.rng.choice(extra))
                self.tags.append("union_widen")
        else:
            if type_name(t) == "null":
                return
            f["type"] = ["null", t]
            f["default"] = None
            self.tags.append("union_make_optional")

    def union_narrow(self):
        rec, f = self.pick_field(lambda r, f: isinstance(f["type"], list))
        if f is None:
            return
        t = f["type"]
        if len(t) > 2 and not contains_def(t):
            del t[self.rng.randrange(len(t))]
            self.tags.append("union_narrow")
        elif len(t) == 2:
            keep = t[1] if type_name(t[0]) == "null" else t[0]
            if contains_def(t) and not contains_def(keep):
                return
            f["type"] = keep
            f.pop("default", None)
            self.tags.append("union_drop_null")
        if "default" in f:
            d = default_for(f["type"], self.defs_by_name())
            if d is MISSING:
                del f["default"]
            else:
                f["default"] = d

    def rename_type(self, with_alias):
        defs = named_defs(self.s)
        d = self.rng.choice(defs)
        old_name = d["name"]
        ns = namespace_of(self.s, d)
        new_name = old_name + "V2"
        if new_name in self.defs_by_name():
            return
        d["name"] = new_name
        if with_alias:
            alias = old_name if self.rng.random() < 0.5 or not ns else "%s.%s" % (ns, old_name)
            d.setdefault("aliases", []).append(alias)
        self.s = rename_refs(self.s, old_name, new_name)
        self.tags.append("rename_type" + ("_alias" if with_alias else ""))

    def move_namespace(self):
        recs = [d for d in named_defs(self.s)]
        d = self.rng.choice(recs)
        d["namespace"] = self.rng.choice([n for n in NAMESPACES if n])
        # References elsewhere use short names resolved in the enclosing
        # namespace; fully qualify them to keep the schema valid.
        fn = full_name(d, None)
        self.s = rename_refs(self.s, d["name"], fn)
        self.tags.append("move_namespace")

    def rename_field(self, with_alias):
        rec, f = self.pick_field()
        if f is None:
            return
        names = {x["name"] for x in rec["fields"]}
        new = f["name"] + "_v2"
        if new in names:
            return
        if with_alias:
            f.setdefault("aliases", []).append(f["name"])
        f["name"] = new
        self.tags.append("rename_field" + ("_alias" if with_alias else ""))

    def fixed_change(self):
        fx = [d for d in named_defs(self.s) if d["type"] == "fixed"]
        if not fx:
            return
        d = self.rng.choice(fx)
        d["size"] = d["size"] * 2
        self.tags.append("fixed_size")
        fix_fixed_defaults(self.s, d)

    def toggle_default(self):
        rec, f = self.pick_field()
        if f is None:
            return
        if "default" in f:
            del f["default"]
            self.tags.append("drop_default")
        else:
            d = default_for(f["type"], self.defs_by_name())
            if d is not MISSING:
                f["default"] = d
                self.tags.append("add_default")

    def mutate(self, n):
        ops = [(self.add_field, (True,)), (self.add_field, (False,)), (self.remove_field, ()),
               (self.change_prim, (PROMOTIONS, "promote")), (self.change_prim, (DEMOTIONS, "demote")),
               (self.change_container, ()), (self.unrelated_type, ()), (self.enum_change, ()),
               (self.enum_change, ()), (self.union_widen, ()), (self.union_narrow, ()),
               (self.rename_type, (True,)), (self.rename_type, (False,)), (self.rename_field, (True,)),
               (self.rename_field, (False,)), (self.fixed_change, ()), (self.toggle_default, ()),
               (self.move_namespace, ())]
        for _ in range(n):
            fn, args = self.rng.choice(ops)
            fn(*args)
        return self.s


def fix_enum_defaults(schema, enum_def):
    """After removing a symbol, field defaults naming it must change."""
    def visit(t):
        if isinstance(t, dict) and t.get("type") == "record":
            for f in t["fields"]:
                ft = f["type"]
                first = ft[0] if isinstance(ft, list) else ft
                if "default" in f and (first is enum_def or first == enum_def["name"]):
                    if f["default"] not in enum_def["symbols"]:
                        f["default"] = enum_def["symbols"][0]
    walk_types(schema, visit)


def fix_fixed_defaults(schema, fixed_def):
    def visit(t):
        if isinstance(t, dict) and t.get("type") == "record":
            for f in t["fields"]:
                ft = f["type"]
                first = ft[0] if isinstance(ft, list) else ft
                if "default" in f and (first is fixed_def or first == fixed_def["name"]):
                    f["default"] = "a" * fixed_def["size"]
    walk_types(schema, visit)


def generate_pairs(seed, count):
    rng = random.Random(seed)
    pairs = []
    while len(pairs) < count:
        g = Gen(rng)
        base = g.record(0, rng.choice(NAMESPACES), RECORD_NAMES)
        m = Mutator(rng, copy.deepcopy(base))
        new = m.mutate(rng.choice([1, 1, 1, 2, 2, 3]))
        if not m.tags:
            continue
        # Half the pairs compare base -> mutated, half a mutant to another
        # mutant of the same base (both move).
        if rng.random() < 0.2:
            m2 = Mutator(rng, copy.deepcopy(base))
            other = m2.mutate(1)
            pairs.append({"id": len(pairs), "a": other, "b": new, "tags": m2.tags + m.tags})
        else:
            pairs.append({"id": len(pairs), "a": base, "b": new, "tags": m.tags})
    return pairs


# ------------------------------------------------------------ python3-avro side

def py_verdict(writer, reader):
    try:
        w = avro.schema.parse(json.dumps(writer))
        r = avro.schema.parse(json.dumps(reader))
    except Exception as e:  # noqa: BLE001 - report any parser failure
        return {"error": "%s: %s" % (type(e).__name__, e)}
    res = ReaderWriterCompatibilityChecker().get_compatibility(r, w)
    kinds = sorted({i.name.upper() for i in res.incompatibilities})
    return {"compatible": res.compatibility is SchemaCompatibilityType.compatible, "kinds": kinds}


def normalize_names(schema):
    """Equivalent schema per the spec: names split into name + explicit
    namespace, aliases fully qualified, references fully qualified."""
    s = copy.deepcopy(schema)

    def visit(t, ns):
        if isinstance(t, list):
            return [visit(b, ns) for b in t]
        if isinstance(t, str):
            if t in PRIM_DEFAULTS or "." in t:
                return t
            return t  # resolved below by qualify_refs
        k = t.get("type")
        if k in ("record", "enum", "fixed"):
            fn = full_name(t, ns)
            space, _, short = fn.rpartition(".")
            t["name"] = short
            # python3-avro reads "namespace": "" as "inherit", so the null
            # namespace is left implicit (generated schemas never nest a
            # null-namespace type inside a namespaced one).
            if space:
                t["namespace"] = space
            else:
                t.pop("namespace", None)
            if "aliases" in t:
                t["aliases"] = [a if "." in a or not space else "%s.%s" % (space, a) for a in t["aliases"]]
            if k == "record":
                for f in t["fields"]:
                    f["type"] = visit(f["type"], space or None)
        elif k == "array":
            t["items"] = visit(t["items"], ns)
        elif k == "map":
            t["values"] = visit(t["values"], ns)
        return t
    return visit(s, None)


def judge(oracle_out, pairs):
    ok = known = bad = 0
    kind_agree = kind_total = 0
    failures, known_cases = [], []
    rechecks = []  # (pair index, direction) to prove a known bug
    for p, o in zip(pairs, oracle_out):
        for direction, (w, r) in (("ab", (p["a"], p["b"])), ("ba", (p["b"], p["a"]))):
            acc = o[direction]
            py = py_verdict(w, r)
            p.setdefault("py", {})[direction] = py
            if "error" in acc or "error" in py:
                if "error" in acc and "error" in py:
                    ok += 1
                else:
                    rechecks.append((p, direction, acc, py))
                continue
            if acc["compatible"] == py["compatible"]:
                ok += 1
                if not acc["compatible"]:
                    kind_total += 1
                    kind_agree += acc["kinds"] == py["kinds"]
            else:
                rechecks.append((p, direction, acc, py))
    return ok, kind_agree, kind_total, rechecks


def run_oracle(oracle, pairs, extra_args=(), texts=None):
    """Runs the oracle on `pairs`. With `texts` (a list of (a, b) schema
    texts, one per pair), the benchmark parses exactly those texts."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for i, p in enumerate(pairs):
            line = {"id": p["id"], "a": p["a"], "b": p["b"]}
            if texts is not None:
                line["a_text"], line["b_text"] = texts[i]
            f.write(json.dumps(line) + "\n")
        path = f.name
    try:
        with open(path) as fin:
            out = subprocess.run([oracle, *extra_args], stdin=fin, capture_output=True, text=True, check=False)
    finally:
        os.unlink(path)
    if out.returncode != 0:
        print("FAIL: %s exited %d: %s" % (oracle, out.returncode, out.stderr.strip()))
        sys.exit(1)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def bench(oracle, pairs, rounds):
    """Both checkers on the same pairs and the same texts, measured in CPU
    seconds of the process doing the work (the machine may be shared by
    other jobs). Each side reports the median of several measurements: python3-avro
    one per round, Accord one per block of rounds (accord_avro_oracle)."""
    texts = [(json.dumps(p["a"]), json.dumps(p["b"])) for p in pairs]
    checker_cls = ReaderWriterCompatibilityChecker

    def median_rate(seconds):
        return len(texts) / statistics.median(seconds)

    e2e_seconds = []
    for _ in range(rounds):
        start = time.process_time()
        for a, b in texts:
            sa = avro.schema.parse(a)
            sb = avro.schema.parse(b)
            checker_cls().get_compatibility(sb, sa)
            checker_cls().get_compatibility(sa, sb)
        e2e_seconds.append(time.process_time() - start)
    parsed = [(avro.schema.parse(a), avro.schema.parse(b)) for a, b in texts]
    check_seconds = []
    for _ in range(rounds):
        start = time.process_time()
        for sa, sb in parsed:
            checker_cls().get_compatibility(sb, sa)
            checker_cls().get_compatibility(sa, sb)
        check_seconds.append(time.process_time() - start)
    py_rate, py_check_rate = median_rate(e2e_seconds), median_rate(check_seconds)
    acc_rounds = max(5, rounds * 50)
    # The same texts as python3-avro parses above, byte for byte.
    acc = run_oracle(oracle, pairs, ("--bench", str(acc_rounds)), texts)[0]
    e2e = acc["pairs_per_cpu_second"] / py_rate
    chk = acc["check_only_pairs_per_cpu_second"] / py_check_rate
    print("bench: %d pairs; a pair = both directions judged; rates in pairs per CPU second, medians "
          "(python3-avro: %d rounds, one measurement each; accord: %d rounds in %d blocks)"
          % (len(texts), rounds, acc_rounds, acc.get("blocks", 1)))
    print("bench: parse+check  python3-avro %9.0f pairs/s (%.0f-%.0f)   accord %9.0f pairs/s (%.0f-%.0f)   ratio %.1fx"
          % (py_rate, len(texts) / max(e2e_seconds), len(texts) / min(e2e_seconds), acc["pairs_per_cpu_second"],
             acc.get("pairs_per_cpu_second_min", 0), acc.get("pairs_per_cpu_second_max", 0), e2e))
    print("bench: check only   python3-avro %9.0f pairs/s (%.0f-%.0f)   accord %9.0f pairs/s (%.0f-%.0f)   ratio %.1fx"
          % (py_check_rate, len(texts) / max(check_seconds), len(texts) / min(check_seconds),
             acc["check_only_pairs_per_cpu_second"], acc.get("check_only_pairs_per_cpu_second_min", 0),
             acc.get("check_only_pairs_per_cpu_second_max", 0), chk))
    if "witnesses_read_pairs_per_cpu_second" in acc:
        print("bench: parse+check, every witness read as well (as rendering does): accord %9.0f pairs/s   ratio %.1fx"
              % (acc["witnesses_read_pairs_per_cpu_second"], acc["witnesses_read_pairs_per_cpu_second"] / py_rate))
    if "parse_only_pairs_per_cpu_second" in acc:
        print("bench: accord alone: parse both schemas only %9.0f pairs/s (where the end-to-end time goes)"
              % acc["parse_only_pairs_per_cpu_second"])
    print("bench: goal >= 50x: %s (parse+check), %s (check only)"
          % ("met" if e2e >= 50 else "NOT met", "met" if chk >= 50 else "NOT met"))
    return e2e


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--oracle", required=True, help="path to accord_avro_oracle")
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--bench", action="store_true", help="also time both checkers")
    ap.add_argument("--bench-rounds", type=int, default=1)
    ap.add_argument("--dump", help="write the generated pairs (JSON lines) here")
    args = ap.parse_args()

    pairs = generate_pairs(args.seed, args.pairs)
    if args.dump:
        with open(args.dump, "w") as f:
            for p in pairs:
                f.write(json.dumps(p) + "\n")
    oracle_out = run_oracle(args.oracle, pairs)
    if len(oracle_out) != len(pairs):
        print("FAIL: oracle answered %d of %d pairs" % (len(oracle_out), len(pairs)))
        return 1
    ok, kind_agree, kind_total, rechecks = judge(oracle_out, pairs)

    # Prove or refute each disagreement as a known python3-avro bug.
    known, unexplained = [], []
    if rechecks:
        norm_pairs = [{"id": i, "a": normalize_names(p["a"]), "b": normalize_names(p["b"])}
                      for i, (p, _, _, _) in enumerate(rechecks)]
        norm_out = run_oracle(args.oracle, norm_pairs)
        for (p, direction, acc, py), np_, no in zip(rechecks, norm_pairs, norm_out):
            w, r = (np_["a"], np_["b"]) if direction == "ab" else (np_["b"], np_["a"])
            py2 = py_verdict(w, r)
            acc2 = no[direction]
            if ("error" not in acc and "error" not in py2 and "error" not in acc2
                    and py2["compatible"] == acc["compatible"] and acc2["compatible"] == acc["compatible"]):
                known.append((p, direction, acc, py, "PY_NAMES_AS_WRITTEN"))
            else:
                unexplained.append((p, direction, acc, py))

    total = 2 * len(pairs)
    tag_counts = {}
    for p in pairs:
        for t in p["tags"]:
            tag_counts[t] = tag_counts.get(t, 0) + 1
    incompatible = sum(1 for o in oracle_out for d in ("ab", "ba") if o[d].get("compatible") is False)
    print("avro differential: seed %d, %d pairs, %d judgments (%d incompatible per Accord)"
          % (args.seed, len(pairs), total, incompatible))
    print("mutations: " + ", ".join("%s=%d" % kv for kv in sorted(tag_counts.items())))
    print("agree: %d; known python3-avro bugs: %d; unexplained disagreements: %d"
          % (ok, len(known), len(unexplained)))
    print("incompatibility kinds identical on %d of %d jointly-incompatible judgments" % (kind_agree, kind_total))
    for bug in sorted({k[4] for k in known}):
        n = sum(1 for k in known if k[4] == bug)
        print("known bug %s (%d judgments): %s" % (bug, n, KNOWN_AVRO_BUGS[bug]))
    for p, direction, acc, py in unexplained[:10]:
        w, r = (p["a"], p["b"]) if direction == "ab" else (p["b"], p["a"])
        print("DISAGREE pair %s %s tags=%s\n  accord=%s\n  python=%s\n  writer=%s\n  reader=%s"
              % (p["id"], direction, p["tags"], json.dumps(acc), json.dumps(py),
                 json.dumps(w), json.dumps(r)))
    if args.bench:
        bench(args.oracle, pairs, args.bench_rounds)
    failed = bool(unexplained) or len(pairs) < 2000 and args.pairs >= 2000
    print("%d passed, %d failed" % (ok + len(known), len(unexplained)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
