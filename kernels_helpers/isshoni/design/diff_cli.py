"""`isshoni diff OLD NEW`: what changed between two designs, for a terminal or a pull request.

Each side is a design file or `FILE@REVISION` (the file as git has it: `@HEAD`, `@HEAD~1`, a
tag).  `--format markdown` writes the review table a pull request shows; `--format json` the
whole diff; `--code cloudformation|terraform` the unified diff of the code each side generates
(both must be valid designs; with `--format markdown` in a fenced `diff` block no line can close).  `--exit-code` exits 1 when they differ, as `git diff` does.
"""

from __future__ import annotations

import difflib
import json
import re
import sys

from .diff import diff
from .diff_render import markdown, text
from .diff_sources import read
from .model import Design

EXIT_SAME, EXIT_DIFFERENT = 0, 1
_CODE = {"cloudformation": "cloudformation", "cloudformation-json": "cloudformation-json", "terraform": "terraform"}


def cmd_diff(args) -> int:
    old, old_label = read(args.old)
    new, new_label = read(args.new)
    if args.code:
        output, differs = code_diff(old, old_label, new, new_label, args.code)
        if args.format == "markdown":
            output = fenced(output or "no changes\n", "diff")
        elif args.format == "json":
            output = json.dumps({"old": old_label, "new": new_label, "code": args.code, "diff": output}, ensure_ascii=False) + "\n"
    else:
        found = diff(old, new)
        found.old_name, found.new_name = old_label, new_label
        differs = not found.empty
        if args.format == "json":
            output = json.dumps(found.to_json(), indent=2, ensure_ascii=False, default=str) + "\n"
        elif args.format == "markdown":
            output = markdown(found)
        else:
            output = text(found) + "\n"
    sys.stdout.write(output)
    return EXIT_DIFFERENT if args.exit_code and differs else EXIT_SAME


def code_diff(old: dict, old_label: str, new: dict, new_label: str, fmt: str) -> tuple[str, bool]:
    """The unified diff of each file the two designs generate in `fmt` (a file only one side has
    is diffed against nothing)."""
    from ..compiler import generate

    before = generate(Design.loads(json.dumps(old), old_label), _CODE[fmt])
    after = generate(Design.loads(json.dumps(new), new_label), _CODE[fmt])
    out: list[str] = []
    for name in sorted(before.keys() | after.keys()):
        out += difflib.unified_diff(before.get(name, "").splitlines(keepends=True), after.get(name, "").splitlines(keepends=True),
                                    f"{old_label}/{name}", f"{new_label}/{name}")
    text_out = "".join(line if line.endswith("\n") else line + "\n" for line in out)
    return text_out, bool(out)


def fenced(text: str, language: str) -> str:
    """`text` in a Markdown code block whose fence no line of it can close (longer than any run of
    backticks in it)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}{'' if text.endswith(chr(10)) else chr(10)}{fence}\n"


def add_commands(sub) -> None:
    s = sub.add_parser("diff", help="what changed between two designs (files, or FILE@HEAD for the file in git)")
    s.add_argument("old", help="a design file, or FILE@REVISION (FILE@HEAD: as committed)")
    s.add_argument("new", help="a design file, or FILE@REVISION")
    s.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text",
                   help="text (default), markdown (a pull request's review table) or json")
    s.add_argument("--code", choices=sorted(_CODE), help="diff the generated code instead of the design")
    s.add_argument("--exit-code", action="store_true", help="exit 1 when the two differ")
    s.set_defaults(fn=cmd_diff)


__all__ = ["add_commands", "cmd_diff", "code_diff", "fenced"]
