"""The demo's simulation in a process of its own that hands its events to the import as they
arrive (simulation/arrival_stream.py), so that simulating and importing use both cores.

The simulator process appends each line that has arrived to `arrived.jsonl`, its arrival (8
bytes) to `arrived.times`, and says through a pipe how far both are complete: a few small
messages, so it never waits for the importer. It also writes the whole feed to
`simulated.jsonl`, from which the demo builds in order when the streamed lines cannot be
exactly those (`Outcome.exact`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import BinaryIO

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.rules import RulesTable
from terugkeer.simulation.arrival import id_of
from terugkeer.simulation.arrival_stream import ArrivalStream, Arrived
from terugkeer.simulation.model import World
from terugkeer.simulation.params import Parameters

Progress = Callable[[str], None]

#: A line the simulator writes later occurred at most this much before its clock (whole
#: seconds, rounded down): what arrived before the clock less this is complete.
_SLACK_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class FeedJob:
    """What the simulator process is to do (picklable: it crosses to a new process)."""

    folder: Path
    params_json: str
    rules: RulesTable
    seed: int
    first: date  # the first day of the first full year
    until: date  # the last simulated day
    cutoff: float  # the build's moment (UTC seconds): what arrives later is left out

    @property
    def simulated(self) -> Path:
        return self.folder / "simulated.jsonl"

    @property
    def arrived(self) -> Path:
        return self.folder / "arrived.jsonl"

    @property
    def times(self) -> Path:
        return self.folder / "arrived.times"


@dataclass(frozen=True, slots=True)
class Outcome:
    exact: bool  # the lines handed out are those of the in-order build
    simulated: int  # lines the simulator wrote
    arrived: int  # lines handed out


@dataclass(frozen=True, slots=True)
class Said:
    text: str


@dataclass(frozen=True, slots=True)
class Handed:
    """Both files are complete up to `lines` lines and `size` bytes; `outcome` on the last."""

    lines: int
    size: int
    outcome: Outcome | None = None


@dataclass(frozen=True, slots=True)
class Failed:
    why: str


Message = Said | Handed | Failed


class ArrivingFeed:
    """The importer's side: starts the simulator process and yields the lines that arrived,
    each one's arrival put in `arrivals` (by event id) before it is yielded."""

    def __init__(self, job: FeedJob, progress: Progress) -> None:
        self.job = job
        self.arrivals: dict[str, datetime] = {}
        self.outcome: Outcome | None = None
        self._progress = progress
        # A fresh interpreter, not a fork: the parent may hold database connections and threads.
        context = multiprocessing.get_context("spawn")
        self._pipe, sending = context.Pipe(duplex=False)
        self._process = context.Process(
            target=simulate_arriving, args=(job, sending), name="terugkeer-demo-simulation",
            daemon=True,
        )  # fmt: skip
        for created in (job.arrived, job.times):  # before the simulator writes to them
            created.write_bytes(b"")
        self._process.start()
        sending.close()  # the child's end: a child that dies is then an EOF here
        self._handed: queue.SimpleQueue[Handed | Failed] = queue.SimpleQueue()
        self._listener = threading.Thread(target=self._listen, name="demo-simulation-listener",
                                          daemon=True)  # fmt: skip
        self._listener.start()

    def lines(self) -> Iterator[bytes]:
        job = self.job
        with job.arrived.open("rb") as data, job.times.open("rb") as times:
            count = 0
            while True:
                message = self._handed.get()
                if isinstance(message, Failed):
                    raise RuntimeError(f"the demo's simulation failed: {message.why}")
                moments = array("d")
                moments.frombytes(times.read(8 * (message.lines - count)))
                blob = data.read(message.size - data.tell())
                count = message.lines
                lines = blob.splitlines(keepends=True)
                arrivals = self.arrivals
                for line, moment in zip(lines, moments, strict=True):
                    arrivals[id_of(line)] = datetime.fromtimestamp(moment, UTC)
                yield from lines
                if message.outcome is not None:
                    self.outcome = message.outcome
                    return

    def close(self) -> None:
        """Wait for the simulator process (it has ended or is ending); stop it when the import
        ends early (an error, Ctrl-C)."""
        if self.outcome is None and self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._listener.join()
        self._pipe.close()

    def _listen(self) -> None:
        """In a thread of its own: says the simulator's progress when it comes (the importer
        can be busy for seconds) and queues the rest for `lines`."""
        while True:
            try:
                message: Message = self._pipe.recv()
            except (EOFError, OSError):
                self._process.join()
                self._handed.put(Failed(f"it stopped (exit code {self._process.exitcode})"))
                return
            if isinstance(message, Said):
                self._progress(message.text)
                continue
            self._handed.put(message)
            if isinstance(message, Failed) or message.outcome is not None:
                return


def simulate_arriving(job: FeedJob, pipe: Connection) -> None:
    """The simulator process: run the model from the warm-up's origin to the end of `until`,
    handing out what has arrived after each of its steps."""
    try:
        with job.simulated.open("wb") as whole, job.arrived.open("ab") as data, \
                job.times.open("ab") as times:  # fmt: skip
            _simulate(job, pipe, whole, data, times)
    except BaseException as error:  # the parent says it; the simulated data hold no real person
        with contextlib.suppress(OSError):  # unless the parent has gone
            pipe.send(Failed(f"{type(error).__name__}: {error}"))
        raise
    finally:
        pipe.close()


def _simulate(
    job: FeedJob, pipe: Connection, whole: BinaryIO, data: BinaryIO, times: BinaryIO
) -> None:
    params = Parameters.model_validate_json(job.params_json)
    origin = datetime.combine(date(job.first.year - params.warm_up_years, 1, 1), time(),
                              AMSTERDAM)  # fmt: skip
    end = datetime.combine(job.until + timedelta(days=1), time(), AMSTERDAM)
    written: list[str] = []  # the model writes one line per call
    world = World(params, origin, job.seed, written.append, rules=job.rules)
    stream = ArrivalStream(params.reporting, job.seed, job.first, cutoff=job.cutoff)
    since = world.day(datetime.combine(job.first - timedelta(days=1), time(), AMSTERDAM))
    zero = origin.timestamp()
    last_day = world.day(end)
    state = {"lines": 0, "bytes": 0, "simulated": 0, "tenth": -1}

    def hand_out(arrived: list[Arrived], exact: bool | None = None) -> None:
        blob = b"".join(line for _, line in arrived)
        data.write(blob)
        times.write(array("d", (moment for moment, _ in arrived)).tobytes())
        data.flush()
        times.flush()
        state["lines"] += len(arrived)
        state["bytes"] += len(blob)
        outcome = None if exact is None else Outcome(exact, state["simulated"], state["lines"])
        pipe.send(Handed(state["lines"], state["bytes"], outcome))

    def step(now: float, total: float) -> None:
        lines = [text.encode("ascii") for text in written]  # compact() writes ASCII
        written.clear()
        whole.write(b"".join(lines))
        state["simulated"] += len(lines)
        stream.add(lines)
        if not stream.decided and now >= since:
            stream.decide(v for ready, _, person in world.returning if ready <= last_day
                          for v in person.v_numbers)  # fmt: skip
        tenth = int(10 * now / total) if total else 10
        if tenth > state["tenth"]:
            state["tenth"] = tenth
            pipe.send(Said(f"  {10 * tenth}% simulated"))
        hand_out(stream.release(zero + now * 86_400 - _SLACK_SECONDS))

    world.run(end, job.first.year, step)
    step(world.env.now, last_day)  # anything written after the last step (none, as it runs)
    whole.flush()
    finished = stream.finish()
    hand_out(finished, stream.exact)
