"""The canary chart: blue and green traffic weights over time, drawn with matplotlib.

Rendered to PNG bytes with the Agg canvas (no pyplot state, safe from the job
threads), shown in an `ipywidgets.Image`: it needs no front-end extension, so
it works the same in JupyterLab, Voila and offline.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

BLUE, GREEN = "#1f6feb", "#2da44e"  # the canvas's blue/green role colours (canvas/style.ts ROLE_COLORS)


@dataclass
class WeightHistory:
    """(time, blue %, green %) points, one per change of the live rule's weights."""

    points: list[tuple[datetime, int, int]] = field(default_factory=list)

    def add(self, blue: int, green: int, at: datetime | None = None) -> bool:
        """Record a new point; False when the weights did not change."""
        if self.points and self.points[-1][1:] == (blue, green):
            return False
        self.points.append((at or datetime.now(), int(blue), int(green)))
        return True

    @property
    def current(self) -> tuple[int, int] | None:
        return self.points[-1][1:] if self.points else None


def png(history: WeightHistory, width: float = 5.6, height: float = 2.4) -> bytes:
    """The weights as a step chart (each value holds until the next change, up to now)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    if history.points:
        times = [p[0] for p in history.points] + [datetime.now()]
        blue = [p[1] for p in history.points] + [history.points[-1][1]]
        green = [p[2] for p in history.points] + [history.points[-1][2]]
        ax.step(times, blue, where="post", color=BLUE, linewidth=2, label="blue")
        ax.step(times, green, where="post", color=GREEN, linewidth=2, label="green")
        ax.legend(loc="center left", frameon=False, fontsize=8)
    else:
        ax.text(0.5, 0.5, "not deployed yet", ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_ylim(-5, 105)
    ax.set_yticks([0, 10, 50, 90, 100])
    ax.set_ylabel("traffic %", fontsize=8)
    ax.xaxis.set_major_formatter(DateFormatter("%H:%M:%S"))
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
