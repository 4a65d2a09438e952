"""The shared per-conversation line: arrival order within a conversation, none across."""

from __future__ import annotations

import asyncio

from bot.adapters.sequencer import Sequencer
from bot.runtime.dispatcher import Handled


async def test_a_conversation_keeps_arrival_order_whatever_each_event_costs() -> None:
    """Three events of one channel, the first the slowest: handled 1, 2, 3."""
    lines, done = Sequencer(), []
    gates = {1: asyncio.Event(), 2: asyncio.Event(), 3: asyncio.Event()}

    async def event(n: int) -> None:
        turn = lines.turn("c1")  # taken on arrival, before anything is awaited
        await gates[n].wait()  # a look-up that takes its time

        async def work() -> Handled:
            done.append(n)
            return "done"

        await lines.run(turn, work)

    tasks = [asyncio.create_task(event(n)) for n in (1, 2, 3)]
    await asyncio.sleep(0)
    gates[3].set()
    gates[2].set()
    gates[1].set()
    await asyncio.gather(*tasks)
    assert done == [1, 2, 3]
    assert lines.busy() == 0


async def test_conversations_do_not_wait_for_each_other() -> None:
    """A slow event in one channel doesn't hold another channel's event."""
    lines = Sequencer()
    first, second = lines.turn("c1"), lines.turn("c1")
    other = lines.turn("c2")
    async with first:  # c1's event being handled: c1's next waits, c2's doesn't
        await asyncio.wait_for(other.__aenter__(), 0.5)
        other.release()
        assert not second.done.is_set()
    async with second:
        pass
    assert lines.busy() == 0


async def test_a_cancelled_wait_lets_the_next_event_go() -> None:
    """An event cancelled while waiting (shutdown) doesn't stop the ones behind it."""
    lines = Sequencer(patience=5.0)
    head, middle, tail = lines.turn("c1"), lines.turn("c1"), lines.turn("c1")
    waiting = asyncio.create_task(middle.__aenter__())
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.wait({waiting})
    assert waiting.cancelled()
    head.release()
    await asyncio.wait_for(tail.__aenter__(), 1.0)
    tail.release()
    assert lines.busy() == 0


async def test_an_unseen_event_tries_again_behind_the_next_arrival() -> None:
    """A ✅ before its answer: it steps aside, the answer arrives and goes first, then it
    is tried again and takes effect."""
    lines, seen, order = Sequencer(unseen=2.0), set(), []

    async def reaction() -> Handled:
        order.append("reaction")
        return "done" if "answer" in seen else "unseen"

    async def answer() -> Handled:
        seen.add("answer")
        order.append("answer")
        return "done"

    pending = asyncio.create_task(lines.run(lines.turn("c1"), reaction))
    await asyncio.sleep(0.01)
    assert await lines.run(lines.turn("c1"), answer) == "done"
    assert await pending == "done"
    assert order == ["reaction", "answer", "reaction"]
