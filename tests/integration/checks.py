"""Pass/fail bookkeeping shared by the Python test scripts.

    from checks import check, summary
    check(status == 200, "GET /subjects answers 200")
    ...
    return summary()          # exit status: 0 when every check passed, else 1

check() prints "ok   WHAT" (unless verbose=False) or "FAIL WHAT" with an
optional indented detail, records failures and returns `cond`.
"""

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
