"""The child process of `source`: evaluate a Terraform folder with tfparse (Trivy's Terraform evaluator).

Reads `{"folder": ..., "vars_paths": [...]}` on stdin and writes one JSON line: `{"parsed": ...}` or
`{"error": "..."}`.  Started with `python -I` and imports only the standard library and tfparse, so
nothing in the user's folder or PYTHONPATH can stand in for it.  Module downloads are off: a remote
module is never fetched.  Memory is capped so a `count` of millions fails here, not the machine.
"""

import json
import resource
import sys

MEMORY = 2 * 1024 ** 3  # bytes of address space


def main() -> None:
    request = json.load(sys.stdin)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    except (ValueError, OSError):
        pass
    import tfparse

    try:
        parsed = tfparse.load_from_path(request["folder"], stop_on_hcl_error=True, allow_downloads=False,
                                        vars_paths=request.get("vars_paths") or None)
        line = json.dumps({"parsed": parsed}, default=str)
    except Exception as exc:  # noqa: BLE001 - tfparse raises its own ParseError and Go's errors as others
        line = json.dumps({"error": f"{type(exc).__name__}: {exc}"})
    sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
