"""What a fuzz run found: the plan of cases, the counts, the known defect each failure hits,
the failing cases saved (and minimised) for replay, and the printed table."""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fuzz_mutate import Case
from fuzz_oracle import OUTCOMES
from fuzz_watchdog import Finished, Runner

BAD = ("traceback", "hang", "crash", "wrong")

# Issue 14's defects, told apart by what the failure says and where it happened
DEFECTS = (
    ("1 parent-chain loop", lambda r: r.outcome == "hang" and "_network_problems" in r.where),
    ("8 lone surrogate", lambda r: "surrogate" in r.detail or "not valid UTF-8" in r.detail),
    ("8 deep nesting", lambda r: any(s in r.detail for s in ("ecursion", "nested too deeply", "too deep"))),
    ("6 huge integer", lambda r: any(s in r.detail for s in ("digits", "64-bit", "too large to conv", "int too big"))),
    ("6 NaN/Infinity", lambda r: any(s in r.detail for s in ("NaN", "Infinity", ".inf", ".nan", " inf", " nan"))),
    ("5 CloudFormation-only meaning", lambda r: "CloudFormation-only meaning" in r.detail),
    ("8 HCL keyword as a key", lambda r: r.stage == "terraform" and "'for' expression" in r.detail),
)


def known_defect(result) -> str:
    return next((name for name, hits in DEFECTS if hits(result)), "new")


def plan(cases: int, seed: int, ops_share: float = 0.3, hypothesis_share: float = 0.1, chunk: int = 50):
    """The jobs of a run: mutated files and ops cases, with hypothesis batches spread among them."""
    designed = round(cases * hypothesis_share)
    mutated = cases - designed
    rng = random.Random(seed)
    batches = [min(chunk, designed - start) for start in range(0, designed, chunk)]
    every = max(1, math.ceil(mutated / max(1, len(batches))))
    for index in range(mutated):
        if index % every == 0 and batches:
            yield ("generate", seed * 100_000 + len(batches), batches.pop())
        yield ("make", "ops" if rng.random() < ops_share else "file", seed, index)
    while batches:
        yield ("generate", seed * 100_000 + len(batches), batches.pop())


@dataclass
class Tally:
    save_to: Path | None = None
    counts: Counter = field(default_factory=Counter)
    stages: Counter = field(default_factory=Counter)
    defects: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)  # (case, result, defect) of every non-clean case
    slowest: tuple = (0.0, "")  # (seconds, case id) of the slowest case that finished: what a deadline must allow
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0

    def __call__(self, finished: Finished) -> None:
        result = finished.result
        self.counts[result.outcome] += 1
        if result.outcome != "hang":
            self.slowest = max(self.slowest, (result.seconds, result.case_id))
        if result.outcome in BAD:
            defect = known_defect(result)
            self.stages[(result.outcome, result.stage)] += 1
            self.defects[(result.outcome, defect)] += 1
            self.failures.append((finished.case, result, defect))
            if self.save_to is not None:
                save(self.save_to, finished.case, result, defect)
        self.seconds = time.monotonic() - self.started

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def bad(self) -> int:
        return sum(self.counts[o] for o in BAD)

    def table(self, header: str = "") -> str:
        rate = self.total / self.seconds if self.seconds else 0.0
        lines = [header] if header else []
        lines.append(f"{self.total} cases in {self.seconds:.1f} s ({rate:.1f} cases/s)")
        names = {"clean": "clean rejection", "wrong": "accepted but saved or compiled wrong"}
        lines += [f"  {names.get(o, o):<38} {self.counts[o]:>8}" for o in OUTCOMES]
        lines.append(f"  slowest case that finished: {self.slowest[0]:.2f} s ({self.slowest[1]})")
        if self.defects:
            lines.append("  non-clean cases by issue-14 defect (outcome, defect):")
            lines += [f"    {o:<10} {d:<32} {n:>6}" for (o, d), n in sorted(self.defects.items())]
            lines.append("  by stage:")
            lines += [f"    {o:<10} {s:<32} {n:>6}" for (o, s), n in sorted(self.stages.items())]
        return "\n".join(lines)

    def examples(self, limit: int = 10) -> str:
        """One failing case per (outcome, defect, stage), for an assertion message."""
        seen, lines = set(), []
        for case, result, defect in self.failures:
            key = (result.outcome, defect, result.stage)
            if key not in seen and len(lines) < limit:
                seen.add(key)
                lines.append(f"{case.id} {result.outcome} [{defect}] at {result.stage}: {result.detail[:160]!r} {result.where}")
        return "\n".join(lines)


def save(folder: Path, case: Case, result, defect: str, suffix: str = "") -> Path:
    """`<outcome>/<id>.case.json` (replayable), and the design file itself when the case is one."""
    where = folder / result.outcome
    where.mkdir(parents=True, exist_ok=True)
    record = {"case": case.record(), "result": {**asdict(result), "terraform": {}}, "defect": defect}
    path = where / f"{case.id}{suffix}.case.json"
    path.write_text(json.dumps(record, indent=1), "utf-8")  # ASCII: lone surrogates stay escaped
    if case.text is not None:
        (where / f"{case.id}{suffix}.infra.json").write_text(case.text, "utf-8", errors="surrogatepass")
    with open(folder / "index.tsv", "a", encoding="utf-8") as index:
        first_line = result.detail.splitlines()[0] if result.detail else ""
        index.write(f"{case.id}{suffix}\t{result.outcome}\t{result.stage}\t{defect}\t{first_line[:200]!r}\n")
    return path


def load_case(path: Path) -> Case:
    return Case(**json.loads(Path(path).read_text("utf-8"))["case"])


def minimise(runner: Runner, case: Case, result, rounds: int = 8) -> tuple[Case, object]:
    """Drop mutations (or ops) one at a time while the case still fails the same way."""
    signature = (result.outcome, result.stage, known_defect(result))
    for _ in range(rounds):
        steps = case.mutations if case.kind == "file" else case.ops or []
        if len(steps) <= 1 or (case.kind == "file" and case.template == "hypothesis"):
            break
        smaller = [_without(case, steps, i) for i in range(len(steps))]
        got = {f.case.id: f.result for f in runner.run_cases(smaller)}
        keep = next((c for c in smaller if (r := got.get(c.id)) and (r.outcome, r.stage, known_defect(r)) == signature), None)
        if keep is None:
            break
        case, result = keep, got[keep.id]
    return case, result


def _without(case: Case, steps: list, index: int) -> Case:
    from fuzz_mutate import build_text

    rest = steps[:index] + steps[index + 1:]
    if case.kind == "file":
        return Case(f"{case.id}-m{len(rest)}x{index}", "file", case.template, text=build_text(case.template, rest),
                    mutations=rest)
    return Case(f"{case.id}-m{len(rest)}x{index}", "ops", case.template, ops=rest, route=case.route)
