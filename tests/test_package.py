"""Lambda code packages: a folder next to the design zipped the same way every time (its SHA-256 in
both outputs), a built-in handler that really answers when there is no folder, and hostile paths
refused.  Never a placeholder bucket."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import zipfile

import pytest

from isshoni import Design
from isshoni.compiler import cloudformation, package, resolve, terraform
from isshoni.design import DesignError


def write_code(folder, body: str = "def handler(event, context):\n    return {'statusCode': 200}\n"):
    (folder / "src" / "lib").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "index.py").write_text(body)
    (folder / "src" / "lib" / "util.py").write_text("VALUE = 1\n")


def design_with_code(folder, code_path="src", name="pkg") -> Design:
    d = Design(name=name, region="us-east-1")
    d.add("lambda_function", "fn", properties={"code_path": code_path})
    path = d.save(folder / f"{name}.infra.json")
    return Design.load(path)  # loaded from its file: code_path is relative to it


def test_a_folder_zips_to_the_same_bytes_every_time(tmp_path):
    write_code(tmp_path)
    first = package.for_function(design_with_code(tmp_path), "fn", {"code_path": "src"})
    for path in (tmp_path / "src").rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))  # new times (another checkout): same zip
    again = package.for_function(design_with_code(tmp_path), "fn", {"code_path": "src"})
    assert again.data == first.data and again.sha256 == hashlib.sha256(first.data).hexdigest()
    names = zipfile.ZipFile(io.BytesIO(first.data)).namelist()
    assert names == ["index.py", "lib/util.py"]
    assert all(i.date_time == package.ZIP_TIME for i in zipfile.ZipFile(io.BytesIO(first.data)).infolist())
    (tmp_path / "src" / "index.py").write_text("def handler(event, context):\n    return {'statusCode': 201}\n")
    changed = package.for_function(design_with_code(tmp_path), "fn", {"code_path": "src"})
    assert changed.sha256 != first.sha256 and changed.file != first.file


def test_the_hash_is_in_both_outputs(tmp_path):
    write_code(tmp_path)
    design = design_with_code(tmp_path)
    code = package.for_function(design, "fn", {"code_path": "src"})
    resolved = resolve(design)
    cfn = cloudformation.template(resolved)
    assert cfn["Resources"]["Fn"]["Properties"]["Code"] == {"S3Bucket": {"Ref": "ArtifactBucket"}, "S3Key": f"isshoni/pkg/{code.file}"}
    assert "Default" not in cfn["Parameters"]["ArtifactBucket"]  # the deploy names its bucket: no placeholder
    main = terraform.files(resolved)["main.tf"]
    assert f'filename         = "lambda/{code.file}"' in main
    assert f'source_code_hash = "{base64.b64encode(hashlib.sha256(code.data).digest()).decode()}"' in main
    written = package.write(design, tmp_path / "module")
    assert [p.relative_to(tmp_path / "module").as_posix() for p in written] == [code.path]
    assert (tmp_path / "module" / code.path).read_bytes() == code.data
    (tmp_path / "module" / "lambda" / "fn-old.zip").write_bytes(b"stale")
    package.write(design, tmp_path / "module")
    assert sorted(p.name for p in (tmp_path / "module" / "lambda").iterdir()) == [code.file]


@pytest.mark.parametrize("code_path, why", [("missing", "no such folder"), ("linked", "symbolic links")])
def test_missing_folders_and_links_are_refused_on_the_resource(tmp_path, code_path, why):
    write_code(tmp_path)
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / "secrets").symlink_to("/etc/passwd")
    with pytest.raises(DesignError, match=why) as caught:
        resolve(design_with_code(tmp_path, code_path))
    assert caught.value.problems[0].resource == "fn"


@pytest.mark.parametrize("code_path", ["../outside", "/etc", "src/../../x", "./src", ""])
def test_the_packager_refuses_paths_outside_the_design_folder(tmp_path, code_path):
    write_code(tmp_path)
    with pytest.raises(package.PackageError, match="relative path below"):  # even past the schema
        package.folder_of(tmp_path, code_path)


def test_the_schema_refuses_paths_that_leave_the_folder():
    d = Design(name="pkg", region="us-east-1")
    for bad in ("../x", "/abs", "a/../../b", "a//b"):
        with pytest.raises(DesignError):
            d.add("lambda_function", f"fn{abs(hash(bad))}", properties={"code_path": bad})


def _built_in(runtime: str, handler: str = "index.handler") -> tuple[package.Package, dict]:
    d = Design(name="builtin", region="us-east-1")
    d.add("lambda_function", "fn", properties={"runtime": runtime, "handler": handler})
    cfn = cloudformation.template(resolve(d))
    return package.built_in("fn", runtime, handler), cfn["Resources"]["Fn"]["Properties"]["Code"]


def test_the_built_in_python_handler_answers(tmp_path):
    code, cfn_code = _built_in("python3.12")
    assert cfn_code == {"ZipFile": code.source}  # inline: no bucket at all
    source = zipfile.ZipFile(io.BytesIO(code.data)).read("index.py").decode()
    namespace: dict = {}
    exec(compile(source, "index.py", "exec"), namespace)  # our own generated code, not the user's
    os.environ["ITEMS_TABLE_NAME"] = "t"
    try:
        answer = namespace["handler"]({}, None)
    finally:
        del os.environ["ITEMS_TABLE_NAME"]
    assert answer["statusCode"] == 200 and "ITEMS_TABLE_NAME" in json.loads(answer["body"])["connected"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_built_in_node_handler_answers(tmp_path):
    code, cfn_code = _built_in("nodejs22.x")
    assert cfn_code == {"ZipFile": code.source}
    zipfile.ZipFile(io.BytesIO(code.data)).extractall(tmp_path)
    run = subprocess.run(
        ["node", "-e", "require('./index.js').handler({}).then(r => console.log(JSON.stringify(r)))"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, env={**os.environ, "QUEUE_URL": "q"},
    )
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["statusCode"] == 200 and "QUEUE_URL" in json.loads(answer["body"])["connected"]


def test_a_built_in_handler_follows_the_handler_property():
    code, cfn_code = _built_in("python3.12", "app.main")
    assert "def main(event, context):" in zipfile.ZipFile(io.BytesIO(code.data)).read("app.py").decode()
    assert "S3Key" in cfn_code  # CloudFormation inlines only index.* files: this one goes through the bucket
    ruby, ruby_code = _built_in("ruby3.4")
    assert "def handler(event:, context:)" in zipfile.ZipFile(io.BytesIO(ruby.data)).read("index.rb").decode()
    assert "S3Key" in ruby_code


def test_compiled_runtimes_need_a_code_folder():
    d = Design(name="java", region="us-east-1")
    d.add("lambda_function", "fn", properties={"runtime": "java21"})
    with pytest.raises(DesignError, match="set code_path"):
        resolve(d)


def test_no_design_ever_compiles_to_a_placeholder_bucket():
    d = Design(name="plain", region="us-east-1")
    d.add("lambda_function", "fn")
    text = json.dumps(cloudformation.template(resolve(d))) + "".join(terraform.files(resolve(d)).values())
    assert not re.search(r"my-artifacts|functions/.*\.zip|s3_bucket", text)
