#!/usr/bin/env python3
"""Several `accord serve` replicas on one PostgreSQL database (--store URI).

Starts a private PostgreSQL (scripts/pg-server, in a temp dir of its own, on
a free port) and three replicas A, B, C on ephemeral loopback ports, then:

 1. concurrent registrations spread over the replicas (8 threads x 25, in
    lock step): distinct schemas racing into shared subjects, one schema on
    eight subjects at once, one schema on one subject from every replica at
    once. One text -> one id, distinct texts -> distinct ids, every subject's
    versions are exactly 1..n on every replica, every id reads back its text
    on every replica;
 2. read-your-writes on the writing replica at once, the others within 1 s;
 3. the cross-replica compatibility race: on BACKWARD subjects holding v1,
    candidates X and Y (each compatible with v1, not with each other) sent at
    the same moment to two replicas, 30 rounds: exactly one wins, the other is
    409/40901, and the registry finds v2 compatible with v1 everywhere;
 4. kill -9 of replica C during a write storm: every acknowledged
    registration is readable with its id and version through A and B, no
    version gaps or duplicates; C is then started again;
 6. config, mode, catalog metadata and a soft delete made on A are seen by B
    and C within 1 s;
 5. PostgreSQL killed (immediate shutdown) for ~3 s under load: writes fail
    with a 5xx Confluent error body that names no database detail, /readyz is
    503, reads by id of cached ids stay 200; after `pg-server start` (same
    port) writes and /readyz recover within 10 s without restarting a
    replica; then read-your-writes (2) again, through the reconnected
    change notifications.

Prints the propagation and recovery times it measured.

Usage: replicas_test.py --accord PATH/TO/accord --pg-server PATH/TO/scripts/pg-server
"""
import argparse
import collections
import concurrent.futures
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer  # noqa: E402
from checks import FAILURES, check, summary  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"
HTTP_TIMEOUT = 20
# How stale another replica may be (docs: a change made through another
# process is seen within a second).
PROPAGATION_LIMIT = 1.0
# Exceptions meaning "no HTTP reply at all" (connection refused or reset,
# timeout, a reply cut short).
NO_REPLY = (OSError, http.client.HTTPException)

TIMINGS = collections.defaultdict(list)  # label -> [seconds]


# --- HTTP ---------------------------------------------------------------------

def call(base, method, path, body=None, timeout=HTTP_TIMEOUT):
    """(status, reply) where reply is the parsed JSON body, or its text when it
    is not JSON. Raises one of NO_REPLY when there is no HTTP reply."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", CT)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, raw = r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read().decode(errors="replace")
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw


def register(base, subject, text):
    return call(base, "POST", "/subjects/%s/versions" % subject,
                {"schema": text, "schemaType": "JSON"})


def lookup(base, subject, text):
    return call(base, "POST", "/subjects/%s" % subject, {"schema": text, "schemaType": "JSON"})


def get(base, path):
    """GET; (status, reply), or (None, error text) when there is no reply."""
    try:
        return call(base, "GET", path)
    except NO_REPLY as e:
        return None, repr(e)


def schema_text(title):
    return json.dumps({"type": "object", "title": title,
                       "properties": {"id": {"type": "string"}}})


def error_code(reply):
    return reply.get("error_code") if isinstance(reply, dict) else None


def show(items, limit=8):
    items = list(items)
    text = "\n".join(str(i) for i in items[:limit])
    if len(items) > limit:
        text += "\n... and %d more" % (len(items) - limit)
    return text


def propagation(t0, probes, limit=3.0):
    """Polls each probe (name -> callable, True once the change is visible
    there) every 10 ms until all see it or `limit` s have passed since t0.
    Returns {name: seconds since t0, or None when never seen}."""
    seen = {}
    while True:
        for name, probe in probes.items():
            if name in seen:
                continue
            try:
                ok = probe()
            except NO_REPLY:
                ok = False
            if ok:
                seen[name] = time.monotonic() - t0
        if len(seen) == len(probes) or time.monotonic() - t0 > limit:
            return {name: seen.get(name) for name in probes}
        time.sleep(0.01)


def check_propagation(label, what, delays):
    """One check: every replica saw the change within PROPAGATION_LIMIT."""
    for d in delays.values():
        if d is not None:
            TIMINGS[label].append(d)
    shown = ", ".join("%s %s" % (n, "never" if d is None else "%.0f ms" % (d * 1000))
                      for n, d in delays.items())
    check(all(d is not None and d <= PROPAGATION_LIMIT for d in delays.values()),
          "%s: seen within %.0f s (%s)" % (what, PROPAGATION_LIMIT, shown))


# --- infrastructure -------------------------------------------------------------

class Replica:
    def __init__(self, name, accord, uri):
        self.name = name
        self.server = AccordServer(accord, args=("--store", uri, "--compatibility", "NONE"))
        self.base = self.server.base
        self.proc = self.server.proc

    def close(self):
        """Stops the process (SIGTERM; no-op once dead) and removes its temp dir."""
        try:
            self.server.__exit__(None, None, None)
        except Exception as e:  # never mask the test's own outcome
            print("note: stopping replica %s: %r" % (self.name, e))


def pg(pg_server, cmd, pg_dir):
    r = subprocess.run([pg_server, cmd, pg_dir], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=180)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def start_replicas(accord, uri, names):
    """Starts the replicas together (the store migrates the database once)."""
    with concurrent.futures.ThreadPoolExecutor(len(names)) as ex:
        futures = {n: ex.submit(Replica, n, accord, uri) for n in names}
        started, errors = {}, []
        for n, f in futures.items():
            try:
                started[n] = f.result()
            except Exception as e:
                errors.append("%s: %s" % (n, e))
    if errors:
        for r in started.values():
            r.close()
        raise SystemExit("FAIL replicas did not start:\n" + "\n".join(errors))
    return [started[n] for n in names]


# --- 1. concurrent registrations -----------------------------------------------------

def scenario_concurrent(reps):
    print("== 1. concurrent registrations over the three replicas")
    threads, steps = 8, 25
    barrier = threading.Barrier(threads)
    lock = threading.Lock()
    results = []  # (subject, text, replica, status, reply)

    def item(step, t):
        kind = step % 3
        if kind == 0:  # distinct schemas racing into four shared subjects
            return "s1-multi-%d" % (t % 4), schema_text("s1-d-%d-%d" % (step, t))
        if kind == 1:  # one schema on eight subjects at once
            return "s1-x-%d-%d" % (step, t), schema_text("s1-x-%d" % step)
        return "s1-y-%d" % step, schema_text("s1-y-%d" % step)  # one schema, one subject

    def worker(t):
        for step in range(steps):
            subject, text = item(step, t)
            rep = reps[(t + step) % len(reps)]
            try:
                barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                return
            try:
                status, reply = register(rep.base, subject, text)
            except NO_REPLY as e:
                status, reply = None, repr(e)
            with lock:
                results.append((subject, text, rep.name, status, reply))

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as ex:
        list(ex.map(worker, range(threads)))
    elapsed = time.monotonic() - t0
    print("     %d registrations in %.2f s" % (len(results), elapsed))
    bad = [r for r in results if r[3] != 200 or not isinstance(r[4], dict)
           or not isinstance(r[4].get("id"), int)]
    check(len(results) == threads * steps and not bad,
          "all %d registrations answered 200 with an id" % (threads * steps), show(bad))

    ids_by_text = collections.defaultdict(set)
    texts_by_id = collections.defaultdict(set)
    texts_by_subject = collections.defaultdict(set)
    for subject, text, _, status, reply in results:
        if status == 200 and isinstance(reply, dict):
            ids_by_text[text].add(reply.get("id"))
            texts_by_id[reply.get("id")].add(text)
            texts_by_subject[subject].add(text)
    split = {t: sorted(ids) for t, ids in ids_by_text.items() if len(ids) != 1}
    check(not split, "one schema text -> one id whichever replica and subject (%d texts)"
          % len(ids_by_text), show(split.items()))
    shared = {i: sorted(ts) for i, ts in texts_by_id.items() if len(ts) != 1}
    check(not shared, "distinct schema texts -> distinct ids (%d ids)" % len(texts_by_id),
          show(shared.items()))

    time.sleep(PROPAGATION_LIMIT + 0.1)  # every replica may now be asked
    version_problems, content_problems = [], []
    for subject in sorted(texts_by_subject):
        expected_ids = {next(iter(ids_by_text[t])) for t in texts_by_subject[subject]}
        want = list(range(1, len(texts_by_subject[subject]) + 1))
        for rep in reps:
            status, versions = get(rep.base, "/subjects/%s/versions" % subject)
            if status != 200 or versions != want:
                version_problems.append("%s on %s: %s %s (want %s)"
                                        % (subject, rep.name, status, versions, want))
                continue
            ids = []
            for v in versions:
                status, body = get(rep.base, "/subjects/%s/versions/%d" % (subject, v))
                ids.append(body.get("id") if status == 200 and isinstance(body, dict) else None)
            if len(set(ids)) != len(ids) or set(ids) != expected_ids:
                version_problems.append("%s on %s: version ids %s, registered ids %s"
                                        % (subject, rep.name, ids, sorted(expected_ids)))
    check(not version_problems,
          "every subject's versions are exactly 1..n, one registered schema each, on every "
          "replica (%d subjects)" % len(texts_by_subject), show(version_problems))
    for sid, texts in sorted(texts_by_id.items()):
        text = next(iter(texts))
        for rep in reps:
            status, body = get(rep.base, "/schemas/ids/%d" % sid)
            if status != 200 or not isinstance(body, dict) or body.get("schema") != text:
                content_problems.append("id %d on %s: %s %s" % (sid, rep.name, status, body))
    check(not content_problems, "GET /schemas/ids/{id} returns the registered text on every "
          "replica (%d ids)" % len(texts_by_id), show(content_problems))
    subject_lists = {rep.name: get(rep.base, "/subjects")[1] for rep in reps}
    missing = {n: sorted(set(texts_by_subject) - set(s if isinstance(s, list) else []))
               for n, s in subject_lists.items()}
    check(not any(missing.values()), "GET /subjects lists every subject on every replica",
          show(missing.items()))


# --- 2. read-your-writes ---------------------------------------------------------

def scenario_read_your_writes(reps, label, subject, rounds):
    print("== %s read-your-writes and propagation" % label)
    for i in range(rounds):
        writer = reps[i % len(reps)]
        others = [r for r in reps if r is not writer]
        text = schema_text("%s-%d" % (subject, i))
        status, reply = register(writer.base, subject, text)
        t0 = time.monotonic()
        if not check(status == 200 and isinstance(reply, dict) and "id" in reply,
                     "register %s round %d on %s -> 200" % (subject, i, writer.name),
                     "%s %s" % (status, reply), verbose=False):
            continue
        sid = reply["id"]
        status, latest = get(writer.base, "/subjects/%s/versions/latest" % subject)
        check(status == 200 and isinstance(latest, dict) and latest.get("id") == sid
              and latest.get("version") == i + 1,
              "%s round %d: the writing replica %s reads v%d at once"
              % (subject, i, writer.name, i + 1), "%s %s" % (status, latest))

        def probe(rep):
            def seen():
                s, b = call(rep.base, "GET", "/subjects/%s/versions/latest" % subject)
                return s == 200 and isinstance(b, dict) and b.get("id") == sid
            return seen
        delays = propagation(t0, {r.name: probe(r) for r in others})
        check_propagation("read-your-writes %s" % label,
                          "%s round %d: v%d written on %s" % (subject, i, i + 1, writer.name),
                          delays)


# --- 3. the compatibility race ---------------------------------------------------------

RACE_V1 = json.dumps({"type": "object", "properties": {"a": {"type": "string"}},
                      "additionalProperties": False})
RACE_X = json.dumps({"type": "object", "properties": {"a": {"type": "string"},
                                                      "b": {"type": "string"}},
                     "additionalProperties": False})
RACE_Y = json.dumps({"type": "object", "properties": {"a": {"type": "string"},
                                                      "b": {"type": "integer"}},
                     "additionalProperties": False})


def compatible(base, subject, version, text):
    status, body = call(base, "POST", "/compatibility/subjects/%s/versions/%s" % (subject, version),
                        {"schema": text, "schemaType": "JSON"})
    return body.get("is_compatible") if status == 200 and isinstance(body, dict) else (status, body)


def scenario_compatibility_race(reps):
    print("== 3. the cross-replica compatibility race (BACKWARD)")
    a, b = reps[0], reps[1]
    rounds = 30
    subjects = ["s3-race-%d" % r for r in range(rounds)]

    # The premise, as the registry itself judges it.
    probe = "s3-premise"
    call(a.base, "PUT", "/config/%s" % probe, {"compatibility": "BACKWARD"})
    register(a.base, probe, RACE_V1)
    x_ok, y_ok = compatible(a.base, probe, 1, RACE_X), compatible(a.base, probe, 1, RACE_Y)
    s, _ = register(a.base, probe, RACE_X)
    y_after_x = compatible(a.base, probe, "latest", RACE_Y)
    check(x_ok is True and y_ok is True and s == 200 and y_after_x is False,
          "premise: X and Y are each BACKWARD-compatible with v1, Y is not with X",
          "X %s, Y %s, register X %s, Y after X %s" % (x_ok, y_ok, s, y_after_x))

    setup = []
    for s in subjects:
        st1, r1 = call(a.base, "PUT", "/config/%s" % s, {"compatibility": "BACKWARD"})
        st2, r2 = register(a.base, s, RACE_V1)
        if st1 != 200 or st2 != 200:
            setup.append("%s: config %s %s, v1 %s %s" % (s, st1, r1, st2, r2))
    check(not setup, "%d subjects set up on A: BACKWARD, v1" % rounds, show(setup))
    # The race is between appends, not about propagation: B must know the
    # subject's level and v1 before it decides.

    def b_knows_all():
        for s in subjects:
            st, c = call(b.base, "GET", "/config/%s" % s)
            if st != 200 or c.get("compatibilityLevel") != "BACKWARD":
                return False
            st, v = call(b.base, "GET", "/subjects/%s/versions" % s)
            if st != 200 or v != [1]:
                return False
        return True
    delays = propagation(time.monotonic(), {b.name: b_knows_all})
    check(delays[b.name] is not None, "B knows every race subject's level and v1 (%s s)"
          % ("never" if delays[b.name] is None else "%.2f" % delays[b.name]))

    outcomes = []  # (subject, x_replica, (status, reply) of X, (status, reply) of Y)
    for r, subject in enumerate(subjects):
        x_rep, y_rep = (a, b) if r % 2 == 0 else (b, a)  # both orders of replicas
        barrier = threading.Barrier(2)
        got = {}

        def send(name, rep, text):
            barrier.wait(timeout=30)
            try:
                got[name] = register(rep.base, subject, text)
            except NO_REPLY as e:
                got[name] = (None, repr(e))
        ts = [threading.Thread(target=send, args=("X", x_rep, RACE_X)),
              threading.Thread(target=send, args=("Y", y_rep, RACE_Y))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        outcomes.append((subject, x_rep.name, got.get("X"), got.get("Y")))

    wrong, refusals_not_409, winners = [], [], collections.Counter()
    for subject, x_name, gx, gy in outcomes:
        statuses = sorted([gx[0] if gx else None, gy[0] if gy else None], key=str)
        if statuses != [200, 409]:
            wrong.append("%s: X %s, Y %s" % (subject, gx, gy))
        for name, g in (("X", gx), ("Y", gy)):
            if g and g[0] != 200 and (g[0] != 409 or error_code(g[1]) != 40901):
                refusals_not_409.append("%s: %s -> %s %s" % (subject, name, g[0], g[1]))
            if g and g[0] == 200:
                winners[name] += 1
    print("     X won %d, Y won %d of %d rounds" % (winners["X"], winners["Y"], rounds))
    check(not wrong, "every round: exactly one candidate registered, the other refused",
          show(wrong))
    check(not refusals_not_409, "every refusal is 409 with error_code 40901",
          show(refusals_not_409))

    time.sleep(PROPAGATION_LIMIT + 0.1)
    broken = []
    for subject, x_name, gx, gy in outcomes:
        winner = RACE_X if gx and gx[0] == 200 else RACE_Y if gy and gy[0] == 200 else None
        for rep in (a, b):
            st, versions = get(rep.base, "/subjects/%s/versions" % subject)
            if st != 200 or not isinstance(versions, list) or not versions:
                broken.append("%s on %s: versions %s %s" % (subject, rep.name, st, versions))
                continue
            texts = []
            for v in versions:
                st, body = get(rep.base, "/subjects/%s/versions/%d" % (subject, v))
                texts.append(body.get("schema") if st == 200 and isinstance(body, dict)
                             else (st, body))
            for n in range(len(versions) - 1):
                verdict = compatible(rep.base, subject, versions[n], texts[n + 1])
                if verdict is not True:
                    broken.append("%s on %s: v%d -> v%d not compatible (%s)"
                                  % (subject, rep.name, versions[n], versions[n + 1], verdict))
            if versions != [1, 2] or texts[0] != RACE_V1 or texts[1] != winner:
                broken.append("%s on %s: versions %s, schemas %s (winner %s)"
                              % (subject, rep.name, versions, texts, winner))
    check(not broken, "no subject ends with two mutually incompatible consecutive versions; "
          "each holds v1 and the winner, on A and B", show(broken))


# --- 4. kill -9 of a replica during a storm --------------------------------------------------

def scenario_kill_replica(reps):
    print("== 4. kill -9 of replica C during a write storm")
    a, b, c = reps
    stop, killed = threading.Event(), threading.Event()
    lock = threading.Lock()
    acked = []      # (replica, subject, text, id, version or None, acked after the kill)
    problems = []   # non-200 replies, or no reply from A or B
    c_after_kill = collections.Counter()

    def storm(w):
        n = 0
        while not stop.is_set():
            rep = reps[(w + n) % 3]
            subject = "s4-storm-%d" % (n % 3)
            text = schema_text("s4-w%d-n%d" % (w, n))
            n += 1
            was_killed = killed.is_set()
            try:
                status, reply = register(rep.base, subject, text)
            except NO_REPLY as e:
                with lock:
                    if rep is c:
                        c_after_kill["no reply" if was_killed or killed.is_set()
                                     else "no reply before the kill"] += 1
                    else:
                        problems.append("%s %s: no reply: %r" % (rep.name, subject, e))
                continue
            if status != 200 or not isinstance(reply, dict) or "id" not in reply:
                with lock:
                    if rep is c and was_killed:
                        c_after_kill["HTTP reply"] += 1
                    problems.append("%s %s: %s %s" % (rep.name, subject, status, reply))
                continue
            version = None
            try:
                st, found = lookup(rep.base, subject, text)
                if st == 200 and isinstance(found, dict) and found.get("id") == reply["id"]:
                    version = found.get("version")
            except NO_REPLY:
                pass  # C died in between: the version is checked on A and B instead
            with lock:
                if rep is c and was_killed:
                    c_after_kill["HTTP reply"] += 1
                acked.append((rep.name, subject, text, reply["id"], version, killed.is_set()))

    threads = [threading.Thread(target=storm, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    c.proc.kill()  # SIGKILL: no shutdown path runs
    c.proc.wait()
    killed.set()
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    by = collections.Counter(r[0] for r in acked)
    after = collections.Counter(r[0] for r in acked if r[5])
    print("     acknowledged: %d (A %d, B %d, C %d); after the kill: A %d, B %d; C after the "
          "kill: %s" % (len(acked), by["A"], by["B"], by["C"], after["A"], after["B"],
                        dict(c_after_kill)))
    check(c.proc.returncode == -9, "replica C died of SIGKILL (%s)" % c.proc.returncode)
    check(by["C"] > 0 and after["A"] > 0 and after["B"] > 0,
          "registrations acknowledged through C before the kill, through A and B after it")
    check(c_after_kill["HTTP reply"] == 0 and c_after_kill["no reply"] > 0,
          "requests to C after the kill get no reply (%d)" % c_after_kill["no reply"])
    check(not problems, "every request to A and B answered 200", show(problems))

    time.sleep(PROPAGATION_LIMIT + 0.1)
    def verify(entry):
        name, subject, text, sid, version, _ = entry
        lost, versions_seen = [], set()
        for rep in (a, b):
            st, found = get(rep.base, "/schemas/ids/%d" % sid)
            if st != 200 or not isinstance(found, dict) or found.get("schema") != text:
                lost.append("id %d (acked by %s) on %s: %s %s" % (sid, name, rep.name, st, found))
            try:
                st, found = lookup(rep.base, subject, text)
            except NO_REPLY as e:
                st, found = None, repr(e)
            if st != 200 or not isinstance(found, dict) or found.get("id") != sid:
                lost.append("%s id %d (acked by %s) lookup on %s: %s %s"
                            % (subject, sid, name, rep.name, st, found))
                continue
            versions_seen.add(found.get("version"))
            if version is not None and found.get("version") != version:
                lost.append("%s id %d acked as v%s by %s, v%s on %s"
                            % (subject, sid, version, name, found.get("version"), rep.name))
            v = version if version is not None else found.get("version")
            st, body = get(rep.base, "/subjects/%s/versions/%s" % (subject, v))
            if st != 200 or not isinstance(body, dict) or body.get("id") != sid:
                lost.append("%s v%s on %s: %s %s (want id %d)" % (subject, v, rep.name, st,
                                                                 body, sid))
        if len(versions_seen) > 1:
            lost.append("%s id %d: versions %s on A and B" % (subject, sid, versions_seen))
        return lost

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        lost = [p for problems in ex.map(verify, acked) for p in problems]
    print("     checked every acknowledged registration on A and B in %.1f s"
          % (time.monotonic() - t0))
    unknown_version = sum(1 for r in acked if r[4] is None)
    check(not lost, "every acknowledged registration (%d; %d whose version C could not tell) "
          "reads back with its id and version through A and B" % (len(acked), unknown_version),
          show(lost))
    gaps = []
    for k in range(3):
        subject = "s4-storm-%d" % k
        lists = {rep.name: get(rep.base, "/subjects/%s/versions" % subject) for rep in (a, b)}
        (sa, va), (sb, vb) = lists["A"], lists["B"]
        if sa != 200 or va != vb or va != list(range(1, len(va) + 1)):
            gaps.append("%s: A %s %s, B %s %s" % (subject, sa, va, sb, vb))
            continue
        ids = []
        for v in va:
            st, body = get(a.base, "/subjects/%s/versions/%d" % (subject, v))
            ids.append(body.get("id") if st == 200 and isinstance(body, dict) else (st, body))
        if len(ids) != len(set(ids)):
            gaps.append("%s holds one schema twice: %s" % (subject, ids))
    check(not gaps, "storm subjects: versions 1..n, the same on A and B, no schema twice",
          show(gaps))


# --- 6. config, mode, catalog and deletes everywhere within 1 s ------------------------------

def scenario_changes_everywhere(reps):
    print("== 6. config, mode, catalog and soft delete seen by every replica")
    a, others = reps[0], reps[1:]
    subject = "s6-catalog"
    for i in range(2):
        status, reply = register(a.base, subject, schema_text("s6-%d" % i))
        check(status == 200, "register %s v%d on A" % (subject, i + 1), "%s %s" % (status, reply),
              verbose=False)

    def all_see(what, label, make_probe):
        t0 = time.monotonic()
        delays = propagation(t0, {r.name: make_probe(r) for r in others})
        check_propagation(label, what, delays)

    all_see("both versions", "changes", lambda r: lambda: get(
        r.base, "/subjects/%s/versions" % subject) == (200, [1, 2]))

    for level in ("NONE", "FULL"):
        status, reply = call(a.base, "PUT", "/config/%s" % subject, {"compatibility": level})
        t0 = time.monotonic()
        check(status == 200 and reply == {"compatibility": level},
              "PUT /config/%s %s on A" % (subject, level), "%s %s" % (status, reply))

        def level_probe(r, level=level):
            def seen():
                st, body = call(r.base, "GET", "/config/%s" % subject)
                return st == 200 and body.get("compatibilityLevel") == level
            return seen
        check_propagation("changes", "compatibility %s" % level,
                          propagation(t0, {r.name: level_probe(r) for r in others}))

    for mode in ("READONLY", "READWRITE"):
        status, reply = call(a.base, "PUT", "/mode/%s" % subject, {"mode": mode})
        t0 = time.monotonic()
        check(status == 200 and reply == {"mode": mode}, "PUT /mode/%s %s on A" % (subject, mode),
              "%s %s" % (status, reply))

        def mode_probe(r, mode=mode):
            def seen():
                st, body = call(r.base, "GET", "/mode/%s" % subject)
                return st == 200 and body.get("mode") == mode
            return seen
        check_propagation("changes", "mode %s" % mode,
                          propagation(t0, {r.name: mode_probe(r) for r in others}))
        if mode == "READONLY":
            for r in others:
                status, reply = register(r.base, subject, schema_text("s6-readonly"))
                check(status == 422 and error_code(reply) == 42205,
                      "READONLY set on A refuses a registration on %s (422/42205)" % r.name,
                      "%s %s" % (status, reply))

    meta = {"owner": "team-replicas", "description": "Seen by every replica",
            "tags": ["replicas", "postgresql"]}
    status, reply = call(a.base, "PUT", "/accord/v1/subjects/%s/metadata" % subject, meta)
    t0 = time.monotonic()
    check(status == 200 and isinstance(reply, dict)
          and reply.get("description") == meta["description"],
          "PUT /accord/v1/subjects/%s/metadata on A" % subject, "%s %s" % (status, reply))

    def meta_probe(r):
        def seen():
            st, body = call(r.base, "GET", "/accord/v1/subjects/%s/metadata" % subject)
            return (st == 200 and isinstance(body, dict) and body.get("owner") == meta["owner"]
                    and body.get("description") == meta["description"]
                    and sorted(body.get("tags") or []) == sorted(meta["tags"]))
        return seen
    check_propagation("changes", "catalog metadata",
                      propagation(t0, {r.name: meta_probe(r) for r in others}))

    status, reply = call(a.base, "DELETE", "/subjects/%s/versions/1" % subject)
    t0 = time.monotonic()
    check(status == 200 and reply == 1, "DELETE /subjects/%s/versions/1 on A" % subject,
          "%s %s" % (status, reply))
    check_propagation("changes", "soft delete of v1", propagation(t0, {
        r.name: (lambda r=r: get(r.base, "/subjects/%s/versions" % subject) == (200, [2]))
        for r in others}))
    for r in others:
        status, reply = get(r.base, "/subjects/%s/versions/1" % subject)
        check(status == 404 and error_code(reply) == 40402,
              "v1 reads as deleted on %s (404/40402)" % r.name, "%s %s" % (status, reply))


# --- 5. PostgreSQL down and up under load ------------------------------------------------------

LEAKS = ("postgres", "127.0.0.1", "SELECT", "INSERT")


def leaks(reply, port):
    """The database details an error reply's message names."""
    text = reply.get("message") if isinstance(reply, dict) else reply
    text = text if isinstance(text, str) else json.dumps(text)
    found = [w for w in LEAKS if (w.lower() in text.lower() if w == "postgres" else w in text)]
    if str(port) in text:
        found.append(str(port))
    return found


def scenario_database_outage(reps, pg_server, pg_dir, uri, port):
    print("== 5. PostgreSQL killed and started again under load")
    a, b, c = reps
    cached = {}
    for i in range(5):
        text = schema_text("s5-pre-%d" % i)
        status, reply = register(a.base, "s5-pre", text)
        if check(status == 200, "register s5-pre #%d on A" % i, "%s %s" % (status, reply),
                 verbose=False):
            cached[reply["id"]] = text
    for sid, text in cached.items():
        status, body = get(a.base, "/schemas/ids/%d" % sid)
        check(status == 200 and body.get("schema") == text, "read id %d on A" % sid,
              verbose=False)

    stop = threading.Event()
    reads = []   # (t, id, status, ok)
    writes = []  # (t_start, t_end, status, reply, text)

    def reader():
        ids = sorted(cached)
        n = 0
        while not stop.is_set():
            sid = ids[n % len(ids)]
            n += 1
            t = time.monotonic()
            status, body = get(a.base, "/schemas/ids/%d" % sid)
            reads.append((t, sid, status, isinstance(body, dict)
                          and body.get("schema") == cached[sid]))
            time.sleep(0.005)

    def writer():
        n = 0
        while not stop.is_set():
            text = schema_text("s5-write-%d" % n)
            n += 1
            t = time.monotonic()
            try:
                status, reply = register(b.base, "s5-writes", text)
            except NO_REPLY as e:
                status, reply = None, repr(e)
            writes.append((t, time.monotonic(), status, reply, text))
            time.sleep(0.02)

    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    readyz = []  # (t of the reply, replica, status, reply, seconds it took)
    try:
        time.sleep(1.0)
        t_kill = time.monotonic()
        rc, out, err = pg(pg_server, "kill", pg_dir)
        t_down = time.monotonic()
        check(rc == 0, "pg-server kill (%.2f s)" % (t_down - t_kill), "%s %s" % (out, err))
        while time.monotonic() - t_down < 3.0:
            for r in reps:
                t = time.monotonic()
                status, reply = get(r.base, "/readyz")
                readyz.append((time.monotonic(), r.name, status, reply, time.monotonic() - t))
            time.sleep(0.1)
        t_restart = time.monotonic()
        rc, uri2, err = pg(pg_server, "start", pg_dir)
        t_up = time.monotonic()
        check(rc == 0 and uri2 == uri, "pg-server start again on the same URI (%.2f s)"
              % (t_up - t_restart), "rc %s, %r, %s" % (rc, uri2, err))

        # Recovery: /readyz 200 and a registration through every replica.
        ready_at, write_at, last = {}, {}, {}
        n = 0
        while time.monotonic() - t_up < 10.0 and (len(ready_at) < 3 or len(write_at) < 3):
            for r in reps:
                if r.name not in ready_at:
                    status, reply = get(r.base, "/readyz")
                    last[r.name + " readyz"] = (status, reply)
                    if status == 200:
                        ready_at[r.name] = time.monotonic() - t_up
                if r.name not in write_at:
                    n += 1
                    try:
                        status, reply = register(r.base, "s5-recovery",
                                                 schema_text("s5-recovery-%s-%d" % (r.name, n)))
                    except NO_REPLY as e:
                        status, reply = None, repr(e)
                    last[r.name + " write"] = (status, reply)
                    if status == 200:
                        write_at[r.name] = time.monotonic() - t_up
            time.sleep(0.1)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join()

    # Reads by id of cached ids: 200 throughout.
    during = [r for r in reads if t_down <= r[0] <= t_restart]
    bad_reads = [r for r in reads if r[2] != 200 or not r[3]]
    check(during and not bad_reads,
          "reads by id of cached ids on A stay 200 with the right text (%d reads, %d during the "
          "outage)" % (len(reads), len(during)), show(bad_reads))

    # Writes during the outage.
    outage = [w for w in writes if w[0] >= t_down and w[1] <= t_restart]
    acked_in_outage = [w[:4] for w in outage if w[2] == 200]
    not_5xx = [w[:4] for w in outage if not (isinstance(w[2], int) and 500 <= w[2] <= 599)]
    not_confluent = [w[:4] for w in outage
                     if not (isinstance(w[3], dict) and isinstance(w[3].get("error_code"), int)
                             and isinstance(w[3].get("message"), str))]
    leaking = [(w[2], w[3], leaks(w[3], port)) for w in outage if leaks(w[3], port)]
    codes = collections.Counter(
        "%s %s %s" % (w[2], error_code(w[3]), w[3].get("message") if isinstance(w[3], dict)
                      else w[3]) for w in outage)
    slowest = max([w[1] - w[0] for w in writes if t_down <= w[0] <= t_restart] or [0])
    print("     writes on B during the outage: %d, replies %s, slowest %.0f ms; writes in all: %d"
          % (len(outage), dict(codes), slowest * 1000, len(writes)))
    check(outage and not not_5xx and not acked_in_outage,
          "every write during the outage fails with HTTP 5xx (%d writes)" % len(outage),
          show(not_5xx))
    check(outage and not not_confluent,
          "... with a Confluent error body (integer error_code, message)", show(not_confluent))
    check(not leaking, "... whose message names no database detail (%s, port %d)"
          % (", ".join(LEAKS), port), show(leaking))
    no_reply = [w[:4] for w in writes if w[2] is None]
    check(not no_reply, "B answered every write, during the outage too", show(no_reply))

    # /readyz during the outage (the first second is grace for a cached state).
    firsts = {}
    print("     /readyz during the outage: %d replies, slowest %.0f ms"
          % (len(readyz), max([r[4] for r in readyz] or [0]) * 1000))
    for t, name, status, _, _ in readyz:
        if status != 200 and name not in firsts:
            firsts[name] = t - t_down
    late = [(round(t - t_down, 2), name, status, reply) for t, name, status, reply, _ in readyz
            if t - t_down >= 1.0 and status != 503]
    check(not late and len(firsts) == 3,
          "GET /readyz is 503 on every replica during the outage (first non-200 after %s)"
          % ", ".join("%s %.0f ms" % (n, d * 1000) for n, d in sorted(firsts.items())),
          show(late))
    readyz_leaks = [(name, status, reply) for _, name, status, reply, _ in readyz
                    if leaks(reply, port)]
    check(not readyz_leaks, "/readyz's reply names no database detail", show(readyz_leaks))

    # Recovery.
    for name in ("A", "B", "C"):
        for what, at in (("readyz 200", ready_at), ("a registration succeeds", write_at)):
            key = name + (" readyz" if what.startswith("readyz") else " write")
            d = at.get(name)
            if d is not None:
                TIMINGS["recovery after pg start: " + what].append(d)
            check(d is not None and d <= 10.0,
                  "after the restart, on %s %s within 10 s (%s)"
                  % (name, what, "never" if d is None else "%.2f s" % d),
                  "last: %s" % (last.get(key),))
    alive = {r.name: r.proc.poll() for r in reps}
    check(all(v is None for v in alive.values()), "no replica exited (%s)" % alive)

    # Every write acknowledged around the outage is there; no version gaps.
    time.sleep(PROPAGATION_LIMIT + 0.1)
    missing = []
    for t0, t1, status, reply, text in writes:
        if status != 200:
            continue
        for rep in (a, c):
            st, found = get(rep.base, "/schemas/ids/%d" % reply["id"])
            if st != 200 or found.get("schema") != text:
                missing.append("id %d on %s: %s %s" % (reply["id"], rep.name, st, found))
    check(not missing, "every write acknowledged by B reads back on A and C (%d)"
          % sum(1 for w in writes if w[2] == 200), show(missing))
    for subject in ("s5-writes", "s5-recovery"):
        st, versions = get(a.base, "/subjects/%s/versions" % subject)
        check(st == 200 and isinstance(versions, list)
              and versions == list(range(1, len(versions) + 1)),
              "%s versions are 1..n after the outage (%s)" % (subject, len(versions)
                                                             if isinstance(versions, list)
                                                             else versions))


# --- main --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--pg-server", required=True)
    args = ap.parse_args()
    started = time.monotonic()
    # The cluster's folder is handed to the `postgres` user when run as root,
    # so it must be a temp dir of its own (not inside a root-only one).
    pg_dir = tempfile.mkdtemp(prefix="accord-replicas-pg-")
    replicas = []
    completed = False
    try:
        rc, uri, err = pg(args.pg_server, "start", pg_dir)
        if rc != 0 or not uri.startswith("postgresql://"):
            print("FAIL pg-server start: rc %s\n%s\n%s" % (rc, uri, err))
            return 1
        port = int(uri.rsplit(":", 1)[1].split("/")[0])
        print("PostgreSQL at %s (%.1f s)" % (uri, time.monotonic() - started))
        replicas = start_replicas(args.accord, uri, ["A", "B", "C"])
        print("replicas: %s" % ", ".join("%s %s" % (r.name, r.base) for r in replicas))
        for r in replicas:
            status, reply = get(r.base, "/readyz")
            check(status == 200, "GET /readyz on %s" % r.name, "%s %s" % (status, reply))

        scenario_concurrent(replicas)
        scenario_read_your_writes(replicas, "2.", "s2-ryw", 9)
        scenario_compatibility_race(replicas)
        scenario_kill_replica(replicas)
        dead = replicas.pop()
        dead.close()
        replicas.append(Replica("C", args.accord, uri))
        print("replica C started again: %s" % replicas[2].base)
        scenario_changes_everywhere(replicas)
        scenario_database_outage(replicas, args.pg_server, pg_dir, uri, port)
        scenario_read_your_writes(replicas, "2 (after the database restart)", "s2-after", 6)

        for r in replicas:
            rc = r.server.stop()
            check(rc == 0, "replica %s exits 0 on SIGTERM (%s)" % (r.name, rc))
        completed = True
    finally:
        if FAILURES or not completed:
            for r in replicas:
                print("--- replica %s log (tail)\n%s" % (r.name, r.server.log_tail(3000)))
        for r in replicas:
            r.close()
        rc, out, err = pg(args.pg_server, "destroy", pg_dir)
        if rc != 0:
            print("note: pg-server destroy: rc %s %s %s" % (rc, out, err))

    print("timings:")
    for label, values in TIMINGS.items():
        print("  %-50s max %6.0f ms, median %6.0f ms (%d)"
              % (label, max(values) * 1000, sorted(values)[len(values) // 2] * 1000,
                 len(values)))
    print("total %.1f s" % (time.monotonic() - started))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
