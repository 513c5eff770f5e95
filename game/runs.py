"""The server's side of the runs a player plays: started ahead, revived, posted when they end.

Signed in, the game asks the server for the next run (an id and its world's seed) while the
player is still on the title or results screen, so a tap on Play never waits: the play scene
takes the run if its answer is in, and plays a local seed otherwise. The world records its own
input log (rules/log.py); when the run ends, the log goes to the server, which replays it and
grants what the replay earns. A revive is recorded on the server's run first (a token spent, or the
watched ad counted): a revive the server has no record of ends the replay at the fall.

Everything here is a background Job the scenes poll: the frame loop never waits on the network.
Offline, as a guest, or without the server's run in time, the game plays on and the results say
that the run was not saved. Offline runs use the local seed (``--seed`` replays them exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

from game.services import Job, RunResult, RunTicket, ServiceError, Services, quietly
from rules.world import World

CAPPED = "Daily coin limit reached: runs are saved again tomorrow"
GUEST = "Guest: coins are not saved"
UNSAVED = "Run not saved"


@dataclass
class _Run:
    world: World
    ticket: RunTicket | None
    notice: str  # why the run is not saved ("" when it is)
    revive: Job[bool] | None = None  # the revive being recorded on the server


class ServerRuns:
    """One per game session (on the scenes' Context)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._next: Job[RunTicket] | None = None
        self._current: _Run | None = None

    def prepare(self) -> None:
        """Ask the server for the next run, once, when signed in (call it every frame)."""
        if self._next is None and self.services.online:
            self._next = self.services.spawn(self.services.start_run())

    @property
    def settled(self) -> bool:
        """No run is being asked for (the autoplay bot waits for this before it plays)."""
        return self._next is None or self._next.done()

    def begin(self, local_seed: int) -> World:
        """The world of a new run: seeded by the server's run when it is ready, else locally."""
        ticket, notice = self._take()
        world = World(ticket.seed if ticket else local_seed)
        self._current = _Run(world, ticket, notice)
        return world

    def _take(self) -> tuple[RunTicket | None, str]:
        job, self._next = self._next, None
        if not self.services.online:
            return None, GUEST
        if job is None or not job.done():
            if job is not None:
                job.cancel()
            return None, "Run not saved: the server did not answer in time"
        error = job.error()
        if isinstance(error, ServiceError):
            return (
                None,
                CAPPED if error.code == "run_daily_cap" else f"Run not saved: {error.message}",
            )
        if error is not None:
            return None, "Run not saved: unexpected server answer"
        return job.result(), ""

    def _run_of(self, world: World) -> _Run | None:
        current = self._current
        return current if current is not None and current.world is world else None

    def revive_with_token(self, world: World) -> Job[bool]:
        """Spend a revive token on this run (on the server); the job says whether one was left."""
        run = self._run_of(world)
        services = self.services
        if run is None or run.ticket is None:  # an unsaved run: the token is spent all the same
            return services.spawn(services.consume_revive())
        run.revive = services.spawn(services.revive_run(run.ticket.run_id, "token"))
        return run.revive

    def revived_by_ad(self, world: World) -> None:
        """A watched ad revived this run: the server counts it (the results wait for that)."""
        run = self._run_of(world)
        services = self.services
        if run is not None and run.ticket is not None:
            run.revive = services.spawn(services.revive_run(run.ticket.run_id, "ad"))
        elif services.online:  # still counted against the daily ad cap
            services.spawn(quietly(services.claim_ad_reward("revive")))

    def finish(self, world: World) -> Job[RunResult]:
        """Post the finished run (or keep only the best score locally when it is not saved)."""
        return self.services.spawn(self._finish(world))

    async def _finish(self, world: World) -> RunResult:
        services = self.services
        run = self._run_of(world)
        if run is None or run.ticket is None:
            services.store.record_best(world.score)
            notice = run.notice if run is not None else GUEST if not services.online else UNSAVED
            return RunResult(services.best_score, 0, False, notice)
        note = ""
        if run.revive is not None:
            await run.revive.wait()  # the replay honours the revive only once it is recorded
            if run.revive.error() is not None:
                note = "Revive not counted: coins after it are not saved"
        result = await services.finish_run(run.ticket.run_id, world)
        if note and result.saved:
            result.message = note
        return result
