"""Run every chuxin benchmark and regenerate BENCHMARKS.md and benchmarks/results.json.

    .venv/bin/python -m benchmarks.run            # what `make bench` runs (~15 min on 2 cores)
    CHUXIN_BENCH_1M=1 .venv/bin/python -m benchmarks.run   # adds the 1,000,000-report run

Environment knobs (all optional):
    CHUXIN_BENCH_N        reports for the full `chuxin run` (with Prefect and the expectation suites), the
                          same steps without Prefect, and the no-op rerun (default 100000)
    CHUXIN_BENCH_BIG      reports for the pipeline without expectation suites (default 0: off; the
                          full run above now validates 100,000 reports in bounded memory)
    CHUXIN_BENCH_1M       1: also run 1,000,000 reports through the pipeline without expectation suites
                          (~8 GB of raw files under CHUXIN_BENCH_DIR, ~30-60 min on 2 cores); the
                          queries then run on that warehouse
    CHUXIN_BENCH_DIR      scratch folder for corpora and warehouses (default /tmp/chuxin-bench;
                          deleted at the end unless CHUXIN_BENCH_KEEP=1)
    CHUXIN_BENCH_REPEAT   repetitions of the in-process measurements (default 5; medians reported)
    CHUXIN_BENCH_E2E_RUNS repetitions of the 100,000-report runs, with Prefect, without it and against
                          a running server, taking turns (default 3; the 1M run runs once)

Every end-to-end run is a fresh ``chuxin run`` process (or, for the orchestration baseline,
the same step functions called without Prefect) timed on the wall clock; peak memory is
the largest sum of resident set sizes over the process and all its children, sampled
every 0.2 s.
"""

from __future__ import annotations

import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT_MD = ROOT / "BENCHMARKS.md"
OUT_JSON = ROOT / "benchmarks" / "results.json"

N_E2E = int(os.environ.get("CHUXIN_BENCH_N", "100000"))
N_BIG = int(os.environ.get("CHUXIN_BENCH_BIG", "0"))
RUN_1M = os.environ.get("CHUXIN_BENCH_1M") == "1"
RUN_1M_BARE = os.environ.get("CHUXIN_BENCH_1M_BARE", "1") == "1"  # also without Prefect at 1M (+5-10 min)
SCRATCH = Path(os.environ.get("CHUXIN_BENCH_DIR", "/tmp/chuxin-bench"))
REPEAT = int(os.environ.get("CHUXIN_BENCH_REPEAT", "5"))
E2E_RUNS = int(os.environ.get("CHUXIN_BENCH_E2E_RUNS", "3"))
KEEP = os.environ.get("CHUXIN_BENCH_KEEP") == "1"
SEED = 20190531
N_CORE = 5000  # documents per in-process core measurement

TARGETS = {
    "core_reports_per_s": ("≥ 5,000 reports/s on one core", lambda v: v >= 5000),
    "core_vs_bs4": ("≥ 3× the BeautifulSoup baseline", lambda v: v >= 3),
    "e2e_reports_per_s": ("≥ 3,000 reports/s wall, 2 cores", lambda v: v >= 3000),
    "orchestration_overhead": ("< 10 %", lambda v: v < 0.10),
    "e2e_1m_peak_gb": ("< 2 GB peak memory", lambda v: v < 2.0),
    "noop_s": ("< 5 s", lambda v: v < 5.0),
    "query_ms": ("< 200 ms each", lambda v: v < 200),
}

QUERIES = {
    "counts by province and group": """
        SELECT province, guidance_group_no, count(*) AS n FROM reports
        WHERE kind = 'provincial_meeting' GROUP BY ALL ORDER BY n DESC""",
    "join of reports and people": """
        SELECT r.province, p.role, count(DISTINCT p.name) AS people, count(*) AS mentions
        FROM reports r JOIN people p USING (doc_key) GROUP BY ALL ORDER BY mentions DESC""",
    "slogan top-20": """
        SELECT slogan, sum(n) AS mentions, count(*) AS reports FROM slogans
        GROUP BY slogan ORDER BY mentions DESC LIMIT 20""",
}


# --- helpers -------------------------------------------------------------------------------
def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median_time(fn, repeat: int = REPEAT) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def env() -> dict:
    e = dict(os.environ)
    e.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", GX_ANALYTICS_ENABLED="false",
             TQDM_DISABLE="1", PREFECT_HOME=str(SCRATCH / "prefect_home"))
    return e


def timed_process(cmd: list[str], log_path: Path, extra_env: dict | None = None) -> dict:
    """Run cmd; wall seconds and peak RSS (process tree, sampled) in GB."""
    import psutil

    t0 = time.perf_counter()
    with open(log_path, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env={**env(), **(extra_env or {})},
                                cwd=ROOT)
        ps = psutil.Process(proc.pid)
        peak, at_peak, kinds = 0, {}, {}
        while proc.poll() is None:
            try:
                procs = [ps, *ps.children(recursive=True)]
                by_kind: dict[str, int] = {}
                for p in procs:
                    try:
                        kind = kinds.get(p.pid) or kinds.setdefault(p.pid, _process_kind(p, proc.pid))
                        by_kind[kind] = by_kind.get(kind, 0) + p.memory_info().rss
                    except psutil.Error:
                        pass
                rss = sum(by_kind.values())
                if rss > peak:  # where the peak is: which processes, how far into the run
                    peak, at_peak = rss, {"at_s": round(time.perf_counter() - t0, 1),
                                          **{k: round(v / 2**30, 2) for k, v in sorted(by_kind.items())}}
            except psutil.Error:
                pass
            time.sleep(0.2)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{tail}")
    return {"wall_s": wall, "peak_gb": peak / 2**30, "at_peak_gb": at_peak}


def at_peak(run: dict) -> str:
    """' at 412 s: main 1.52, prefect_server 0.31, workers 0.12' for a report row."""
    where = dict(run.get("at_peak_gb") or {})
    if not where:
        return ""
    at = where.pop("at_s")
    return f" at {at:.0f} s: " + ", ".join(f"{k} {v:.2f}" for k, v in where.items())


def _process_kind(p, root_pid: int) -> str:
    """Which part of a run a process is, for the memory breakdown at the peak."""
    if p.pid == root_pid:
        return "main"
    cmd = " ".join(p.cmdline())
    return "prefect_server" if "uvicorn" in cmd or "prefect.server" in cmd else "workers"


def synth(n: int, out: Path) -> float:
    if (out / ".complete").exists() and (out / ".complete").read_text() == f"{n} {SEED}":
        return 0.0
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([str(BIN / "chuxin"), "synth", "--n", str(n), "--out", str(out), "--seed", str(SEED)],
                   check=True, env=env(), cwd=ROOT)
    took = time.perf_counter() - t0
    (out / ".complete").write_text(f"{n} {SEED}")
    return took


def chuxin_run(raw: Path, data: Path, tag: str, api_url: str | None = None, *flags: str) -> dict:
    return timed_process([str(BIN / "chuxin"), "run", "--raw-dir", str(raw), "--data-dir", str(data), *flags],
                         SCRATCH / f"{tag}.log",
                         {"PREFECT_API_URL": api_url} if api_url else None)


def warm_prefect_home() -> float:
    """One small run first: the very first run on a machine creates Prefect's database (~7 s more
    server start-up, once). The timed runs then see a Prefect home like a user's second run."""
    return chuxin_run(ROOT / "data" / "raw", SCRATCH / "data-warmup", "warmup")["wall_s"]


@contextlib.contextmanager
def prefect_server():
    """A `prefect server start` on a free loopback port, as under a deployment; yields its API URL."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = f"http://127.0.0.1:{port}/api"
    with open(SCRATCH / "server.log", "wb") as fh:
        proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                stdout=fh, stderr=subprocess.STDOUT, env=env(), start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("prefect server did not start; see server.log")
                time.sleep(1)
        yield api
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def bare_run(raw: Path, data: Path, tag: str, *flags: str) -> dict:
    out = timed_process([sys.executable, "-m", "benchmarks.bare", str(raw), str(data), *flags], SCRATCH / f"{tag}.log")
    out["phases"] = json.loads((SCRATCH / f"{tag}.log").read_text().strip().splitlines()[-1])
    return out


def warehouse_counts(data: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("reports", "people", "speeches", "slogans", "evidence", "quarantine")}
    finally:
        con.close()


# --- measurements ---------------------------------------------------------------------------
def bench_core() -> dict:
    from benchmarks.baseline_bs4 import extract_bs4, extract_bs4_full
    from tasks import synth as synth_mod
    from tasks.clean import clean_body
    from tasks.extract import extract
    from tasks.ingest import parse_source
    from tasks.records import RejectedInput

    raw: list[tuple[bytes, str]] = [(d.data, d.rel_path) for d in synth_mod.generate(N_CORE, SEED)]
    docs = []
    for data, rel in raw:
        try:
            docs.append(parse_source(data, rel))
        except RejectedInput:
            pass
    n = len(docs)
    log(f"core: {n} documents, {REPEAT} repetitions")
    t_gen, _ = median_time(lambda: [d for d in synth_mod.generate(2000, SEED + 1)], max(3, REPEAT // 2))
    t_read, _ = median_time(lambda: [parse_source(d, r) for d, r in raw if d.strip() and b"\x00" not in d[:8192]])
    t_clean, _ = median_time(lambda: [clean_body(d.body) for d in docs])
    cleaned = [clean_body(d.body) for d in docs]
    t_extract, _ = median_time(lambda: [extract(d, c) for d, c in zip(docs, cleaned)])
    t_core, runs = median_time(lambda: [extract(d, clean_body(d.body)) for d in docs])
    t_bs4, runs_bs4 = median_time(lambda: [extract_bs4(d.title, d.body) for d in docs], max(3, REPEAT // 2))
    t_bs4_full, runs_bs4_full = median_time(lambda: [extract_bs4_full(d) for d in docs], max(3, REPEAT // 2))

    prof = cProfile.Profile()
    prof.enable()
    for d in docs[:2000]:
        extract(d, clean_body(d.body))
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).sort_stats("tottime")
    total = stats.total_tt
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _callers) in sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:12]:
        where = f"{Path(file).name}:{line}({func})" if file != "~" else func
        rows.append({"function": where, "calls": nc, "tottime_s": round(tt, 4), "share": round(tt / total, 3)})
    by_module: dict[str, float] = {}
    for (file, _line, _func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        key = Path(file).name if file.endswith(".py") else "builtins (regex, str methods)"
        by_module[key] = by_module.get(key, 0.0) + tt
    return {
        "n_docs": n,
        "mean_doc_bytes": round(sum(len(d) for d, _ in raw) / len(raw)),
        "synth_docs_per_s_in_memory": 2000 / t_gen,
        "read_decode_per_s": len(raw) / t_read,
        "clean_per_s": n / t_clean,
        "extract_per_s": n / t_extract,
        "core_reports_per_s": n / t_core,
        "core_runs_s": runs,
        "bs4_reports_per_s": n / t_bs4,
        "bs4_runs_s": runs_bs4,
        "core_vs_bs4": t_bs4 / t_core,
        "bs4_full_reports_per_s": n / t_bs4_full,
        "bs4_full_runs_s": runs_bs4_full,
        "core_vs_bs4_full": t_bs4_full / t_core,
        "profile_top": rows,
        "profile_total_s": total,
        "profile_by_module": {k: round(v / total, 3) for k, v in sorted(by_module.items(), key=lambda kv: -kv[1])},
    }


def bench_queries(data: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    out = {}
    try:
        for name, sql in QUERIES.items():
            con.execute(sql).fetchall()  # warm the buffer pool once, as an analyst's session would be
            t, runs = median_time(lambda: con.execute(sql).fetchall(), max(REPEAT, 5))
            out[name] = {"median_ms": t * 1000, "runs_ms": [r * 1000 for r in runs]}
    finally:
        con.close()
    return out


def bench_noop(raw: Path, data: Path) -> dict:
    """A rerun over unchanged files: the whole command, and plan_run alone."""
    runs = [chuxin_run(raw, data, f"noop-{i}") for i in range(max(1, min(3, REPEAT)))]
    plan_t = timed_process([sys.executable, "-m", "benchmarks.bare", str(raw), str(data), "--plan-only"],
                           SCRATCH / "noop-plan.log")
    plan_log = (SCRATCH / "noop-plan.log").read_text()
    plan_s = json.loads(plan_log.strip().splitlines()[-1])["plan_s"]
    bare = bare_run(raw, data, "noop-bare")  # the same no-op path without Prefect (no server start)
    with prefect_server() as api:  # through the flow, as a deployment run does it
        flow = chuxin_run(raw, data, "noop-flow", api, "--force-flow")
    return {"wall_s": statistics.median(r["wall_s"] for r in runs), "runs_s": [r["wall_s"] for r in runs],
            "peak_gb": max(r["peak_gb"] for r in runs), "plan_run_s": plan_s, "plan_process_wall_s": plan_t["wall_s"],
            "bare_wall_s": bare["wall_s"], "bare_in_process_s": bare["phases"].get("total"),
            "bare_was_noop": bool(bare["phases"].get("noop")), "flow_served_wall_s": flow["wall_s"]}


def bench_e2e(n: int, tag: str, with_bare: bool) -> dict:
    raw = SCRATCH / f"raw-{tag}"
    log(f"{tag}: writing {n} synthetic reports to {raw}")
    t_synth = synth(n, raw)
    result: dict = {"n": n, "synth_s": t_synth, "synth_files_per_s": n / t_synth if t_synth else None}
    # Prefect, without Prefect and against a running server take turns, so that the host's drift
    # weighs on all three alike; the 1M run (~5 min) runs once.
    n_runs = E2E_RUNS if n <= N_E2E else 1
    runs, bare, served = [], [], []
    with (prefect_server() if with_bare else contextlib.nullcontext()) as api:
        for i in range(n_runs):
            data = SCRATCH / f"data-{tag}"
            shutil.rmtree(data, ignore_errors=True)
            log(f"{tag}: chuxin run #{i + 1}")
            runs.append(chuxin_run(raw, data, f"{tag}-run{i}"))
            if not with_bare:
                continue
            for kind, label, out, run in (
                    ("bare", "same steps without Prefect", bare, lambda d: bare_run(raw, d, f"{tag}-bare{i}")),
                    ("served", "chuxin run against a running Prefect server", served,
                     lambda d: chuxin_run(raw, d, f"{tag}-served{i}", api))):
                other = SCRATCH / f"data-{tag}-{kind}"
                shutil.rmtree(other, ignore_errors=True)
                log(f"{tag}: {label} #{i + 1}")
                out.append(run(other))
                shutil.rmtree(other, ignore_errors=True)
    result["runs"] = runs
    result["wall_s"] = statistics.median(r["wall_s"] for r in runs)
    result["peak_gb"] = max(r["peak_gb"] for r in runs)
    result["at_peak_gb"] = max(runs, key=lambda r: r["peak_gb"])["at_peak_gb"]
    result["reports_per_s"] = n / result["wall_s"]
    result["counts"] = warehouse_counts(SCRATCH / f"data-{tag}")
    result["phases"] = phases(SCRATCH / f"{tag}-run{n_runs - 1}.log")
    if with_bare:
        result["bare_runs"] = bare
        result["bare_wall_s"] = statistics.median(r["wall_s"] for r in bare)
        result["orchestration_overhead"] = result["wall_s"] / result["bare_wall_s"] - 1
        result["served_runs"] = [r["wall_s"] for r in served]
        result["served_wall_s"] = statistics.median(result["served_runs"])
        result["orchestration_overhead_served"] = result["served_wall_s"] / result["bare_wall_s"] - 1
    return result


def phases(log_path: Path) -> dict:
    """Rough phase times of a chuxin run from its log timestamps (seconds)."""
    import re

    stamps = []
    for line in log_path.read_text(errors="replace").splitlines():
        m = re.match(r"^(\d\d):(\d\d):(\d\d\.\d+) \| \w+ +\| (.*)$", line)
        if m:
            t = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
            stamps.append((t, m.group(4)))
    if not stamps:
        return {}

    def first(pattern: str):
        return next((t for t, msg in stamps if re.search(pattern, msg)), None)

    start = stamps[0][0]
    marks = {"flow_started": first(r"Beginning flow run"), "planned": first(r"plan-run.*Finished|files seen"),
             "extracted": first(r"extracted \d+ batches|chuxin-extract.*Finished|Finished in state.*chuxin-extract"),
             "loaded": first(r"load-validate-publish.*Finished"), "end": stamps[-1][0]}
    return {k: round(v - start, 1) for k, v in marks.items() if v is not None}


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        mem = psutil.virtual_memory().total / 2**30
    except Exception:
        mem = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem, 1) if mem else None,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "commit": commit, "load_avg_at_start": os.getloadavg()}


# --- report ------------------------------------------------------------------------------------
def fmt(v, unit="") -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        if unit == "%":
            return f"{v * 100:.1f} %"
        return f"{v:,.0f}{unit}" if v >= 100 else f"{v:,.2f}{unit}"
    return f"{v:,}{unit}"


def verdict(key: str, value) -> str:
    if value is None:
        return "not run"
    return "met" if TARGETS[key][1](value) else "**missed**"


def write_report(res: dict, command: str) -> None:
    core, e2e, m = res["core"], res.get("e2e"), res["machine"]
    rows = [("Extraction core (clean + extract, 1 process)", fmt(core["core_reports_per_s"], " reports/s"),
             TARGETS["core_reports_per_s"][0], verdict("core_reports_per_s", core["core_reports_per_s"])),
            ("Baseline A: BeautifulSoup per document + the same `extract` (every field)",
             fmt(core["bs4_full_reports_per_s"], " reports/s"), "–", "–"),
            ("Core ÷ baseline A", f"{core['core_vs_bs4_full']:.1f}×", TARGETS["core_vs_bs4"][0],
             verdict("core_vs_bs4", core["core_vs_bs4_full"])),
            ("Baseline B: BeautifulSoup per document + 4 fields (province, date, group, venue)",
             fmt(core["bs4_reports_per_s"], " reports/s"), "–", "–"),
            ("Core ÷ baseline B (the core extracts every field, B only four)", f"{core['core_vs_bs4']:.1f}×",
             TARGETS["core_vs_bs4"][0], verdict("core_vs_bs4", core["core_vs_bs4"]))]
    if e2e:
        rows += [(f"End to end `chuxin run`, {e2e['n']:,} reports", fmt(e2e["reports_per_s"], " reports/s")
                  + f" ({e2e['wall_s']:.0f} s, peak {e2e['peak_gb']:.2f} GB{at_peak(e2e)})",
                  TARGETS["e2e_reports_per_s"][0], verdict("e2e_reports_per_s", e2e["reports_per_s"])),
                 ("Orchestration overhead (Prefect flow vs same steps without Prefect)",
                  fmt(e2e.get("orchestration_overhead"), "%") + (f" ({e2e['wall_s']:.0f} s vs {e2e['bare_wall_s']:.0f} s)"
                                                                   if e2e.get("bare_wall_s") else ""),
                  TARGETS["orchestration_overhead"][0], verdict("orchestration_overhead", e2e.get("orchestration_overhead")))]
        if e2e.get("served_wall_s"):
            rows.append(("Orchestration overhead against an already running Prefect server (as under a "
                         "deployment; no temporary-server start-up)",
                         fmt(e2e["orchestration_overhead_served"], "%")
                         + f" ({e2e['served_wall_s']:.0f} s vs {e2e['bare_wall_s']:.0f} s)",
                         TARGETS["orchestration_overhead"][0],
                         verdict("orchestration_overhead", e2e["orchestration_overhead_served"])))
    if res.get("big"):
        b = res["big"]
        rows.append((f"{b['n']:,} reports, same steps without Prefect and without expectation suites "
                     "(benchmarks/bare.py --no-validate)",
                     f"{b['reports_per_s']:,.0f} reports/s ({b['wall_s']:.0f} s), peak {b['peak_gb']:.2f} GB",
                     TARGETS["e2e_reports_per_s"][0], verdict("e2e_reports_per_s", b["reports_per_s"])))
    if res.get("m1"):
        b = res["m1"]
        rows.append((f"{b['n']:,} reports end to end, `chuxin run` (Prefect, expectation suites), peak memory "
                     "of the whole process tree (flow, workers, Prefect server)",
                     f"peak {b['peak_gb']:.2f} GB{at_peak(b)}; {b['reports_per_s']:,.0f} reports/s ({b['wall_s']:.0f} s)",
                     TARGETS["e2e_1m_peak_gb"][0], verdict("e2e_1m_peak_gb", b["peak_gb"])))
        if b.get("bare_wall_s"):
            rows.append((f"Orchestration overhead at {b['n']:,} reports (same steps without Prefect)",
                         fmt(b["orchestration_overhead"], "%") + f" ({b['wall_s']:.0f} s vs {b['bare_wall_s']:.0f} s)",
                         TARGETS["orchestration_overhead"][0],
                         verdict("orchestration_overhead", b["orchestration_overhead"])))
    if not res.get("m1"):
        rows.append(("1,000,000 reports end to end, peak memory", "not run (set CHUXIN_BENCH_1M=1)",
                     TARGETS["e2e_1m_peak_gb"][0], "not run"))
    if res.get("noop"):
        nb = res["noop"]
        rows.append((f"No-op rerun over {nb['n']:,} unchanged files, `chuxin run` (checks before starting Prefect; "
                     "the run is recorded in `runs`)",
                     f"{nb['wall_s']:.1f} s (planning alone {nb['plan_run_s']:.1f} s)", TARGETS["noop_s"][0],
                     verdict("noop_s", nb["wall_s"])))
        if nb.get("flow_served_wall_s") is not None:
            rows.append((f"No-op rerun over {nb['n']:,} unchanged files through the Prefect flow against a running "
                         "server, as a deployment run (`chuxin run --force-flow`)",
                         f"{nb['flow_served_wall_s']:.1f} s", TARGETS["noop_s"][0],
                         verdict("noop_s", nb["flow_served_wall_s"])))
        if nb.get("bare_wall_s") is not None:
            rows.append((f"No-op rerun over {nb['n']:,} unchanged files, same steps without Prefect "
                         "(benchmarks/bare.py: plan + record the run)",
                         f"{nb['bare_wall_s']:.1f} s process wall ({nb['bare_in_process_s']:.1f} s after imports)",
                         TARGETS["noop_s"][0], verdict("noop_s", nb["bare_wall_s"])))
    for name, q in (res.get("queries") or {}).items():
        rows.append((f"Query on the {res['queries_on']} warehouse: {name}", f"{q['median_ms']:.0f} ms",
                     TARGETS["query_ms"][0], verdict("query_ms", q["median_ms"])))

    lines = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py`; do not edit by hand — rerun it (`make bench`).",
        "",
        f"- **Date:** {res['date']}",
        f"- **Command:** `{command}`",
        f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, {m['os']}, Python {m['python']}, "
        f"commit `{m['commit']}`; load average at start {', '.join(f'{x:.2f}' for x in m['load_avg_at_start'])}",
        "- **Noise:** this machine is shared with other developers' builds and tests, so numbers move by "
        "±20 % or more between runs; in-process numbers are medians of "
        f"{REPEAT} repetitions, end-to-end numbers at 100,000 reports medians of {E2E_RUNS} run(s) "
        "(Prefect, without Prefect and against a running server taking turns); the 1M run ran once.",
        f"- **Corpus:** `chuxin synth --seed {SEED}` (tasks/synth.py): realistic ~{core['mean_doc_bytes'] / 1024:.1f} KB "
        "reports of all 31 units, ~1 % broken files, 3 % other encodings.",
        "",
        "## Results",
        "",
        "| measurement | result | target | |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        "### Stages of the extraction core (one process, medians)",
        "",
        "| stage | reports/s |",
        "|---|---|",
        f"| synthetic generation, in memory | {core['synth_docs_per_s_in_memory']:,.0f} |",
        f"| read bytes → decode → title split (parse_source) | {core['read_decode_per_s']:,.0f} |",
        f"| clean_body | {core['clean_per_s']:,.0f} |",
        f"| extract | {core['extract_per_s']:,.0f} |",
        f"| clean + extract (the core) | {core['core_reports_per_s']:,.0f} |",
        f"| baseline A: BeautifulSoup + same extract | {core['bs4_full_reports_per_s']:,.0f} |",
        f"| baseline B: BeautifulSoup + 4 fields | {core['bs4_reports_per_s']:,.0f} |",
        "",
    ]
    if e2e:
        # Older results called the flow's start "server_up" (Prefect then logged its server start first).
        names = [{"server_up": "flow_started"}.get(k, k) for k in e2e["phases"]]
        lines += ["### End-to-end phases (seconds from the run log's first line, the flow's start; the process "
                  "start-up and the temporary server's start-up before it count in the wall time above)", "",
                  "| run | " + " | ".join(names) + " |", "|---|" + "---|" * len(names),
                  f"| `chuxin run` {e2e['n']:,} | " + " | ".join(str(v) for v in e2e["phases"].values()) + " |"]
        if e2e.get("bare_runs"):
            bp = e2e["bare_runs"][-1]["phases"]
            lines += ["", "Same steps without Prefect (benchmarks/bare.py; seconds per phase): "
                      + ", ".join(f"{k} {v:.1f}" for k, v in bp.items() if isinstance(v, (int, float))), ""]
        lines += ["Rows loaded: " + ", ".join(f"{k} {v:,}" for k, v in e2e["counts"].items()), ""]
    lines += [
        "## What the profile showed",
        "",
        f"cProfile of clean + extract over 2,000 reports ({core['profile_total_s']:.2f} s under the profiler), "
        "share of own time by module: " + ", ".join(f"{k} {v * 100:.0f} %" for k, v in
                                                     list(core["profile_by_module"].items())[:5]) + ".",
        "",
        "| function | calls | own time (s) | share |",
        "|---|---|---|---|",
        *[f"| `{r['function']}` | {r['calls']:,} | {r['tottime_s']} | {r['share'] * 100:.0f} % |" for r in core["profile_top"]],
        "",
        PROFILE_NOTES,
        "",
        "## How to run",
        "",
        "```",
        "make bench                                   # everything above but 1M (~10 min on 2 cores)",
        "CHUXIN_BENCH_1M=1 make bench                 # adds 1,000,000 reports (~16 GB under /tmp, +20-30 min)",
        "CHUXIN_BENCH_1M=1 CHUXIN_BENCH_1M_BARE=0 make bench   # 1M through chuxin run only (-8 min)",
        "CHUXIN_BENCH_N=2000 CHUXIN_BENCH_BIG=0 make bench   # a quick smoke pass",
        "```",
        "",
        "Scratch data go to `CHUXIN_BENCH_DIR` (default `/tmp/chuxin-bench`) and are deleted afterwards "
        "(`CHUXIN_BENCH_KEEP=1` keeps them). Machine-readable results: `benchmarks/results.json`.",
        "",
    ]
    OUT_MD.write_text("\n".join(lines), encoding="utf-8")


PROFILE_NOTES = """Findings, newest first (each profiled before optimising; "same output" means the 30,105-report
extraction dump, or the warehouse, compared byte for byte / row for row before and after):

- **Sixth round (Intel Xeon host, about 1.5× faster than the fifth round's: the core ran at
  ~7,000 reports/s, the 100,000-report run at ~2,900 reports/s before these changes):** the run's
  log timestamps against the steps without Prefect (`benchmarks/bare.py`) showed where Prefect's
  time went at 100,000 reports (~6 s in all):
  - Each flow run ended up to 1 s late: Prefect 3.8 joins a flow run's heartbeat thread at its end,
    and that thread sleeps in 1-s steps (extraction subflow: 0.95 s from its last batch to its end;
    outer flow: 0.75 s). The subflow now sends no heartbeats (its parent's cover it), nor does any
    flow run on `chuxin run`'s temporary server, which stops with the run: 0.29 and 0.07 s.
  - Prefect's `ProcessPoolTaskRunner` spawned fresh interpreters that each imported Prefect and ran
    its task engine: the first two batches finished ~1.6 s later than the next two, and the pool took
    ~0.4 s to shut down. The batches now run in processes that import only the extraction code
    (`flows/processes.py`), one Prefect task-run thread each: ~33.9 → ~31.9 s for the whole run
    (A/B, two runs each). Forking them from a fork server that had imported the extraction code
    was no faster (first batch 3.1 against 3.2 s after the subflow's start), and the server stayed
    alive with 80 MB through loading and validation (the 1M run's peak reached 1.97 GB): they are
    spawned. Like any spawned (or fork-server) process they import the parent's main module, which
    under a deployment is Prefect's engine (~1 s once per process, as before).
  - The temporary server's start-up (~2.6 s, of which ~1.7 s importing its own modules) is the
    longest part of start-up: the flow's process had imported what it needs ~1.9 s before the
    server answered, and then waited. It now imports Great Expectations in that wait (a thread),
    instead of during the load, where the import competed with DuckDB for both cores: the load and
    validation went from ~12.2 to ~10.9 s (A/B, 100,000 reports, three runs each). The steps
    without Prefect have no such wait and still import it during their load, so this gain is
    Prefect's run's own. Left: plan, manifest and subflow creation ~0.5 s; the process's exit
    (freeing its heap) ~0.7 s, as without Prefect.
  - Loading: `speeches` takes ~3 of the ~5.5 s at 100,000 reports; without FSST compression it
    would take ~1 s less but the warehouse would grow by ~80 % (306 → 550 MB of speeches per
    100,000 reports): kept. The staging Parquet's codec (zstd, lz4, snappy, none) changes a worker's
    time per report by under 1 %.
  - Reports × people at 1M: ~320 ms on the 84-byte `doc_id` on this host; on `doc_key`, a dense
    integer every document table now carries (assigned at load, kept while the document stays),
    ~130 ms: the benchmark query joins on it.

- **Fifth round, on a different host again (AMD EPYC; the 4-field BeautifulSoup baseline ran at
  1,404 reports/s, where the core measured 4,064: 2.9×, under the 3× target):**
  - Per stage, without a profiler (µs per report): clean 48, extract 210. In clean, the scraper's
    closing `</span></div>` went through two regexes; a `str.replace` now makes it a line end, and
    the regexes run only if markup is left (clean 48 → 33). In extract, every paragraph went through
    the speech-opening regex, which backtracks over 2-40 name characters; a paragraph whose first
    comma or colon does not follow a speech verb cannot open a speech, and is now skipped first.
    Property tests hold both short cuts to the general rules. Records became slotted dataclasses
    (~35 per report; +1-2 %). Same extraction dump (30,692 documents, markup variants included).
  - A worker spends ~450 µs of CPU per report: clean + extract ~250, reading and decoding ~80
    (UTF-8 decoding 14, the binary check 14, now 3 on the bytes), rows to Arrow ~35, Parquet ~25.
    100,000 reports on two workers therefore need ~22 s of extraction at best; loading (~8 s, half of
    it DuckDB compressing the 560 MB of speech text) and validation (~7 s) follow. 3,000 reports/s
    end to end (33 s in all) is out of reach without halving the extractor's work.
  - Validation: GX spends a fixed ~30 ms per expectation per chunk (rebuilding its configurations
    and metric graph, evaluating `row_condition` with pandas) besides the rows. Chunks are now
    sized in bytes (16 MB of Arrow data) instead of 25,000 rows, so the narrow datasets (people,
    agreement) take ~4× fewer chunks: 10.3 → ~8.5 s at 100,000 reports. 32 MB (7.2 s there) cut the
    1M run's load and validation from 272 to 152 s, but raised its peak to 1.96 GB (flow process
    1.73 GB, was 1.42): too close to the 2 GB target. Converting the Arrow-backed string columns to
    Python objects made GX slower (14.0 s), not faster.
  - No-op over 100,000 files: ~5.4 s, of which importing Prefect (and the flow module) before the
    check took ~1.5 s. The check and the plan now live in `tasks/planning.py`, which imports no
    framework, and `chuxin run` imports Prefect only when there is work: ~3 s.
  - Reports × people at 1M (on a 10× copy of the 100,000-report warehouse): the join on the 84-byte
    `doc_id` alone takes ~310 ms on two cores. A dense integer key assigned at load brings the
    whole query to ~210 ms (DuckDB's perfect hash join; a 64-bit hash of `doc_id` as key: 340 ms);
    ENUM types for province and role on top, to ~100 ms. Not done: ENUM columns would refuse a
    value outside the vocabulary at load time, where the expectations `province_in_31_units` and
    `role_in_vocabulary` are meant to flag it, and the key alone does not reach 200 ms.

- **Memory at 1,000,000 reports, each process sampled every 0.5 s** (the peak row above says where
  the peak was). Before this round: 3.03 GB, with the flow's process at 2.7 GB during loading and
  validation, 0.78 GB during extraction, each worker ~450 MB, Prefect's server ~0.25 GB:
  - The plan's per-file lists and stats (~400 MB at 1M files) lived through the whole run: Prefect
    keeps a task's result. They now go to a Parquet file once the batches are handed out
    (`Plan.spill`), and the load joins them with the batches' `files` parts inside DuckDB; building
    that 1M-row table in Arrow had cost ~0.7 GB during the load (`warehouse.ProcessedFiles`).
  - A worker held its whole batch (~45 KB per document) until writing; batches now stream row groups
    of 1,000 documents (`process.FLUSH_DOCS`), so a worker's memory no longer grows with its batch.
    The automatic batch cap went from 5,000 to 10,000 documents: half the Prefect task runs.
  - DuckDB's budget for a run went from 1 GB to 500 MB. At that limit the agreement check's full
    outer joins ran out of memory: it is now one grouping over both sides (UNION ALL), which DuckDB
    spills; the Parquet snapshot's speeches row groups (122k paragraphs, ~100 MB per writing
    thread) are now 32k rows. Validation chunks went from 50,000 to 25,000 rows (-0.2 GB, ~2 %
    slower at 1M). Checked on the 1M warehouse: validation alone went from 2.0 to 1.36 GB.
  - The first 1M run at 500 MB then ran out of memory in validation (a fresh process had passed:
    the margin was thin). Streaming each dataset at 200-350 MB found three things DuckDB could not
    spill: `any_value(doc_id)` in the agreement grouping (a string aggregate state), an ORDER BY
    inside each dataset's query sorted again by its reader, and the example lists
    (`list(… ORDER BY …)[1:3]` held every entry; `min_by(…, 3)` keeps three). Every dataset now
    streams at 300 MB, and the checked values are the same (cross-report dataset hashed before/after).
  - At 1M, 6,603 quarantine warnings outran the log's delivery to Prefect's server: the run ended
    with "Error logging to API". A run now names its first 20 quarantined files and counts the rest.
  - The slogan top-20 query counted `count(DISTINCT doc_id)` (2,189 ms at 1M); slogans hold one row
    per (doc_id, slogan) — a property test holds the extractor to it — so `count(*)` gives the same
    counts in ~25 ms. The view `v_slogans` counts the same way.
  - Reports × people at 1M: ~380 ms for a join of 1M reports with 5.5M people on an 84-byte string
    key, grouped with `count(DISTINCT name)`. An integer surrogate key measured 258 ms, still over;
    only a summary table maintained at load would answer it in milliseconds (not done).
- **Whole `chuxin run` at 100,000 reports, every process sampled with py-spy** (flow, process-pool
  workers, Prefect server), against `benchmarks/bare.py` (the same functions without Prefect):
  - Workers used 25 CPU-s each against 16.7 without Prefect. Per task run, Prefect's engine builds
    clients (three SSL contexts of ~15 ms each from the certifi bundle), hydrates settings and
    context, and reports states; with 2,000-document batches that was a third of a worker's CPU.
    Batches are now two per worker, 2,000-10,000 documents (`Settings.batch_size_for`): 17 CPU-s
    per worker.
  - Pausing the cyclic GC during a batch: ~15 % per batch. Its passes walked every object in the
    process — in a Prefect worker, Prefect's ~350k — and freed nothing.
  - Planning: `os.walk` + `pathlib` made three `stat` calls per file; `os.scandir` and reusing the
    listing's `stat`: 2.9 s → 1.25 s for 100,000 files.
  - Prefect's temporary server was started only when the flow was called, after the CLI's imports
    and after importing Prefect's server module in the flow's own process (1.5 s) just to launch
    it. `chuxin run` now launches the same command first thing (`chuxin/temp_server.py`). The
    very first run on a machine also creates Prefect's database (start-up ~10 s instead of ~3 s);
    the benchmark warms that up once before timing.
  - A no-op is now detected before Prefect starts (`planning.noop_before_prefect`, under the writer
    lock): 11.1 s → ~3 s over 100,000 unchanged files. A deployment run goes through the flow.
  - `tasks/extract.py` (cached name cuts, narrower host and venue scans, fewer passes in clean):
    +9 % clean + extract, same output.
- **At 1,000,000 reports** (the first `chuxin run` of that size failed):
  - The batches returned per-file Python lists (paths, doc_ids, hashes): about 1 GB in the flow's
    process, and 14 s for Prefect to walk them when the extraction subflow returned. They are now
    a `files` Parquet part per batch.
  - DuckDB's default buffer limit is 80 % of RAM; it became 1 GB (`CHUXIN_DUCKDB_MEMORY_LIMIT`;
    now 500 MB, see above), spilling beyond. Four data-quality queries then ran out of it (reproduced on a 10× copy of the
    100,000-report warehouse): ordered aggregates over ~1M groups, a per-report text naming every
    party secretary, and the agreement check's seven full outer joins sorted as one. Rewritten
    (same counts and checks; the texts name what a failure is about, at most 5 entries + "(+N more)")
    they stream within that limit.
- **Earlier** (first session): `str.translate` in `clean` (40 % of the core) now runs only on text
  with full-width digits; `dataclasses.asdict` in `schema.to_table` (45 % of a batch) replaced by
  `getattr`; a 4,096-character Python generator in the binary check replaced; batches travel to the
  extraction subflow in a manifest file (Prefect refuses parameters over 512 KB); process-pool
  workers report to the flow's server instead of each starting one (~10 s); the per-file plan and
  batch results are passed to tasks opaque (Prefect walked and hashed them: ~10 s at 100,000);
  cross-report observed values grew with the square of the corpus (1.6 GB at 20,000 reports) and
  are bounded; validation reads only the columns a suite needs, in 50,000-row chunks that never
  split a document (20,000 reports: 50 s and 7.6 GB → 2.5 s and 0.74 GB); `sources` and
  `dq_failures` go in as Arrow tables instead of `executemany` (18 s at 20,000).
- **Still open:** what Prefect adds per run is now mostly fixed: the temporary server's start-up
  (~2.6 s, overlapped with imports and the no-op check), per-task-run client set-up, and draining
  logs and stopping the server at the end. It
  weighs less as runs grow (see the 1,000,000-report row). Beyond that, the remaining time is
  extraction itself and DuckDB/GX work in the flow's process."""


def main() -> int:
    if "--report-only" in sys.argv:  # rewrite BENCHMARKS.md from benchmarks/results.json, no measuring
        res = json.loads(OUT_JSON.read_text(encoding="utf-8"))
        write_report(res, res.get("command", ".venv/bin/python -m benchmarks.run"))
        return 0
    command = " ".join(["make bench" if os.environ.get("MAKELEVEL") else f"{Path(sys.executable).relative_to(ROOT) if str(sys.executable).startswith(str(ROOT)) else sys.executable} -m benchmarks.run"]
                       + [f"{k}={os.environ[k]}" for k in ("CHUXIN_BENCH_N", "CHUXIN_BENCH_1M", "CHUXIN_BENCH_1M_BARE",
                                                            "CHUXIN_BENCH_REPEAT", "CHUXIN_BENCH_E2E_RUNS") if k in os.environ])
    SCRATCH.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(SCRATCH).free / 2**30
    need = (max(N_E2E, N_BIG) * 8.5e3 * 2.2 + (1e6 * 8.5e3 * 2.2 if RUN_1M else 0)) / 2**30
    if free < need:
        log(f"only {free:.0f} GB free under {SCRATCH}, about {need:.0f} GB needed; set CHUXIN_BENCH_DIR")
        return 2
    res: dict = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine(),
                 "settings": {"n_e2e": N_E2E, "n_big": N_BIG, "run_1m": RUN_1M, "repeat": REPEAT, "e2e_runs": E2E_RUNS, "seed": SEED}}
    res["command"] = command
    try:
        log("extraction core")
        res["core"] = bench_core()
        log("warming up Prefect's home (its first run creates the database)")
        res["prefect_first_run_s"] = warm_prefect_home()
        if N_E2E:
            res["e2e"] = bench_e2e(N_E2E, f"{N_E2E // 1000}k", with_bare=True)
            log("no-op rerun")
            res["noop"] = {"n": N_E2E, **bench_noop(SCRATCH / f"raw-{N_E2E // 1000}k", SCRATCH / f"data-{N_E2E // 1000}k")}
            res["queries"], res["queries_on"] = bench_queries(SCRATCH / f"data-{N_E2E // 1000}k"), f"{N_E2E:,}-report"
            shutil.rmtree(SCRATCH / f"raw-{N_E2E // 1000}k", ignore_errors=True)
            shutil.rmtree(SCRATCH / f"data-{N_E2E // 1000}k", ignore_errors=True)
        for n, key, wanted in ((N_BIG, "big", bool(N_BIG)), (1_000_000, "m1", RUN_1M)):
            if not wanted:
                continue
            tag = f"{n // 1000}k" + ("-nogx" if key == "big" else "")
            raw = SCRATCH / f"raw-{tag}"
            log(f"{tag}: writing {n} synthetic reports")
            t_synth = synth(n, raw)
            data = SCRATCH / f"data-{tag}"
            shutil.rmtree(data, ignore_errors=True)
            if key == "m1":  # the real command, Prefect and expectation suites included
                log(f"{tag}: chuxin run")
                run = chuxin_run(raw, data, tag)
                run["phases"] = phases(SCRATCH / f"{tag}.log")
                if RUN_1M_BARE:
                    shutil.rmtree(SCRATCH / f"data-{tag}-bare", ignore_errors=True)
                    log(f"{tag}: same steps without Prefect")
                    bare = bare_run(raw, SCRATCH / f"data-{tag}-bare", f"{tag}-bare")
                    run["bare_wall_s"] = bare["wall_s"]
                    run["orchestration_overhead"] = run["wall_s"] / bare["wall_s"] - 1
                    shutil.rmtree(SCRATCH / f"data-{tag}-bare", ignore_errors=True)
            else:
                log(f"{tag}: pipeline without Prefect and without expectation suites")
                run = bare_run(raw, data, tag, "--no-validate")
            res[key] = {"n": n, "synth_s": t_synth, "synth_files_per_s": n / t_synth if t_synth else None, **run,
                        "reports_per_s": n / run["wall_s"], "counts": warehouse_counts(data)}
            res["queries"], res["queries_on"] = bench_queries(data), f"{n:,}-report"
            shutil.rmtree(raw, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
    finally:
        OUT_JSON.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        if not KEEP:
            shutil.rmtree(SCRATCH, ignore_errors=True)
    write_report(res, command)
    log(f"wrote {OUT_MD} and {OUT_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
