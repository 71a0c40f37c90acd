"""Is a rectification measure specific? ("三不过": 措施不具体 does not pass.)

A measure passes when, once the empty phrases are taken out, it still says what will be done
(a concrete action verb) to what or by when (an object, a document, a number or a date). "高度重视,
加强学习,进一步提高认识" says nothing; "6月底前修订《公务接待管理办法》并组织全体干部学习2次" does.
Words are found with jieba's part-of-speech tagger, initialised once per process.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass

from django.conf import settings

# A maintained list (configurable: XUNCHA_EMPTY_PHRASES adds to it).
EMPTY_PHRASES: tuple[str, ...] = (
    "高度重视", "加强学习", "进一步提高认识", "提高认识", "提高思想认识", "切实加强", "进一步加强",
    "认真落实", "深刻反思", "引以为戒", "举一反三", "严格要求", "强化意识", "提高站位",
    "增强意识", "端正态度", "狠抓落实", "抓好落实", "持续推进", "不断完善", "努力做到",
    "全面加强", "切实提高", "进一步", "切实", "认真", "坚决", "务必", "着力", "扎实",
)
# Verbs that carry no action of their own.
EMPTY_VERBS = {
    "加强", "学习", "提高", "认识", "重视", "落实", "强化", "深化", "推进", "抓好", "做好", "增强",
    "坚持", "注重", "树立", "端正", "确保", "保证", "推动", "促进", "提升", "改进", "改善", "做到",
    "严格", "要求", "进行", "开展",
}
DOCUMENT = re.compile(r"《[^》]{2,}》")
NUMBER_OR_DATE = re.compile(r"\d|[一二三四五六七八九十百千万]+(次|项|条|个|人|名|元|万元|天|日|月|年|周)")

_lock = threading.Lock()
_ready = False


def _tagger():  # type: ignore[no-untyped-def]
    """jieba, loaded once per process (its dictionary takes about a second)."""
    global _ready
    import jieba
    import jieba.posseg as pseg

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return pseg


@dataclass(frozen=True)
class MeasureCheck:
    specific: bool
    reason: str = ""


def empty_phrases() -> tuple[str, ...]:
    extra = tuple(getattr(settings, "XUNCHA_EMPTY_PHRASES", ()))
    # Longest first, so "进一步提高认识" goes before "进一步".
    return tuple(sorted(set(EMPTY_PHRASES + extra), key=len, reverse=True))


def check_measure(text: str, *, min_length: int = 8) -> MeasureCheck:
    stripped = (text or "").strip()
    if not stripped:
        return MeasureCheck(False, "整改措施为空")
    rest = stripped
    for phrase in empty_phrases():
        rest = rest.replace(phrase, " ")
    meaningful = re.sub(r"[\s,，。;；、:：!！?？()（）“”\"'—-]+", "", rest)
    if len(meaningful) < min_length:
        return MeasureCheck(False, "措施过于简短或只有空话套话,没有写明具体做什么")
    words = list(_tagger().cut(rest))
    verbs = [w.word for w in words if w.flag.startswith("v") and w.flag != "vn"
             and w.word not in EMPTY_VERBS]
    objects = [w.word for w in words if w.flag[:1] in ("n", "j") or w.flag == "vn"]
    has_target = bool(DOCUMENT.search(rest) or NUMBER_OR_DATE.search(rest) or objects)
    if not verbs:
        return MeasureCheck(False, "没有具体的整改动作(如 修订、清退、召开、建立、约谈)")
    if not has_target:
        return MeasureCheck(False, "没有写明整改对象、成果或完成时间")
    return MeasureCheck(True)
