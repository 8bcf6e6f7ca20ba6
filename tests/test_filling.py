"""Catalog templates are filled by functions written on first use (compiler/filling.py): the
first compiles of a fresh process, run from several threads at once, must agree."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_threads_compiling_in_a_fresh_process_write_each_filler_once_and_agree():
    script = textwrap.dedent(
        """
        import sys, threading
        from isshoni import Design
        from isshoni.compiler import cloudformation, resolve, terraform
        from isshoni.compiler import filling

        design = Design.load(sys.argv[1])
        assert filling._PLANS == {}, "nothing is planned before the first compile"
        outputs, errors = [], []
        start = threading.Barrier(6)

        def compile_once():
            try:
                start.wait()
                resolved = resolve(design)
                outputs.append(cloudformation.to_json(resolved) + str(terraform.files(resolved)))
            except Exception as exc:  # reported below
                errors.append(repr(exc))

        threads = [threading.Thread(target=compile_once) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert len(outputs) == 6 and len(set(outputs)) == 1
        written = sum(1 for ident in filling._PLANS if ident not in filling._UNWRITTEN)
        assert written > 0 and filling._UNWRITTEN, (written, len(filling._UNWRITTEN))
        print("ok", written, len(filling._UNWRITTEN))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "templates" / "chat_canary.infra.json")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ")
