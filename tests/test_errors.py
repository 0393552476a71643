"""One error base: every exception class newsmark defines (outside private control flow)
derives from newsmark.errors.NewsmarkError, and no two share a name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from newsmark.errors import NewsmarkError


def project_exceptions() -> list[type[BaseException]]:
    found = []
    for package in ("newsmark", "storage", "tui"):
        root = importlib.import_module(package)
        modules = [root] + [importlib.import_module(m.name) for m in
                            pkgutil.walk_packages(root.__path__, f"{package}.")
                            if not m.name.endswith("__main__")]  # (that one runs the CLI)
        for module in modules:
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if (issubclass(cls, BaseException) and cls.__module__ == module.__name__
                        and not cls.__name__.startswith("_")):
                    found.append(cls)
    return found


def test_every_error_is_a_newsmark_error_with_a_name_of_its_own():
    classes = project_exceptions()
    assert len(classes) > 15
    import click

    outside = [c.__qualname__ for c in classes
               if not issubclass(c, (NewsmarkError, click.ClickException))]  # (click's protocol)
    assert outside == []
    names = [c.__name__ for c in classes]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_errors_keep_the_builtin_base_callers_catch():
    from newsmark.atomic import OutputError
    from newsmark.query import QueryError
    from storage.errors import StorageError

    assert issubclass(QueryError, ValueError) and issubclass(OutputError, OSError)
    assert issubclass(StorageError, NewsmarkError)
