"""The on-screen keyboard model: Telex, VNI, plain, backspace, shift."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_ui.core.telex import KeyboardModel, Mode, strip_tone


def typed(keys: str, mode: Mode = "telex", kb: KeyboardModel | None = None) -> KeyboardModel:
    """Type keys; '<' is backspace, '^' toggles shift."""
    kb = kb or KeyboardModel(mode)
    for key in keys:
        if key == "<":
            kb.backspace()
        elif key == "^":
            kb.toggle_shift()
        else:
            kb.press(key)
    return kb


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("Nguyeenx", "Nguyễn"),
        ("dd", "đ"),
        ("ow", "ơ"),
        ("aw", "ă"),
        ("uw", "ư"),
        ("Vieetj Nam", "Việt Nam"),
        ("tieesng Vieetj", "tiếng Việt"),
        ("hoaf", "hòa"),
        ("thuowngf", "thường"),
        ("Ddaij", "Đại"),
        ("cuar", "của"),
        ("as", "á"),
        ("af", "à"),
        ("ar", "ả"),
        ("ax", "ã"),
        ("aj", "ạ"),
        ("ass", "as"),  # a second tone key undoes the tone and types the letter
    ],
)
def test_telex_renders_words(keys: str, expected: str) -> None:
    assert typed(keys).text == expected


def test_text_is_nfc() -> None:
    assert unicodedata.is_normalized("NFC", typed("Nguyeenx Vaw Awn").text)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [("Nguyeenxz", "Nguyên"), ("hoasz", "hoa"), ("hoasfz", "hoa"), ("tieesngz", "tiêng"), ("Vieetjz", "Viêt")],
)
def test_z_removes_the_tone_but_keeps_vowel_marks(keys: str, expected: str) -> None:
    assert typed(keys).text == expected


def test_z_after_removal_can_take_a_new_tone() -> None:
    assert typed("Nguyeenxzs").text == "Nguyến"


def test_z_on_a_word_without_tone_is_a_letter() -> None:
    assert typed("za").text == "za"


def test_digits_are_typed_as_is_in_telex_and_end_the_word() -> None:
    assert typed("Soos 12, ngox 3").text == "Số 12, ngõ 3"
    assert typed("2021").text == "2021"


def test_backspace_inside_a_word_removes_the_last_key_and_rerenders() -> None:
    kb = typed("Nguyeenx")
    kb.backspace()
    assert kb.text == "Nguyên"
    kb.backspace()
    assert kb.text == "Nguyê"
    kb.backspace()
    assert kb.text == "Nguye"  # the second 'e' key (the circumflex) is gone
    assert kb.keys == tuple("Nguye")


def test_backspace_after_space_deletes_committed_characters() -> None:
    kb = typed("Vieetj Nam ")
    kb.backspace()
    assert kb.text == "Việt Nam"
    kb.backspace()  # "Nam" came back as keys: this removes the key "m"
    assert kb.text == "Việt Na"


def test_word_brought_back_by_backspace_can_take_a_tone() -> None:
    kb = typed("Nguyeen <")
    assert kb.text == "Nguyên"
    typed("x", kb=kb)
    assert kb.text == "Nguyễn"


def test_backspace_through_punctuation_and_on_empty_text() -> None:
    kb = typed("a, b")
    for _ in range(10):
        kb.backspace()
    assert kb.text == ""


def test_backspace_into_text_given_at_start_deletes_characters() -> None:
    kb = KeyboardModel(text="Hà Nội")
    kb.backspace()
    assert kb.text == "Hà Nộ"


def test_plain_mode_types_keys_as_they_are() -> None:
    kb = typed("Nguyeenx dd ow", mode="plain")
    assert kb.text == "Nguyeenx dd ow"
    kb.backspace()
    assert kb.text == "Nguyeenx dd o"


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("Nguye6n4", "Nguyễn"),
        ("d9", "đ"),
        ("o7", "ơ"),
        ("a8", "ă"),
        ("Vie65t Nam", "Việt Nam"),
        ("Tru7o72ng", "Trường"),
        ("So61 12", "Số 12"),
        ("Nguye6n40", "Nguyên"),
    ],
)
def test_vni(keys: str, expected: str) -> None:
    assert typed(keys, mode="vni").text == expected


def test_shift_uppercases_only_the_next_letter() -> None:
    assert typed("^nguyeenx ^vawn ^awn").text == "Nguyễn Văn Ăn"


def test_caps_lock_and_uppercase_keys() -> None:
    kb = KeyboardModel()
    kb.caps_lock = True
    typed("nguyeenx", kb=kb)
    assert kb.text == "NGUYỄN"
    assert typed("DDOOX").text == "ĐỖ"


def test_switching_mode_commits_the_word_as_shown() -> None:
    kb = typed("Vieetj")
    kb.set_mode("plain")
    typed("j", kb=kb)
    assert kb.text == "Việtj"
    kb.backspace()
    kb.backspace()  # history is cleared on a mode switch: this deletes a character, not a key
    assert kb.text == "Việ"
    assert kb.mode == "plain"


def test_space_key_and_clear() -> None:
    kb = typed("a b")
    assert kb.text == "a b"
    kb.clear()
    assert kb.text == ""
    assert kb.composing == ""


def test_invalid_mode_and_multi_character_key_are_refused() -> None:
    with pytest.raises(ValueError, match="input mode"):
        KeyboardModel("qwerty")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one key"):
        KeyboardModel().press("ab")


def test_strip_tone_keeps_vowel_marks() -> None:
    assert strip_tone("Nguyễn Văn Đức Trường") == "Nguyên Văn Đưc Trương"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["telex", "vni", "plain"]), st.text(alphabet="aeiouydwsfrxjzAEDW0123456789 ,.<^", max_size=40))
def test_any_key_sequence_gives_nfc_text_and_never_raises(mode: Mode, keys: str) -> None:
    kb = typed(keys, mode=mode)
    assert unicodedata.is_normalized("NFC", kb.text)
    for _ in range(len(keys) + 1):
        kb.backspace()
    assert kb.text == ""
