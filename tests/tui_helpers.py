"""Fixtures and helpers for the TUI tests: real SQLite files in temp dirs, filled through the real
ingest pipeline (or, for literal-text and snapshot tests, with hand-made articles), and Pilot
helpers that wait for the screens' workers.

Import the fixtures into a test module with ``from tui_helpers import *``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from newsmark.ingest import article_from_file
from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.repo import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_000 = SEEDS / "000_71f70b58b3c77997.txt"  # contains "Wolodymyr Selenskyj"
SEED_004 = SEEDS / "004_a3ab11ef8939880d.txt"
ANNOTATOR = "tester"
SIZE = (120, 40)


def make_article(
    text: str,
    *,
    title: str | None = None,
    source: str = "",
    published: str | None = None,
    language: str = "de",
) -> Article:
    """An article built directly (no cleaner), tokenised like ingest does."""
    return Article(
        text=text,
        text_hash=text_hash(text),
        tokens=tokenize(text, language),
        title=title,
        source=source,
        published=published,
        language=language,
        ingested="2025-01-01T00:00:00.000+00:00",
    )


@lru_cache(maxsize=None)
def seed_articles() -> tuple[tuple[str, Article], ...]:
    """Seeds 000 and 004 through the real pipeline (cleaned and tokenised once per test run:
    every test that stores them stores the same articles)."""
    return tuple((name, article_from_file(seed)) for name, seed in (("000", SEED_000),
                                                                       ("004", SEED_004)))


def seed_database(path: Path) -> dict[str, int]:
    """Seeds 000 and 004, cleaned by the real pipeline, stored in ``path``; their article ids."""
    store = Store(path)
    try:
        return {name: store.add_article(article)[0].id for name, article in seed_articles()}
    finally:
        store.close()


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """(database path, {"000": id, "004": id}) for a fresh database holding the two seeds."""
    path = tmp_path / "tui.db"
    return path, seed_database(path)


@pytest.fixture
def make_app():
    """``make_app(db_path, annotator=ANNOTATOR, schema=None, settings=None)``: a NewsmarkApp on
    its own Store (closed at teardown), like ``newsmark tui`` builds it (``settings``: a
    ``newsmark.config.Config``, as the config file gives it)."""
    from tui.app import NewsmarkApp

    stores: list[Store] = []

    def factory(db_path: Path, annotator: str = ANNOTATOR, schema=None,
                settings=None) -> NewsmarkApp:
        store = Store(db_path)
        stores.append(store)
        return NewsmarkApp(store=store, annotator=annotator, schema=schema, settings=settings)

    yield factory
    for store in stores:
        store.close()


def db_spans(db_path: Path, article_id: int, annotator: str = ANNOTATOR) -> list[tuple[str, str]]:
    """(surface text, label) of the spans on disk, read through a separate connection."""
    store = Store(db_path)
    try:
        text = store.article(article_id).text
        return [(text[s.start : s.end], s.label) for s in store.spans(article_id, annotator)]
    finally:
        store.close()


async def settle(pilot) -> None:
    """Let the writes made so far and the workers finish, and the screen process what they
    posted (a snapshot taken on a busy machine then shows the same screen as on an idle one)."""
    await pilot.pause()
    calls = getattr(pilot.app, "calls", None)
    if calls is not None:
        await calls.idle()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_article(pilot, article_id: int):
    """From the library: move the row cursor to ``article_id`` with the arrow keys, press
    enter, and wait for the reader to load. Returns the reader's DocumentView."""
    from tui.screens import LibraryScreen, ReaderScreen
    from tui.widgets import ArticleList, DocumentView

    await settle(pilot)
    library = pilot.app.screen
    assert isinstance(library, LibraryScreen)
    target = library.article_ids.index(article_id)
    article_list = library.query_one(ArticleList)
    while article_list.cursor < target:
        await pilot.press("down")
    while article_list.cursor > target:
        await pilot.press("up")
    await pilot.press("enter")
    await settle(pilot)
    reader = pilot.app.screen
    assert isinstance(reader, ReaderScreen)
    assert reader.article is not None and reader.article.id == article_id
    return reader.query_one(DocumentView)


async def type_text(pilot, text: str) -> None:
    """Type ``text`` key by key (spaces as "space")."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def find_and_label(pilot, query: str, key: str) -> None:
    """``/``, type ``query``, ``enter``, then the label key."""
    await find(pilot, query)
    await pilot.press(key)
    await pilot.pause()


def library_screen(pilot):
    """The library screen (at the bottom of the app's screen stack)."""
    from tui.screens import LibraryScreen

    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, LibraryScreen)
    return screen


def reader(pilot):
    """The reader screen the app is showing (asserted)."""
    from tui.screens import ReaderScreen

    screen = pilot.app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def surface(view, rng: tuple[int, int] | None) -> str | None:
    """The text of a (start, end) range of a DocumentView, or None."""
    return None if rng is None else view.text[rng[0] : rng[1]]


def notified(pilot, text: str) -> bool:
    """Whether a notification containing ``text`` was shown."""
    return any(text in m for m in pilot.app.notices)


async def find(pilot, query: str) -> None:
    """``/``, type ``query``, ``enter``: the reader's cursor moves to the match."""
    await pilot.press("slash")
    await type_text(pilot, query)
    await pilot.press("enter")
    await pilot.pause()


def rendered(view) -> str:
    """What a DocumentView renders, put back at the offsets of the text it shows."""
    chars = list("\n" * len(view.text))
    ranges = [view.line_range(y) for y in range(view.line_count)]
    for (start, end), line in zip(ranges, view.rendered_lines()):
        assert len(line) == end - start
        chars[start:end] = line
    return "".join(chars)
