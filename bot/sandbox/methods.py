"""The Web API methods the sandbox implements, answering as Slack does.

Each method takes the store, the call's arguments and the sandbox's base URL, and returns the
response body; a Slack error is raised as `SlackError`, a broken contract as `Violation`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.sandbox import checks
from bot.sandbox.store import MODAL_STACK_LIMIT, Json, SlackError, Store, with_ids


class Violation(Exception):
    """The call breaks the Web API contract; answered with `error` and recorded for the tests."""

    def __init__(self, error: str, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.error = error
        self.problems = problems


Method = Callable[[Store, Json, str], Json]
METHODS: dict[str, Method] = {}
MPIM_USERS = 8
"""conversations.open takes at most this many people for a multi-person DM (the bot aside)."""


def method(name: str) -> Callable[[Method], Method]:
    """Register an implementation of the Web API method `name`."""

    def register(func: Method) -> Method:
        METHODS[name] = func
        return func

    return register


def _required(args: Json, *names: str) -> None:
    for name in names:
        if args.get(name) in (None, ""):
            raise SlackError("invalid_arguments", messages=[f"missing required argument {name!r}"])


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _message_content(args: Json) -> Json:
    problems = checks.check_text_fallback(args)
    blocks = checks.decode_json(args.get("blocks")) or []
    if blocks:
        problems += checks.check_blocks(blocks, checks.MESSAGE_BLOCKS)
    if problems:
        raise Violation("invalid_blocks", problems)
    if not blocks and not str(args.get("text") or "").strip() and not args.get("attachments"):
        raise SlackError("no_text")
    return {"text": args.get("text") or "", "blocks": with_ids(blocks)}


def _bot_channel(store: Store, channel_id: str) -> Json:
    channel = store.resolve_channel(channel_id)
    if store.bot_user_id not in channel["members"]:
        raise SlackError("not_in_channel")
    return channel


@method("auth.test")
def auth_test(store: Store, args: Json, base_url: str) -> Json:
    return {
        "url": f"https://{store.team_domain}.slack.com/",
        "team": store.team_name,
        "user": "citycheck",
        "team_id": store.team_id,
        "user_id": store.bot_user_id,
        "bot_id": store.bot_id,
        "is_enterprise_install": False,
    }


@method("chat.postMessage")
def chat_post_message(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "channel")
    content = _message_content(args)
    channel = _bot_channel(store, args["channel"])
    message = {
        "user": store.bot_user_id,
        "bot_id": store.bot_id,
        "app_id": store.app_id,
        "team": store.team_id,
        **content,
    }
    if args.get("thread_ts"):
        store.find_message(channel["id"], args["thread_ts"])
        message["thread_ts"] = args["thread_ts"]
    if args.get("metadata"):
        message["metadata"] = checks.decode_json(args["metadata"])
    stored = store.add_message(channel["id"], message)
    return {"channel": channel["id"], "ts": stored["ts"], "message": _public(stored)}


@method("chat.update")
def chat_update(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "channel", "ts")
    content = _message_content(args)
    channel = store.resolve_channel(args["channel"])
    with store.lock:
        message = store.find_message(channel["id"], args["ts"])
        assert message is not None
        if message.get("bot_id") != store.bot_id:
            raise SlackError("cant_update_message")
        message.setdefault("history", []).append(
            {"text": message["text"], "blocks": message["blocks"]}
        )
        message.update(content)
        message["edited"] = {"user": store.bot_user_id, "ts": store.next_ts()}
    return {
        "channel": channel["id"],
        "ts": message["ts"],
        "text": message["text"],
        "message": _public(message),
    }


@method("chat.postEphemeral")
def chat_post_ephemeral(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "channel", "user")
    content = _message_content(args)
    channel = _bot_channel(store, args["channel"])
    store.user(args["user"])
    if args["user"] not in channel["members"]:
        raise SlackError("user_not_in_channel")
    stored = store.add_ephemeral(channel["id"], args["user"], content, "chat.postEphemeral")
    return {"message_ts": stored["ts"]}


@method("chat.delete")
def chat_delete(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "channel", "ts")
    channel = store.resolve_channel(args["channel"])
    with store.lock:
        message = store.find_message(channel["id"], args["ts"])
        assert message is not None
        if message.get("bot_id") != store.bot_id:
            raise SlackError("cant_delete_message")
        message["deleted"] = True
    return {"channel": channel["id"], "ts": args["ts"]}


@method("conversations.open")
def conversations_open(store: Store, args: Json, base_url: str) -> Json:
    users = [u for u in str(args.get("users") or "").split(",") if u]
    if args.get("channel"):
        return {"channel": {"id": store.resolve_channel(args["channel"])["id"]}}
    if not users:
        raise SlackError("users_list_not_supplied")
    if store.bot_user_id in users:
        raise SlackError("cannot_dm_bot")
    if len(set(users)) > MPIM_USERS:
        raise SlackError("too_many_users")
    if len(set(users)) > 1:  # a multi-person DM with the bot (scope mpim:write)
        group = store.group_dm(users)
        return {"channel": group if _flag(args.get("return_im")) else {"id": group["id"]}}
    channel = store.dm_channel(users[0])
    return {"channel": channel if _flag(args.get("return_im")) else {"id": channel["id"]}}


@method("conversations.info")
def conversations_info(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "channel")
    channel = store.channels.get(args["channel"])
    if channel is None:
        raise SlackError("channel_not_found")
    return {"channel": {k: v for k, v in channel.items() if k != "members"}}


@method("conversations.history")
def conversations_history(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "channel")
    channel = _bot_channel(store, args["channel"])
    oldest = float(args.get("oldest") or 0)
    latest = float(args.get("latest") or "inf")
    limit = min(max(int(args.get("limit") or 100), 1), 999)
    start = int(args.get("cursor") or 0)
    with store.lock:
        live = [
            _public(m)
            for m in store.messages.get(channel["id"], [])
            if not m.get("deleted") and oldest < float(m["ts"]) < latest
        ]
    live.reverse()  # newest first, as Slack answers
    if not _flag(args.get("include_all_metadata")):
        live = [{k: v for k, v in m.items() if k != "metadata"} for m in live]
    page, after = live[start : start + limit], start + limit
    more = after < len(live)
    return {
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(after) if more else ""},
    }


@method("users.info")
def users_info(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "user")
    user = dict(store.user(args["user"]))
    if not _flag(args.get("include_locale")):
        user.pop("locale")
    return {"user": user}


@method("users.list")
def users_list(store: Store, args: Json, base_url: str) -> Json:
    with store.lock:
        members = list(store.users.values())
    start = int(args.get("cursor") or 0)
    limit = int(args.get("limit") or 200) or 200
    page = members[start : start + limit]
    after = start + limit
    next_cursor = str(after) if after < len(members) else ""
    return {"members": page, "response_metadata": {"next_cursor": next_cursor}}


def _scope(store: Store, scope: str) -> None:
    if scope in store.missing_scopes:
        raise SlackError("missing_scope", needed=scope)


@method("dnd.info")
def dnd_info(store: Store, args: Json, base_url: str) -> Json:
    """A person's do-not-disturb: a snooze they set, or their scheduled quiet hours (today's)."""
    _scope(store, "dnd:read")
    _required(args, "user")
    store.user(args["user"])
    with store.lock:
        dnd = dict(store.dnd.get(args["user"]) or {})
    now = store.clock()
    snooze_end = float(dnd.get("snooze_endtime") or 0)
    start, end = float(dnd.get("next_dnd_start_ts") or 0), float(dnd.get("next_dnd_end_ts") or 0)
    answer: Json = {
        "dnd_enabled": bool(end),
        "next_dnd_start_ts": int(start) if end else 1,
        "next_dnd_end_ts": int(end) if end else 1,
        "snooze_enabled": snooze_end > now,
    }
    if snooze_end > now:
        answer["snooze_endtime"] = int(snooze_end)
        answer["snooze_remaining"] = int(snooze_end - now)
    return answer


@method("users.profile.get")
def users_profile_get(store: Store, args: Json, base_url: str) -> Json:
    """A person's profile, with their status (text, emoji, expiry)."""
    _scope(store, "users.profile:read")
    _required(args, "user")
    return {"profile": dict(store.user(args["user"])["profile"])}


def _view_arg(args: Json, expected: str) -> Json:
    _required(args, "view")
    problems = checks.check_view(args["view"], expected)
    if problems:
        raise Violation("invalid_arguments", problems)
    view = checks.decode_json(args["view"])
    assert isinstance(view, dict)
    return view


@method("views.open")
def views_open(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "trigger_id")
    view = _view_arg(args, "modal")
    user_id = store.use_trigger(args["trigger_id"])
    with store.lock:
        stored = store.store_view(user_id, view)
        store.modal_stacks[user_id] = [stored["id"]]
    return {"view": stored}


@method("views.push")
def views_push(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "trigger_id")
    view = _view_arg(args, "modal")
    user_id = store.use_trigger(args["trigger_id"])
    with store.lock:
        stack = store.modal_stacks.setdefault(user_id, [])
        if not stack:
            raise SlackError("not_found")
        if len(stack) >= MODAL_STACK_LIMIT:
            raise SlackError("push_limit_reached")
        stored = store.store_view(user_id, view, root=stack[0], previous=stack[-1])
        stack.append(stored["id"])
    return {"view": stored}


@method("views.update")
def views_update(store: Store, args: Json, base_url: str) -> Json:
    if not args.get("view_id") and not args.get("external_id"):
        raise SlackError("invalid_arguments", messages=["view_id or external_id is required"])
    with store.lock:
        current = store.find_view(args.get("view_id"), args.get("external_id"))
        view = _view_arg(args, current["type"])
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        stored = store.store_view(store.view_owners[current["id"]], view, view_id=current["id"])
    return {"view": stored}


@method("views.publish")
def views_publish(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "user_id")
    view = _view_arg(args, "home")
    user_id = store.user(args["user_id"])["id"]
    with store.lock:
        current_id = store.home_views.get(user_id)
        if current_id and args.get("hash") and args["hash"] != store.views[current_id]["hash"]:
            raise SlackError("hash_conflict")
        stored = store.store_view(user_id, view, view_id=current_id)
        store.home_views[user_id] = stored["id"]
    return {"view": stored}


@method("files.getUploadURLExternal")
def files_get_upload_url(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "filename", "length")
    file_id = store.new_id("F")
    with store.lock:
        store.files[file_id] = {
            "id": file_id,
            "name": args["filename"],
            "title": args["filename"],
            "filetype": str(args["filename"]).rpartition(".")[2].lower(),
            "alt_txt": args.get("alt_txt") or None,
            "length": int(args["length"]),
            "content": None,
        }
    return {"upload_url": f"{base_url}_upload/{file_id}", "file_id": file_id}


@method("files.completeUploadExternal")
def files_complete_upload(store: Store, args: Json, base_url: str) -> Json:
    _required(args, "files")
    listed = checks.decode_json(args["files"])
    if not isinstance(listed, list) or not listed:
        raise SlackError("invalid_arguments", messages=["files must be a JSON list of {id, title}"])
    done = []
    with store.lock:
        for item in listed:
            record = store.files.get(item.get("id", ""))
            if record is None or record["content"] is None:
                raise SlackError("file_not_found")
            record["title"] = item.get("title") or record["title"]
            done.append({k: v for k, v in record.items() if k != "content"})
    channel_id = args.get("channel_id") or (str(args.get("channels") or "").split(",")[0] or None)
    if channel_id:
        channel = _bot_channel(store, channel_id)
        message = {
            "user": store.bot_user_id,
            "bot_id": store.bot_id,
            "text": args.get("initial_comment") or "",
            "blocks": [],
            "files": done,
        }
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        store.add_message(channel["id"], message)
    return {"files": done}


IMAGE_FILETYPES = frozenset({"png", "jpg", "jpeg", "gif"})


def slack_file_problems(store: Store, args: Json) -> list[str]:
    """Image blocks whose `slack_file` names no uploaded image of this workspace."""
    view = checks.decode_json(args.get("view"))
    blocks = checks.decode_json(args.get("blocks"))
    found = list(blocks) if isinstance(blocks, list) else []
    if isinstance(view, dict) and isinstance(view.get("blocks"), list):
        found += view["blocks"]
    problems = []
    for image in _images(found):
        file_id = (image.get("slack_file") or {}).get("id")
        if not file_id:
            continue
        record = store.files.get(file_id)
        if record is None or record["content"] is None:
            problems.append(f"image slack_file {file_id}: no such uploaded file")
        elif record["filetype"] not in IMAGE_FILETYPES:
            problems.append(f"image slack_file {file_id}: {record['name']} is not an image")
    return problems


def _images(blocks: list[Any]) -> list[Json]:
    images = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        parts = [block, block.get("accessory"), *(block.get("elements") or [])]
        images += [p for p in parts if isinstance(p, dict) and p.get("type") == "image"]
    return images


def upload(store: Store, file_id: str, data: bytes) -> str:
    """The upload URL's target: store the bytes of a file announced by getUploadURLExternal."""
    with store.lock:
        record = store.files.get(file_id)
        if record is None:
            raise SlackError("file_not_found", status=404)
        record["content"] = data
        record["size"] = len(data)
    return f"OK - {len(data)}"


def _public(message: Json) -> Json:
    return {k: v for k, v in message.items() if k not in ("history", "deleted")}


def encode(body: Json) -> bytes:
    """A response body as Slack sends it."""
    return json.dumps(body, separators=(",", ":")).encode()
