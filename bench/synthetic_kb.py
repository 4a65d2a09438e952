"""A synthetic but varied knowledge base, and paraphrased questions with known answers.

Every article is one (product area, action, platform, problem) combination, so a question
that names the four (in other words) has exactly one right article. Titles, aliases, bodies
and questions are built from templates with synonyms drawn from a seeded random generator:
the same seed always gives the same files and questions.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

# (canonical, synonyms…, tag)
AREAS: list[tuple[list[str], str]] = [
    (["invoices", "bills", "billing statements"], "billing"),
    (["password", "login password", "passphrase"], "account"),
    (["two-factor authentication", "2FA", "two-step verification"], "security"),
    (["profile picture", "avatar", "profile photo"], "account"),
    (["notifications", "alerts", "push notifications"], "notifications"),
    (["calendar events", "meetings", "appointments"], "calendar"),
    (["contacts", "address book", "contact list"], "contacts"),
    (["shared folders", "team folders", "shared drives"], "files"),
    (["API keys", "access tokens", "API credentials"], "developers"),
    (["webhooks", "callback URLs", "event hooks"], "developers"),
    (["subscription plan", "pricing tier", "plan"], "billing"),
    (["payment method", "credit card", "card on file"], "billing"),
    (["team members", "teammates", "workspace users"], "workspace"),
    (["user roles", "permissions", "access levels"], "workspace"),
    (["reports", "dashboards", "analytics reports"], "analytics"),
    (["spreadsheets", "CSV files", "Excel sheets"], "files"),
    (["email signature", "mail signature", "sign-off"], "email"),
    (["custom domain", "own domain name", "vanity domain"], "setup"),
    (["backups", "backup copies", "snapshots"], "data"),
    (["chat history", "message history", "conversation log"], "messaging"),
    (["file attachments", "attached files", "uploads"], "files"),
    (["dark mode", "night theme", "dark theme"], "appearance"),
    (["interface language", "display language", "locale"], "appearance"),
    (["time zone", "timezone", "local time setting"], "setup"),
    (["single sign-on", "SSO", "SAML login"], "security"),
    (["audit log", "activity log", "security log"], "security"),
    (["labels", "tags", "categories"], "organisation"),
    (["project templates", "templates", "starter projects"], "projects"),
    (["tasks", "to-dos", "task list"], "projects"),
    (["comments", "replies", "annotations"], "collaboration"),
    (["integrations", "connected apps", "plugins"], "developers"),
    (["home screen widget", "widget", "quick-access widget"], "mobile"),
    (["offline mode", "offline access", "working offline"], "data"),
    (["storage quota", "disk space", "storage limit"], "data"),
    (["recovery email", "backup email address", "account recovery address"], "account"),
    (["billing address", "invoice address", "company address"], "billing"),
    (["receipts", "payment receipts", "purchase confirmations"], "billing"),
    (["video calls", "video meetings", "conference calls"], "calls"),
    (["screen sharing", "screen share", "presenting my screen"], "calls"),
    (["keyboard shortcuts", "hotkeys", "key bindings"], "productivity"),
]

# (base verb, synonyms…), gerund
ACTIONS: list[tuple[list[str], str]] = [
    (["export", "download", "save a copy of"], "exporting"),
    (["import", "upload", "bring in"], "importing"),
    (["reset", "restore the defaults of", "start over with"], "resetting"),
    (["delete", "remove", "get rid of"], "deleting"),
    (["share", "send", "give others access to"], "sharing"),
    (["sync", "synchronise", "keep in sync"], "syncing"),
    (["restore", "recover", "bring back"], "restoring"),
    (["rename", "change the name of", "retitle"], "renaming"),
    (["archive", "hide", "move to the archive"], "archiving"),
    (["merge", "combine", "join together"], "merging"),
    (["duplicate", "copy", "clone"], "duplicating"),
    (["enable", "turn on", "activate"], "enabling"),
    (["disable", "turn off", "deactivate"], "disabling"),
    (["update", "change", "edit"], "updating"),
    (["transfer", "move", "hand over"], "transferring"),
    (["search", "find", "look up"], "searching"),
    (["filter", "sort", "narrow down"], "filtering"),
    (["schedule", "plan", "set a time for"], "scheduling"),
    (["print", "print out", "get a paper copy of"], "printing"),
    (["lock", "protect", "secure"], "locking"),
    (["unlock", "unblock", "regain access to"], "unlocking"),
    (["verify", "confirm", "validate"], "verifying"),
    (["customize", "personalise", "tweak"], "customizing"),
    (["back up", "save a backup of", "make a safety copy of"], "backing up"),
    (["migrate", "move over", "port"], "migrating"),
]

PLATFORMS: list[list[str]] = [
    ["Android", "my Android phone", "a Pixel", "a Galaxy phone"],
    ["iOS", "my iPhone", "an iPad", "the iPhone app"],
    ["Windows", "my Windows PC", "a Windows 11 laptop", "Windows 10"],
    ["macOS", "my Mac", "a MacBook", "the Mac app"],
    ["Linux", "Ubuntu", "a Linux desktop", "Fedora"],
    ["the web app", "the browser", "Chrome", "Firefox"],
    ["the desktop app", "the desktop client", "the installed app", "the native app"],
    ["ChromeOS", "a Chromebook", "ChromeOS laptop", "school Chromebook"],
]

# key, predicates ("X fails with an error"), clauses ("I get an error message")
PROBLEMS: list[tuple[str, list[str], list[str]]] = [
    ("howto", [], []),
    (
        "error",
        ["fails with an error", "shows an error", "throws an error code"],
        ["I get an error message", "an error pops up", "it errors out"],
    ),
    (
        "greyed",
        ["is greyed out", "is disabled", "cannot be clicked"],
        ["the button is greyed out", "the option is disabled", "I can't click the button"],
    ),
    (
        "timeout",
        ["times out", "hangs", "never finishes"],
        ["it times out", "it hangs forever", "it just keeps waiting and then stops"],
    ),
    (
        "nothing",
        ["does nothing", "has no effect", "silently fails"],
        ["nothing happens", "there is no response at all", "nothing changes"],
    ),
    (
        "crash",
        ["crashes the app", "makes the app close", "freezes the app"],
        ["the app crashes", "the app quits suddenly", "the whole app freezes"],
    ),
    (
        "wrong",
        ["shows the wrong data", "gives incorrect results", "shows outdated data"],
        ["the numbers are wrong", "the results don't match", "I see old data"],
    ),
    (
        "loading",
        ["is stuck loading", "keeps spinning", "loads forever"],
        ["the spinner never stops", "it's stuck on loading", "the page keeps loading"],
    ),
    (
        "logout",
        ["logs me out", "asks me to sign in again", "ends my session"],
        ["I get signed out", "it asks for my login again", "my session expires"],
    ),
    (
        "denied",
        ["says permission denied", "says access denied", "is not allowed"],
        ["I get access denied", "it says I'm not authorised", "it says permission denied"],
    ),
    (
        "duplicates",
        ["creates duplicates", "runs twice", "produces double entries"],
        ["everything shows up twice", "I end up with duplicates", "I get two copies"],
    ),
    (
        "missing",
        ["is missing", "has disappeared", "is not in the menu"],
        ["I can't find the option", "the option is gone", "the menu item isn't there"],
    ),
    (
        "slow",
        ["is very slow", "takes ages", "is sluggish"],
        ["it takes ages", "it's painfully slow", "it crawls"],
    ),
]

CAUSES = [
    "an expired session",
    "an outdated app version",
    "a sync conflict between two devices",
    "missing permissions in the workspace",
    "a browser extension that blocks requests",
    "a full storage quota",
    "a company proxy or firewall",
    "a corrupted local cache",
    "a plan that doesn't include this feature",
    "a pending change made by an admin",
]
MENUS = ["Settings", "Preferences", "Account", "Admin console", "Workspace settings", "Profile"]
CLOSINGS = [
    "Still stuck? Ask in #help and include your app version and what you tried.",
    "If none of this helps, contact support with the time it happened.",
    "Let us know in the community if these steps worked for you.",
    "Staff can look at the server logs if you share the exact time of the attempt.",
]


@dataclass(frozen=True)
class Spec:
    """The four slots that identify one article."""

    area: int
    action: int
    platform: int
    problem: int

    @property
    def slug(self) -> str:
        """File stem, unique per combination."""
        parts = (
            ACTIONS[self.action][0][0],
            AREAS[self.area][0][0],
            PLATFORMS[self.platform][0],
            PROBLEMS[self.problem][0],
        )
        return re.sub(r"[^a-z0-9]+", "-", " ".join(parts).lower()).strip("-")


@dataclass(frozen=True)
class Generated:
    """What was written for one article (enough to build questions and baselines)."""

    spec: Spec
    key: str
    title: str
    aliases: tuple[str, ...]
    code: str


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Writer:
    """Builds the texts of articles and questions from one seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def slots(self, spec: Spec, canonical: bool = False) -> dict[str, str]:
        areas, _ = AREAS[spec.area]
        verbs, gerund = ACTIONS[spec.action]
        platforms = PLATFORMS[spec.platform]
        _, predicates, clauses = PROBLEMS[spec.problem]
        first = canonical and self.rng.random() < 0.7
        return {
            "area": areas[0] if first else self.pick(areas),
            "verb": verbs[0] if first else self.pick(verbs),
            "gerund": gerund,
            "platform": platforms[0] if first else self.pick(platforms),
            "pred": self.pick(predicates) if predicates else "",
            "clause": self.pick(clauses) if clauses else "",
        }

    def title(self, spec: Spec) -> str:
        s = self.slots(spec, canonical=True)
        if not s["pred"]:
            template = self.pick(
                [
                    "How do I {verb} {area} on {platform}?",
                    "How can I {verb} my {area} in {platform}?",
                    "What's the way to {verb} {area} from {platform}?",
                    "Can I {verb} {area} on {platform}?",
                ]
            )
        else:
            template = self.pick(
                [
                    "Why does {gerund} {area} {pred} on {platform}?",
                    "{Gerund} {area} {pred} on {platform}: what should I do?",
                    "What to do when {gerund} {area} {pred} on {platform}?",
                    "How do I fix {gerund} {area} that {pred} on {platform}?",
                ]
            )
        return _cap(template.format(Gerund=_cap(s["gerund"]), **s))

    def alias(self, spec: Spec) -> str:
        s = self.slots(spec)
        templates = ["{verb} {area} {platform}", "{verb} my {area} on {platform}"]
        if s["pred"]:
            templates += ["{area} {pred} on {platform}", "{gerund} {area} {pred} {platform}"]
        else:
            templates += ["{gerund} {area} on {platform}", "where to {verb} {area} {platform}"]
        return self.pick(templates).format(**s)

    def body(self, spec: Spec, code: str) -> str:
        s = self.slots(spec)
        target = self.rng.randint(60, 150)
        verbs, _ = ACTIONS[spec.action]
        areas, _ = AREAS[spec.area]
        menu, cause = self.pick(MENUS), self.pick(CAUSES)
        if s["pred"]:
            intro = (
                f"If {s['gerund']} your {s['area']} {s['pred']} on {s['platform']}, "
                f"the usual cause is {cause}."
            )
        else:
            intro = f"You can {s['verb']} {s['area']} on {s['platform']} in a few steps."
        steps = [
            f"- Open **{menu}** › **{_cap(areas[0])}**.",
            f"- Select **{_cap(verbs[0])}** next to the {self.pick(areas)} you want.",
            f"- Check the preview, then confirm with **{self.pick(['Save', 'Apply', 'Done'])}**.",
        ]
        extras = [
            f"On {self.pick(PLATFORMS[spec.platform])} the option sits under {menu}, "
            f"not in the main menu.",
            f"Only admins and owners can {self.pick(verbs)} {self.pick(areas)} "
            f"for the whole workspace.",
            f"If you see error code {code}, sign out, sign back in and try again.",
            f"Changes can take up to {self.rng.randint(2, 30)} minutes to reach your "
            f"other devices.",
            f"Version {self.rng.randint(3, 9)}.{self.rng.randint(0, 20)} and later can "
            f"{self.pick(verbs)} several {self.pick(areas)} at once.",
            f"Tip: press Ctrl+{self.pick(list('BDEGJKLMPU'))} to {self.pick(verbs)} "
            f"{self.pick(areas)} without the mouse.",
            f"Clearing the app cache on {self.pick(PLATFORMS[spec.platform])} often helps "
            f"when the problem comes back.",
            f"Another frequent cause is {self.pick([c for c in CAUSES if c != cause])}.",
            f"Your {self.pick(areas)} are kept for {self.rng.randint(7, 90)} days "
            f"after you {self.pick(verbs)} them.",
            f"Make sure {self.pick(PLATFORMS[spec.platform])} runs the latest update first.",
        ]
        self.rng.shuffle(extras)
        lines = [intro, "", "Steps:", "", *steps, ""]
        words = sum(len(line.split()) for line in lines)
        for sentence in [*extras, self.pick(CLOSINGS)]:
            if words >= target:
                break
            if words + len(sentence.split()) > 150:
                continue
            lines.append(sentence)
            words += len(sentence.split())
        return "\n".join(lines) + "\n"

    def question(self, spec: Spec, code: str) -> str:
        s = self.slots(spec)
        if s["clause"]:
            template = self.pick(
                [
                    "hi all, {clause} when I try to {verb} the {area} on {platform}. any idea?",
                    "When I {verb} {area} on {platform} {clause}, what am I doing wrong?",
                    "{platform}: {gerund} {area} {pred}, help!",
                    "I want to {verb} my {area} from {platform} but {clause}",
                    "anyone else? {gerund} {area} on {platform} {pred} since this morning",
                ]
            )
            text = template.format(**s)
            if PROBLEMS[spec.problem][0] == "error" and self.rng.random() < 0.4:
                text += f" (code {code})"
        else:
            template = self.pick(
                [
                    "is there a way to {verb} {area} using {platform}?",
                    "how would I go about {gerund} {area} on {platform}",
                    "need to {verb} the {area} from {platform}, where is that?",
                    "Quick one: can you {verb} {area} in {platform}?",
                    "{platform} — how to {verb} my {area}?",
                ]
            )
            text = template.format(**s)
        return _cap(text)


def write_articles(directory: Path, count: int, seed: int = 7) -> list[Generated]:
    """Write `count` articles under directory/en/, one per distinct slot combination."""
    writer = _Writer(seed)
    total = len(AREAS) * len(ACTIONS) * len(PLATFORMS) * len(PROBLEMS)
    if count > total:
        raise ValueError(f"at most {total} distinct articles")
    chosen = writer.rng.sample(range(total), count)
    target = directory / "en"
    target.mkdir(parents=True, exist_ok=True)
    generated = []
    for n in chosen:
        n, problem = divmod(n, len(PROBLEMS))
        n, platform = divmod(n, len(PLATFORMS))
        area, action = divmod(n, len(ACTIONS))
        spec = Spec(area, action, platform, problem)
        title = writer.title(spec)
        aliases: list[str] = []
        for _ in range(writer.rng.randint(2, 4)):
            alias = writer.alias(spec)
            if alias not in aliases and alias.lower() != title.lower():
                aliases.append(alias)
        code = f"E{writer.rng.randint(1000, 9999)}"
        tags = [AREAS[area][1], ACTIONS[action][0][0].replace(" ", "-")]
        front = [
            "+++",
            f"title = {json.dumps(title, ensure_ascii=False)}",
            f"tags = {json.dumps(tags)}",
            'lang = "en"',
            f"aliases = {json.dumps(aliases, ensure_ascii=False)}",
            "+++",
        ]
        text = "\n".join(front) + "\n" + writer.body(spec, code)
        (target / f"{spec.slug}.md").write_text(text, encoding="utf-8")
        generated.append(Generated(spec, f"en/{spec.slug}", title, tuple(aliases), code))
    return generated


def questions(articles: list[Generated], count: int, seed: int = 11) -> list[tuple[str, str]]:
    """`count` paraphrased questions (text, key of the article it came from), never an
    exact title or alias."""
    writer = _Writer(seed)
    picked = writer.rng.sample(articles, count)
    result = []
    for article in picked:
        exact = {article.title.lower(), *(a.lower() for a in article.aliases)}
        text = writer.question(article.spec, article.code)
        while text.lower().rstrip("?") in {e.rstrip("?") for e in exact}:
            text = writer.question(article.spec, article.code)
        result.append((text, article.key))
    return result
