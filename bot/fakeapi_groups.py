"""Group chats in the fake Bot API: who is a member or an administrator with which rights (getChatMember),
and pinned messages (pinChatMessage, unpinChatMessage), refused as Telegram refuses a bot without the right."""

from __future__ import annotations

from typing import Any

from bot.fakeapi_wire import JSON, TelegramAPIError


class GroupChats:
    """Members, administrator rights and pins; mixed into FakeBotAPI, which keeps the chats and messages."""

    bot_id: int
    _messages: dict[tuple[int | str, int], Any]
    _next_id: dict[int | str, int]

    def __init__(self) -> None:
        self._members: dict[tuple[int | str, int], str] = {}
        self._rights: dict[tuple[int | str, int], dict[str, bool]] = {}
        self._pinned: dict[int | str, list[int]] = {}

    def _chat(self, chat_id: Any) -> JSON:
        raise NotImplementedError

    def set_member_status(self, chat_id: int | str, user_id: int, status: str) -> None:
        """Set what getChatMember answers: creator, administrator, member, restricted, left, kicked."""
        self._members[(chat_id, user_id)] = status

    def set_rights(self, chat_id: int | str, user_id: int, **rights: bool) -> None:
        """Administrator rights of a member (e.g. the bot's ``can_pin_messages``), shown by getChatMember
        and enforced by pinChatMessage/unpinChatMessage. ``set_member_status`` sets the status itself."""
        self._rights.setdefault((chat_id, user_id), {}).update(rights)

    def grant_pin(self, chat_id: int | str, allowed: bool = True) -> None:
        """Make the bot an administrator of a group that may (or may not) pin messages."""
        self.set_member_status(chat_id, self.bot_id, "administrator")
        self.set_rights(chat_id, self.bot_id, can_pin_messages=allowed)

    def pinned(self, chat_id: int | str) -> list[int]:
        """Message ids pinned in a chat, oldest pin first (the last one is shown at the top)."""
        return list(self._pinned.get(chat_id, []))

    def _member(self, chat_id: Any, user_id: int) -> JSON:
        status = self._members.get((chat_id, user_id), "member")
        member: JSON = {"status": status, "user": {"id": user_id, "is_bot": user_id == self.bot_id,
                                                   "first_name": f"User {user_id}"}}
        if status == "administrator":
            member.update(dict.fromkeys((
                "can_be_edited", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
                "can_post_stories", "can_edit_stories", "can_delete_stories"), True))
            member["is_anonymous"] = False
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "restricted":
            # Every field the Bot API sends (python-telegram-bot 22.8 requires can_edit_tag and
            # can_react_to_messages too).
            member.update({"is_member": True, "until_date": 0, **dict.fromkeys((
                "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
                "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
                "can_send_other_messages", "can_add_web_page_previews", "can_change_info",
                "can_invite_users", "can_pin_messages", "can_manage_topics", "can_edit_tag",
                "can_react_to_messages"), False)})
        elif status == "kicked":
            member["until_date"] = 0
        if status == "administrator":
            member.update(self._rights.get((chat_id, user_id), {}))
        return member

    def _m_getChatMember(self, params: JSON) -> JSON:
        chat = self._chat(params.get("chat_id"))
        return self._member(chat["id"], int(params.get("user_id") or 0))

    def _may_pin(self, chat: JSON) -> None:
        """Telegram: bots pin in private chats; in groups only as an admin with can_pin_messages."""
        if chat["type"] == "private":
            return
        status = self._members.get((chat["id"], self.bot_id), "member")
        rights = self._rights.get((chat["id"], self.bot_id), {})
        if status == "creator" or (status == "administrator" and rights.get("can_pin_messages")):
            return
        raise TelegramAPIError(400, "Bad Request: not enough rights to manage pinned messages in the chat")

    def _m_pinChatMessage(self, params: JSON) -> bool:
        chat = self._chat(params.get("chat_id"))
        self._may_pin(chat)
        message_id = int(params.get("message_id") or 0)
        if not any(c == chat["id"] and m == message_id for c, m in self._messages) and \
                message_id > self._next_id.get(chat["id"], 0):
            raise TelegramAPIError(400, "Bad Request: message to pin not found")
        pins = self._pinned.setdefault(chat["id"], [])
        if message_id in pins:
            pins.remove(message_id)
        pins.append(message_id)
        return True

    def _m_unpinChatMessage(self, params: JSON) -> bool:
        chat = self._chat(params.get("chat_id"))
        self._may_pin(chat)
        pins = self._pinned.setdefault(chat["id"], [])
        message_id = params.get("message_id")
        if message_id is None:  # the most recent pin
            if pins:
                pins.pop()
            return True
        if int(message_id) in pins:
            pins.remove(int(message_id))
        return True
