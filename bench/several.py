"""Cold loads of a large fact base, one file or many, serial and in parallel; and edit-to-answer.

    .venv/bin/python bench/gen.py --entities 100000 --out bench/out/facts-100k.yaml
    .venv/bin/python bench/gen.py --split bench/out/facts-100k.yaml --files 100 --out bench/out/facts-100k-100files
    .venv/bin/python bench/several.py --single bench/out/facts-100k.yaml --folder bench/out/facts-100k-100files
    .venv/bin/python bench/several.py --single bench/out/facts-1m.yaml --folder bench/out/facts-1m-1000files --skip-single

Each row is a fresh process with a private, empty cache directory (cold) or the one the row
before it filled (warm, edit), timed by wall clock; peak memory is the largest sum of the
proportional set sizes of the process and its workers (shared pages counted once), sampled
every 20 ms from /proc. libyaml's bare
event stream over the single file (PyYAML's C parser, nothing built) is the floor any loader
built on it pays. The edit row changes one entity's summary in one file of the folder, then
times the next ``who`` (the file is put back afterwards). Then warm ``who`` (median of 7 whole
processes) and a batch ``who -`` over the bench's queries (``*.queries.txt`` beside the single
file) on the folder. ``--skip-single`` leaves out the single file's cold loads and the folder's
serial one (at 1M they take minutes).
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

FACTCLI = [sys.executable, "-m", "factcli"]


def _pss_kb(pid: int) -> int:
    """A process's proportional set size (kB): pages it shares with others (a forked worker shares the
    parent's copy of the fact file) counted once between them, not once per process as VmRSS counts."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kb(root: int) -> int:
    """The memory of ``root`` and its descendants (kB, proportional set sizes summed), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo.extend(children.get(pid, []))
    return total


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak MB of the process tree, exit status."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - started
    if process.returncode not in (0, 1, 3):
        raise SystemExit(f"{args}: exit {process.returncode}: {process.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
    return wall, peak / 1024, process.returncode


def floor(single: Path) -> float:
    """Seconds for libyaml's bare event stream over the file."""
    code = (
        "import sys, time, yaml; data = open(sys.argv[1], 'rb').read(); t = time.perf_counter()\n"
        "for _ in yaml.parse(data, Loader=yaml.CSafeLoader): pass\n"
        "print(time.perf_counter() - t)"
    )
    return float(
        subprocess.run([sys.executable, "-c", code, str(single)], capture_output=True, text=True, check=True).stdout
    )


def cold(base: Path, jobs: int, query: str, env: dict[str, str]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as directory:
        wall, peak, _ = run(
            [*FACTCLI, "--jobs", str(jobs), "--facts", str(base), "who", query, "-f", "json"],
            {**env, "FACTCLI_CACHE_DIR": directory},
        )
    return wall, peak


def edit_to_answer(folder: Path, query: str, env: dict[str, str], jobs: int) -> dict[str, float]:
    """Cold load, then one entity edited in one file, then the next ``who`` and a warm one."""
    files = sorted(folder.glob("entities-*.yaml"))
    target = files[len(files) // 2]
    original = target.read_bytes()
    with tempfile.TemporaryDirectory() as directory:
        env = {**env, "FACTCLI_CACHE_DIR": directory}
        command = [*FACTCLI, "--jobs", str(jobs), "--facts", str(folder), "who", query, "-f", "json"]
        run(command, env)
        time.sleep(2.5)  # files younger than 2 s are hashed again on every open (racy timestamps)
        run(command, env)
        try:
            target.write_bytes(original.replace(b"    summary: ", b"    summary: Edited. ", 1))
            edit, edit_peak, _ = run(command, env)
            after, _, _ = run(command, env)
        finally:
            target.write_bytes(original)
    return {"edit_to_answer_s": edit, "edit_peak_mb": edit_peak, "next_warm_s": after, "file": target.name}


def warm_and_batch(
    base: Path, query: str, queries: Path | None, env: dict[str, str], runs: int = 7
) -> dict[str, object]:
    """Warm ``who`` (whole processes, after one that fills the cache) and a batch over the bench's queries."""
    with tempfile.TemporaryDirectory() as directory:
        env = {**env, "FACTCLI_CACHE_DIR": directory}
        command = [*FACTCLI, "--facts", str(base), "who", query, "-f", "json"]
        run(command, env)
        time.sleep(2.5)  # (files younger than 2 s are hashed again on every open)
        run(command, env)
        walls = sorted(run(command, env)[:2] for _ in range(runs))
        out: dict[str, object] = {
            "warm_median_s": walls[len(walls) // 2][0],
            "warm_min_s": walls[0][0],
            "warm_peak_mb": walls[-1][1],
        }
        if queries is not None and queries.is_file():
            count = sum(1 for line in queries.read_text(encoding="utf-8").splitlines() if line.strip())
            batch = [*FACTCLI, "--facts", str(base), "who", "-", "-f", "jsonl"]
            started = time.perf_counter()
            with open(queries, "rb") as feed:
                process = subprocess.run(
                    batch, stdin=feed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
                )
            wall = time.perf_counter() - started
            out.update(batch_queries=count, batch_s=wall, batch_q_per_s=count / wall, batch_exit=process.returncode)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=Path, required=True, help="the fact base as one file")
    parser.add_argument("--skip-single", action="store_true", help="time only libyaml over the single file")
    parser.add_argument("--folder", type=Path, help="the same fact base as a folder of files (bench/gen.py --split)")
    parser.add_argument("--query", default=None, help="the name looked up (default: the first bench query)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "several.json")
    args = parser.parse_args()
    query = args.query
    if query is None:
        queries = args.single.with_suffix(".queries.txt")
        query = queries.read_text(encoding="utf-8").splitlines()[0] if queries.is_file() else "Jenkins"
    env = {**os.environ, "FACTCLI_MAX_BYTES": str(4 << 30), "FACTCLI_PAGER": "cat"}
    results: dict[str, object] = {"single": str(args.single), "query": query, "cpus": os.cpu_count()}
    results["libyaml_events_s"] = floor(args.single)
    queries = args.single.with_suffix(".queries.txt")
    if not args.skip_single:
        for jobs in (1, args.jobs):
            results[f"single_cold_jobs{jobs}"] = cold(args.single, jobs, query, env)
    if args.folder is not None:
        results["folder"] = str(args.folder)
        for jobs in (1, args.jobs) if not args.skip_single else (args.jobs,):
            results[f"folder_cold_jobs{jobs}"] = cold(args.folder, jobs, query, env)
        results["edit"] = edit_to_answer(args.folder, query, env, args.jobs)
        results["folder_warm"] = warm_and_batch(args.folder, query, queries, env)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
