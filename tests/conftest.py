"""Shared fixtures: real SQLite files in temp dirs, the real CLI, the bundled seeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEEDS_GOLD = Path(__file__).parent / "fixtures" / "seeds-gold"  # a copy of ../shared/seeds-gold
SEED_000 = SEEDS / "000_71f70b58b3c77997.txt"
SEED_004 = SEEDS / "004_a3ab11ef8939880d.txt"
GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = bool(os.environ.get("NEWSMARK_UPDATE_GOLDEN"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsmark.db"


@pytest.fixture
def store(db_path: Path):
    from storage.repo import Store

    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture(scope="session")
def empty_db_template(tmp_path_factory) -> Path:
    """An empty, migrated database, made once: ``shutil.copy`` it where a child process only
    needs a database to write to (creating one costs the child ~0.4 CPU-s for the migration's
    imports, which such a test is not about)."""
    from storage.repo import Store

    path = tmp_path_factory.mktemp("empty") / "empty.db"
    Store(path).close()  # the last connection: the WAL is checkpointed, the file complete
    assert not path.with_name("empty.db-wal").exists()
    return path


@pytest.fixture
def cli(db_path: Path):
    """Run the real click CLI against the temp database; returns the click Result."""
    from tui.cli import main

    def run(*args: str, db: Path | None = db_path, input: str | None = None):
        argv = [str(a) for a in args]
        if db is not None:
            argv += ["--db", str(db)]
        return CliRunner().invoke(main, argv, input=input, catch_exceptions=False)

    return run


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; NEWSMARK_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        if not UPDATE_GOLDEN:
            raise AssertionError(f"{path} is missing: run with NEWSMARK_UPDATE_GOLDEN=1 to create it")
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.fixture(autouse=True)
def _pilot_waits_for_the_store(monkeypatch):
    """Pilot's press and pause wait until the app is idle; the TUI's writes run on its store
    thread (tui.store), which Textual's idle check cannot see. So here "idle" includes "every
    write made so far has landed and its result is on screen", as it would be for a person
    looking at the screen a moment later."""
    from textual.pilot import Pilot

    press, pause = Pilot.press, Pilot.pause

    async def landed(pilot) -> None:
        calls = getattr(pilot.app, "calls", None)
        if calls is not None and calls.pending:
            await calls.idle()
            await pause(pilot)

    async def press_then_wait(self, *keys: str) -> None:
        await press(self, *keys)
        await landed(self)

    async def pause_then_wait(self, delay: float | None = None) -> None:
        await pause(self, delay)
        await landed(self)

    monkeypatch.setattr(Pilot, "press", press_then_wait)
    monkeypatch.setattr(Pilot, "pause", pause_then_wait)


def pytest_configure(config):
    """``NEWSMARK_TEST_CPU=FILE``: write each test's CPU seconds (this process and the processes
    it started and waited for) to FILE, to see where ``make test``'s CPU time goes."""
    import os

    path = os.environ.get("NEWSMARK_TEST_CPU")
    if path:
        config.pluginmanager.register(_CpuReport(path), "newsmark-cpu-report")


class _CpuReport:
    def __init__(self, path: str) -> None:
        self.path = path
        self.rows: list[tuple[float, float, str]] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        import resource

        def cpu(who) -> float:
            r = resource.getrusage(who)
            return r.ru_utime + r.ru_stime

        own, kids = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
        yield
        self.rows.append((cpu(resource.RUSAGE_SELF) - own, cpu(resource.RUSAGE_CHILDREN) - kids,
                          item.nodeid))

    def pytest_sessionfinish(self, session):
        with open(self.path, "w", encoding="utf-8") as out:
            for own, kids, nodeid in sorted(self.rows, key=lambda r: -(r[0] + r[1])):
                out.write(f"{own + kids:8.2f} {own:8.2f} {kids:8.2f}  {nodeid}\n")
