"""What generated dossiers say: applicants, and the data each step's form takes.

`fill` answers a form-js form the way a hurried officer would: every required
field and nothing else, the first option of each choice unless the variant
names another (`decision: refuse`), digits where a pattern asks for digits, the
day for dates, the applicant's name and address where a field asks for a name
or an address (as slots the dossier fills, `@@name@@`), a field's label as its
text; then the form's own validation (`forms.validate_data`) checks it, so a
generated completion holds what the services would have accepted. Applicants
are drawn from common Vietnamese names.
"""
import re

from forms import FormDataInvalid, validate_data

from ..kernel.errors import Conflict

APPLICANT = {"name": "@@name@@", "id_number": "@@id_number@@", "phone": "@@phone@@",
             "email": "@@email@@", "address": "@@address@@"}
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Tôn Thất", "Trương", "Lương", "Hà")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quang", "Đức", "Thu", "Xuân")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngân", "Phúc", "Phương",
         "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vân", "Yến")
STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hùng Vương", "Chi Lăng", "Lý Thường Kiệt",
           "Bà Triệu", "Phan Đình Phùng", "Kim Long", "Nguyễn Sinh Cung")
PREFIXES = ("090", "091", "093", "094", "097", "098", "032", "035", "070", "081")
DIGITS = re.compile(r"^\^?(?:\[0-9\]|\\d)\{(\d+)(?:,(\d+))?\}\$?$")


def applicant(rng, place: str) -> dict:
    """A citizen of `place`: name, 12-digit identity number, mobile, sometimes e-mail."""
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    email = f"cd{rng.randrange(10**6):06d}@example.vn" if rng.random() < 0.35 else None
    return {"name": name, "id_number": f"0{rng.randrange(10**11):011d}",
            "phone": f"{rng.choice(PREFIXES)}{rng.randrange(10**7):07d}", "email": email,
            "address": f"{rng.randrange(1, 200)} {rng.choice(STREETS)}, {place}"}


def fill(form: dict | None, choices: dict, day: str, where: str) -> dict:
    """A submission `form` accepts (`{}` for a step without one), checked by it."""
    if form is None:
        return {}
    answer = {}
    for component in _fields(form.get("components", [])):
        value = _value(component, choices, day)
        if value is not None:
            answer[component["key"]] = value
    try:
        return validate_data(form, answer)
    except FormDataInvalid as exc:
        raise Conflict(f"Generated data for {where} does not fit its form: "
                       f"{exc.errors}.") from None


def _fields(components):
    for component in components:
        if component.get("type") == "group":
            yield from _fields(component.get("components", []))
        elif component.get("key") and not (component.get("readonly") or component.get("disabled")):
            yield component


def _value(component, choices, day):
    options = [option["value"] for option in component.get("values") or []
               if isinstance(option, dict) and "value" in option]
    if choices.get(component["key"]) in options:
        return choices[component["key"]]
    rules = component.get("validate") or {}
    if not rules.get("required"):
        return None
    answer = ANSWERS.get(component["type"], _text)
    return answer(component, rules, options, day)


def _number(component, rules, options, day):
    least = max(rules.get("min") or 0, 1)
    return least if rules.get("max") is None or rules["max"] >= least else rules["max"]


def _date(component, rules, options, day):
    return day if component.get("subtype", "date") == "date" else f"{day}T08:00:00"


def _text(component, rules, options, day) -> str:
    key = component["key"]
    if rules.get("pattern"):
        match = DIGITS.match(rules["pattern"])
        return "1" * int(match.group(2) or match.group(1)) if match else ""
    if key.endswith("_name"):
        return "@@name@@"
    if "address" in key:
        return "@@address@@"
    text = component.get("label") or key
    return text[:rules.get("maxLength") or len(text)].ljust(rules.get("minLength") or 0, ".")


ANSWERS = {
    "radio": lambda component, rules, options, day: options[0] if options else None,
    "select": lambda component, rules, options, day: options[0] if options else None,
    "checklist": lambda component, rules, options, day: options[:1],
    "taglist": lambda component, rules, options, day: options[:1],
    "checkbox": lambda component, rules, options, day: False,
    "number": _number,
    "datetime": _date,
}
