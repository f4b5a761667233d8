"""Start and stop `accord serve` for tests and benchmarks (loopback only).

Shared by the client tests (tests/clients/) and the registry benchmarks
(tests/bench/registry-bench, replicas-bench); import it after putting this
folder on sys.path.

    with AccordServer(accord_path) as server:      # temp data dir, ephemeral port
        urllib.request.urlopen(server.base + "/healthz")

Contracts:
  * The server listens on 127.0.0.1:0; the bound port is read from its first
    stdout line ("... http://127.0.0.1:PORT ..."; https with TLS settings). If it does not start,
    the constructor raises ServerError with what it printed.
  * stdout is drained by a thread after that line and stderr (one JSON log
    line per request) goes to `log_path` (default: a file beside the data
    directory; None discards it), so a chatty server never blocks on a full pipe.
  * stop() sends SIGTERM, waits up to 20 s (then SIGKILL) and returns the exit
    status (None when it had to be killed). Leaving the `with` block stops the
    server and removes the temp directory it created (never a `data` passed in).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request


class ServerError(Exception):
    pass


class AccordServer:
    def __init__(self, accord, data=None, args=(), env=None, log_path="", cwd=None):
        self._tmp = None
        if data is None:
            self._tmp = tempfile.mkdtemp(prefix="accord-server-")
            data = os.path.join(self._tmp, "data")
        self.data = data
        if log_path == "":
            log_path = os.path.join(self._tmp or os.path.dirname(os.path.abspath(data)),
                                    "accord-serve.log")
        self.log_path = log_path
        self._log = open(log_path, "ab") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [accord, "serve", "--listen", "127.0.0.1:0", "--data", data, *args],
            stdout=subprocess.PIPE, stderr=self._log, env=env, cwd=cwd)
        line = self.proc.stdout.readline().decode(errors="replace")
        m = re.search(r"(https?)://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            raise ServerError("accord serve did not start: %r\n%s" % (line, self.log_tail()))
        self.port = int(m.group(2))
        self.base = "%s://127.0.0.1:%d" % (m.group(1), self.port)
        self.pid = self.proc.pid
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def log_tail(self, limit=4000):
        """The end of the server's log (stderr), for failure messages."""
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, "rb") as f:
            f.seek(max(0, os.path.getsize(self.log_path) - limit))
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        return rc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if self._log is not subprocess.DEVNULL:
            self._log.close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
        return False


class AccordCluster:
    """Three replicas on one private PostgreSQL behind nginx (scripts/cluster),
    in a temp folder, with the interface of AccordServer that the client
    runners use: `base` (the load balancer's URL), log_tail(), stop() (0 when
    `scripts/cluster down` stopped everything), and the `with` block.
    Raises ServerError when `up` fails, with what it printed."""

    def __init__(self, accord, args=(), replicas=3):
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self._script = os.path.join(root, "scripts", "cluster")
        self._tmp = tempfile.mkdtemp(prefix="accord-cluster-")
        # As root, PostgreSQL runs as the postgres user, who must get through.
        os.chmod(self._tmp, 0o711)
        self.dir = os.path.join(self._tmp, "cluster")
        self._stopped = None
        r = subprocess.run([self._script, "up", "--dir", self.dir, "--replicas", str(replicas),
                            "--accord", accord, "--", *args],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = r.stdout.decode(errors="replace")
        m = re.search(r"^cluster: (http://127\.0\.0\.1:\d+)", out, re.M)
        if r.returncode != 0 or not m:
            self.stop()
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise ServerError("scripts/cluster up failed (%d):\n%s" % (r.returncode, out))
        self.base = m.group(1)

    def log_tail(self, limit=4000):
        """The end of each replica's log."""
        out = []
        for name in sorted(os.listdir(self.dir)) if os.path.isdir(self.dir) else []:
            if name.startswith("replica-") and name.endswith(".log"):
                with open(os.path.join(self.dir, name), "rb") as f:
                    f.seek(max(0, os.path.getsize(f.name) - limit // 3))
                    out.append("--- %s\n%s" % (name, f.read().decode(errors="replace")))
        return "\n".join(out)

    def stop(self):
        if self._stopped is None:
            self._stopped = subprocess.run([self._script, "down", "--dir", self.dir]).returncode
        return self._stopped

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        # The database's files may live outside the folder (scripts/pg-server).
        subprocess.run([os.path.join(os.path.dirname(self._script), "pg-server"), "destroy",
                        os.path.join(self.dir, "pg")], stdout=subprocess.DEVNULL)
        shutil.rmtree(self._tmp, ignore_errors=True)
        return False


def run_client(server, cmd, cwd, env, timeout):
    """Runs `cmd`, a test client of `server`, then stops the server. Returns
    the client's exit status, or 1 when the server did not exit 0 on SIGTERM;
    the server log's tail is printed when the client failed."""
    r = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout)
    if r.returncode != 0:
        print("--- server log (tail)\n" + server.log_tail())
    stop_rc = server.stop()
    if stop_rc != 0:
        print("FAIL server exit status on SIGTERM: %r" % stop_rc)
        return 1
    return r.returncode


def write_auth_config(path, keys, anonymous_read=True):
    """Writes a server config file whose `auth:` section holds `keys`: dicts
    with principal, role, sha256 and optionally team."""
    lines = ["auth:", "  anonymous_read: %s" % ("true" if anonymous_read else "false"),
             "  keys:"]
    for k in keys:
        lines += ["    - principal: %s" % k["principal"], "      role: %s" % k["role"],
                  "      sha256: %s" % k["sha256"]]
        if k.get("team"):
            lines.append("      team: %s" % k["team"])
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


CONFLUENT_CT = "application/vnd.schemaregistry.v1+json"


def call_json(base, method, path, body=None, timeout=30):
    """One request to a registry at `base`: (status, reply). `body` is sent as
    JSON (Confluent's content type); the reply is parsed as JSON, or kept as
    text when it is not JSON, and None when empty."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", CONFLUENT_CT)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    if not text:
        return status, None
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text
