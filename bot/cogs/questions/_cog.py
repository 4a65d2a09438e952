"""Handlers of the question loop: thin, the rules live in _logic and storage."""

from __future__ import annotations

import logging

import aiosqlite

from bot.cogs._question_events import announce_solved, question_example, thread_of
from bot.cogs.questions import _logic, _render
from bot.core.cog import Cog, listen, on_button
from bot.core.commands import ArgumentError, Option, command
from bot.core.events import (
    ArticleShared,
    ButtonPressed,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    QuestionOpened,
    ReplyPosted,
)
from bot.core.identity import Conversation
from bot.core.limits import excerpt
from bot.core.ports import DeliveryError
from bot.runtime.context import Context
from bot.storage import questions
from bot.storage.questions import Question

log = logging.getLogger(__name__)


class QuestionsCog(Cog):
    """Turns help-channel posts into questions and follows them to 'solved'."""

    name = "questions"
    member_tables = ("questions", "question_status_log", "answers")

    @listen(MessagePosted)
    async def on_message(self, ctx: Context, event: MessagePosted) -> None:
        """A top-level post in a help channel is a question."""
        if not event.conversation.is_in(ctx.config.help_channels):
            return
        if _logic.is_blank(event.text):
            # Not a question, and no public word either: an empty post (a zero-width space,
            # a stray Enter) asks nothing, and a reply in the help channel would be noise.
            # With no question, nothing follows it: no suggestion, nudge or escalation.
            return
        async with ctx.services.db.transaction() as tx:
            question, _ = await questions.create(
                tx,
                community_id=ctx.community_id,
                origin_id=event.message_id,
                channel_id=event.conversation.channel_id,
                root_message_id=event.message_id,
                thread_id=event.conversation.thread_id,
                asker_id=ctx.member_id,
                text=event.text,
                language=ctx.language,
                at=event.at,
            )
        question = await self._open_thread(ctx, question)
        await self._announce_opened(ctx, question)

    @command("ask", Option("question", "text"))
    async def ask(self, ctx: Context, question: str) -> None:
        """Ask the community a question; the bot posts it in the help channel."""
        if _logic.is_blank(question):  # the asker is told privately, nothing is posted
            raise ArgumentError("questions.empty")
        if not ctx.config.help_channels:
            raise ArgumentError("questions.no_help_channel")
        channel_id = ctx.config.help_channels[0]
        author = ctx.event.author
        async with ctx.services.db.transaction() as tx:
            record, _ = await questions.create(
                tx,
                community_id=ctx.community_id,
                origin_id=f"ask:{ctx.event.event_id}",
                channel_id=channel_id,
                asker_id=ctx.member_id,
                text=question,
                language=ctx.language,
                at=ctx.event.at,
            )
        if record.root_message_id is None:
            root = await ctx.send(Conversation(channel_id), _render.asked(ctx, author.id, question))
            async with ctx.services.db.transaction() as tx:
                await questions.update(tx, record.id, root_message_id=root)
                record = await questions.by_origin(tx, ctx.community_id, record.origin_id) or record
        record = await self._open_thread(ctx, record)
        await ctx.tell("questions.ask_done", ref=record.ref)
        await self._announce_opened(ctx, record)

    async def _announce_opened(self, ctx: Context, question: Question) -> None:
        """Let other features (suggestions, nudges) know; deduplicated by its event id."""
        if question.thread_id is None:
            return
        await ctx.emit(
            QuestionOpened,
            event_id=f"question.{question.id}.opened",
            question_id=question.id,
            number=question.number,
            text=question.text,
            conversation=thread_of(question),
        )

    async def _open_thread(self, ctx: Context, question: Question) -> Question:
        """Open the thread and post the intro; each step is recorded, so a replay resumes."""
        chat = ctx.chat
        asker = question.asker_external_id or ctx.event.author.id
        if question.thread_id is None and question.root_message_id is not None:
            title = (
                excerpt(question.text.splitlines()[0], 90)
                if question.text.strip()
                else question.ref
            )
            thread_id = await chat.open_thread(
                ctx.event.community,
                question.channel_id,
                question.root_message_id,
                title,
                question.ref,
            )
            async with ctx.services.db.transaction() as tx:
                await questions.update(tx, question.id, thread_id=thread_id)
            question = await self._reload(ctx, question)
        if question.intro_message_id is None and question.thread_id and ctx.config.thread_intro:
            where = thread_of(question)
            intro_id = await ctx.send(where, _render.intro(ctx, question, asker))
            async with ctx.services.db.transaction() as tx:
                await questions.update(tx, question.id, intro_message_id=intro_id)
            question = await self._reload(ctx, question)
        return question

    async def _reload(self, ctx: Context, question: Question) -> Question:
        async with ctx.services.db.read() as conn:
            fresh = await questions.by_origin(conn, ctx.community_id, question.origin_id)
        return fresh or question

    @listen(ReplyPosted, ArticleShared)
    async def on_reply(self, ctx: Context, event: ReplyPosted) -> None:
        """A reply by someone other than the asker in a question's thread is an answer (an
        article shared with /kb post too: the sharer's, marked with its slug)."""
        thread_id = event.conversation.thread_id
        if thread_id is None:
            return
        async with ctx.services.db.transaction() as tx:
            question = await questions.by_thread(tx, ctx.community_id, thread_id)
            if question is None or question.asker_id == ctx.member_id:
                return
            created = await questions.add_answer(
                tx,
                community_id=ctx.community_id,
                question_id=question.id,
                message_id=event.message_id,
                author_id=ctx.member_id,
                by_staff=event.author.is_moderator,
                text=event.text,
                at=event.at,
                shared_article=event.article if isinstance(event, ArticleShared) else None,
            )
            if not created:
                return
            new_status = _logic.status_after_answer(question.status)
            fields = {} if question.first_answer_at else {"first_answer_at": event.at.isoformat()}
            if new_status != question.status:
                await questions.change_status(
                    tx, question, new_status, event.at, ctx.member_id, **fields
                )
            elif fields:
                await questions.update(tx, question.id, **fields)
        if fields:
            await self._offer_staff(ctx, question)

    async def _offer_staff(self, ctx: Context, question: Question) -> None:
        """The first answer adds Still need help to the intro (best effort: a refused edit
        costs only the button; /staff does the same)."""
        if question.intro_message_id is None or question.asker_external_id is None:
            return
        reply = _render.intro(ctx, question, question.asker_external_id, answered=True)
        chat = ctx.chat
        try:
            await chat.edit(
                ctx.event.community, thread_of(question), question.intro_message_id, reply
            )
        except DeliveryError as exc:
            log.info("intro of %s not edited: %s", question.ref, exc)

    @listen(MessageEdited)
    async def on_edit(self, ctx: Context, event: MessageEdited) -> None:
        """Keep stored question and answer texts current (an edit to nothing keeps the
        last words: the post is still there, and its thread makes no sense without them)."""
        if _logic.is_blank(event.text):
            return
        async with ctx.services.db.transaction() as tx:
            await questions.edit_text(tx, ctx.community_id, event.message_id, event.text, event.at)

    @listen(MessageDeleted)
    async def on_delete(self, ctx: Context, event: MessageDeleted) -> None:
        """A deleted answer or question stops counting but stays in the statistics."""
        async with ctx.services.db.transaction() as tx:
            await questions.mark_deleted(tx, ctx.community_id, event.message_id, event.at)

    @on_button(_render.SOLVE_ACTION)
    async def solve_button(self, ctx: Context, event: ButtonPressed) -> None:
        """The Solved button under a question's intro."""
        async with ctx.services.db.read() as conn:
            found = await questions.by_id(conn, ctx.community_id, int(event.value or 0))
        if found is None:
            await ctx.tell("error.button_expired")
            return
        await self._solve(ctx, found.number)

    @command("solved", Option("question", "question", required=False))
    async def solved(self, ctx: Context, question: int | None = None) -> None:
        """Mark a question solved (in its thread, or give its number: /solved Q3)."""
        if question is None:
            thread_id = ctx.conversation.thread_id if ctx.conversation else None
            async with ctx.services.db.read() as conn:
                found = await questions.by_thread(conn, ctx.community_id, thread_id or "")
            if found is None:
                raise ArgumentError("questions.which_question", example=question_example(ctx))
            question = found.number
        await self._solve(ctx, question)

    async def _solve(self, ctx: Context, number: int) -> None:
        member = ctx.event.author
        async with ctx.services.db.transaction() as tx:
            question = await questions.by_number(tx, ctx.community_id, number)
            if question is None:
                raise ArgumentError("questions.not_found", ref=f"Q{number}")
            if not _logic.may_solve(member, question.asker_external_id):
                raise ArgumentError(
                    "questions.not_yours",
                    ref=question.ref,
                    asker=question.asker_external_id,
                )
            if question.status == "solved":
                raise ArgumentError("questions.already_solved", ref=question.ref)
            answers = await questions.answer_authors(tx, question.id)
            resolution = _logic.resolution(answers, question.asker_id)
            await questions.mark_solved(tx, question, ctx.event.at, ctx.member_id, resolution)
        where = thread_of(question)
        await ctx.send(where, _render.solved(ctx, question, member.id))
        if ctx.conversation != where:
            await ctx.tell("questions.solved_elsewhere", ref=question.ref)
        await announce_solved(ctx, question, resolution)

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Blank the member's texts: their answers, and their questions unless solved (a
        solved question keeps its content for others, without its author). Rows keep pointing
        at the anonymous member row, so counts and statistics don't change."""
        await questions.blank_texts_of(tx, community_id, member_id)
