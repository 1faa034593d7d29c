"""Legacy encodings are detected and converted to NFC at the boundary (table-driven)."""

import unicodedata

import pytest

from connectors.text import (
    _SAMPLE,
    EncodingError,
    decode_bytes,
    decode_vni,
    encode_tcvn3,
    encode_vni,
    fix_legacy_text,
    vietnamese_score,
)

TEXTS = [
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Sở Nông nghiệp và Môi trường tỉnh Lai Châu",
    "Tổng thu ngân sách nhà nước trên địa bàn",
    "Giàng A Pó, Tẩn Láo Sài, Quàng Văn Ún, Lường Thị Ương",
    "Xã Bình Lư; Phường Đoàn Kết; Thuỵ Anh; Khoái Châu; Hưng Yên",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("label", "encode"), [("tcvn3", encode_tcvn3), ("vni", encode_vni)])
def test_legacy_bytes_are_detected_and_converted(text, label, encode):
    decoded, detected = decode_bytes(encode(text))
    assert detected == label
    # TCVN3 has no capital letters with tones (they live in the .VnTimeH font)
    assert decoded == (text if label == "vni" else decoded)
    assert decoded.lower() == text.lower()
    assert unicodedata.is_normalized("NFC", decoded)


def test_domain_example_tcvn3_read_as_cp1252():
    assert fix_legacy_text("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == (
        "Cộng hoà xã hội chủ nghĩa Việt Nam", "tcvn3")
    assert decode_bytes("Vieät Nam".encode("cp1252")) == ("Việt Nam", "vni")


@pytest.mark.parametrize(("data", "label"), [
    ("Số định danh".encode(), "utf-8"),
    (b"\xef\xbb\xbf" + "Số định danh".encode(), "utf-8-sig"),
    (unicodedata.normalize("NFD", "Số định danh").encode(), "utf-8"),
])
def test_unicode_is_normalised_to_nfc(data, label):
    text, detected = decode_bytes(data)
    assert (text, detected) == ("Số định danh", label)


def test_a_real_vietnamese_letter_past_the_sample_keeps_the_text_unicode():
    legacy = "Céng hoµ x· héi chñ nghÜa ViÖt Nam. "
    padding = legacy * (_SAMPLE // len(legacy) + 1)
    assert fix_legacy_text(padding)[1] == "tcvn3"  # the sample alone reads as TCVN3
    text = padding + "Sở Y tế tỉnh Hưng Yên"
    assert fix_legacy_text(text) == (text, None)


def test_unicode_text_with_accented_latin_is_left_alone():
    assert fix_legacy_text("Café résumé, Müller") == ("Café résumé, Müller", None)
    assert fix_legacy_text("Sở Y tế tỉnh Hưng Yên") == ("Sở Y tế tỉnh Hưng Yên", None)


@pytest.mark.parametrize("data", ["Müller Straße Größe Ärger".encode("latin-1"),
                                  "Ελληνικά κείμενα".encode("cp1253"), b"\xff\xfeS\x00"])
def test_undetectable_bytes_are_refused_with_a_reason(data):
    with pytest.raises(EncodingError, match="UTF"):
        decode_bytes(data)


def test_syllable_score_separates_right_and_wrong_decodings():
    assert vietnamese_score("Việt Nam Cộng hòa")[0] == 1.0
    assert vietnamese_score("Vieọt Nam")[0] == 0.0  # VNI bytes decoded as TCVN3


def test_vni_spelled_out_tone_marks_decode_like_the_precomposed_letters():
    # VNI has one byte for ị, í, ỉ (ò, í, æ) but fonts draw "i" + the tone byte the same way,
    # and files carry both
    assert decode_vni(b"\xd1\xf4n vi\xef ti\xf9nh") == "Đơn vị tính"
    assert decode_vni(b"chi\xfb tie\xe2u") == "chỉ tiêu"
    assert decode_vni(b"KY\xcf THUA\xc4T, ky\xef") == "KỴ THUẬT, kỵ"
