"""Which importer reads a source: the format given, or the one its content shows.

Every entry point (`isshoni import`, `POST /isshoni/api/import`, `isshoni.import_design`)
comes through here, so they detect, limit and refuse the same way.  Each format is a module
of this package with `read(text, *, source, region, name, fmt) -> Imported`.
"""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

from ..design.model import DEFAULT_REGION, SUFFIX
from . import FORMATS, Imported, NotImportable
from .cfn_source import MAX_BYTES, check_size, looks_like_cloudformation

# format -> module of this package that reads it; a format of FORMATS not listed is not built yet
READERS = {"cloudformation": "cloudformation", "sam": "cloudformation", "mermaid": "mermaid", "terraform": "terraform",
           "tfplan": "tfplan", "account": "account"}
ACCOUNT_SOURCES = {"account": "aws", "sandbox": "sandbox"}  # the SRC that names a live account -> its default target
_MERMAID = re.compile(r"^\s*(%%.*\n\s*)*(graph|flowchart)\b", re.IGNORECASE)


def detect(text: str, path: str = "") -> str:
    """The format of a source's text (its file name helps only where the text is ambiguous)."""
    if looks_like_cloudformation(text):
        return "sam" if re.search(r"AWS::Serverless-2016-10-31", text[:200_000]) else "cloudformation"
    if _MERMAID.match(text) or path.endswith((".mmd", ".mermaid")):
        return "mermaid"
    if path.endswith(".tf") or re.search(r'^\s*(resource|module|variable)\s+"', text[:200_000], re.MULTILINE):
        return "terraform"
    if '"format_version"' in text[:5000] and ('"planned_values"' in text or '"values"' in text):
        return "tfplan"
    raise NotImportable("cannot tell the format: not a CloudFormation/SAM template, Terraform or a Mermaid flowchart "
                        f"(name it with --from, one of {', '.join(FORMATS)})", path or "source")


def import_text(text: str, fmt: str | None = None, *, source: str = "source", region: str | None = None,
                name: str | None = None, variables: dict | None = None) -> Imported:
    """Import a source's text; `variables` are Terraform's (-var values) for the terraform format."""
    if not isinstance(text, str):
        raise NotImportable("the source must be text", source)
    check_size(len(text.encode("utf-8", "surrogatepass")), source)
    fmt = _known(fmt) if fmt else detect(text, source)
    module = READERS.get(fmt)
    if module is None:
        raise NotImportable(f"importing {fmt} is not available yet (this version reads "
                            f"{', '.join(sorted(set(READERS)))})", source)
    if fmt == "account":
        raise NotImportable("an account is scanned, not read from text: import the source `account` or `sandbox` "
                            "with --from account", source)
    reader = import_module(f"{__package__}.{module}")
    extra = {"assistant": _assistant()} if fmt == "mermaid" else {}  # types what no alias names, when a model is set
    if fmt == "terraform":
        extra = {"variables": variables}
    if fmt not in ("cloudformation", "sam"):  # a template Isshoni compiled says its design's region itself
        region = region or DEFAULT_REGION
    return reader.read(text, source=source, region=region, name=name or design_name(source), fmt=fmt, **extra)


def _assistant():
    """The assistant's settings as configured for this process (the model is asked only with a key)."""
    from ..assistant.config import Assistant

    return Assistant()


def import_account(region: str | None = None, target: str = "sandbox", *, name: str | None = None,
                   profile: str | None = None, progress=None) -> Imported:
    """Scan one region of the sandbox or of the AWS account the default credential chain (or `profile`)
    gives, with read-only calls; `progress(done, total, what)` is told as each service is read."""
    from .account import read_account

    if target not in ("sandbox", "aws"):
        raise NotImportable(f"unknown target {target!r}: sandbox or aws", "account")
    return read_account(region=region or DEFAULT_REGION, target=target, name=name, profile=profile, progress=progress)


def import_path(path: str | Path, fmt: str | None = None, *, region: str | None = None, name: str | None = None,
                variables: dict | None = None, target: str | None = None, progress=None, profile: str | None = None) -> Imported:
    """Import a file, or a folder of Terraform (`variables`: Terraform's -var values); the source `account`
    or `sandbox` (with fmt 'account' or none) scans that account's region (`target` overrides which)."""
    if fmt:
        fmt = _known(fmt)
    if fmt == "account" or (fmt is None and str(path) in ACCOUNT_SOURCES and not Path(path).exists()):
        chosen = target or ACCOUNT_SOURCES.get(str(path))
        if chosen is None:
            raise NotImportable("an account import's source is `account` (with --target) or `sandbox`", str(path))
        return import_account(region, chosen, name=name, progress=progress, profile=profile)
    path = Path(path)
    if path.is_dir():
        if fmt not in (None, "terraform"):
            raise NotImportable(f"a folder is read as Terraform (.tf files), not as {fmt}", str(path))
        from .terraform import read_folder

        return read_folder(path, region=region or DEFAULT_REGION, name=name or design_name(str(path.resolve())),
                           variables=variables)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotImportable(f"cannot read it: {exc.strerror or exc}", str(path)) from None
    check_size(size, str(path))
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotImportable(f"not UTF-8 text (byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise NotImportable(f"cannot read it: {exc.strerror or exc}", str(path)) from None
    return import_text(text, fmt, source=str(path), region=region, name=name or design_name(str(path)),
                       variables=variables)


def _known(fmt: str) -> str:
    if fmt not in FORMATS:
        raise NotImportable(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    return fmt


def design_name(source: str) -> str:
    """A design name from a file name: `stacks/web-app.yaml` -> `web-app`."""
    base = Path(source).name
    for suffix in (SUFFIX, ".template", ".yaml", ".yml", ".json", ".mmd", ".mermaid", ".tf"):
        base = base.removesuffix(suffix)
    return base[:128] or "imported"


__all__ = ["ACCOUNT_SOURCES", "READERS", "design_name", "detect", "import_account", "import_path", "import_text"]
