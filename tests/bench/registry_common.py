"""Helpers shared by the registry benchmarks (tests/bench/registry-bench on
SQLite, tests/bench/replicas-bench on PostgreSQL): the schemas they register,
a keep-alive HTTP client, parallel loading, wrk and nginx for the reads
comparison, the compiled register_load client, /proc readings.

Python 3 standard library only; the scripts import it from their own folder.
Ports are loopback (127.0.0.1) ports; where a function takes `ports`, an int
or a list of ints: the workers are dealt over the list round-robin.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CT = "application/vnd.schemaregistry.v1+json"


def die(msg):
    print("%s: %s" % (os.path.basename(sys.argv[0]), msg), file=sys.stderr)
    sys.exit(2)


def verdict(ok):
    return "met" if ok else "MISSED"


# --- schemas -----------------------------------------------------------------

def json_schema(subject, version):
    """Closed JSON Schema object; version n adds optional property f<n>, so each
    version is BACKWARD compatible with the previous one (under STRICT too)."""
    props = {
        "orderId": {"type": "string", "minLength": 1, "maxLength": 64},
        "amount": {"type": "number", "minimum": 0},
        "currency": {"enum": ["EUR", "USD", "GBP", "JPY"]},
        "placedAt": {"type": "string", "format": "date-time"},
        "lines": {"type": "array", "maxItems": 100, "items": {
            "type": "object", "required": ["sku", "qty"], "additionalProperties": False,
            "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}}},
    }
    for n in range(2, version + 1):
        props["f%d" % n] = {"type": "integer", "description": "added in version %d" % n}
    return json.dumps({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Event%d" % subject,
        "type": "object",
        "required": ["orderId", "amount", "currency"],
        "additionalProperties": False,
        "properties": props,
    })


def avro_schema(subject, version):
    """Avro record; version n adds field f<n> with a default (BACKWARD compatible)."""
    fields = [
        {"name": "orderId", "type": "string"},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
                                    "precision": 12, "scale": 2}},
        {"name": "currency", "type": {"type": "enum", "name": "Currency%d" % subject,
                                      "symbols": ["EUR", "USD", "GBP", "JPY"]}},
        {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "note", "type": ["null", "string"], "default": None},
    ]
    for n in range(2, version + 1):
        fields.append({"name": "f%d" % n, "type": "int", "default": 0})
    return json.dumps({"type": "record", "name": "Event%d" % subject,
                       "namespace": "com.example.bench", "fields": fields})


def register_body(subject, version):
    """Half the subjects JSON Schema (even), half Avro (odd)."""
    if subject % 2 == 0:
        return json.dumps({"schemaType": "JSON", "schema": json_schema(subject, version)})
    return json.dumps({"schema": avro_schema(subject, version)})


# --- HTTP --------------------------------------------------------------------

class Client:
    """One keep-alive connection; reconnects when the server closed it."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def call(self, method, path, body=None):
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                headers = {"Content-Type": CT} if body is not None else {}
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (http.client.HTTPException, ConnectionError, OSError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _port_list(ports):
    return [ports] if isinstance(ports, int) else list(ports)


def run_parallel(ports, n_workers, jobs, work):
    """Runs work(client, job) for every job on n_workers threads, each with its
    own connection (worker k to ports[k % len(ports)]); jobs are dealt
    round-robin. Returns the results in job order."""
    ports = _port_list(ports)
    results = [None] * len(jobs)
    errors = []

    def worker(k, port):
        client = Client(port)
        for i in range(k, len(jobs), n_workers):
            try:
                results[i] = work(client, jobs[i])
            except Exception as e:  # reported after the join
                errors.append(repr(e))
                return

    threads = [threading.Thread(target=worker, args=(k, ports[k % len(ports)]))
               for k in range(n_workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        die("requests failed: %s" % errors[:3])
    return results


def load(ports, subjects, versions, clients, first_subject=0):
    """Registers `versions` versions in each of `subjects` subjects; returns
    (ids, seconds). A subject's versions go in order on one connection."""

    def one_subject(client, s):
        ids = []
        for v in range(1, versions + 1):
            status, data = client.call("POST", "/subjects/bench-%d-value/versions" % s,
                                       register_body(s, v))
            if status != 200:
                raise RuntimeError("register %d/%d: %d %s" % (s, v, status, data[:200]))
            ids.append(json.loads(data)["id"])
        return ids

    t0 = time.monotonic()
    jobs = list(range(first_subject, first_subject + subjects))
    per_subject = run_parallel(ports, clients, jobs, one_subject)
    seconds = time.monotonic() - t0
    ids = [i for group in per_subject for i in group]
    if len(set(ids)) != len(ids):
        die("load: duplicate ids")
    return ids, seconds


def fetch_all(ports, clients, ids):
    """GETs /schemas/ids/{id} for every id; returns the reply bodies in order."""

    def fetch(client, i):
        status, data = client.call("GET", "/schemas/ids/%d" % i)
        if status != 200:
            raise RuntimeError("GET id %d: %d" % (i, status))
        return data
    return run_parallel(ports, clients, ids, fetch)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- /proc -------------------------------------------------------------------

def cpu_seconds(pid):
    """User + system CPU seconds the process has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1))


def load_average():
    return " ".join("%.1f" % x for x in os.getloadavg())


# --- reads: wrk against Accord and against nginx serving the same bytes --------

def add_read_options(ap):
    """The wrk and nginx options of the reads comparison."""
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--duration", type=int, default=15, help="seconds of wrk per server")
    ap.add_argument("--nginx-workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    ap.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")


def check_read_tools(args):
    for tool in (args.wrk, args.nginx):
        if not (os.access(tool, os.X_OK) or shutil.which(tool)):
            die("%s missing (ACCORD_BENCH_DEPS=1 scripts/install-deps installs wrk and nginx)"
                % tool)


def run_wrk(args, port, ids_file):
    cmd = [args.wrk, "-t%d" % args.wrk_threads, "-c%d" % args.connections,
           "-d%ds" % args.duration, "--latency", "-s", os.path.join(HERE, "registry_wrk.lua"),
           "http://127.0.0.1:%d" % port, "--", ids_file]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 120)
    m = re.search(r"^RESULT (.*)$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        die("wrk failed (%d): %s %s" % (r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
    res = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    res["rps"] = res["requests"] / (res["duration_us"] / 1e6)
    return res


def write_docroot(work, port, clients, ids, prefix="a"):
    """Fetches every id's reply from the server on `port` and writes the exact
    bytes as nginx will serve them (WORK/PREFIX-docroot/schemas/ids/ID), and
    the ids file registry_wrk.lua reads. Returns (docroot, ids_file)."""
    docroot = os.path.join(work, prefix + "-docroot")
    os.makedirs(os.path.join(docroot, "schemas", "ids"))
    bodies = fetch_all(port, clients, ids)
    for i, body in zip(ids, bodies):
        with open(os.path.join(docroot, "schemas", "ids", str(i)), "wb") as f:
            f.write(body)
    ids_file = os.path.join(work, prefix + "-ids.txt")
    with open(ids_file, "w") as f:
        f.write("\n".join(str(i) for i in ids) + "\n")
    print("reply sizes: %d..%d bytes, mean %.0f" % (
        min(map(len, bodies)), max(map(len, bodies)), sum(map(len, bodies)) / len(bodies)))
    return docroot, ids_file


NGINX_CONF = """\
{user}worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  default_type {ct};
  types {{ }}
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location / {{ try_files $uri =404; }}
  }}
}}
"""


def start_nginx(args, docroot, tmp):
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(
            user="user root;\n" if os.geteuid() == 0 else "", workers=args.nginx_workers,
            tmp=tmp, ct=CT, port=port, root=docroot))
    cmd = [args.nginx, "-p", tmp, "-c", conf, "-e", os.path.join(tmp, "error.log")]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not wait_for_port(port, proc):
        proc.kill()
        die("nginx did not start: %s" % proc.stderr.read().decode(errors="replace")[-2000:])
    return proc, port


def nginx_reads(args, work, docroot, ids_file, prefix="a"):
    """wrk against nginx serving `docroot` (started and stopped here)."""
    nginx_tmp = os.path.join(work, prefix + "-nginx")
    os.makedirs(nginx_tmp)
    proc, port = start_nginx(args, docroot, nginx_tmp)
    try:
        return run_wrk(args, port, ids_file)
    finally:
        stop(proc)


def report_reads(accord, nginx):
    """Prints both wrk results, the ratio and the goals (>= 0.5x nginx, p99 < 5 ms)."""
    for name, r in (("accord", accord), ("nginx", nginx)):
        print("%-7s %9.0f req/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %7.2f ms"
              "  non-2xx %d  socket errors %d" % (
                  name, r["rps"], r["p50_us"] / 1e3, r["p90_us"] / 1e3, r["p99_us"] / 1e3,
                  r["max_us"] / 1e3, r["non2xx"], r["errors"]))
    ratio = accord["rps"] / nginx["rps"]
    p99 = accord["p99_us"] / 1e3
    print("ratio accord/nginx %.2fx (goal >= 0.5x: %s); accord p99 %.2f ms (goal < 5 ms: %s)"
          % (ratio, verdict(ratio >= 0.5), p99, verdict(p99 < 5)))
    return {"accord": accord, "nginx": nginx, "ratio": ratio}


# --- writes: the compiled register_load client ---------------------------------

def default_load_client(accord):
    """register_load in the build directory of `accord` (BUILD/cli/accord)."""
    build_dir = os.path.dirname(os.path.dirname(os.path.abspath(accord)))
    return os.path.join(build_dir, "tests", "bench", "register_load")


def run_load(args, *cmd):
    """Runs register_load (tests/bench/register_load.cc) and returns its JSON."""
    proc = subprocess.run([args.load_client, *cmd], capture_output=True, text=True)
    if proc.returncode != 0:
        die("register_load %s failed: %s %s" % (cmd[0], proc.stdout.strip(), proc.stderr.strip()))
    return json.loads(proc.stdout)


def write_request_files(work, prefix, subjects, clients, per_subject, first_subject=0):
    """One register_load request file per client: versions 2..per_subject+1 of
    each of its subjects (bench-FIRST_SUBJECT-value onwards), in order (a
    subject's versions on one connection), subjects dealt round-robin.
    Returns the paths."""
    files = []
    for c in range(clients):
        path = os.path.join(work, "%s-client-%d.tsv" % (prefix, c))
        with open(path, "w") as f:
            for s in range(first_subject + c, first_subject + subjects, clients):
                for v in range(2, per_subject + 2):
                    f.write("/subjects/bench-%d-value/versions\t%s\n" % (s, register_body(s, v)))
        files.append(path)
    return files


def registration_counters(port):
    """The server's store commit counters from /metrics (0 when absent)."""
    status, data = Client(port).call("GET", "/metrics")
    found = dict(re.findall(r"^(accord_store_\w+) (\d+)$", data.decode(), re.M))
    return {name: int(found.get(name, 0)) for name in
            ("accord_store_commits_total", "accord_store_writes_committed_total")}
