"""storage: the only place SQL lives (sqlite-utils, migrations, repository functions).

sqlite-utils imports pandas and numpy when they are installed, only to map their types, which
newsmark never stores: about 300 ms of every start-up of the TUI. While sqlite-utils is first
imported here, those two imports fail, so it skips them; afterwards they import as usual (spaCy
still gets numpy).
"""

import sys as _sys

if "sqlite_utils" not in _sys.modules:
    _blocked = [name for name in ("pandas", "numpy") if name not in _sys.modules]
    for _name in _blocked:
        _sys.modules[_name] = None  # type: ignore[assignment]  # "import pandas" -> ImportError
    try:
        import sqlite_utils  # noqa: F401
    except ImportError:  # something it loads (a plugin?) needs them after all: import as usual
        for _name in [n for n in _sys.modules if n.split(".")[0] == "sqlite_utils"]:
            del _sys.modules[_name]
    finally:
        for _name in _blocked:
            if _sys.modules.get(_name, 0) is None:
                del _sys.modules[_name]
