"""The exact command that installs one of the package's extras, the way this copy was installed.

Isshoni is installed from a checkout (`pip install -e ".[lab]"`) or from a wheel; a
hint that says `pip install 'isshoni[dashboard]'` would fetch a different package from
an index.  pip records where a distribution came from in `direct_url.json` (PEP 610),
so the hint can name the very folder or file.
"""

from __future__ import annotations

import json
import shlex
import sys
from importlib import metadata
from urllib.parse import unquote, urlparse


def install_command(extra: str) -> str:
    """`python -m pip install ...` for `isshoni[extra]`, from wherever this copy came from."""
    pip = f"{shlex.quote(sys.executable)} -m pip install"
    try:
        origin = json.loads(metadata.distribution("isshoni").read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        origin = {}
    url = origin.get("url", "")
    if url.startswith("file://"):
        where = unquote(urlparse(url).path)
        editable = origin.get("dir_info", {}).get("editable", False)
        return f"{pip} {'-e ' if editable else ''}{shlex.quote(f'{where}[{extra}]')}"
    return f"{pip} {shlex.quote(f'isshoni[{extra}]')}"


def missing(what: str, extra: str) -> str:
    return f"{what} is not installed; install it with:\n  {install_command(extra)}"
