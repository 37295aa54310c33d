#!/usr/bin/env python3
"""The impact benchmark (BENCHMARKS.md, "The impact page and JSON"), run by
`scripts/bench-impact`: one consultation with 100,000 contributions (about a third of
them replies) and 20,000 agency responses over two versions, imported through the
exchange format into a fresh database; then `shura serve`, and wrk on the impact JSON
and on the impact page — rendered for a signed-in reader every time, and from the page
cache for visitors.

Prints a Markdown table per database: p50 and p99 latency with one connection (the
time one request takes) and requests per second with eight.

Environment: as bench.py (SHURA_BIN, SHURA_SITE_DIR, BENCH_SECONDS, BENCH_DATABASES,
BENCH_POSTGRES_URL), and IMPACT_CONTRIBUTIONS (100000), IMPACT_RESPONSES (20000).
"""

import copy
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import bench
import bench_data

CONTRIBUTIONS = int(os.environ.get("IMPACT_CONTRIBUTIONS", "100000"))
RESPONSES = int(os.environ.get("IMPACT_RESPONSES", "20000"))
SLUG = "impact-bench"
OUTCOMES = ["accepted", "partly_accepted", "not_adopted", "noted", "out_of_scope"]


def document(now):
    """The exchange file: the consultation, a second version changing five clauses,
    and the responses (the accepted ones citing a changed clause)."""
    rng = random.Random(23)
    c = bench_data.consultation(CONTRIBUTIONS, now)
    c["slug"] = SLUG
    opens = now - datetime.timedelta(days=40)
    closes = now - datetime.timedelta(days=10)
    c["opens_at"], c["closes_at"], c["status"] = opens.isoformat(), closes.isoformat(), "closed"
    span = (closes - opens).total_seconds() - 3600
    for i, x in enumerate(c["contributions"]):
        x["created_at"] = (opens + datetime.timedelta(seconds=span * i / CONTRIBUTIONS)).isoformat()
    v1 = c["versions"][0]
    v1["published_at"] = opens.isoformat()
    v2 = copy.deepcopy(v1)
    v2["number"], v2["published_at"] = 2, (closes + datetime.timedelta(days=5)).isoformat()
    v2["change_note"] = {"ar": "عُدّلت خمسة بنود", "en": "Five clauses changed"}
    for cl in v2["clauses"][1:6]:
        cl["text"] = {k: v + " (revised)" for k, v in cl["text"].items()}
    c["versions"].append(v2)
    responses = []
    for x in rng.sample(c["contributions"], RESPONSES):
        outcome = rng.choice(OUTCOMES)
        created = datetime.datetime.fromisoformat(x["created_at"])
        r = {
            "contribution": x["id"],
            "outcome": outcome,
            "reasons": {"ar": "للأسباب المبينة في التقرير", "en": "For the reasons in the report"},
            "responded_at": (created + datetime.timedelta(hours=rng.randint(1, 24 * 50))).isoformat(),
        }
        if outcome in ("accepted", "partly_accepted"):
            r["changed"] = {"version": 2, "clause": f"clause-{rng.randint(1, 5)}"}
        responses.append(r)
    c["responses"] = responses
    return {
        "format": "shura/1",
        "agencies": [{"slug": "bench-agency",
                      "name": {"ar": "جهة القياس", "en": "Benchmark Agency"},
                      "time_zone": "Asia/Riyadh", "website": None}],
        "consultations": [c],
    }


def prepare(db, workdir):
    env = dict(os.environ)
    env.update({
        "SHURA_DATA_DIR": os.path.join(workdir, "data"),
        "SHURA_SITE_DIR": bench.SITE,
        "SHURA_BIND": bench.BIND,
        "RUST_LOG": "warn",
    })
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite://{workdir}/bench.db"
    else:
        subprocess.run(["psql", bench.POSTGRES, "-qc", "DROP DATABASE IF EXISTS shura_bench"], check=True)
        subprocess.run(["psql", bench.POSTGRES, "-qc", "CREATE DATABASE shura_bench"], check=True)
        env["DATABASE_URL"] = bench.POSTGRES.rsplit("/", 1)[0] + "/shura_bench"
    data = os.path.join(workdir, "impact.json")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    with open(data, "w") as out:
        json.dump(document(now), out, ensure_ascii=False)
    bench.log(f"importing {CONTRIBUTIONS} contributions and {RESPONSES} responses into {db}")
    started = time.monotonic()
    bench.run([bench.BIN, "import", data], env, stdout=subprocess.DEVNULL)
    bench.log(f"imported in {time.monotonic() - started:.0f} s")
    if db == "postgres":
        # What autovacuum does within a minute of a bulk import: statistics, and the
        # visibility map that lets counts read indexes alone.
        subprocess.run(["psql", env["DATABASE_URL"], "-qc", "VACUUM ANALYZE"], check=True)
    return env


def wait_until_idle(pid):
    """Until the server uses under a tenth of a core: at start it indexes what the
    import wrote for search, in the background, which is not what is measured."""
    started = time.monotonic()
    before = bench.cpu_ticks(pid)
    while time.monotonic() - started < 600:
        time.sleep(1)
        now = bench.cpu_ticks(pid)
        if now - before < os.sysconf("SC_CLK_TCK") / 10:
            bench.log(f"server idle after {time.monotonic() - started:.0f} s")
            return
        before = now
    raise SystemExit("shura serve did not settle")


def measure(path, headers, pid):
    """p50 and p99 with one connection, and requests per second with eight."""
    saved = bench.CONNECTIONS
    try:
        # One connection for the warm-up too: 64 at once on a request of a few hundred
        # milliseconds leave a backlog the next run would wait out.
        bench.CONNECTIONS = 1
        bench.wrk(path, headers, pid, seconds=2)
        one = bench.wrk(path, headers, pid)
        bench.CONNECTIONS = 8
        eight = bench.wrk(path, headers, pid)
    finally:
        bench.CONNECTIONS = saved
    return one, eight


def run(db):
    workdir = tempfile.mkdtemp(prefix=f"shura-impact-{db}-")
    try:
        env = prepare(db, workdir)
        proc = subprocess.Popen([bench.BIN, "serve"], env=env)
        try:
            bench.wait_until_up(proc)
            wait_until_idle(proc.pid)
            session = bench.sign_in()
            rows = []
            for label, path, signed_in in [
                ("impact JSON", f"/api/v1/consultations/{SLUG}/impact", False),
                ("impact page, signed in (rendered)", f"/en/consultations/{SLUG}/impact", True),
                ("impact page, visitor (page cache)", f"/en/consultations/{SLUG}/impact", False),
            ]:
                headers = {"Accept-Encoding": bench.ACCEPT_ENCODING}
                if signed_in:
                    headers["Cookie"] = session
                status, size, encoding = bench.page_bytes(path, headers)
                if status != 200:
                    raise SystemExit(f"{path}: status {status}")
                one, eight = measure(path, headers, proc.pid)
                bench.log(f"{db} {label}: {one} {eight}")
                rows.append((label, size, encoding, one, eight))
            return rows
        finally:
            proc.terminate()
            proc.wait()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if db == "postgres":
            subprocess.run(["psql", bench.POSTGRES, "-qc", "DROP DATABASE IF EXISTS shura_bench"])


def main():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "unknown CPU")
    print(f"{os.cpu_count()} × {cpu}; {CONTRIBUTIONS} contributions, {RESPONSES} responses; "
          f"wrk -t1 -d{bench.SECONDS}s; {time.strftime('%Y-%m-%d %H:%M')}\n")
    for db in bench.DATABASES:
        rows = run(db)
        print(f"\n**{db}**\n")
        print("| request | sent | p50 (1 conn.) | p99 (1 conn.) | req/s (8 conn.) |")
        print("|---|---|---|---|---|")
        for label, size, encoding, one, eight in rows:
            print(f"| {label} | {bench.size_text(size)} {encoding} | {one['p50']:.1f} ms | "
                  f"{one['p99']:.1f} ms | {eight['rps']:,.0f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
