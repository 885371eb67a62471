"""Thematic saturation by the rule of Guest, Namey and Chen (2020, PLoS ONE 15(5): e0232076).

The rule has three parts. The base is the first `base_size` transcripts (in interview order):
the number of distinct codes found in them is the denominator. A run is the next `run_length`
transcripts; its new information is the number of codes that first appear in the run, as a share
of the base's codes. Runs slide forward one transcript at a time; saturation is reached when a run
adds no more than the threshold (5 %, or 0 % for the strict version): data collection up to the
transcript before that run sufficed. Guest et al. recommend a base of 4 and a run of 2 or 3."""

from __future__ import annotations

from dataclasses import dataclass

BASE_SIZE, RUN_LENGTH, THRESHOLD = 4, 2, 0.05


@dataclass(frozen=True)
class Run:
    first: int  # 1-based positions of the run's transcripts
    last: int
    new_codes: int
    share: float  # new codes / codes in the base


@dataclass(frozen=True)
class SaturationResult:
    base_size: int
    run_length: int
    threshold: float
    transcripts: int
    base_codes: int
    runs: tuple[Run, ...]
    reached_after: int | None  # transcripts that sufficed (None: not reached, or too few transcripts)

    @property
    def deciding_run(self) -> Run | None:
        return next((r for r in self.runs if r.first == (self.reached_after or -1) + 1), None)

    def rule(self) -> str:
        return (f"Guest, Namey and Chen (2020): base size {self.base_size} transcripts, run length "
                f"{self.run_length}, new-information threshold \u2264{self.threshold:.0%}; runs slide "
                "forward one transcript at a time, and new information is the number of codes first "
                "seen in a run as a share of the codes found in the base.")

    def statement(self) -> str:
        """One sentence for the methods section."""
        if self.transcripts < self.base_size + self.run_length:
            return (f"Too few transcripts ({self.transcripts}) to apply the rule: it needs the base "
                    f"({self.base_size}) and one run ({self.run_length}).")
        if not self.base_codes:
            return "No codes were applied in the base transcripts, so saturation cannot be assessed."
        run = self.deciding_run
        if run is None:
            last = self.runs[-1] if self.runs else None
            tail = (f"; the last run (transcripts {last.first}\u2013{last.last}) added {last.new_codes} new "
                    f"code{'s' * (last.new_codes != 1)} ({last.share:.0%})") if last else ""
            return (f"Saturation at \u2264{self.threshold:.0%} new information was not reached in "
                    f"{self.transcripts} transcripts{tail}.")
        return (f"Saturation at \u2264{self.threshold:.0%} new information was reached after {self.reached_after} "
                f"transcripts: transcripts {run.first}\u2013{run.last} added {run.new_codes} new "
                f"code{'s' * (run.new_codes != 1)} ({run.share:.0%} of the {self.base_codes} codes in the "
                f"base of {self.base_size}).")


def guest_saturation(new_codes_per_transcript: list[int], base_size: int = BASE_SIZE, run_length: int = RUN_LENGTH,
                     threshold: float = THRESHOLD) -> SaturationResult:
    """Apply the rule to the count of codes first applied in each transcript, in interview order."""
    if base_size < 1 or run_length < 1 or not 0 <= threshold < 1:
        raise ValueError("base size and run length must be at least 1, the threshold between 0 and 1")
    n = len(new_codes_per_transcript)
    base = sum(new_codes_per_transcript[:base_size])
    runs, reached = [], None
    for i in range(base_size, n - run_length + 1):
        new = sum(new_codes_per_transcript[i:i + run_length])
        share = new / base if base else 0.0
        runs.append(Run(i + 1, i + run_length, new, share))
        if reached is None and base and share <= threshold + 1e-12:
            reached = i
    return SaturationResult(base_size, run_length, threshold, n, base, tuple(runs), reached)
