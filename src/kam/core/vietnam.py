"""Vietnamese identifiers every app checks the same way: tax codes (mã số thuế) and phone
numbers."""

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from kam.core.search import fold

_TAX_CODE = re.compile(r"^(\d{10})(-\d{3})?$")
# The General Department of Taxation's weights for the first nine digits.
_TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def normalise_tax_code(text: str) -> str:
    """Spaces and dots some people type are dropped: "0312 345 673-001" → "0312345673-001"."""
    return re.sub(r"[\s.]", "", text or "")


def tax_code_format_problem(code: str) -> str | None:
    """Why `code` is not a tax code at all, or None: 10 digits, or 10 digits, a dash and the
    3 digits of a branch."""
    if _TAX_CODE.match(code):
        return None
    return str(_("A tax code is 10 digits, or 10 digits, a dash and 3 digits for a branch."))


def tax_code_check_digit_matches(code: str) -> bool:
    """Whether the 10th digit is 10 - (weighted sum of the first nine mod 11). Some codes issued
    before the rule differ, so a mismatch is a warning the user may override, not a refusal."""
    digits = [int(char) for char in code[:10]]
    expected = 10 - sum(w * d for w, d in zip(_TAX_CODE_WEIGHTS, digits, strict=False)) % 11
    return expected == digits[9]


# Mobile (03/05/07/08/09 + 8 digits), landline (02 + area + number: 11 digits) and the 1800/1900
# hotlines; "+84" or "84" may stand for the leading 0.
_VIETNAMESE_PHONE = re.compile(r"^(0[35789]\d{8}|02\d{9}|1[89]00\d{4,6})$")
_INTERNATIONAL_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_phone(text: str) -> str | None:
    """A phone number in one written form — "0912345678", "02838123456", "+6591234567" — or
    None when it is not a phone number. Spaces, dots, dashes and brackets are ignored."""
    compact = re.sub(r"[\s.\-()]", "", text or "")
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    if _VIETNAMESE_PHONE.match(compact) or _INTERNATIONAL_PHONE.match(compact):
        return compact
    return None


# The legal forms around a company's name, folded, longest first: "Công ty TNHH Sữa Việt",
# "CÔNG TY SỮA VIỆT" and "Sua Viet Co., Ltd" are one company. Phrases, not single words, so that
# "cơ khí" or the family name Phan in a name are kept.
_LEGAL_FORMS = (
    "cong ty trach nhiem huu han mot thanh vien",
    "cong ty trach nhiem huu han",
    "trach nhiem huu han",
    "mot thanh vien",
    "cong ty co phan",
    "joint stock company",
    "cong ty tnhh mtv",
    "cong ty tnhh",
    "cong ty cp",
    "cong ty",
    "co ltd",
    "corporation",
    "company",
    "limited",
    "tnhh",
    "mtv",
    "corp",
    "jsc",
    "ltd",
    "inc",
    "cp",
)
_LEGAL_FORM = re.compile(r"\b(" + "|".join(_LEGAL_FORMS) + r")\b")


def company_name_key(name: str) -> str:
    """A company's name as two records of the same company write it alike: folded (no marks,
    lower case), without punctuation or its legal form. Empty when nothing else is left."""
    plain = " ".join(re.sub(r"[^\w\s]", " ", fold(name or "")).split())
    return " ".join(_LEGAL_FORM.sub(" ", plain).split())


# --- Amounts in words ("Số tiền viết bằng chữ") ---------------------------------------------
_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# The groups of three digits under a billion; from a billion up the words repeat before "tỷ"
# ("một nghìn tỷ", "một triệu tỷ").
_GROUPS = ((1_000_000, "triệu"), (1_000, "nghìn"), (1, ""))
_BILLION = 1_000_000_000


def amount_in_words(amount: int | Decimal) -> str:
    """A whole VND amount as Vietnamese invoices write it out: 2_093_688_000 → "Hai tỷ không
    trăm chín mươi ba triệu sáu trăm tám mươi tám nghìn đồng"; 0 → "Không đồng"."""
    if isinstance(amount, Decimal):
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise ValueError(f"Not a whole amount of dong: {amount}")
        amount = int(amount)
    if amount < 0:
        raise ValueError(f"A negative amount has no words: {amount}")
    words = " ".join(_number_words(amount, leading=True)) if amount else _DIGITS[0]
    return f"{words[0].upper()}{words[1:]} đồng"


def _number_words(number: int, *, leading: bool) -> list[str]:
    """The words of a positive number; a `leading` number starts the amount, so its first group
    is read short ("năm nghìn", not "không trăm linh năm nghìn")."""
    billions, rest = divmod(number, _BILLION)
    words = []
    if billions:
        words += [*_number_words(billions, leading=leading), "tỷ"]
        leading = False
    for size, name in _GROUPS:
        group = rest // size % 1000
        if group:  # a group of zeros is not read: "một triệu không trăm linh năm"
            words += _group_words(group, full=not leading)
            words += [name] if name else []
            leading = False
    return words


def _group_words(group: int, *, full: bool) -> list[str]:
    """Three digits (1 to 999). After a higher group the hundreds are always read, even none:
    "một nghìn không trăm mười"."""
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            # "linh" (the South also says "lẻ") marks the missing tens: "một trăm linh năm".
            words += (["linh"] if words else []) + [_DIGITS[units]]
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")  # "hai mươi mốt", but "mười một"
    elif units == 5:
        words.append("lăm")  # "mười lăm", "hai mươi lăm"
    elif units:
        words.append(_DIGITS[units])  # "bốn", where some write "tư" after "mươi"
    return words
