"""One error type for the REST API, so every failure answers `{"message": ...}`
(plus `problems` when a design was refused) instead of an HTML page or a traceback."""

from __future__ import annotations

from contextlib import contextmanager

from tornado.web import HTTPError

from ..design import DesignError, Problem
from ..design.errors import describe
from ..design.jsonvalues import MAX_DEPTH
from .workers import WorkerDied


class ApiError(HTTPError):
    """An HTTP error whose message (and design problems, if any) go to the client as JSON."""

    def __init__(self, status: int, message: str, problems: list[Problem] | None = None, extra: dict | None = None):
        # tornado formats log_message with `%`: escape it, keep the text as given for the client
        super().__init__(status, message.replace("%", "%%"))
        self.message = message
        self.problems = problems
        self.extra = extra or {}  # more fields for the client (a broken file's position ...)

    def to_dict(self) -> dict:
        reply: dict = {**self.extra, "message": self.message}
        if self.problems is not None:
            reply["problems"] = [p.to_dict() for p in self.problems]
        return reply


def from_design_error(exc: DesignError, status: int = 400) -> ApiError:
    shown = "; ".join(str(p) for p in exc.problems[:3])
    more = f" (and {len(exc.problems) - 3} more)" if len(exc.problems) > 3 else ""
    return ApiError(status, f"{exc.source}: {shown}{more}", exc.problems)


@contextmanager
def bad_input():
    """Turn the model's refusals (DesignError, KeyError, ValueError) into 400 answers, a passed
    deadline (workers.Overdue) into 504 and a worker that died into 503."""
    try:
        yield
    except ApiError:
        raise
    except DesignError as exc:
        raise from_design_error(exc) from None
    except (KeyError, ValueError, TypeError) as exc:
        raise ApiError(400, describe(exc)) from None
    except RecursionError:
        raise ApiError(400, f"the request is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except TimeoutError as exc:
        raise ApiError(504, str(exc)) from None
    except WorkerDied as exc:
        raise ApiError(503, str(exc)) from None
