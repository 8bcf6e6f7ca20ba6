"""Lambda code packages: a folder zipped the same way every time, or a small built-in handler.

The zip is deterministic (names sorted, fixed timestamps and modes, stored uncompressed so no
zlib version can change the bytes): the same folder always gives the same SHA-256, which the
compiler writes into both outputs (Terraform's `source_code_hash`, the S3 key CloudFormation
reads the code from).  A function without a folder gets a built-in handler (real code that
answers 200 with the function's name), never a placeholder.

Deploys call the two hooks at the bottom: Terraform writes the zips next to the module
(`write`), CloudFormation uploads them to the artifact bucket (`upload`) before it creates or
updates the stack.  Every path comes from a design, so it is hostile until checked: only
relative paths below the design's folder, no symbolic links, bounded size and file count.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_FILES = 5_000
MAX_BYTES = 50 * 2**20  # Lambda's limit for a zip uploaded directly
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FOLDER = "lambda"  # where Terraform finds the zips, relative to the module
CODE_PATH = r"^(?!/)(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?$"
HANDLER = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$")


class PackageError(ValueError):
    """The function's code cannot be packaged (the message says why, in words)."""


@dataclass(frozen=True)
class Package:
    rid: str
    data: bytes
    source: str | None = None  # the built-in handler's source when CloudFormation may inline it (Code.ZipFile)

    @functools.cached_property
    def digest(self) -> bytes:
        return hashlib.sha256(self.data).digest()

    @property
    def sha256(self) -> str:
        return self.digest.hex()

    @property
    def base64_sha256(self) -> str:
        """Terraform's `source_code_hash` (what `filebase64sha256()` gives)."""
        return base64.b64encode(self.digest).decode()

    @property
    def file(self) -> str:
        """The zip's name: content-addressed, so new code is a new name (and a new S3 key)."""
        return f"{self.rid}-{self.sha256[:16]}.zip"

    @property
    def path(self) -> str:
        """Where Terraform reads it, relative to the module."""
        return f"{FOLDER}/{self.file}"

    def key(self, design: str) -> str:
        """Its key in the artifact bucket (CloudFormation)."""
        return f"isshoni/{_slug(design)}/{self.file}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "design"


# ---------------------------------------------------------------- the built-in handler

PYTHON = '''"""Isshoni's built-in handler: deployed until the design names a code folder (code_path)."""

import json
import os


def {function}(event, context):
    names = sorted(k for k in os.environ if k.endswith(("_NAME", "_URL", "_ARN", "_HOST", "_PORT")) and not k.startswith("AWS_"))
    body = {{"function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"), "connected": names}}
    return {{"statusCode": 200, "headers": {{"content-type": "application/json"}}, "body": json.dumps(body)}}
'''
NODE = '''// Isshoni's built-in handler: deployed until the design names a code folder (code_path).
exports.{function} = async () => {{
  const suffixes = ["_NAME", "_URL", "_ARN", "_HOST", "_PORT"];
  const names = Object.keys(process.env).filter(k => suffixes.some(s => k.endsWith(s)) && !k.startsWith("AWS_")).sort();
  const body = {{ function: process.env.AWS_LAMBDA_FUNCTION_NAME, connected: names }};
  return {{ statusCode: 200, headers: {{ "content-type": "application/json" }}, body: JSON.stringify(body) }};
}};
'''
RUBY = '''# Isshoni's built-in handler: deployed until the design names a code folder (code_path).
require "json"

def {function}(event:, context:)
  names = ENV.keys.select {{ |k| k.end_with?("_NAME", "_URL", "_ARN", "_HOST", "_PORT") && !k.start_with?("AWS_") }}.sort
  {{ statusCode: 200, headers: {{ "content-type" => "application/json" }},
    body: JSON.generate(function: ENV["AWS_LAMBDA_FUNCTION_NAME"], connected: names) }}
end
'''
BUILT_IN = {"python": (".py", PYTHON), "nodejs": (".js", NODE), "ruby": (".rb", RUBY)}
INLINE = ("python", "nodejs")  # runtimes whose code CloudFormation takes inline (as index.py / index.js)


def language(runtime: str) -> str:
    return re.match(r"[a-z]+", runtime).group(0)


@functools.lru_cache(maxsize=64)
def built_in(rid: str, runtime: str, handler: str) -> Package:
    """The built-in handler for a runtime, as module.function the `handler` property names."""
    lang = language(runtime)
    match = HANDLER.match(handler)
    if lang not in BUILT_IN or not match:
        raise PackageError(
            f"{rid}: a {runtime} function with handler {handler!r} has no built-in code: set code_path to the folder "
            "holding its built code (or use a container image)"
        )
    module, function = match.groups()
    suffix, template = BUILT_IN[lang]
    source = template.format(function=function)
    data = _zip([(module + suffix, source.encode())])
    return Package(rid, data, source if lang in INLINE and module == "index" else None)


# ---------------------------------------------------------------- a folder


def folder_of(design_folder: Path | None, code_path: str) -> Path:
    """The code folder, checked to lie inside the design's folder."""
    if not re.match(CODE_PATH, code_path):
        raise PackageError(f"code_path {code_path!r} must be a relative path below the design's folder")
    base = (design_folder or Path.cwd()).resolve()
    folder = (base / code_path).resolve()
    if not folder.is_relative_to(base):
        raise PackageError(f"code_path {code_path!r} leaves the design's folder")
    if not folder.is_dir():
        raise PackageError(f"code_path {code_path!r}: no such folder next to the design ({base})")
    return folder


def _listing(folder: Path) -> tuple:
    """(relative name, size, mtime) of every regular file below `folder`, sorted; symbolic links
    are refused (they could point anywhere), bounded in count and size."""
    found = []
    total = 0
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in list(dirs):
            if (Path(root) / name).is_symlink():
                raise PackageError(f"{Path(root, name).relative_to(folder)}: symbolic links are not packaged")
        for name in files:
            path = Path(root) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                raise PackageError(f"{path.relative_to(folder)}: symbolic links are not packaged")
            if not stat.S_ISREG(info.st_mode):
                continue
            total += info.st_size
            found.append((path.relative_to(folder).as_posix(), info.st_size, info.st_mtime_ns))
            if len(found) > MAX_FILES or total > MAX_BYTES:
                raise PackageError(f"the code folder holds more than {MAX_FILES} files or {MAX_BYTES // 2**20} MiB")
    return tuple(sorted(found))


@functools.lru_cache(maxsize=32)
def _zip_folder(folder: str, listing: tuple) -> bytes:
    """Zipped once per folder state (the listing's sizes and times key the cache)."""
    base = Path(folder)
    return _zip([(name, (base / name).read_bytes()) for name, _size, _mtime in listing])


def from_folder(rid: str, folder: Path) -> Package:
    return Package(rid, _zip_folder(str(folder), _listing(folder)))


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.create_system = 3  # unix, so the mode below is read
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
    return out.getvalue()


# ---------------------------------------------------------------- what the deploys call


def for_function(design, rid: str, props: dict) -> Package:
    """The package of one Zip function: its folder, or the built-in handler."""
    if props.get("code_path"):
        return from_folder(rid, folder_of(getattr(design, "folder", None), props["code_path"]))
    return built_in(rid, props["runtime"], props["handler"])


def packages(design) -> list[Package]:
    """Every zip a design's functions need (those without an S3 object or image of their own)."""
    found = []
    for rid in sorted(design.resources):
        resource = design.resources[rid]
        if resource["type"] != "lambda_function":
            continue
        from ..catalog import CATALOG

        props = {**CATALOG["lambda_function"].defaults(), **resource.get("properties", {})}
        if props["package_type"] == "Zip" and not props.get("code_bucket"):
            found.append(for_function(design, rid, props))
    return found


def write(design, module: Path) -> list[Path]:
    """Terraform: the zips its module names, written under `module/lambda/` (stale ones removed)."""
    wanted = {p.file: p for p in packages(design)}
    folder = module / FOLDER
    if folder.is_dir():
        for old in folder.glob("*.zip"):
            if old.name not in wanted:
                old.unlink()
    written = []
    for package in wanted.values():
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / package.file
        if not path.exists() or path.read_bytes() != package.data:
            path.write_bytes(package.data)
        written.append(path)
    return written


def uploads(design) -> list[tuple[str, bytes]]:
    """CloudFormation: (S3 key, zip) for every package the template reads from the artifact bucket
    (the built-in handlers it takes inline are not among them)."""
    return [(p.key(design.name), p.data) for p in packages(design) if p.source is None]


def upload(s3, bucket: str, design) -> list[str]:
    """Put the design's packages into `bucket` (an S3 client of the deploy's target); returns the keys."""
    keys = []
    for key, data in uploads(design):
        s3.put_object(Bucket=bucket, Key=key, Body=data, ChecksumAlgorithm="SHA256")
        keys.append(key)
    return keys
