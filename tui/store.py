"""The TUI's one path to the store, with one error handler.

- ``write(fn, done, failed)``: ``fn(store)`` runs on the store thread, which owns its own
  connection, one call at a time, in the order the calls were made (the order the keys were
  pressed); no call is ever dropped or cancelled. Its result goes to ``done`` on the UI thread.
- ``read(fn)`` (awaitable, in a thread) and ``read_now(fn)`` (on the spot, for a first frame):
  reads on the app's own connection, one at a time under a lock. SQLite's WAL lets them run
  while the store thread writes.
- Every exception from either goes to ``report``: one notice line (``the database is busy …``,
  ``disk full: not saved …``), never a crash; then the call's ``failed`` callback, with which a
  screen reads back what is really stored, so what it shows is always what is on disk.
- A write still running after half a second shows ``waiting for the database…``.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from newsmark.model import Schema
from storage.errors import StorageError, translate
from storage.repo import Store

if TYPE_CHECKING:
    from textual.app import App

    from storage.session import AnnotationSession, Outcome

T = TypeVar("T")
log = logging.getLogger("newsmark.tui")

WAITING_AFTER_S = 0.5
PROGRESS_STEPS = 20_000  # SQLite VM steps between two checks whether a read was cancelled


class StoreCalls:
    """The store, as the app reaches it."""

    def __init__(self, app: App, store: Store) -> None:
        self.app = app
        self.store = store  # the reads' connection (the UI thread and read workers)
        self.lock = threading.RLock()
        self._writer: Store | None = None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.pending = 0  # writes made whose result has not been handed back yet
        self.failures = 0

    # --- writing --------------------------------------------------------------------------------

    @property
    def writer(self) -> Store:
        """The store thread's own connection (open it on first use)."""
        if self._writer is None:
            self._writer = Store(self.store.path, create=False, attempts=self.store.attempts)
        return self._writer

    def session(self, article_id: int, annotator: str, schema: Schema
                ) -> AnnotationSession | None:
        """``annotator``'s session on ``article_id``, on the store thread's connection; None
        (after the notice) when the database cannot be written to (a newer one, …)."""
        from storage.session import (
            AnnotationSession,  # (the reader's: not at the start)
        )

        try:
            return AnnotationSession(self.writer, article_id, annotator, schema)
        except Exception as exc:  # noqa: BLE001
            self.report(exc)
            return None

    def write(self, fn: Callable[[Store], T], done: Callable[[T], object] | None = None,
              failed: Callable[[BaseException], object] | None = None) -> None:
        """Queue ``fn(store)`` behind every write made before it; ``done(result)`` or, after
        the one error notice, ``failed(exc)`` run on the UI thread when it has run."""
        if self._thread is None:
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop (the app is gone): run it at close, in order
                self._queue.put((fn, done, failed))
                return
            self._thread = threading.Thread(target=self._run, name="newsmark-store", daemon=True)
            self._thread.start()
        self.pending += 1
        self._queue.put((fn, done, failed))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fn, done, failed = item
            waiting = threading.Timer(WAITING_AFTER_S, self._hand_back, (self._waiting, None))
            waiting.daemon = True
            waiting.start()
            try:
                result = fn(self.writer)
            except BaseException as exc:  # noqa: BLE001 - every error becomes a notice
                waiting.cancel()
                self._hand_back(self._failed, (exc, failed))
            else:
                waiting.cancel()
                self._hand_back(self._done, (result, done))

    def _hand_back(self, callback, args) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self.app.call_later, callback, args)
        except RuntimeError:  # the app's loop is gone (quitting): nothing left to show
            pass

    def _done(self, args) -> None:
        result, done = args
        self.pending -= 1
        if done is not None:
            done(result)

    def _failed(self, args) -> None:
        exc, failed = args
        self.pending -= 1
        self.failures += 1
        self.report(exc)
        if failed is not None:
            failed(exc)

    def _waiting(self, _args) -> None:
        if self.pending:
            self.app.notify("waiting for the database… (another annotator, an ingest or an "
                            "import is writing)", severity="warning", timeout=3, markup=False)

    async def idle(self, timeout: float = 60.0) -> None:
        """Wait until every write made so far has run and its result was handed back."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.pending and loop.time() < deadline:
            await asyncio.sleep(0.002)

    def close(self, timeout: float = 30.0) -> None:
        """Let the queued writes finish (they are never dropped), then stop the store thread.
        Writes queued after the thread stopped (a screen saving its position while the app
        shuts down) run here, in order."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                continue
            try:
                item[0](self.writer)
            except Exception:  # noqa: BLE001 - the app is gone: nothing to show it on
                log.exception("store call at exit failed")
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    # --- reading --------------------------------------------------------------------------------

    def read_now(self, fn: Callable[[Store], T], default: T | None = None) -> T | None:
        """``fn(store)`` right here, on the UI thread; on an error, the notice and ``default``."""
        try:
            with self.lock:
                return fn(self.store)
        except Exception as exc:  # noqa: BLE001
            self.report(exc, reading=True)
            return default

    def read_if_free(self, fn: Callable[[Store], T]) -> tuple[bool, T | None]:
        """``(True, fn(store))`` right here when the read connection is free; ``(False, None)``
        when a background read holds it (read in a worker then); ``(True, None)`` after an
        error (the notice is shown)."""
        if not self.lock.acquire(blocking=False):
            return False, None
        try:
            return True, fn(self.store)
        except Exception as exc:  # noqa: BLE001
            self.report(exc, reading=True)
            return True, None
        finally:
            self.lock.release()

    def read_soon(self, fn: Callable[[Store], T], done: Callable[[T], object],
                  failed: Callable[[], object]) -> None:
        """``done(fn(store))``: on the spot when the read connection is free (a first frame
        can show the result), else in a worker once a background read lets go of it; after an
        error (the notice is shown), ``failed()``."""
        ran, result = self.read_if_free(fn)
        if ran:
            (failed() if result is None else done(result))
            return

        async def later() -> None:
            try:
                value = await self.read(fn)
            except Exception as exc:  # noqa: BLE001
                self.report(exc, reading=True)
                failed()
                return
            done(value)

        self.app.run_worker(later(), group="store-read")

    async def read(self, fn: Callable[[Store], T]) -> T:
        """``fn(store)`` in a thread; an error is raised to the caller (which may call
        ``report``). Cancelling the awaiting task (a worker replaced by a newer one: the library's
        count when the filter changes) stops the query too, within a few thousand SQLite steps,
        so the next read does not wait for a result nobody wants."""
        cancelled = threading.Event()

        def call() -> T:
            with self.lock:
                if cancelled.is_set():
                    raise asyncio.CancelledError
                conn = self.store.conn
                conn.set_progress_handler(cancelled.is_set, PROGRESS_STEPS)
                try:
                    return fn(self.store)
                finally:
                    conn.set_progress_handler(None, 0)

        try:
            return await asyncio.to_thread(call)
        except asyncio.CancelledError:
            cancelled.set()  # the query ends with "interrupted", which nobody awaits
            raise

    # --- the one error handler ------------------------------------------------------------------

    def report(self, exc: BaseException, reading: bool = False) -> None:
        """One notice line for a failed store call; the app stays."""
        if isinstance(exc, sqlite3.Error):  # raised outside a transaction: a read, mostly
            exc = translate(exc, reading=reading)
        if isinstance(exc, StorageError):
            message = str(exc)
        else:  # a bug, or an error storage did not translate: say so, keep running
            log.exception("store call failed", exc_info=exc)
            message = f"could not save or read ({type(exc).__name__}: {exc})"
        from .widgets.safe import visible_line

        self.app.notify(visible_line(message), title="Database", severity="error", timeout=8,
                        markup=False)


class SessionCalls:
    """A screen's calls to its annotation session (``storage.session``), on the store path.

    ``call(fn, then)`` queues ``fn(session)`` behind every earlier write. When it lands, its
    message is shown, and, unless the screen has moved on to another session meanwhile,
    ``show(outcome, settled)`` (``settled``: no other call of the screen is on its way) and then
    ``then(outcome)``. When it fails (the one handler has said why), the session's stored state
    is read back once and shown, so the screen shows what is really stored.
    """

    def __init__(self, calls: StoreCalls, current: Callable[[], AnnotationSession | None],
                 show: Callable[[Outcome, bool], object]) -> None:
        self.calls = calls
        self.current = current  # the screen's session now (None: none, or the screen is gone)
        self.show = show
        self.queued = 0

    def call(self, fn: Callable[[AnnotationSession], Outcome],
             then: Callable[[Outcome], object] | None = None) -> None:
        session = self.current()
        if session is None:
            return
        self.queued += 1
        self.calls.write(lambda _store: fn(session), done=partial(self._landed, session, then),
                         failed=partial(self._failed, session))

    def _landed(self, session: AnnotationSession, then, outcome: Outcome) -> None:
        self.queued -= 1
        if outcome.message:
            from .widgets.safe import visible_line

            self.calls.app.notify(visible_line(outcome.message), severity=outcome.severity,
                                  markup=False)
        if session is not self.current():  # moved on meanwhile
            return
        self.show(outcome, self.queued == 0)
        if then is not None:
            then(outcome)

    def _failed(self, session: AnnotationSession, _exc: BaseException) -> None:
        self.queued -= 1
        if session is self.current():
            self.queued += 1
            from storage.session import Outcome

            self.calls.write(lambda _store: Outcome(session.state()),
                             done=partial(self._landed, session, None), failed=self._gave_up)

    def _gave_up(self, _exc: BaseException) -> None:  # reading back failed too: said once
        self.queued -= 1
