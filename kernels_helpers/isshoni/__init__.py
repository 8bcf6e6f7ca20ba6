"""Isshoni: collaborative, AI-assisted visual designer for AWS infrastructure.

`isshoni.Design` is the design document; `isshoni.generate` compiles it to
CloudFormation or Terraform; `isshoni.check` runs the validators.
"""

try:
    # jupyter_ydoc loads every `jupyter_ydoc` entry point (ours: isshoni.yinfra) while it
    # is imported; importing it first keeps `import isshoni.yinfra` from meeting itself
    # half-initialised (the same order jupyterlab-chat uses).
    import jupyter_ydoc  # noqa: F401
except ImportError:  # collaboration is optional for the compiler and the CLI
    pass

from .design import Design, DesignError, Problem

__version__ = "0.1.0"


def load(path) -> Design:
    """Load and validate a `.infra.json` design."""
    return Design.load(path)


def generate(design: Design, fmt: str = "cloudformation") -> dict[str, str]:
    from .compiler import generate as _generate

    return _generate(design, fmt)


def cfn_types(query: str = "", region: str = "us-east-1", limit: int = 50) -> list[dict]:
    """Search the CloudFormation registry; any type can be a design resource, e.g.
    `design.add("cfn:AWS::SQS::Queue", "jobs", properties={...})` (see isshoni.generic)."""
    from .generic.registry import search

    return search(query, region, limit)[0]


def open(path, live=None, **kwargs):
    """Open a design from a notebook: live in its collaboration room when a Jupyter server is
    found (`url=`/`token=` override), offline on the file with `live=False` (see isshoni.kernel)."""
    from .kernel import open as _open

    return _open(path, live, **kwargs)


def open_template(template: str, path, **kwargs):
    """Copy a shipped template to `path` and open it (see isshoni.kernel.open_template)."""
    from .kernel import open_template as _open_template

    return _open_template(template, path, **kwargs)


def import_design(source=None, path=None, **kwargs):
    """Import a CloudFormation/SAM template (a file, or `text=`) into a design file and open it; the
    result shows the import report (see isshoni.kernel.importing)."""
    from .kernel.importing import import_design as _import_design

    return _import_design(source, path, **kwargs)


def load_ipython_extension(ipython):
    """`%load_ext isshoni`: the %isshoni and %%terraform magics."""
    from .magics import load

    load(ipython)


def _jupyter_server_extension_points():
    """Jupyter server extension: the REST API and TCP_NODELAY rooms (imported only by the server)."""
    from .server import IsshoniExtension

    return [{"module": "isshoni", "app": IsshoniExtension}]


def _jupyter_labextension_paths():
    """The JupyterLab frontend, built into `isshoni/labextension`."""
    return [{"src": "labextension", "dest": "isshoni"}]


__all__ = ["Design", "DesignError", "Problem", "cfn_types", "generate", "import_design", "load", "open", "open_template", "__version__"]
