"""/entraide questions on Slack: permalinks to the threads, kept clickable by the renderer."""

from __future__ import annotations

from bot.adapters.slack import render
from bot.core.identity import Community, Conversation
from bot.core.replies import Reply, linked
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.test_slack_scenarios import answered
from tests.fakes import slack_payloads as sp

SITE = f"https://{sp.TEAM_DOMAIN}.slack.com/"


def test_permalinks_are_written_as_slack_writes_them() -> None:
    """archives/<channel>/p<ts without its dot>; a reply in a thread names its thread."""
    assert render.permalink(SITE, "C1", None) == f"{SITE}archives/C1"
    assert render.permalink(SITE, "C1", "1700000000.000100") == (
        f"{SITE}archives/C1/p1700000000000100"
    )
    assert render.permalink(SITE, "C1", "1700000000.000100", "1700000000.000200") == (
        f"{SITE}archives/C1/p1700000000000200?thread_ts=1700000000.000100&cid=C1"
    )
    assert render.permalink(SITE, "C1", None, "1700000000.000200") == (
        f"{SITE}archives/C1/p1700000000000200"
    )


def test_the_renderer_keeps_a_linked_reference_clickable() -> None:
    """[Q3](permalink) becomes <permalink|Q3>: not escaped, its & written as Slack wants, and
    the /archives/ of the address is not read as a /command."""
    url = render.permalink(SITE, "C1", "1700000000.000100", "1700000000.000200")
    [piece] = render.messages(Reply(f"• {linked('Q3', url)} — see /questions"), {}, {"questions"})
    text = piece.blocks[0]["text"]["text"]
    expected = f"<{url.replace('&', '&amp;')}|Q3>"
    assert text == f"• {expected} — see /entraide questions"


async def test_links_agree_with_slack_and_ask_for_the_address_once(slack_bot: SlackBot) -> None:
    """The built permalink of a question's thread is the one chat.getPermalink gives; the
    workspace's address is asked once (auth.test), not once a link."""
    question = sp.message("How do I export my data?")
    await slack_bot.event(question)
    community = Community("slack", sp.TEAM_ID)
    thread = Conversation(sp.HELP_CHANNEL, question["ts"])
    before = len(slack_bot.fake.calls_to("auth.test"))  # bolt's own, to authorize events
    link = await slack_bot.adapter.link(community, thread)
    asked = {"channel": sp.HELP_CHANNEL, "message_ts": question["ts"]}
    assert link == slack_bot.fake.workspace.answer("chat.getPermalink", asked)["permalink"]
    reply = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
    in_thread = await slack_bot.adapter.link(community, thread, reply["ts"])
    assert in_thread.endswith(f"?thread_ts={question['ts']}&cid={sp.HELP_CHANNEL}")
    assert len(slack_bot.fake.calls_to("auth.test")) == before + 1


async def test_questions_answers_privately_with_a_link_to_each_thread(
    slack_bot: SlackBot,
) -> None:
    """`/entraide questions`: the private list links Q1 to its thread; the next-page hint
    reads as Slack members type it."""
    question = sp.message("How do I export my data? <!everyone>")
    await slack_bot.event(question)
    await slack_bot.command("questions unanswered")
    [answer] = answered(slack_bot.fake)
    assert answer["response_type"] == "ephemeral"
    shown = answer["blocks"][0]["text"]["text"]
    permalink = f"{SITE}archives/{sp.HELP_CHANNEL}/p{question['ts'].replace('.', '')}"
    assert f"<{permalink}|Q1>" in shown
    assert "1 unanswered question" in shown
    assert "<!everyone>" not in shown
    await slack_bot.command("questions 2")  # the page alone: read as a page, not a channel
    [_, past] = answered(slack_bot.fake)
    assert "There is no page 2" in past["text"]


async def test_no_address_means_no_link_now_and_a_link_later(slack_bot: SlackBot) -> None:
    """auth.test refused: "" (the reference shows without a link), and it is asked again
    next time rather than remembered as missing."""
    community = Community("slack", sp.TEAM_ID)
    thread = Conversation(sp.HELP_CHANNEL, "1700000000.000100")
    slack_bot.fake.fail("auth.test", "internal_error")
    assert await slack_bot.adapter.link(community, thread) == ""
    assert linked("Q1", "") == "Q1"
    assert await slack_bot.adapter.link(community, thread) == (
        f"{SITE}archives/{sp.HELP_CHANNEL}/p1700000000000100"
    )
