#!/usr/bin/env python3
"""Accord installed like a tool (issue 19, item 7): one part per ctest.

  prefix   `cmake --install BUILD --prefix TMP` installs exactly the binary,
           the man page (one section per command), the bash/zsh/fish
           completions, the systemd unit and the default config; the
           installed binary runs.
  bash     the bash completion script, run in bash: subcommands, nested
           subcommands, options and allowed values.
  zsh      the zsh script, run in zsh with the completion system's functions
           (_describe, compadd, _files) replaced by ones that print.
  fish     the fish script, asked by fish itself (`complete -C`).
  package  CPack's Debian package made from BUILD (the build tree's own
           binary: no second build), unpacked into a fresh root with
           `dpkg -x`: its Depends, its exact file list, the systemd unit
           (systemd-analyze verify), `accord --version`, and
           `accord serve` with the shipped config on an ephemeral loopback
           port answering /healthz, then stopping on SIGTERM with exit 0.

Every completion part checks the exact set of subcommands: a new command must
be added to COMMANDS here, which is the point (the scripts are generated, so
this checks the generator reads the whole tree).

Usage: install_test.py --accord PATH --build DIR --version V PART
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from accord_server import AccordServer  # noqa: E402
from checks import check, summary  # noqa: E402

COMMANDS = ["validate", "serve", "check", "diff", "register", "deprecate", "ls", "show",
            "describe", "config", "init", "test", "publish", "can-i-deploy", "record-deployment",
            "record-undeployment", "environment", "key", "store", "export", "import", "webhook", "lint", "asyncapi",
            "completion"]
LEVELS = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL",
          "FULL_TRANSITIVE", "NONE"]
FORMATS = ["text", "json", "junit", "github"]

# What `cmake --install` puts under a prefix other than /usr.
PREFIX_FILES = [
    "bin/accord",
    "share/man/man1/accord.1",
    "share/bash-completion/completions/accord",
    "share/zsh/site-functions/_accord",
    "share/fish/vendor_completions.d/accord.fish",
    "lib/systemd/system/accord.service",
    "etc/accord/accord.yaml",
]
# What the package installs (prefix /usr, config in /etc).
PACKAGE_FILES = [
    "usr/bin/accord",
    "usr/share/man/man1/accord.1",
    "usr/share/bash-completion/completions/accord",
    "usr/share/zsh/vendor-completions/_accord",
    "usr/share/fish/vendor_completions.d/accord.fish",
    "usr/lib/systemd/system/accord.service",
    "etc/accord/accord.yaml",
]


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def files_under(root):
    found = []
    for d, _, names in os.walk(root):
        for n in names:
            found.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(found)


def check_binary(accord, version, where):
    r = run([accord, "--version"])
    check(r.returncode == 0 and r.stdout.strip() == "accord " + version,
          "%s: accord --version says 'accord %s'" % (where, version), r.stdout + r.stderr)


def part_prefix(args):
    tmp = tempfile.mkdtemp(prefix="accord-install-")
    try:
        prefix = os.path.join(tmp, "prefix")
        r = run(["cmake", "--install", args.build, "--prefix", prefix])
        check(r.returncode == 0, "cmake --install succeeds", r.stdout + r.stderr)
        check(files_under(prefix) == sorted(PREFIX_FILES),
              "cmake --install installs exactly the binary, man page, completions, unit, config",
              "got: %s" % files_under(prefix))
        check_binary(os.path.join(prefix, "bin", "accord"), args.version, "installed")
        with open(os.path.join(prefix, "share/man/man1/accord.1")) as f:
            man = f.read()
        check(man.startswith(".\\\" DO NOT MODIFY THIS FILE!") and '.TH ACCORD "1"' in man,
              "the man page is help2man's, section 1", man[:200])
        commands_part = man[man.find(".SH COMMANDS\n"):]
        sections = [line[len('.SS "'):-1] for line in commands_part.splitlines()
                    if line.startswith(".SS ")]
        want = []
        for c in COMMANDS:
            want.append("accord " + c)
            if c == "environment":
                want.append("accord environment create")
            if c == "webhook":
                want += ["accord webhook add", "accord webhook ls", "accord webhook rm"]
            if c == "config":
                want += ["accord config get", "accord config set"]
            if c == "key":
                want.append("accord key new")
            if c == "store":
                want.append("accord store copy")
            if c == "asyncapi":
                want.append("accord asyncapi export")
        check(sections == want, "the man page has one section per command, nested ones included",
              "got: %s" % sections)
        check("\\-\\-mode" in man and "FULL_TRANSITIVE" in man,
              "the man page holds each command's options (check --mode and its values)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def script(accord, shell):
    r = run([accord, "completion", shell])
    check(r.returncode == 0 and r.stdout, "accord completion %s prints a script" % shell,
          r.stderr)
    return r.stdout


BASH_DRIVER = r'''
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
compopt() { echo "compopt $*"; }
_accord
printf '%s\n' "${COMPREPLY[@]}"
'''


def part_bash(args):
    text = script(args.accord, "bash")
    with tempfile.NamedTemporaryFile("w", suffix=".bash", delete=False) as f:
        f.write(text)
    try:
        def complete(*words):
            r = run(["bash", "-c", BASH_DRIVER, "bash", f.name, *words])
            check(r.returncode == 0 and not r.stderr, "bash runs the script for %s" % (words,),
                  r.stderr)
            return [w for w in r.stdout.splitlines() if w]

        check(sorted(complete("accord", "")) == sorted(COMMANDS),
              "bash: 'accord <TAB>' offers exactly every subcommand",
              "got: %s" % complete("accord", ""))
        check(complete("accord", "ch") == ["check"], "bash: 'accord ch<TAB>' -> check")
        check(complete("accord", "key", "") == ["new"], "bash: 'accord key <TAB>' -> new")
        check(sorted(complete("accord", "check", "--mode", "")) == sorted(LEVELS),
              "bash: 'accord check --mode <TAB>' offers exactly the levels")
        check(complete("accord", "check", "--mode", "FULL_T") == ["FULL_TRANSITIVE"],
              "bash: 'accord check --mode FULL_T<TAB>' -> FULL_TRANSITIVE")
        check(sorted(complete("accord", "diff", "--format", "=", "")) == sorted(FORMATS),
              "bash: 'accord diff --format=<TAB>' offers exactly the formats")
        check(sorted(complete("accord", "completion", "")) == ["bash", "fish", "zsh"],
              "bash: 'accord completion <TAB>' offers the shells")
        check(complete("accord", "check", "--hi") == ["--history"],
              "bash: 'accord check --hi<TAB>' -> --history")
        check(complete("accord", "check", "--ref", "") == ["compopt -o default"],
              "bash: a value with no fixed set ('check --ref <TAB>') completes file names")
        check(complete("accord", "check", "old.json", "") == ["compopt -o default"],
              "bash: a file argument ('check old.json <TAB>') completes file names")
        check(complete("accord", "key", "new", "--r") == ["--role"],
              "bash: options of a nested command ('key new --r<TAB>') -> --role")
    finally:
        os.unlink(f.name)


# The completion system's functions, replaced by ones that print what they
# would offer: _describe prints the names of its array (before the ':').
ZSH_DRIVER = r'''
compdef() { print -r -- "compdef $*"; }
_describe() { local -a items; items=("${(@P)${@[-1]}}"); print -rl -- "${(@)items%%:*}"; }
compadd() { shift; print -rl -- "$@"; }
_files() { print -r -- "_files"; }
source "$1"; shift
words=("$@"); CURRENT=$#words
_accord
'''


def part_zsh(args):
    text = script(args.accord, "zsh")
    check(text.startswith("#compdef accord\n"), "zsh: the script starts with #compdef accord")
    with tempfile.NamedTemporaryFile("w", suffix=".zsh", delete=False) as f:
        f.write(text)
    try:
        r = run(["zsh", "-n", f.name])
        check(r.returncode == 0, "zsh -n: the script parses", r.stderr)

        def complete(*words):
            r = run(["zsh", "-f", "-c", ZSH_DRIVER, "zsh", f.name, *words])
            check(r.returncode == 0 and not r.stderr, "zsh runs the script for %s" % (words,),
                  r.stderr)
            # The first line is the `compdef` of sourcing the script outside a completion.
            lines = r.stdout.splitlines()
            check(lines[:1] == ["compdef _accord accord"],
                  "zsh: sourced, the script registers itself with compdef", r.stdout)
            return lines[1:]

        check(sorted(complete("accord", "")) == sorted(COMMANDS),
              "zsh: 'accord <TAB>' offers exactly every subcommand")
        check(complete("accord", "store", "") == ["copy"], "zsh: 'accord store <TAB>' -> copy")
        check(sorted(complete("accord", "completion", "")) == ["bash", "fish", "zsh"],
              "zsh: 'accord completion <TAB>' offers the shells")
        check(sorted(complete("accord", "check", "--policy", "")) == ["lenient", "strict"],
              "zsh: 'accord check --policy <TAB>' offers exactly the policies")
        check(complete("accord", "validate", "--schema", "") == ["_files"],
              "zsh: 'accord validate --schema <TAB>' completes file names")
        opts = complete("accord", "key", "new", "-")
        check(sorted(opts) == ["--help", "--principal", "--role", "--team", "-h"],
              "zsh: 'accord key new -<TAB>' offers exactly its options", "got: %s" % opts)
    finally:
        os.unlink(f.name)


def part_fish(args):
    text = script(args.accord, "fish")
    with tempfile.NamedTemporaryFile("w", suffix=".fish", delete=False) as f:
        f.write(text)
    try:
        def complete(line):
            r = run(["fish", "--no-config", "-c", 'source $argv[1]; complete -C "$argv[2]"',
                     f.name, line])
            check(r.returncode == 0 and not r.stderr, "fish runs the script for %r" % line,
                  r.stderr)
            return [w.split("\t")[0] for w in r.stdout.splitlines()]

        check(sorted(complete("accord ")) == sorted(COMMANDS),
              "fish: 'accord <TAB>' offers exactly every subcommand",
              "got: %s" % complete("accord "))
        check(complete("accord key ") == ["new"], "fish: 'accord key <TAB>' -> new")
        check(sorted(complete("accord diff --format ")) == sorted(FORMATS),
              "fish: 'accord diff --format <TAB>' offers exactly the formats")
        check(sorted(complete("accord check --mode ")) == sorted(LEVELS),
              "fish: 'accord check --mode <TAB>' offers exactly the levels")
        check(sorted(complete("accord completion ")) == ["bash", "fish", "zsh"],
              "fish: 'accord completion <TAB>' offers the shells")
        check(complete("accord check --pol") == ["--policy"],
              "fish: 'accord check --pol<TAB>' -> --policy")
    finally:
        os.unlink(f.name)


def part_package(args):
    tmp = tempfile.mkdtemp(prefix="accord-package-")
    try:
        out = os.path.join(tmp, "out")
        # The build tree's package configuration, run on the binary this
        # build made (cpack builds nothing that is up to date).
        r = run(["cpack", "-G", "DEB", "--config", os.path.join(args.build, "CPackConfig.cmake"),
                 "-B", out], cwd=args.build)
        debs = [n for n in os.listdir(out) if n.endswith(".deb")] if os.path.isdir(out) else []
        check(r.returncode == 0 and len(debs) == 1, "cpack -G DEB makes one .deb",
              r.stdout[-3000:] + r.stderr[-3000:])
        if len(debs) != 1:
            return
        deb = os.path.join(out, debs[0])
        arch = run(["dpkg", "--print-architecture"]).stdout.strip()
        check(debs[0] == "accord_%s_%s.deb" % (args.version, arch),
              "the package is named accord_VERSION_ARCH.deb", debs[0])

        fields = {f: run(["dpkg-deb", "-f", deb, f]).stdout.strip()
                  for f in ("Package", "Version", "Depends", "Maintainer")}
        check(fields["Package"] == "accord" and fields["Version"] == args.version,
              "control: Package accord, Version %s" % args.version, str(fields))
        depends = [d.strip().split(" ")[0] for d in fields["Depends"].split(",") if d.strip()]
        # dpkg-shlibdeps: the C and C++ runtimes and the libraries linked
        # (SQLite, libpq, ...), with versions; nothing that is not a library.
        check("libc6" in depends and "libstdc++6" in depends and "libsqlite3-0" in depends
              and "libpq5" in depends and all(d.startswith("lib") for d in depends),
              "control: Depends comes from dpkg-shlibdeps", fields["Depends"])
        conffiles = run(["sh", "-c", 'dpkg-deb --ctrl-tarfile "$1" | tar -xO ./conffiles', "sh",
                         deb]).stdout
        check(conffiles == "/etc/accord/accord.yaml\n",
              "control: /etc/accord/accord.yaml is a conffile", conffiles)

        root = os.path.join(tmp, "root")
        r = run(["dpkg", "-x", deb, root])
        check(r.returncode == 0, "dpkg -x unpacks the package into a fresh root", r.stderr)
        check(files_under(root) == sorted(PACKAGE_FILES),
              "the package holds exactly the binary, man page, completions, unit and config",
              "got: %s" % files_under(root))
        accord = os.path.join(root, "usr", "bin", "accord")
        check_binary(accord, args.version, "packaged")
        r = run(["file", "-b", accord])
        check("not stripped" not in r.stdout and "with debug_info" not in r.stdout,
              "the packaged binary carries no debug information", r.stdout)

        # The unit, as systemd reads it (unknown keys and bad values are
        # reported), with ExecStart pointing at the unpacked binary.
        unit = os.path.join(tmp, "accord.service")
        with open(os.path.join(root, "usr/lib/systemd/system/accord.service")) as f:
            text = f.read()
        check("ExecStart=/usr/bin/accord serve --config /etc/accord/accord.yaml\n" in text,
              "the unit starts /usr/bin/accord serve with /etc/accord/accord.yaml")
        with open(unit, "w") as f:
            f.write(text.replace("ExecStart=/usr/bin/accord", "ExecStart=" + accord))
        r = run(["systemd-analyze", "verify", "--man=no", unit])
        check(r.returncode == 0 and not r.stderr.strip(),
              "systemd-analyze verify accepts the unit", r.stdout + r.stderr)

        # The shipped config with its address and data folder replaced by
        # flags (a flag wins over the file): the config must load.
        config = os.path.join(root, "etc", "accord", "accord.yaml")
        with AccordServer(accord, args=["--config", config]) as server:
            with urllib.request.urlopen(server.base + "/healthz", timeout=30) as reply:
                status = reply.status
            check(status == 200, "the packaged accord serve answers /healthz with 200")
            rc = server.stop()
            check(rc == 0, "the packaged accord serve stops on SIGTERM with exit 0",
                  "exit %s\n%s" % (rc, server.log_tail()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accord", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("part", choices=["prefix", "bash", "zsh", "fish", "package"])
    args = parser.parse_args()
    {"prefix": part_prefix, "bash": part_bash, "zsh": part_zsh, "fish": part_fish,
     "package": part_package}[args.part](args)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
