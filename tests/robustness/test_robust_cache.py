"""Cache problems never change an answer and cost at most one warning line.

Written against behaviour only (factcli/cache.py belongs to its own issue): the answers with
a damaged, foreign, stale, unreadable or racing cache must equal the answers with
``--no-cache``, byte for byte, with at most one ``factcli: warning:`` line on stderr, and the
next run must be clean again (the cache heals). Every damage case works on its own copy of a
warm cache dir, and the cases run several processes at a time.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .harness import BASE, assert_no_traceback, isolated_env, replace_once, run, run_all

COMMANDS: dict[str, list[str]] = {
    "show-json": ["show", "ada-lovelace", "--format", "json"],
    "who-table": ["who", "Lovelace"],
    "search-csv": ["search", "program", "--format", "csv"],
    "figure-jsonl": ["figure", "Programs written", "--format", "jsonl"],
    "stats-json": ["stats", "--format", "json"],
}
DAMAGE_COMMANDS = ["who-table", "search-csv"]  # through the name index; every record
Answers = dict[str, tuple[int, bytes]]


def answers(
    facts: Path,
    env: dict[str, str],
    cwd: Path,
    extra: tuple[str, ...] = (),
    commands: list[str] | None = None,
    check_stderr: Callable[[bytes], None] | None = None,
) -> Answers:
    out: Answers = {}
    for key in commands or list(COMMANDS):
        result = run([*COMMANDS[key], "--facts", str(facts), *extra], env=env, cwd=cwd)
        assert_no_traceback(result)
        if check_stderr is not None:
            check_stderr(result.stderr)
        out[key] = (result.returncode, result.stdout)
    return out


def at_most_one_warning(stderr: bytes) -> None:
    assert stderr.count(b"\n") <= 1, stderr
    assert stderr == b"" or stderr.startswith(b"factcli: warning: "), stderr


def clean(stderr: bytes) -> None:
    assert stderr == b"", stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The fact file, the --no-cache answers, and a warm cache dir to copy."""
    root = tmp_path_factory.mktemp("cache-world")
    facts = root / "facts.yaml"
    facts.write_text(BASE)
    old = time.time() - 3600  # not "racy": a cache may remember this file's digest by its stat
    os.utime(facts, (old, old))
    env = isolated_env(root, root / "unused-cache")
    reference = answers(facts, env, root, extra=("--no-cache",), check_stderr=clean)
    assert all(code == 0 for code, _ in reference.values())
    warm = root / "warm-cache"
    answers(facts, isolated_env(root, warm), root, commands=["stats-json"], check_stderr=clean)
    assert list(warm.rglob("*.cache")), "the cache wrote nothing"
    return {"facts": facts, "reference": reference, "warm": warm, "root": root}


# -- damage: each a function of (cache dir, tmp root) applied to a copy of the warm cache dir ----------------------
def _cache_files(cache: Path) -> list[Path]:
    files = sorted(cache.rglob("*.cache"))
    assert files
    return files


def _rewrite(transform: Callable[[bytes], bytes]) -> Callable[[Path, Path], None]:
    def damage(cache: Path, root: Path) -> None:
        for path in _cache_files(cache):
            path.write_bytes(transform(path.read_bytes()))

    return damage


def _flip(fraction: float) -> Callable[[Path, Path], None]:
    def transform(data: bytes) -> bytes:
        at = min(len(data) - 1, int(len(data) * fraction))
        return data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :]

    return _rewrite(transform)


def _replace_with(make: Callable[[Path], None]) -> Callable[[Path, Path], None]:
    def damage(cache: Path, root: Path) -> None:
        for path in _cache_files(cache):
            path.unlink()
            make(path)

    return damage


def _memos(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.is_file() and not p.name.endswith(".cache")]


def _damage_memos(transform: Callable[[bytes], bytes]) -> Callable[[Path, Path], None]:
    def damage(cache: Path, root: Path) -> None:
        for path in _memos(cache):
            path.write_bytes(transform(path.read_bytes()))

    return damage


def _foreign(cache: Path, root: Path) -> None:
    """Put the cache of another fact file (same size and shape) under this file's cache name."""
    other_dir = root / "other"
    other_dir.mkdir()
    other = other_dir / "facts.yaml"
    other.write_text(replace_once(BASE, "A test person.", "A tost person."))
    other_cache = root / "other-cache"
    answers(other, isolated_env(root, other_cache), other_dir, commands=["stats-json"], check_stderr=clean)
    (target,) = _cache_files(cache)
    (source,) = _cache_files(other_cache)
    shutil.copyfile(source, target)


def _other_version(cache: Path, root: Path) -> None:
    """A cache written by another factcli version, renamed to this version's cache name."""
    facts = root / "facts.yaml"
    other_cache = root / "version-cache"
    program = "import factcli.version, sys; factcli.version.__version__ = '99.0.0'; sys.argv[0] = 'factcli'\nfrom factcli.cli import main\nmain()\n"
    result = subprocess.run(
        [sys.executable, "-c", program, "stats", "--facts", str(facts)],
        capture_output=True,
        env=isolated_env(root, other_cache),
        cwd=root,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (target,) = _cache_files(cache)
    (source,) = _cache_files(other_cache)
    assert source.name != target.name
    shutil.copyfile(source, target)


DAMAGE: dict[str, Callable[[Path, Path], None]] = {  # name -> damage(cache dir, tmp root)
    "garbage": _rewrite(lambda data: b"not a cache at all\n" * 10),
    "empty": _rewrite(lambda data: b""),
    "truncated-to-header": _rewrite(lambda data: data[:12]),
    "truncated-half": _rewrite(lambda data: data[: len(data) // 2]),
    "truncated-by-one": _rewrite(lambda data: data[:-1]),
    "appended-junk": _rewrite(lambda data: data + b"\x00junk" * 100),
    "zeroed-tail": _rewrite(lambda data: data[: len(data) // 3] + bytes(len(data) - len(data) // 3)),
    **{f"flipped-byte-at-{int(f * 100)}%": _flip(f) for f in (0.0, 0.05, 0.3, 0.6, 0.9, 1.0)},
    "cache-file-is-a-directory": _replace_with(lambda path: path.mkdir()),
    "cache-file-is-a-dangling-symlink": _replace_with(lambda path: os.symlink(path.with_name("gone"), path)),
    "cache-file-is-a-symlink-loop": _replace_with(lambda path: os.symlink(path.name, path)),
    "memo-garbage": _damage_memos(lambda data: b"\xff\xfe garbage \x00"),
    "memo-truncated": _damage_memos(lambda data: data[: len(data) // 2]),
    "memo-flipped-digest": _damage_memos(lambda data: data[:-1] + (b"0" if data[-1:] != b"0" else b"1")),
    "foreign-fact-file": _foreign,
    "other-factcli-version": _other_version,
}


def _damaged_run(name: str, world: dict[str, object], base: Path) -> tuple[Answers, Answers, list[bytes]]:
    root = base / name
    root.mkdir(parents=True)
    cache = root / "cache"
    shutil.copytree(world["warm"], cache, symlinks=True)  # type: ignore[arg-type]
    facts = world["facts"]
    shutil.copy2(facts, root / "facts.yaml")  # type: ignore[arg-type]
    DAMAGE[name](cache, root)
    env = isolated_env(root, cache)
    stderrs: list[bytes] = []
    first = answers(facts, env, root, commands=DAMAGE_COMMANDS, check_stderr=stderrs.append)  # type: ignore[arg-type]
    second = answers(facts, env, root, commands=["show-json"], check_stderr=stderrs.append)  # type: ignore[arg-type]
    return first, second, stderrs


@pytest.fixture(scope="module")
def damaged(
    world: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Answers, Answers, list[bytes]]]:
    base = tmp_path_factory.mktemp("damaged")
    return run_all({name: functools.partial(_damaged_run, name, world, base) for name in DAMAGE})


def test_cold_then_warm_gives_the_no_cache_answers_without_a_word(world: dict[str, object], tmp_path: Path) -> None:
    env = isolated_env(tmp_path, tmp_path / "cache")
    facts = world["facts"]
    assert answers(facts, env, tmp_path, check_stderr=clean) == world["reference"]  # type: ignore[arg-type]
    assert answers(facts, env, tmp_path, check_stderr=clean) == world["reference"]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_damaged_cache_never_changes_an_answer(
    name: str, damaged: dict[str, tuple[Answers, Answers, list[bytes]]], world: dict[str, object]
) -> None:
    first, second, stderrs = damaged[name]
    reference = world["reference"]
    assert first == {key: reference[key] for key in DAMAGE_COMMANDS}  # type: ignore[index]
    assert second == {"show-json": reference["show-json"]}  # type: ignore[index]
    for stderr in stderrs:
        at_most_one_warning(stderr)
    assert sum(stderr.count(b"\n") for stderr in stderrs) <= 1, f"more than one warning in all: {stderrs}"


@pytest.mark.parametrize("where", ["a-regular-file", "under-a-regular-file", "dev-null", "read-only-dir"])
def test_an_unusable_cache_dir_never_changes_an_answer(where: str, world: dict[str, object], tmp_path: Path) -> None:
    if where == "read-only-dir" and hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root writes into read-only directories")
    plain = tmp_path / "plain"
    plain.write_text("x")
    cache = {
        "a-regular-file": plain,
        "under-a-regular-file": plain / "cache",
        "dev-null": Path(os.devnull),
        "read-only-dir": tmp_path / "ro",
    }[where]
    if where == "read-only-dir":
        cache.mkdir()
        cache.chmod(0o555)
    env = isolated_env(tmp_path, cache)
    facts = world["facts"]
    for _ in range(2):
        assert answers(facts, env, tmp_path, commands=DAMAGE_COMMANDS, check_stderr=at_most_one_warning) == {
            key: world["reference"][key] for key in DAMAGE_COMMANDS
        }  # type: ignore[index]
    assert plain.read_text() == "x"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_in_place_of_the_cache_file_does_not_hang(world: dict[str, object], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(world["warm"], cache)  # type: ignore[arg-type]
    for path in _cache_files(cache):
        path.unlink()
        os.mkfifo(path)
    facts = world["facts"]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "factcli", *COMMANDS["show-json"], "--facts", str(facts)],
            capture_output=True,
            env=isolated_env(tmp_path, cache),
            cwd=tmp_path,
            timeout=2,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("factcli hung on a FIFO in the cache dir")
    assert (result.returncode, result.stdout) == world["reference"]["show-json"]  # type: ignore[index]


def test_eight_processes_racing_on_a_cold_cache_while_the_file_changes(
    world: dict[str, object], tmp_path: Path
) -> None:
    """Two versions of the fact file swapped atomically (os.replace) over and over while 8 processes
    at a time answer from one cold cache dir: every answer is exactly one version's --no-cache answer."""
    versions = {"a": BASE, "b": replace_once(BASE, "A test person.", "A changed person.")}
    references = {}
    for key, text in versions.items():
        path = tmp_path / f"version-{key}.yaml"
        path.write_text(text)
        references[key] = answers(
            path,
            isolated_env(tmp_path, tmp_path / "x"),
            tmp_path,
            extra=("--no-cache",),
            commands=["show-json"],
            check_stderr=clean,
        )["show-json"]
    assert references["a"] != references["b"]
    facts = tmp_path / "facts.yaml"
    facts.write_text(versions["a"])
    cache = tmp_path / "cache"
    env = isolated_env(tmp_path, cache)
    stop = threading.Event()

    def swap() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            staging = tmp_path / f".staging-{n % 2}"
            staging.write_text(versions["ab"[n % 2]])
            os.replace(staging, facts)
            time.sleep(0.005)

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        results = []
        for _ in range(2):
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", "factcli", *COMMANDS["show-json"], "--facts", str(facts)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env,
                    cwd=tmp_path,
                )
                for _ in range(8)
            ]
            results += [(p.returncode, out, err) for p in processes for out, err in [p.communicate(timeout=60)]]
    finally:
        stop.set()
        swapper.join()
    for code, out, err in results:
        assert (code, out) in (references["a"], references["b"]), err
        at_most_one_warning(err)
    # and afterwards the cache answers each version right, without a word
    for key, text in versions.items():
        facts.write_text(text)
        old = time.time() - 3600
        os.utime(facts, (old, old))
        for _ in range(2):
            assert (
                answers(facts, env, tmp_path, commands=["show-json"], check_stderr=clean)["show-json"]
                == references[key]
            )
    assert not list(cache.rglob(".tmp-*")), "temporary files were left in the cache dir"
