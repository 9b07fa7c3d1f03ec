"""Photos, documents and polls in the fake Bot API: what sendPhoto, sendDocument, sendPoll and stopPoll
check (caption length, poll options, a quiz's correct option) and answer, as Telegram does."""

from __future__ import annotations

from typing import Any

from bot.fakeapi_wire import JSON, TelegramAPIError, utf16_len


class MediaMessages:
    """The messages other than text; mixed into FakeBotAPI, which keeps the chats and messages."""

    _upload_name: str | None  # the file name of the call's upload, set by FakeBotAPI for each call

    def __init__(self) -> None:
        self._polls = 0
        self._files = 0

    def _plain(self, text: Any, parse_mode: Any, what: str = "text") -> str:
        raise NotImplementedError

    def _check_markup(self, markup: Any, params: JSON | None = None) -> None:
        raise NotImplementedError

    def _new_message(self, params: JSON, **content: Any) -> JSON:
        raise NotImplementedError

    def _caption(self, params: JSON) -> JSON:
        content: JSON = {}
        if params.get("caption") is not None:
            plain = self._plain(params["caption"], params.get("parse_mode"), "caption")
            if utf16_len(plain) > 1024:
                raise TelegramAPIError(400, "Bad Request: message caption is too long")
            content["caption"] = plain
        self._check_markup(params.get("reply_markup"), params)
        return content

    def _file_id(self) -> str:
        self._files += 1
        return f"FAKEFILE{self._files:06d}"

    def _m_sendPhoto(self, params: JSON) -> JSON:
        content = self._caption(params)
        file_id = self._file_id()
        photo = [{"file_id": file_id, "file_unique_id": file_id.lower(), "width": 1280, "height": 720,
                  "file_size": 1}]
        return self._new_message(params, photo=photo, **content)

    def _m_sendDocument(self, params: JSON) -> JSON:
        content = self._caption(params)
        file_id = self._file_id()
        document = {"file_id": file_id, "file_unique_id": file_id.lower(),
                    "file_name": self._upload_name or "document"}
        return self._new_message(params, document=document, **content)

    def _m_sendPoll(self, params: JSON) -> JSON:
        question = str(params.get("question") or "")
        if not 1 <= len(question) <= 300:
            raise TelegramAPIError(400, "Bad Request: POLL_QUESTION_INVALID")
        options = [o.get("text") if isinstance(o, dict) else str(o) for o in params.get("options") or []]
        if not 2 <= len(options) <= 12:
            raise TelegramAPIError(400, "Bad Request: POLL_ANSWERS_INVALID")
        if any(not 1 <= len(o or "") <= 100 for o in options):
            raise TelegramAPIError(400, "Bad Request: POLL_OPTION_INVALID")
        if len(str(params.get("explanation") or "")) > 200:
            raise TelegramAPIError(400, "Bad Request: message poll explanation is too long")
        is_quiz = params.get("type") == "quiz"
        correct = params.get("correct_option_ids")
        if correct is None and params.get("correct_option_id") is not None:
            correct = [params["correct_option_id"]]
        if is_quiz and (not correct or any(not 0 <= int(i) < len(options) for i in correct)):
            raise TelegramAPIError(400, "Bad Request: wrong correct option ID specified")
        self._polls += 1
        poll: JSON = {
            "id": f"{self._polls}", "question": question, "total_voter_count": 0, "is_closed": False,
            "is_anonymous": bool(params.get("is_anonymous", True)), "type": params.get("type", "regular"),
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": bool(params.get("allows_revoting", False)), "members_only": False,
            "options": [{"persistent_id": str(i), "text": o, "voter_count": 0} for i, o in enumerate(options)],
        }
        if is_quiz:
            poll["correct_option_ids"] = list(correct or [])
            if params.get("explanation"):
                poll["explanation"] = params["explanation"]
        return self._new_message(params, poll=poll)

    def _m_stopPoll(self, params: JSON) -> JSON:
        return {"id": "0", "question": "?", "total_voter_count": 0, "is_closed": True, "is_anonymous": True,
                "type": "regular", "allows_multiple_answers": False, "allows_revoting": False,
                "members_only": False,
                "options": [{"persistent_id": "0", "text": "-", "voter_count": 0},
                            {"persistent_id": "1", "text": "--", "voter_count": 0}]}
