"""Pass/fail bookkeeping shared by the Python test scripts.

    from checks import check, summary
    check(status == 200, "GET /subjects answers 200")
    ...
    return summary()          # exit status: 0 when every check passed, else 1

check() prints "ok   WHAT" (unless verbose=False) or "FAIL WHAT" with an
optional indented detail, records failures and returns `cond`.
"""

import contextlib

FAILURES = []


def check(cond, what, detail="", verbose=True):
    if cond:
        if verbose:
            print("ok   " + what)
        return cond
    print("FAIL " + what)
    if detail:
        print("     " + detail.replace("\n", "\n     "))
    FAILURES.append(what)
    return cond


def summary():
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


@contextlib.contextmanager
def failures_logged(server):
    """An unexpected exception in the block (a client call that raised) is a
    failed check, followed by the end of `server`'s log (anything with
    log_tail(): AccordServer, AccordCluster); the script goes on to its
    summary."""
    try:
        yield
    except Exception as e:  # noqa: BLE001 - any client error is a failure, with the log
        check(False, "unexpected %s: %s" % (type(e).__name__, e))
        print(server.log_tail())


def stops_cleanly(server, what="server"):
    """Stops `server` (SIGTERM) and checks that it exits 0."""
    rc = server.stop()
    check(rc == 0, "%s exits 0 on SIGTERM (got %r)" % (what, rc))
