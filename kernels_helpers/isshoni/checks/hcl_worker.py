"""The child process of `hcl_parser`: parse HCL texts with HashiCorp's own parser.

Reads a JSON list of texts on stdin and writes one JSON line per text, as soon
as it is parsed: `{"body": ...}` or `{"error": "..."}`.  It is started with
`python -I` and imports only the standard library and pygohcl, so nothing in
the user's folder or PYTHONPATH can stand in for the parser.
"""

import json
import sys


def parse(text: str) -> dict:
    import pygohcl

    try:
        return {"body": pygohcl.loads(text)}
    except (pygohcl.HCLParseError, pygohcl.HCLInternalError) as exc:
        return {"error": str(exc)}
    except RecursionError:  # pygohcl decodes the parser's JSON with Python's json
        return {"error": "nested too deeply to read"}
    except UnicodeEncodeError:
        return {"error": "not valid UTF-8 text"}


def main() -> None:
    for text in json.load(sys.stdin):
        try:
            line = json.dumps(parse(text))
        except (RecursionError, ValueError):
            line = json.dumps({"error": "nested too deeply to read"})
        sys.stdout.write(line + "\n")
        sys.stdout.flush()  # lines already written survive if the parser aborts on a later text


if __name__ == "__main__":
    main()
