"""factcli's speed and scale benchmark (a script, not a test; the test suite never runs it).

    .venv/bin/pip install -e '.[bench]'      # Faker, for the synthetic names
    apt-get install hyperfine jq yq          # the side-by-side tools (yq: the Python one)
    .venv/bin/python bench/run.py --sizes 1k,100k
    .venv/bin/python bench/run.py --sizes 1k,10k,100k,1m --exhaustive 100

For each size it generates (once; kept in bench/out/) a fact base in factcli's own schema with
that many entities and five cited claims each, plus perturbed name queries with known answers
(bench/gen.py), then measures, each in fresh processes with a private cache directory:

* cold load: the first ``who`` on the file (parse, validate, index, write the cache) and its peak RSS;
* warm ``who``: hyperfine, whole process, cache warm;
* batch: ``who - --format jsonl`` over the query file, queries per second including start-up;
* per-query match time and top-1 accuracy, in one process: the index vs the exhaustive scan
  (same scorer; the exhaustive scan on the first ``--exhaustive`` queries only, as it is slow);
* peak memory of the warm runs.

On the shipped fact base it also times side by side, in one hyperfine run: ``factcli who
Jenkins`` (JSON and table), jq and yq doing the same exact lookup, and the framework floor (a
minimal Typer app printing the same JSON, or a Rich table: bench/floor_app.py). Results go to
stdout as Markdown and to bench/out/results.json. Fact files over 256 MiB need the loader's cap
raised: the bench sets FACTCLI_MAX_BYTES for its own processes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PYTHON = sys.executable
FACTCLI = [PYTHON, "-c", "import sys; from factcli.cli import main; sys.argv[0] = 'factcli'; main()"]


def factcli_command() -> list[str]:
    """The installed console script when there is one (what users run), else python -c."""
    script = Path(PYTHON).with_name("factcli")
    return [str(script)] if script.is_file() else FACTCLI


def run_measured(args: list[str], env: dict[str, str], stdin: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB and exit status of one process."""
    started = time.perf_counter()
    with open(stdin or os.devnull, "rb") as feed:
        process = subprocess.Popen(args, stdin=feed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, process.returncode


def hyperfine(
    commands: dict[str, str], env: dict[str, str], runs: int, warmup: int = 3, rounds: int = 1
) -> dict[str, dict[str, float]]:
    """Median/mean/stddev/min in ms per named command, from hyperfine (whole processes).

    With ``rounds`` > 1 the commands are timed in that many hyperfine runs, each command's
    runs split between them and the order rotated, and the times pooled: on a shared machine
    a burst of someone else's work then falls on every command alike, not on whichever ran then.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for turn in range(rounds):
        order = names[turn % len(names) :] + names[: turn % len(names)]
        with tempfile.NamedTemporaryFile(suffix=".json") as export:
            args = [
                "hyperfine",
                "-N",
                "--style",
                "none",
                "--warmup",
                str(warmup),
                "--runs",
                str(max(2, -(-runs // rounds))),
                "--ignore-failure",
                "--export-json",
                export.name,
            ]
            for name in order:
                args += ["-n", name, commands[name]]
            subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
            for result in json.loads(Path(export.name).read_text())["results"]:
                times[result["command"]].extend(result["times"])
    return {
        name: {
            "median": statistics.median(t) * 1e3,
            "mean": statistics.mean(t) * 1e3,
            "stddev": (statistics.stdev(t) if len(t) > 1 else 0.0) * 1e3,
            "min": min(t) * 1e3,
            "runs": len(t),
        }
        for name, t in times.items()
    }


def machine() -> dict[str, str]:
    import rapidfuzz
    import typer
    import yaml

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        memory = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass

    def version(*command: str) -> str:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "absent"

    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "typer": typer.__version__,
        "rapidfuzz": rapidfuzz.__version__,
        "pyyaml": f"{yaml.__version__} ({'libyaml C loader' if getattr(yaml, '__with_libyaml__', False) else 'pure Python'})",
        "hyperfine": version("hyperfine", "--version"),
        "jq": version("jq", "--version"),
        "yq": version("yq", "--version"),
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


# -- the shipped fact base against the tools ------------------------------------------------------------
def tools(env: dict[str, str], runs: int, work: Path) -> dict[str, dict[str, float]]:
    import yaml

    facts = ROOT / "facts.yaml"
    as_json = work / "facts.json"
    with facts.open(encoding="utf-8") as handle:  # every scalar a string, as factcli reads them
        as_json.write_text(json.dumps(yaml.load(handle, Loader=yaml.BaseLoader)), encoding="utf-8")
    cmd = " ".join(shlex.quote(part) for part in factcli_command())
    answer = work / "jenkins.json"
    with answer.open("wb") as out:
        subprocess.run([*factcli_command(), "who", "Jenkins", "--format", "json"], stdout=out, env=env, check=True)
    select = '.entities[] | select(.id == "charles-robert-jenkins")'
    floor = f"{shlex.quote(PYTHON)} {shlex.quote(str(BENCH / 'floor_app.py'))} {shlex.quote(str(answer))} Jenkins"
    commands = {
        "factcli who Jenkins --format json": f"{cmd} who Jenkins --format json",
        "factcli who Jenkins (table, piped)": f"{cmd} who Jenkins",
        "yq (select the entity, YAML)": f"yq {shlex.quote(select)} {shlex.quote(str(facts))}",
        "jq (select the entity, JSON)": f"jq {shlex.quote(select)} {shlex.quote(str(as_json))}",
        "floor: minimal Typer app, JSON": f"{floor} --format json",
        "floor: minimal Typer app, Rich table": f"{floor} --format table",
        "python -c pass": f"{shlex.quote(PYTHON)} -c pass",
        "factcli --version": f"{cmd} --version",
    }
    available = {name: c for name, c in commands.items() if shutil.which(c.split()[0]) or c.startswith("/")}
    results = hyperfine(available, env, runs, rounds=5)
    if shutil.which("script"):  # a terminal: factcli draws its table with Rich there
        tty = {
            "tty: factcli who Jenkins (Rich table)": f"script -qec {shlex.quote(cmd + ' who Jenkins')} /dev/null",
            "tty: floor, Rich table": f"script -qec {shlex.quote(floor + ' --format table')} /dev/null",
            "tty: yq": f"script -qec {shlex.quote('yq ' + shlex.quote(select) + ' ' + str(facts))} /dev/null",
        }
        results.update(hyperfine(tty, {**env, "COLUMNS": "100", "TERM": "xterm"}, runs, rounds=5))
    return results


# -- one synthetic size ---------------------------------------------------------------------------------
def ensure_base(size: str, out: Path, queries: int) -> Path:
    facts = out / f"facts-{size}.yaml"
    if not facts.is_file() or not facts.with_suffix(".queries.tsv").is_file():
        print(f"  generating {facts.name} ...", file=sys.stderr, flush=True)
        subprocess.run(
            [
                PYTHON,
                str(BENCH / "gen.py"),
                "--entities",
                str(SIZES[size]),
                "--out",
                str(facts),
                "--queries",
                str(queries),
            ],
            check=True,
        )
    return facts


def read_queries(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, expected, kind = line.split("\t")
            rows.append((text, expected, kind))
    return rows


def measure_size(
    size: str, out: Path, env: dict[str, str], runs: int, exhaustive: int, queries: int, scan: int | None = None
) -> dict:  # type: ignore[type-arg]
    facts = ensure_base(size, out, queries)
    query_file = facts.with_suffix(".queries.tsv")
    rows = read_queries(query_file)
    plain = out / f"facts-{size}.queries.txt"
    plain.write_text("".join(f"{text}\n" for text, _, _ in rows), encoding="utf-8")
    cache_dir = Path(tempfile.mkdtemp(prefix=f"factcli-bench-{size}-"))
    env = {**env, "FACTCLI_CACHE_DIR": str(cache_dir), "FACTCLI_MAX_BYTES": str(1 << 40)}
    result: dict = {
        "size": size,
        "entities": SIZES[size],
        "file_mb": facts.stat().st_size / 2**20,  # type: ignore[type-arg]
        "queries": len(rows),
    }
    probe = rows[0][0]
    who = [*factcli_command(), "--facts", str(facts), "who", probe, "--format", "json"]
    try:
        print(f"  {size}: cold load ...", file=sys.stderr, flush=True)
        result["cold_s"], result["cold_peak_mb"], _ = run_measured(who, env)
        result["cache_mb"] = sum(p.stat().st_size for p in cache_dir.glob("*.cache")) / 2**20
        # the cache stores the digest only for a file hashed >= 2 s after its last change; the
        # generated file is older than that, so the second run already skips the hashing
        run_measured(who, env)
        print(f"  {size}: warm who (hyperfine) ...", file=sys.stderr, flush=True)
        command = " ".join(shlex.quote(part) for part in who)
        result["warm_who_ms"] = hyperfine({"who": command}, env, runs, warmup=2)["who"]
        _, result["warm_peak_mb"], _ = run_measured(who, env)
        print(f"  {size}: batch ...", file=sys.stderr, flush=True)
        batch = [*factcli_command(), "--facts", str(facts), "who", "-", "--format", "jsonl"]
        walls, peaks = [], []
        for _ in range(3):
            wall, peak, _ = run_measured(batch, env, stdin=plain)
            walls.append(wall)
            peaks.append(peak)
        result["batch_s"] = statistics.median(walls)
        result["batch_qps"] = len(rows) / result["batch_s"]
        result["batch_peak_mb"] = max(peaks)
        print(f"  {size}: match time and accuracy ...", file=sys.stderr, flush=True)
        inner = subprocess.run(
            [
                PYTHON,
                str(Path(__file__)),
                "--inner",
                str(facts),
                "--exhaustive",
                str(exhaustive),
                *(["--scan", str(scan)] if scan is not None else []),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        result.update(json.loads(inner.stdout.strip().splitlines()[-1]))
        if SIZES[size] <= 100_000:  # the 1M breakdown would take as long as its cold load again
            print(f"  {size}: cold load, stage by stage ...", file=sys.stderr, flush=True)
            stages = subprocess.run(
                [PYTHON, str(Path(__file__)), "--inner-cold", str(facts)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            result["cold_stages"] = json.loads(stages.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
    return result


def inner_cold(facts: Path) -> None:
    """Where a cold load's time goes, stage by stage, next to libyaml's own floor."""
    import tempfile as temporary

    import yaml

    from factcli import cache, store
    from factcli.check import EntityStream, validate
    from factcli.index import NameIndex
    from factcli.load import decode, parse_tree, read_bytes

    stages: dict[str, float] = {}
    started = time.perf_counter()
    data = read_bytes(facts)
    text = decode(data, str(facts))
    stages["read_decode_s"] = time.perf_counter() - started
    started = time.perf_counter()
    for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
        pass
    stages["libyaml_events_s"] = time.perf_counter() - started
    if len(data) < 20 << 20:  # PyYAML's own C-accelerated load (libyaml + its Python constructor): slow
        started = time.perf_counter()
        yaml.load(text, Loader=yaml.CSafeLoader)
        stages["pyyaml_csafeloader_s"] = time.perf_counter() - started
    started = time.perf_counter()
    tree, _ = parse_tree(text, str(facts), on_entity=EntityStream(str(facts), store._compress))
    stages["parse_tree_s"] = time.perf_counter() - started  # each entity checked and kept as it closes
    started = time.perf_counter()
    checked, problems = validate(tree, str(facts), keep=store._compress)
    stages["validate_s"] = time.perf_counter() - started
    assert checked is not None and not problems, problems[:3]
    del tree
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    entities = store.Entities(list(checked.entities), store._Compressed(list(checked.entities.values())))
    started = time.perf_counter()
    index = NameIndex.build(entities.kinds_and_labels())
    stages["index_s"] = time.perf_counter() - started
    with temporary.TemporaryDirectory() as work:
        started = time.perf_counter()
        cache.write(
            Path(work) / "x.cache",
            digest=digest,
            layout=store.LAYOUT,
            index=index,
            ids=entities,
            records=entities.records(),
            sources=(),
        )
        stages["cache_write_s"] = time.perf_counter() - started
    print(json.dumps(stages))


SCAN_CANDIDATES = 10  # the WRatio scan's candidates: its best distinct entities, as many as ``who`` lists


def answered(answer) -> tuple[str | None, list[str]]:  # type: ignore[no-untyped-def]
    """What a script reading ``who --format json`` gets: the first match's id when the answer is
    confident (exit 0; None for a tie, exit 3, or a miss, exit 1), and every id the list shows."""
    shown = [match.entity.id for match in answer.matches]
    return (shown[0] if shown and not answer.ambiguous else None), shown


def rates(outcomes: list[tuple[str, str, str | None, list[str]]]) -> dict:  # type: ignore[type-arg]
    """Precision of confident answers and candidate recall, over ``(kind, expected, confident, shown)``,
    with the failures counted per perturbation kind: a wrong confident answer, the expected
    entity not shown at all (a miss), or shown only among tied or further candidates."""
    confident = [(expected, first) for _, expected, first, _ in outcomes if first is not None]
    right = sum(first == expected for expected, first in confident)
    shown = sum(expected in ids for _, expected, _, ids in outcomes)
    by_kind: dict[str, dict[str, int]] = {}
    for kind, expected, first, ids in outcomes:
        counts = by_kind.setdefault(kind, {"queries": 0, "confident": 0, "wrong": 0, "not_shown": 0, "tie_shown": 0})
        counts["queries"] += 1
        counts["confident"] += first is not None
        counts["wrong"] += first is not None and first != expected
        counts["not_shown"] += expected not in ids
        counts["tie_shown"] += first is None and expected in ids
    return {
        "queries": len(outcomes),
        "confident": len(confident),
        "right": right,
        "precision": right / max(len(confident), 1),
        "candidate_recall": shown / max(len(outcomes), 1),
        "ties": sum(1 for _, _, first, ids in outcomes if first is None and ids),  # exit 3
        "misses": sum(1 for *_, ids in outcomes if not ids),  # exit 1
        "by_kind": dict(sorted(by_kind.items())),
    }


def wratio_scan(catalog, kinds: tuple[str, ...], rows: list[tuple[str, str, str]]) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """A plain rapidfuzz scan: ``WRatio`` of the query against every label (name and aliases) of
    ``kinds``, both through rapidfuzz's ``default_process`` (the labels once, up front). Its
    confident answer is its best label's entity (it always answers); its candidates, its best
    ``SCAN_CANDIDATES`` distinct entities."""
    from rapidfuzz import fuzz, process, utils

    index = catalog.index
    labels, owners = [], []
    for ordinal in index.ordinals_of_kinds(kinds):
        for label in index.labels(ordinal):
            labels.append(utils.default_process(label))
            owners.append(ordinal)
    enough = 4 * SCAN_CANDIDATES  # labels to take for that many distinct entities (an entity has a few)
    times, outcomes = [], []
    for text, expected, kind in rows:
        started = time.perf_counter()
        hits = process.extract(utils.default_process(text), labels, scorer=fuzz.WRatio, processor=None, limit=enough)
        best = list(dict.fromkeys(owners[i] for _, _, i in hits))[:SCAN_CANDIDATES]
        times.append(time.perf_counter() - started)
        shown = [catalog.entity_at(ordinal).id for ordinal in best]
        outcomes.append((kind, expected, shown[0] if shown else None, shown))
    return {
        **rates(outcomes),
        "median_ms": statistics.median(times) * 1e3 if times else None,
        "labels": len(labels),
    }


def inner(facts: Path, exhaustive: int, scanned: int | None) -> None:
    """In one warm process: per-query lookup time; precision of confident answers and candidate
    recall, for ``Catalog.lookup`` and for a plain WRatio scan (on the first ``scanned`` queries);
    top-1 accuracy of the index vs the exhaustive scan (on the first ``exhaustive``)."""
    import resource

    from factcli.query import PEOPLE_AND_ORGANIZATIONS, Catalog

    catalog = Catalog.open(facts)
    rows = read_queries(facts.with_suffix(".queries.tsv"))

    def correct(answer, expected: str) -> bool:  # type: ignore[no-untyped-def]
        return bool(answer.matches) and not answer.ambiguous and answer.matches[0].entity.id == expected

    times, hits = [], 0
    indexed_answers = []
    outcomes = []
    for text, expected, kind in rows:
        started = time.perf_counter()
        answer = catalog.lookup(text, PEOPLE_AND_ORGANIZATIONS)
        times.append(time.perf_counter() - started)
        hits += correct(answer, expected)
        indexed_answers.append(answer)
        outcomes.append((kind, expected, *answered(answer)))
    subset = rows[:exhaustive]
    scan_hits = index_hits = agree = 0
    scan_times = []
    for (text, expected, _), answer in zip(subset, indexed_answers, strict=False):  # the subset is the first n
        started = time.perf_counter()
        scan = catalog.lookup(text, PEOPLE_AND_ORGANIZATIONS, exhaustive=True)
        scan_times.append(time.perf_counter() - started)
        scan_hits += correct(scan, expected)
        index_hits += correct(answer, expected)

        def top(a):  # type: ignore[no-untyped-def]
            return (a.matches[0].entity.id, a.matches[0].score, a.ambiguous) if a.matches else None

        agree += top(scan) == top(answer)
    sampled = rows if scanned is None else rows[:scanned]
    times.sort()
    print(
        json.dumps(
            {
                "match_median_ms": times[len(times) // 2] * 1e3,
                "match_p95_ms": times[int(len(times) * 0.95)] * 1e3,
                "match_mean_ms": statistics.mean(times) * 1e3,
                "top1_index": hits / len(rows),
                "answers": rates(outcomes),
                "answers_on_scan_sample": rates(outcomes[: len(sampled)]),
                "wratio": wratio_scan(catalog, PEOPLE_AND_ORGANIZATIONS, sampled) if sampled else None,
                "subset": len(subset),
                "top1_index_subset": index_hits / max(len(subset), 1),
                "top1_exhaustive_subset": scan_hits / max(len(subset), 1),
                "agree_subset": agree / max(len(subset), 1),
                "scan_median_ms": statistics.median(scan_times) * 1e3 if scan_times else None,
                "inner_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


# -- report ---------------------------------------------------------------------------------------------
def report(info: dict, tool_results: dict, sizes: list[dict]) -> str:  # type: ignore[type-arg]
    lines = ["## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    if tool_results:
        yq = tool_results.get("yq (select the entity, YAML)", {}).get("median")
        floor = tool_results.get("floor: minimal Typer app, JSON", {}).get("median")
        floor_table = tool_results.get("floor: minimal Typer app, Rich table", {}).get("median")
        lines += [
            "",
            "## The shipped fact base, side by side (hyperfine, whole processes, warm cache; runs pooled "
            "from 5 rotated rounds)",
            "",
            "| command | median ms | min ms | mean ± sd ms | median × yq | median × Typer floor (JSON) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, r in tool_results.items():
            ratio_yq = f"{r['median'] / yq:.2f}" if yq else "-"
            ratio_floor = f"{r['median'] / floor:.2f}" if floor else "-"
            lines.append(
                f"| {name} | {r['median']:.1f} | {r['min']:.1f} | {r['mean']:.1f} ± {r['stddev']:.1f} | {ratio_yq} | {ratio_floor} |"
            )
        if floor_table:
            lines.append(f"\nRich-table floor: {floor_table:.1f} ms.")
    if sizes:
        lines += [
            "",
            "## Synthetic fact bases",
            "",
            "| entities | YAML MB | cold load s | cold peak MB | cache MB | warm `who` ms median (min) | batch q/s |"
            " match ms median / p95 | top-1 index (all queries) | top-1 index / exhaustive (first n) | agree |"
            " peak MB: warm `who` / batch / in-process bench |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in sizes:
            lines.append(
                f"| {r['entities']:,} | {r['file_mb']:.0f} | {r['cold_s']:.1f} | {r['cold_peak_mb']:,.0f} | {r['cache_mb']:.0f} | "
                f"{r['warm_who_ms']['median']:.0f} ({r['warm_who_ms']['min']:.0f}) | {r['batch_qps']:,.0f} | "
                f"{r['match_median_ms']:.2f} / {r['match_p95_ms']:.2f} | {r['top1_index']:.1%} | "
                f"{r['top1_index_subset']:.1%} / {r['top1_exhaustive_subset']:.1%} (n={r['subset']}) | {r['agree_subset']:.1%} | "
                f"{r['warm_peak_mb']:.0f} / {r['batch_peak_mb']:.0f} / {r['inner_peak_mb']:.0f} |"
            )
        lines += answers_report(sizes)
        staged = [r for r in sizes if r.get("cold_stages")]
        if staged:
            lines += [
                "",
                "Cold load by stage (seconds; one process, no cache). libyaml's event stream alone is the floor "
                "any loader built on PyYAML's C parser pays; `yaml.load(CSafeLoader)` (PyYAML's \"C loader\", whose "
                "constructor is Python) is shown where it finishes in reasonable time.",
                "",
                "| entities | read + decode | libyaml events (floor) | yaml.load CSafeLoader | parse_tree (events → positioned tree) |"
                " validate | index | cache write | total / floor |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for r in staged:
                c = r["cold_stages"]
                total = c["read_decode_s"] + c["parse_tree_s"] + c["validate_s"] + c["index_s"] + c["cache_write_s"]
                full = f"{c['pyyaml_csafeloader_s']:.2f}" if "pyyaml_csafeloader_s" in c else "-"
                lines.append(
                    f"| {r['entities']:,} | {c['read_decode_s']:.2f} | {c['libyaml_events_s']:.2f} | {full} | "
                    f"{c['parse_tree_s']:.2f} | {c['validate_s']:.2f} | {c['index_s']:.2f} | {c['cache_write_s']:.2f} | "
                    f"{total / c['libyaml_events_s']:.1f}× |"
                )
    return "\n".join(lines)


def answers_report(sizes: list[dict]) -> list[str]:  # type: ignore[type-arg]
    """The matching figures: precision of confident answers and candidate recall, factcli vs the WRatio scan."""
    sizes = [r for r in sizes if r.get("answers")]
    if not sizes:
        return []
    lines = [
        "",
        "Answers (in-process, `Catalog.lookup` for people and organizations, default --limit; the scan: rapidfuzz"
        " `WRatio` over every name and alias of those kinds, `default_process`ed). *Precision*: among queries"
        " answered confidently (exit 0: a first match, no tie), the share whose first match is the expected"
        " entity; the scan always answers, with its best label's entity. *Candidate recall*: the share of"
        " queries whose expected entity is shown (exit 0 or 3: the JSON list; the scan's best"
        f" {SCAN_CANDIDATES} distinct entities). Where the scan ran on the first n queries only, factcli's"
        " figures on the same n follow in brackets.",
        "",
        "| entities | queries | factcli precision (right / confident) | factcli candidate recall | ties / misses |"
        " scan precision | scan candidate recall | ms a query: factcli median / scan median |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sizes:
        a, w = r["answers"], r.get("wratio")
        scan = "- | - | -"
        if w:
            same = r["answers_on_scan_sample"]
            bracket = (
                f" [{same['precision']:.1%} / {same['candidate_recall']:.1%} on n={w['queries']}]"
                if w["queries"] < a["queries"]
                else ""
            )
            scan = (
                f"{w['precision']:.1%}{bracket} | {w['candidate_recall']:.1%} | "
                f"{r['match_median_ms']:.2f} / {w['median_ms']:.1f}"
            )
        lines.append(
            f"| {r['entities']:,} | {a['queries']:,} | {a['precision']:.1%} ({a['right']:,} / {a['confident']:,}) | "
            f"{a['candidate_recall']:.1%} | {a['ties']} / {a['misses']} | {scan} |"
        )
    lines += [
        "",
        "Failures by perturbation (factcli: wrong confident answers / expected entity not shown / shown in a tie;"
        " scan: wrong best / not among its candidates).",
        "",
        "| entities | kind | queries | factcli wrong / not shown / tie | scan wrong / not shown (n) |",
        "|---:|---|---:|---:|---:|",
    ]
    for r in sizes:
        scan_kinds = (r.get("wratio") or {}).get("by_kind", {})
        for kind, k in r["answers"]["by_kind"].items():
            w = scan_kinds.get(kind)
            scan = f"{w['wrong']} / {w['not_shown']} ({w['queries']})" if w else "-"
            lines.append(
                f"| {r['entities']:,} | {kind} | {k['queries']} | {k['wrong']} / {k['not_shown']} / {k['tie_shown']} | {scan} |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k,100k", help="comma-separated: 1k, 10k, 100k, 1m")
    parser.add_argument("--runs", type=int, default=15, help="hyperfine runs per command (>= 10)")
    parser.add_argument(
        "--exhaustive",
        type=int,
        default=None,
        help="queries also scored exhaustively, per size (default: 300 up to 10k, 100 at 100k, 10 at 1m)",
    )
    parser.add_argument("--queries", type=int, default=2000, help="perturbed queries generated per size")
    parser.add_argument(
        "--scan",
        type=int,
        default=None,
        help="queries also answered by the plain WRatio scan, per size (default: all; ~50 ms a query at 100k)",
    )
    parser.add_argument("--skip-tools", action="store_true", help="do not time jq, yq and the Typer floor")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--inner", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inner-cold", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner, args.exhaustive or 0, args.scan)
        return
    if args.inner_cold:
        inner_cold(args.inner_cold)
        return
    if not shutil.which("hyperfine"):
        sys.exit("bench/run.py needs hyperfine (apt-get install hyperfine)")
    args.out.mkdir(parents=True, exist_ok=True)
    # installed packages come with bytecode; a checkout run with PYTHONDONTWRITEBYTECODE would
    # recompile factcli in every process and time the compiler
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(ROOT / "factcli"), str(BENCH)], check=False, stdout=subprocess.DEVNULL
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    info = machine()
    results: dict = {"machine": info, "tools": {}, "sizes": []}  # type: ignore[type-arg]
    if not args.skip_tools:
        print("shipped fact base: factcli, jq, yq, Typer floor ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as work:
            tools_env = {**env, "FACTCLI_CACHE_DIR": str(Path(work) / "cache")}
            results["tools"] = tools(tools_env, args.runs, Path(work))
    for size in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
        if size not in SIZES:
            sys.exit(f"unknown size {size!r}; use {', '.join(SIZES)}")
        exhaustive = (
            args.exhaustive
            if args.exhaustive is not None
            else (300 if SIZES[size] <= 10_000 else 100 if SIZES[size] <= 100_000 else 10)
        )
        results["sizes"].append(measure_size(size, args.out, env, args.runs, exhaustive, args.queries, args.scan))
        (args.out / "results.json").write_text(json.dumps(results, indent=2))
    text = report(info, results["tools"], results["sizes"])
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    (args.out / "results.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
