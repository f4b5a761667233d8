#!/usr/bin/env python3
"""Deterministic generator of order-placed events as NDJSON.

Usage: gen_events.py COUNT [--seed N] [--invalid-ratio R] > events.ndjson

Every event is built from a seeded random.Random, so one (COUNT, seed, ratio)
always gives the same bytes. About R of the events (default 0.10) get exactly
one structural defect (missing required member, wrong type, value outside an
enum, pattern or range, extra member, ...). Defects never rely on `format`,
so validators that treat formats differently still agree on the verdict.
The number of invalid events is printed on stderr as "invalid=N".
"""
import argparse
import json
import random
import sys

CHANNELS = ["web", "ios", "android", "store", "phone"]
CATEGORIES = ["apparel", "electronics", "home", "grocery", "books", "toys", "other"]
METHODS = ["card", "paypal", "gift_card", "bank_transfer", "cash_on_delivery"]
BRANDS = ["visa", "mastercard", "amex", "discover"]
CURRENCIES = ["EUR", "USD", "GBP", "CHF", "SEK"]
COUNTRIES = ["DE", "FR", "GB", "US", "SE", "CH", "NL"]
CITIES = ["Berlin", "Lyon", "Leeds", "Austin", "Malmo", "Basel", "Utrecht"]
WORDS = ["blue", "cotton", "shirt", "lamp", "kettle", "novel", "puzzle", "cable", "mug", "jacket",
         "charger", "rice", "tea", "sofa", "cushion", "robot", "atlas"]
TAGS = ["first-order", "vip", "promo", "gift", "b2b", "mobile", "returning", "sale"]


def uuid4(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (h[0:8], h[8:12], h[13:16], "89ab"[rng.randrange(4)], h[17:20], h[20:32])


def timestamp(rng):
    return "2026-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
        rng.randint(0, 59), rng.randint(0, 999))


def money(rng, currency, low=0, high=50000):
    return {"amount_minor": rng.randint(low, high), "currency": currency}


def address(rng):
    a = {
        "name": "%s %s" % (rng.choice(WORDS).title(), rng.choice(WORDS).title()),
        "line1": "%d %s Street" % (rng.randint(1, 300), rng.choice(WORDS).title()),
        "city": rng.choice(CITIES),
        "postal_code": "%05d" % rng.randint(1000, 99999),
        "country": rng.choice(COUNTRIES),
    }
    if rng.random() < 0.3:
        a["line2"] = "Floor %d" % rng.randint(1, 9)
    if rng.random() < 0.5:
        a["region"] = rng.choice(WORDS).title()
    return a


def line_item(rng, index, currency):
    item = {
        "line_id": index + 1,
        "sku": "%s-%05d" % ("".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3)),
                            rng.randint(0, 99999)),
        "name": "%s %s" % (rng.choice(WORDS), rng.choice(WORDS)),
        "category": rng.choice(CATEGORIES),
        "quantity": rng.randint(1, 5),
        "unit_price": money(rng, currency, 100, 20000),
        "tax_rate": rng.choice([0, 0.07, 0.19, 0.2, 0.25]),
    }
    if rng.random() < 0.4:
        item["attributes"] = {"color": rng.choice(WORDS), "size": rng.choice(["S", "M", "L"]),
                              "weight_kg": round(rng.random() * 5, 2)}
    return item


def event(rng):
    currency = rng.choice(CURRENCIES)
    items = [line_item(rng, i, currency) for i in range(rng.randint(1, 6))]
    subtotal = sum(i["quantity"] * i["unit_price"]["amount_minor"] for i in items)
    method = rng.choice(METHODS)
    payment = {"method": method, "status": rng.choice(["authorized", "captured", "pending"]),
               "amount": {"amount_minor": subtotal, "currency": currency}}
    if method == "card":
        payment["card_brand"] = rng.choice(BRANDS)
        payment["card_last4"] = "%04d" % rng.randint(0, 9999)
    order = {
        "order_id": "ORD-2026-%08d" % rng.randint(0, 99999999),
        "channel": rng.choice(CHANNELS),
        "placed_at": timestamp(rng),
        "currency": currency,
        "customer": {
            "customer_id": "CUS-" + "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(10)),
            "email": "%s.%s@example.com" % (rng.choice(WORDS), rng.randint(1, 99999)),
            "name": "%s %s" % (rng.choice(WORDS).title(), rng.choice(WORDS).title()),
            "loyalty_tier": rng.choice(["none", "silver", "gold", "platinum"]),
            "is_guest": rng.random() < 0.2,
        },
        "items": items,
        "shipping_address": address(rng),
        "payment": payment,
        "totals": {
            "subtotal": {"amount_minor": subtotal, "currency": currency},
            "tax": money(rng, currency, 0, 5000),
            "grand_total": {"amount_minor": subtotal, "currency": currency},
        },
    }
    if rng.random() < 0.5:
        order["billing_address"] = address(rng)
    if rng.random() < 0.7:
        order["shipping"] = {"method": rng.choice(["standard", "express", "next_day", "pickup"]),
                             "carrier": rng.choice(["DHL", "UPS", "PostNord", "Colissimo"]),
                             "cost": money(rng, currency, 0, 1500),
                             "estimated_delivery": "2026-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28))}
    if rng.random() < 0.2:
        order["discounts"] = [{"code": "SAVE%d" % rng.randint(5, 50), "kind": "fixed",
                               "amount": money(rng, currency, 100, 1000)}]
    if rng.random() < 0.3:
        order["tags"] = rng.sample(TAGS, rng.randint(1, 3))
    if rng.random() < 0.1:
        order["gift"] = True
        order["notes"] = "Happy birthday, %s!" % rng.choice(WORDS).title()
    if rng.random() < 0.3:
        order["metadata"] = {"ab_test": rng.choice(["a", "b"]), "session": "%016x" % rng.getrandbits(64)}
    e = {
        "event_id": uuid4(rng),
        "event_type": "orders.order-placed",
        "schema_version": 3,
        "occurred_at": timestamp(rng),
        "producer": "checkout-service",
        "trace_id": "%032x" % rng.getrandbits(128),
        "order": order,
    }
    return e


def _bad_card(e):
    p = e["order"]["payment"]
    p["method"] = "card"
    p.pop("card_last4", None)


# Each defect makes the event invalid under any JSON Schema 2020-12 validator.
DEFECTS = [
    lambda e: e["order"].pop("customer"),
    lambda e: e["order"]["items"][0].__setitem__("quantity", 0),
    lambda e: e["order"].__setitem__("currency", "usd"),
    lambda e: e["order"].__setitem__("channel", "fax"),
    lambda e: e.__setitem__("debug", True),
    lambda e: e["order"].__setitem__("items", []),
    lambda e: e["order"]["totals"]["tax"].__setitem__("amount_minor", "100"),
    _bad_card,
    lambda e: e["order"]["items"][-1].__setitem__("sku", "abc-1"),
    lambda e: e.__setitem__("schema_version", 0),
    lambda e: e["order"]["customer"].pop("email"),
    lambda e: e["order"]["shipping_address"].__setitem__("country", "Germany"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--invalid-ratio", type=float, default=0.10)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    invalid = 0
    out = sys.stdout
    for _ in range(args.count):
        e = event(rng)
        if rng.random() < args.invalid_ratio:
            rng.choice(DEFECTS)(e)
            invalid += 1
        out.write(json.dumps(e, separators=(",", ":")))
        out.write("\n")
    print("invalid=%d" % invalid, file=sys.stderr)


if __name__ == "__main__":
    main()
