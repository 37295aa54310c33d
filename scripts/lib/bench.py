#!/usr/bin/env python3
"""The read-path benchmark (BENCHMARKS.md, "Pages under a flash crowd"), run by
`scripts/bench`: for each database it loads the demo and the benchmark consultations
(bench_data.py) into a fresh database, starts `shura serve` with the ceiling route on,
signs a reader in, and runs wrk against every page of the table, one after the other.

Prints a Markdown table: requests per second, p50 and p99 latency, the server's CPU time
per request (from /proc), the bytes a page sends, and the share of the ceiling.

Environment: SHURA_BIN, SHURA_SITE_DIR (the built site), BENCH_SECONDS (default 10),
BENCH_CONNECTIONS (64), BENCH_DATABASES ("sqlite postgres"), BENCH_POSTGRES_URL
(postgres://postgres@127.0.0.1:5432/postgres: a server where the script may create and
drop the database `shura_bench`).
"""

import html
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ["SHURA_BIN"]
SITE = os.environ["SHURA_SITE_DIR"]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite postgres").split()
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BIND = "127.0.0.1:3917"
BASE = f"http://{BIND}"
# What a browser sends: the server may answer compressed.
ACCEPT_ENCODING = "gzip, deflate, br"
TICKS = os.sysconf("SC_CLK_TCK")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def pkg_asset(ext):
    names = sorted(n for n in os.listdir(os.path.join(SITE, "pkg")) if n.endswith(ext))
    return f"/pkg/{names[0]}"


# (label, path, signed in)
PAGES = [
    ("ceiling: fixed 1 KB body (`/bench/ceiling`)", "/bench/ceiling", False),
    ("`/healthz` (one database round trip)", "/healthz", False),
    ("home page", "/en/", False),
    ("consultation list", "/en/consultations", False),
    ("consultation, 0 contributions", "/en/consultations/bench-0", False),
    ("consultation, 500 contributions", "/en/consultations/bench-500", False),
    ("consultation, 500 contributions, Arabic", "/ar/consultations/bench-500", False),
    ("consultation, 5,000 contributions", "/en/consultations/bench-5000", False),
    ("demo guideline (24 clauses, no contributions)", "/en/consultations/e-participation-guideline", False),
    ("consultation, 0 contributions, signed in", "/en/consultations/bench-0", True),
    ("consultation, 500 contributions, signed in", "/en/consultations/bench-500", True),
    ("consultation, 5,000 contributions, signed in", "/en/consultations/bench-5000", True),
    ("diff, versions 1 → 2 of the demo guideline", "/en/consultations/e-participation-guideline/diff?from=1&to=2", False),
    ("API: `GET /api/v1/consultations/bench-500`", "/api/v1/consultations/bench-500", False),
    ("static: the stylesheet", None, False),
]


def run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, check=True, **kw)


def prepare(db, workdir):
    env = dict(os.environ)
    env.update({
        "SHURA_DATA_DIR": os.path.join(workdir, "data"),
        "SHURA_SITE_DIR": SITE,
        "SHURA_BIND": BIND,
        "SHURA_BENCH": "1",
        "RUST_LOG": "warn",
    })
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite://{workdir}/bench.db"
    else:
        admin = POSTGRES
        subprocess.run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS shura_bench"], check=True)
        subprocess.run(["psql", admin, "-qc", "CREATE DATABASE shura_bench"], check=True)
        env["DATABASE_URL"] = admin.rsplit("/", 1)[0] + "/shura_bench"
    data = os.path.join(workdir, "bench.json")
    with open(data, "w") as out:
        run([sys.executable, os.path.join(HERE, "bench_data.py")], env, stdout=out)
    run([BIN, "load-demo"], env, stdout=subprocess.DEVNULL)
    log(f"importing the benchmark consultations into {db}")
    run([BIN, "import", data], env, stdout=subprocess.DEVNULL)
    if db == "postgres":
        # Planner statistics, as autovacuum gathers them within a minute of a bulk load:
        # without them a page of threads took 13 ms of PostgreSQL's time instead of 0.2.
        subprocess.run(["psql", env["DATABASE_URL"], "-qc", "ANALYZE"], check=True)
    return env


def wait_until_up(proc):
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("shura serve stopped")
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("shura serve did not answer")


EMAIL = "reader@bench.example"
PASSWORD = "a long passphrase for the benchmark reader 7"


def submit(opener, path, fields):
    """Posts `fields` to the form at `path` with the token the page gives `opener`."""
    page = opener.open(BASE + path).read().decode()
    csrf = html.unescape(re.search(r'name="csrf" value="([^"]+)"', page).group(1))
    form = urllib.parse.urlencode({"csrf": csrf, **fields}).encode()
    opener.open(BASE + path, data=form).read()


def sign_in():
    """Registers a reader and signs them in through the real forms, as a browser
    would; returns the Cookie header of their session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    submit(opener, "/en/register", {
        "email": EMAIL,
        "display_name": "Bench Reader",
        "password": PASSWORD,
        "preferred_lang": "en",
        "accept_terms": "yes",
    })
    # Registration asks to confirm the address by mail; signing in does not wait for it.
    submit(opener, "/en/sign-in", {"email": EMAIL, "password": PASSWORD})
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar if "session" in c.name)
    if not cookies:
        raise SystemExit("signing in gave no session")
    # The session is real: the account page shows the reader's name.
    req = urllib.request.Request(f"{BASE}/en/account", headers={"Cookie": cookies})
    if "Bench Reader" not in urllib.request.urlopen(req).read().decode():
        raise SystemExit("the session does not show the account")
    return cookies


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def latency_ms(text, pct):
    m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    return float(m.group(1)) * UNITS[m.group(2)]


def page_bytes(path, headers):
    req = urllib.request.Request(BASE + path, headers=headers)
    with urllib.request.urlopen(req) as res:
        body = res.read()
        return res.status, len(body), res.headers.get("content-encoding") or "identity"


def wrk(path, headers, pid, seconds=SECONDS):
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    before = cpu_ticks(pid)
    out = subprocess.run(args + [BASE + path], check=True, capture_output=True, text=True).stdout
    used = (cpu_ticks(pid) - before) / TICKS
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency_ms(out, 50),
        "p99": latency_ms(out, 99),
        "cpu_ms": used * 1000 / max(requests, 1),
        "errors": int(errors.group(1)) if errors else 0,
    }


def bench(db):
    workdir = tempfile.mkdtemp(prefix=f"shura-bench-{db}-")
    try:
        env = prepare(db, workdir)
        proc = subprocess.Popen([BIN, "serve"], env=env)
        try:
            wait_until_up(proc)
            session = sign_in()
            rows = []
            ceiling = None
            for label, path, signed_in in PAGES:
                path = path or pkg_asset(".css")
                headers = {"Accept-Encoding": ACCEPT_ENCODING}
                if signed_in:
                    headers["Cookie"] = session
                status, size, encoding = page_bytes(path, headers)
                if status != 200:
                    raise SystemExit(f"{path}: status {status}")
                wrk(path, headers, proc.pid, seconds=3)  # warm-up
                r = wrk(path, headers, proc.pid)
                ceiling = ceiling or r["rps"]
                log(f"{db} {path}: {r}")
                rows.append((label, size, encoding, r, r["rps"] / ceiling))
            return rows
        finally:
            proc.terminate()
            proc.wait()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if db == "postgres":
            subprocess.run(["psql", POSTGRES, "-qc", "DROP DATABASE IF EXISTS shura_bench"])


def size_text(n):
    return f"{n / 1000:.1f} KB" if n >= 1000 else f"{n} B"


def main():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "unknown CPU")
    print(f"{os.cpu_count()} × {cpu}; wrk -t1 -c{CONNECTIONS} -d{SECONDS}s, "
          f"Accept-Encoding: {ACCEPT_ENCODING}; {time.strftime('%Y-%m-%d %H:%M')}\n")
    for db in DATABASES:
        rows = bench(db)
        print(f"\n**{db}**\n")
        print("| page | sent | req/s | p50 | p99 | CPU/req | share of ceiling |")
        print("|---|---|---|---|---|---|---|")
        for label, size, encoding, r, share in rows:
            errors = f" ({r['errors']} errors)" if r["errors"] else ""
            print(f"| {label} | {size_text(size)} {encoding} | {r['rps']:,.0f}{errors} | "
                  f"{r['p50']:.2f} ms | {r['p99']:.2f} ms | {r['cpu_ms']:.3f} ms | "
                  f"{share:.0%} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
