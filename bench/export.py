"""How long a records export of a large workspace takes, and how much memory it needs, next to a
plain dump of the same tables in the same run.

    python -m bench.export [--database sqlite|postgresql|both] [--regenerate]

The workspace is `bench.digest_compose`'s data set: 1,000 parties, 100,000 issues and 1,000,000
interactions (same generator and seed). The SQLite file is cached under /tmp (made again with
--regenerate) and migrated to the newest schema when opened; PostgreSQL gets a fresh database on
the server at BRM_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test),
loaded with COPY and dropped at the end.

What is timed, each in a fresh child process so that its peak RSS is its own:
- export: `bot.records.export.run_export` for the whole workspace, as `/brm export` and
  `python app.py export` run it: CSV and JSON for every record type, manifest, into a zip on /tmp;
- floor: the same three tables dumped plainly, `sqlite3 FILE ".dump party interaction issue"` into a
  file on SQLite, `COPY ... TO STDOUT (FORMAT csv)` into a file through psycopg on PostgreSQL.
Wall time and peak RSS (the child's VmHWM) are printed side by side, with the ratio. Targets:
the export within 3x the floor's time, peak RSS under 200 MB. Figures from one run on one machine,
not a test; on a shared machine the wall time also counts waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.digest_compose import INTERACTIONS, ISSUES, NOW, PARTIES, TEAM, postgres_db, sqlite_db
from storage.db import migrate

# Apart from the other benchmarks' files: this one is migrated to the newest schema on open.
SQLITE_CACHE = Path("/tmp/brm-bench-export-v1.db")
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TABLES = ("party", "interaction", "issue")
TARGET_RATIO = 3.0
TARGET_RSS_MB = 200.0


# --------------------------------------------------------------------------- in the child process


def child_export(url: str, out: Path) -> dict[str, float]:
    from bot.clock import FrozenClock
    from bot.records.export import ExportPlan, run_export
    from storage.db import Database
    from storage.records_export_queries import ExportFilter

    db = Database.from_url(url, clock=FrozenClock(NOW))
    plan = ExportPlan(ExportFilter(), {"as_written": ""}, ("csv", "json"), "every record")
    before = _rss_mb()
    started = time.perf_counter()
    with out.open("wb") as stream:
        manifest = run_export(
            db, plan, team_id=TEAM, enterprise_id=None, requested_by="bench", requested_at=NOW, out=stream
        )
    seconds = time.perf_counter() - started
    db.dispose()
    rows = {f.record_type: f.rows for f in manifest.files}
    assert rows["interactions"] == INTERACTIONS and rows["issues"] == ISSUES and rows["parties"] == PARTIES
    return {"seconds": seconds, "rss_before_mb": before, "bytes": out.stat().st_size}


def child_copy(url: str, out: Path) -> dict[str, float]:
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    started = time.perf_counter()
    with psycopg.connect(plain) as connection, connection.cursor() as cursor, out.open("wb") as file:
        for table in TABLES:
            with cursor.copy(
                f"COPY (SELECT * FROM {table} WHERE team_id = '{TEAM}') TO STDOUT (FORMAT csv)"
            ) as copy:
                for chunk in copy:
                    file.write(chunk)
    return {"seconds": time.perf_counter() - started, "bytes": out.stat().st_size}


def _rss_mb(pid: int | str = "self") -> float | None:
    """The peak resident set of a process so far (VmHWM), in MB; None once it has exited.

    Not `ru_maxrss`: a child started from a big parent inherits the parent's high-water mark."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # A process that has exited but not been reaped (a zombie) has no memory lines left.
    kilobytes = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return int(kilobytes) / 1024 if kilobytes is not None else None


def child_main(kind: str, url: str, out: str) -> None:
    result = child_export(url, Path(out)) if kind == "export" else child_copy(url, Path(out))
    result["peak_rss_mb"] = _rss_mb()
    print(json.dumps(result))


# --------------------------------------------------------------------------- in the parent


def _run_child(arguments: list[str]) -> tuple[dict[str, float], float]:
    """Run a Python child; what it printed (JSON) and the peak RSS it measured of itself, in MB."""
    done = subprocess.run(arguments, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{arguments[:5]} failed:\n{done.stderr}")
    result = json.loads(done.stdout)
    return result, result["peak_rss_mb"]


def _run_watched(arguments: list[str], out: Path) -> tuple[float, float]:
    """Run a program writing to `out`; its wall time and peak RSS (read from /proc as it runs)."""
    with out.open("wb") as stream:
        started = time.perf_counter()
        process = subprocess.Popen(arguments, stdout=stream)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _rss_mb(process.pid) or 0.0)
            time.sleep(0.02)
        seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{arguments[0]} failed")
    return seconds, peak


def measure(name: str, url: str, sqlite_file: Path | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="brm-bench-export-") as folder:
        zip_path = Path(folder) / "export.zip"
        exported, export_rss = _run_child(
            [sys.executable, "-m", "bench.export", "--child", "export", url, str(zip_path)]
        )
        dump_path = Path(folder) / "floor.out"
        if sqlite_file is not None:
            seconds, floor_rss = _run_watched(
                ["sqlite3", str(sqlite_file), f".dump {' '.join(TABLES)}"], dump_path
            )
            floor = {"seconds": seconds, "bytes": dump_path.stat().st_size}
            floor_name = "sqlite3 .dump"
        else:
            floor, floor_rss = _run_child(
                [sys.executable, "-m", "bench.export", "--child", "copy", url, str(dump_path)]
            )
            floor_name = "COPY TO STDOUT"
    return {
        "database": name,
        "export_s": exported["seconds"],
        "export_rss": export_rss,
        "rss_before": exported.get("rss_before_mb", 0.0),
        "zip_mb": exported["bytes"] / 1e6,
        "floor": floor_name,
        "floor_s": floor["seconds"],
        "floor_rss": floor_rss,
        "floor_mb": floor["bytes"] / 1e6,
    }


def report(results: list[dict[str, object]]) -> None:
    print(
        f"\nexport of {PARTIES:,} parties, {ISSUES:,} issues, {INTERACTIONS:,} interactions "
        f"(CSV + JSON + manifest, zipped), next to a plain dump of the same tables\n"
    )
    print(f"{'database':<11}{'what':<16}{'wall s':>9}{'peak RSS MB':>13}{'output MB':>11}")
    for r in results:
        print(
            f"{r['database']:<11}{'export':<16}{r['export_s']:9.1f}{r['export_rss']:13.0f}{r['zip_mb']:11.0f}"
        )
        print(f"{'':<11}{r['floor']:<16}{r['floor_s']:9.1f}{r['floor_rss']:13.0f}{r['floor_mb']:11.0f}")
        ratio = float(r["export_s"]) / float(r["floor_s"])  # type: ignore[arg-type]
        time_ok = "meets" if ratio <= TARGET_RATIO else "MISSES"
        rss_ok = "meets" if float(r["export_rss"]) < TARGET_RSS_MB else "MISSES"  # type: ignore[arg-type]
        print(f"{'':<11}export / floor: {ratio:.1f}x ({time_ok} the {TARGET_RATIO:.0f}x target)")
        print(
            f"{'':<11}peak RSS {rss_ok} the {TARGET_RSS_MB:.0f} MB target "
            f"(the process held {r['rss_before']:.0f} MB before the export began)"
        )
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "URL", "OUT"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child_main(*arguments.child)
        return
    results = []
    if arguments.database in ("sqlite", "both"):
        db = sqlite_db(arguments.regenerate, path=SQLITE_CACHE)
        migrate(db.engine)
        db.dispose()
        results.append(measure("SQLite", f"sqlite:///{SQLITE_CACHE}", SQLITE_CACHE))
    if arguments.database in ("postgresql", "both"):
        db, drop = postgres_db(os.environ.get("BRM_BENCH_POSTGRES_URL", DEFAULT_PG_ADMIN_URL))
        try:
            url = db.engine.url.render_as_string(hide_password=False)
            db.dispose()
            results.append(measure("PostgreSQL", url, None))
        finally:
            drop()
    report(results)


if __name__ == "__main__":
    main()
