"""A writer of Swedish cardinal numbers in words, written for the tests independently of
the reader in bot/mall/number_words.py: the reader must read back whatever this writes."""

from __future__ import annotations

ONES = ["", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio"]
TEENS = ["tio", "elva", "tolv", "tretton", "fjorton", "femton", "sexton", "sjutton", "arton",
         "nitton"]  # fmt: skip
TENS = ["", "", "tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio"]


def below_hundred(n: int, *, one: str = "ett") -> str:
    if n < 10:
        return one if n == 1 else ONES[n]
    if n < 20:
        return TEENS[n - 10]
    return TENS[n // 10] + ONES[n % 10]


def below_thousand(n: int, *, apart: bool, one: str = "ett", hundred_one: str = "ett") -> list[str]:
    """`253` -> ["tvåhundrafemtiotre"] together, or ["två", "hundra", "femtiotre"] apart."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [hundred_one if hundreds == 1 else ONES[hundreds], "hundra"]
        if hundred_one == "" and hundreds == 1:
            words = ["hundra"]
    if rest:
        words.append(below_hundred(rest, one=one))
    return words if apart else ["".join(words)]


def write(n: int, *, apart: bool = False, hundred_one: str = "ett") -> str:
    """The words for 1 <= n < 1 000 000 000, together or apart."""
    assert 1 <= n < 1_000_000_000
    millions, rest = divmod(n, 1_000_000)
    thousands, ones = divmod(rest, 1_000)
    parts: list[str] = []
    if millions:
        word = "miljon" if millions == 1 else "miljoner"
        parts += [*below_thousand(millions, apart=True, one="en", hundred_one="ett"), word]
    if thousands:
        group = below_thousand(thousands, apart=apart, hundred_one=hundred_one)
        if apart:
            parts += [*group, "tusen"]
        elif thousands == 1:
            parts.append("tusen" if hundred_one == "" else "ettusen")
        else:
            parts.append("".join([*group, "tusen"]))
    if ones:
        parts += below_thousand(ones, apart=apart, hundred_one=hundred_one)
    return " ".join(p for p in parts if p)


def write_halves(whole: int) -> tuple[str, int]:
    """`en och en halv miljon`, `två och en halv miljoner`, `en halv miljon` and the value."""
    if whole == 0:
        return "en halv miljon", 500_000
    head = " ".join(below_thousand(whole, apart=True, one="en"))
    return (
        f"{head} och en halv {'miljon' if whole == 1 else 'miljoner'}",
        whole * 1_000_000 + 500_000,
    )
