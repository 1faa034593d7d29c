"""Text as departments really deliver it: UTF-8 (with or without BOM, maybe NFD), or the legacy
8-bit Vietnamese encodings TCVN3 (ABC, ".VnTime" fonts) and VNI-Windows.

Everything leaves this module as Unicode NFC with a label saying what was detected
(``utf-8``, ``utf-8-sig``, ``tcvn3``, ``vni``, ``tcvn3-in-xlsx`` …); the label goes into the
``_encoding`` lineage column so a converted file is never mistaken for a clean one.

Detection does not trust byte statistics alone: each candidate decoding is scored by the share
of words that are well-formed Vietnamese syllables, and the best one wins only if it is clearly
Vietnamese. Otherwise the file is rejected with the reason instead of being decoded wrongly.

>>> decode_legacy_string("C\\xe9ng ho\\xb5 x\\xb7 h\\xe9i")
('Cộng hoà xã hội', 'tcvn3')
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Base letters and the five tones (none, huyền, hỏi, ngã, sắc, nặng) in Unicode.
_TONED = {
    "a": "aàảãáạ", "ă": "ăằẳẵắặ", "â": "âầẩẫấậ", "e": "eèẻẽéẹ", "ê": "êềểễếệ",
    "i": "iìỉĩíị", "o": "oòỏõóọ", "ô": "ôồổỗốộ", "ơ": "ơờởỡớợ", "u": "uùủũúụ",
    "ư": "ưừửữứự", "y": "yỳỷỹýỵ",
}

# TCVN3 (TCVN 5712:1993, "ABC"): one byte per lower-case letter; capitals with tones only exist
# in the separate capital fonts (.VnTimeH), which reuse these same bytes.
_TCVN3_LOWER = {
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6), "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE), "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE), "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4), "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
TCVN3_TABLE: dict[int, str] = {0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư",
                               0xA7: "Đ", 0xAE: "đ"}
for _base, _codes in _TCVN3_LOWER.items():
    for _tone, _code in enumerate(_codes):
        if _code is not None:
            TCVN3_TABLE[_code] = _TONED[_base][_tone]

# VNI-Windows: an ASCII base letter followed by one or two mark bytes (shown here as the cp1252
# characters they look like). Tone order: huyền, hỏi, ngã, sắc, nặng.
_VNI_TONES_LOWER = ("ø", "û", "õ", "ù", "ï")
_VNI_TONES_UPPER = ("Ø", "Û", "Õ", "Ù", "Ï")
_VNI_HAT_LOWER = ("â", "à", "å", "ã", "á", "ä")  # â ê ô: none, huyền, hỏi, ngã, sắc, nặng
_VNI_HAT_UPPER = ("Â", "À", "Å", "Ã", "Á", "Ä")
_VNI_BREVE_LOWER = ("ê", "è", "ú", "ü", "é", "ë")  # ă: none, huyền, hỏi, ngã, sắc, nặng
_VNI_BREVE_UPPER = ("Ê", "È", "Ú", "Ü", "É", "Ë")
# Letters with a single-byte form in VNI: i/I with tones, ỵ/Ỵ, ơ ư đ and capitals.
_VNI_SINGLE = {"ì": "ì", "ỉ": "æ", "ĩ": "ó", "í": "í", "ị": "ò", "ỵ": "î",
               "Ì": "Ì", "Ỉ": "Æ", "Ĩ": "Ó", "Í": "Í", "Ị": "Ò", "Ỵ": "Î",
               "đ": "ñ", "Đ": "Ñ"}


def _vni_encoding_table() -> dict[str, str]:
    """Unicode letter -> its VNI byte sequence (as cp1252 characters)."""
    table = dict(_VNI_SINGLE)
    tones_of = {False: ("",) + _VNI_TONES_LOWER, True: ("",) + _VNI_TONES_UPPER}
    for base, forms in _TONED.items():
        for upper in (False, True):
            tones = tones_of[upper]
            for tone, letter in enumerate(forms):
                letter = letter.upper() if upper else letter
                if letter in table:
                    continue
                if base in "âêô":
                    hats = _VNI_HAT_UPPER if upper else _VNI_HAT_LOWER
                    ascii_base = {"â": "a", "ê": "e", "ô": "o"}[base]
                    seq = (ascii_base.upper() if upper else ascii_base) + hats[tone]
                elif base == "ă":
                    seq = ("A" if upper else "a") + (_VNI_BREVE_UPPER if upper
                                                     else _VNI_BREVE_LOWER)[tone]
                elif base in "ơư":
                    seq = ({"ơ": "Ô", "ư": "Ö"} if upper else {"ơ": "ô", "ư": "ö"})[base] + tones[tone]
                else:
                    seq = (base.upper() if upper else base) + tones[tone]
                if seq != letter:
                    table[letter] = seq
    return table


def _vni_decoding_table() -> dict[str, str]:
    """VNI byte sequence -> Unicode letter: the encoder's sequences, and the spelled-out forms
    of the letters VNI also has as one byte — ``i``/``I`` and ``y``/``Y`` followed by a tone
    mark, which VNI fonts draw like the precomposed letter (``vi`` + ``ï`` reads *vị*)."""
    table = {seq: letter for letter, seq in VNI_ENCODE.items()}
    for base in "iIyY":
        marks = _VNI_TONES_UPPER if base.isupper() else _VNI_TONES_LOWER
        for tone, mark in enumerate(marks, start=1):
            letter = _TONED[base.lower()][tone]
            table.setdefault(base + mark, letter.upper() if base.isupper() else letter)
    return table


VNI_ENCODE = _vni_encoding_table()
_VNI_DECODE = _vni_decoding_table()
_VNI_RE = re.compile("|".join(re.escape(s) for s in sorted(_VNI_DECODE, key=len, reverse=True)))
_TCVN3_ENCODE = {v: bytes([k]) for k, v in TCVN3_TABLE.items()}

_VOWELS = "".join(_TONED.values())
_VOWELS += _VOWELS.upper()
_TONE_MARKED = set(_VOWELS) - set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_UNTONE = str.maketrans({t: base for base, forms in _TONED.items() for t in forms})
# Vowel nuclei (tones removed) that Vietnamese syllables can have.
_NUCLEI = ("a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ "
           "uê ui uô uơ uy ưa ưi ươ ưu yê iêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu yêu").split()
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnpqrstvx])?"
    rf"(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:ng|nh|ch|[cmnpt])?$"
)


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3 bytes (for test data and the demo generator)."""
    text = unicodedata.normalize("NFC", text)
    out = bytearray()
    for ch in text:
        if ch in _TCVN3_ENCODE:
            out += _TCVN3_ENCODE[ch]
        elif ch.lower() in _TCVN3_ENCODE:  # capital with a tone: .VnTimeH uses the same byte
            out += _TCVN3_ENCODE[ch.lower()]
        else:
            out += ch.encode("cp1252", errors="replace")  # unencodable -> "?"
    return bytes(out)


def encode_vni(text: str) -> bytes:
    """Unicode -> VNI-Windows bytes (for test data and the demo generator)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(VNI_ENCODE.get(ch, ch) for ch in text).encode("cp1252", errors="replace")


# bytes undefined in cp1252 become '?' so decoding can never fail
_UNDEFINED_CP1252 = bytes.maketrans(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]), b"?????")


def _as_cp1252(data: bytes) -> str:
    return data.translate(_UNDEFINED_CP1252).decode("cp1252")


def decode_tcvn3(data: bytes) -> str:
    return _as_cp1252(data).translate(_TCVN3_FROM_CP1252)


_TCVN3_FROM_CP1252 = {ord(bytes([k]).decode("cp1252", errors="replace")): v
                      for k, v in TCVN3_TABLE.items()}


def decode_vni(data: bytes) -> str:
    return vni_to_unicode(_as_cp1252(data))


def vni_to_unicode(text: str) -> str:
    return _VNI_RE.sub(lambda m: _VNI_DECODE[m.group(0)], text)


def tcvn3_to_unicode(text: str) -> str:
    return text.translate(_TCVN3_FROM_CP1252)


def vietnamese_score(text: str) -> tuple[float, int]:
    """(share of non-ASCII words that are well-formed Vietnamese syllables, their count)."""
    words = [w for w in re.findall(r"\w+", text) if not w.isascii() and not w.isdigit()]
    if not words:
        return 0.0, 0
    good = sum(1 for w in words
               if sum(c in _TONE_MARKED for c in w) <= 1
               and _SYLLABLE.match(w.lower().translate(_UNTONE)))
    return good / len(words), len(words)


@functools.cache
def composing_class() -> str:
    """A regular-expression class of the characters NFC can change or join to the character
    before them: combining marks, characters NFC replaces (singletons, composition
    exclusions), the second character of every canonical pair, the Hangul vowel and final
    jamo. A value with none of them is already NFC (planes 0–2 hold them all), so a large
    file is normalised value by value only where one occurs (``formats.nfc_frame``)."""
    points = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for point in range(0x30000):
        char = chr(point)
        if unicodedata.combining(char) or unicodedata.normalize("NFC", char) != char:
            points.add(point)
        parts = unicodedata.decomposition(char).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            points.add(int(parts[1], 16))
    ranges: list[list[int]] = []
    for point in sorted(points):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "[" + "".join(f"\\x{{{a:x}}}" + (f"-\\x{{{b:x}}}" if b > a else "")
                         for a, b in ranges) + "]"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class EncodingError(ValueError):
    pass


def decode_bytes(data: bytes, normalise: bool = True) -> tuple[str, str]:
    """Decode a delivered text file: UTF-8 (BOM optional) or detected TCVN3/VNI, to NFC
    (``normalise=False``: the caller normalises the values it reads, ``formats.nfc_frame``).

    Raises EncodingError with a reason when no decoding gives Vietnamese text.
    """
    done = nfc if normalise else str
    if data.startswith(b"\xef\xbb\xbf"):
        data, label = data[3:], "utf-8-sig"
    else:
        label = "utf-8"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    else:
        fixed, legacy = fix_legacy_text(text)
        return done(fixed), (f"{label}+{legacy}" if legacy else label)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EncodingError("UTF-16 is not accepted; re-export the file as UTF-8")
    decoders = {"tcvn3": decode_tcvn3, "vni": decode_vni}
    sample = data[:_SAMPLE]
    scored = {name: vietnamese_score(fn(sample)) for name, fn in decoders.items()}
    best = max(scored, key=lambda n: scored[n][0])
    share, words = scored[best]
    if words and share >= 0.8:
        return done(decoders[best](data)), best
    raise EncodingError(
        f"not valid UTF-8 (byte {bad}: {data[bad:bad + 4]!r}) and not recognisable as TCVN3 or "
        "VNI Vietnamese; re-export the file as UTF-8")


# Characters that appear when TCVN3/VNI bytes are shown as cp1252 but are not used in
# Vietnamese Unicode text (or are rare there): their presence triggers a legacy check.
_LEGACY_HINTS = re.compile("[µ·¸¹»¼½¾ÆÇÈÉËÌÎÏÑÒÓÔÖ×ØÜÞßåæçèëîïñòôöøûüþ¡¢£¤¥¦§¨©ª«¬\u00ad®ÂÊÙÛÅÄËä]")
_SAMPLE = 200_000  # characters scored when deciding how a whole file is encoded


def fix_legacy_text(text: str) -> tuple[str, str | None]:
    """Text that is Unicode on the surface (xlsx cells, UTF-8 files) but typed in a legacy font:
    convert when the whole text reads clearly better as TCVN3 or VNI. Returns (text, label)."""
    if not _LEGACY_HINTS.search(text):
        return text, None
    sample = text[:_SAMPLE]
    if not _cp1252_only(sample):
        return text, None  # real Vietnamese letters (ư, ạ, đ …) present: Unicode text
    current, _ = vietnamese_score(sample)
    convert = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
    scores = {name: vietnamese_score(fn(sample)) for name, fn in convert.items()}
    best = max(scores, key=lambda n: scores[n][0])
    share, words = scores[best]
    # the whole text is encoded only before converting it: most texts with a hint (an IoT
    # file's "µg/m³") are decided by their sample
    if words and share >= 0.8 and share > current + 0.2 and _cp1252_only(text):
        return convert[best](text), best
    return text, None


def _cp1252_only(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True
