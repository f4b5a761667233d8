"""Install a test folder's npm packages from its committed package-lock.json.

    from npm_deps import ensure_npm_packages, SKIP
    rc = ensure_npm_packages(folder, "playwright-core")
    if rc is not None:
        sys.exit(rc)

Contracts:
  * Runs `npm ci --ignore-scripts` in `folder` only when node_modules is
    missing or older than package-lock.json; returns None when the packages
    are ready.
  * When the npm registry cannot be reached (DNS or connection errors) it
    prints why and returns SKIP (77); any other npm failure prints npm's
    output and returns 1. The npm registry is the only non-loopback source
    tests use.
"""
import os
import subprocess

SKIP = 77
NETWORK_ERRORS = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT",
                  "ENETUNREACH", "EHOSTUNREACH", "network request to", "ERR_SOCKET_TIMEOUT")


def needs_install(folder):
    marker = os.path.join(folder, "node_modules", ".package-lock.json")
    lock = os.path.join(folder, "package-lock.json")
    return not os.path.exists(marker) or os.path.getmtime(marker) < os.path.getmtime(lock)


def ensure_npm_packages(folder, what):
    if not needs_install(folder):
        return None
    print("npm ci in %s (node_modules missing or older than package-lock.json)" % folder)
    r = subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=folder, capture_output=True, text=True,
                       timeout=600)
    print(r.stdout + r.stderr)
    if r.returncode == 0:
        return None
    if any(code in r.stdout + r.stderr for code in NETWORK_ERRORS):
        print("SKIP: the npm registry is unreachable, so %s cannot be installed"
              " (run `npm ci` in %s when online)" % (what, folder))
        return SKIP
    print("FAIL: npm ci failed (exit %d)" % r.returncode)
    return 1
