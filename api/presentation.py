"""What people read: the message catalogue, the reader's language, and the Jinja
filters that write instants, money and labels.

The engine returns data (codes, instants, amounts); slips, pages and messages are
written here. Texts are gettext messages with English source strings; each
language has one catalogue, `api/translations/<lang>/LC_MESSAGES/messages.po`,
read by Flask-Babel's gettext (compiled in memory the first time it is needed, so
there is no build step and no stale binary). Vietnamese is the default; the
language is `?lang=vi|en` (remembered in a cookie), else that cookie, else
`Accept-Language`. A JSON answer without any of those is in English (UI.md).
Instants are written in Vietnam time, `dd/mm/yyyy HH:MM`.
"""
import io
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from flask import request
from flask_babel import Babel, Domain, get_locale

from engine.scheduling import notifications
from engine.deadlines.worktime import VN
from engine.kernel.clock import parse_instant

from .labels import LABELS, MESSAGES

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("vi", "en")
DEFAULT = "vi"
ANSWER_DEFAULT = "en"  # JSON answers: UI.md
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600


def catalogue(lang: str) -> Catalog:
    """Every message of `lang`: `messages.po` (slips, labels, API texts) and one
    file per page family (`web_<name>.po`), merged. A message in two files must
    read the same in both."""
    merged = Catalog(locale=lang)
    for path in sorted((TRANSLATIONS / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as source:
            for entry in read_po(source, locale=lang):
                known = merged.get(entry.id, entry.context) if entry.id else None
                if known is not None and known.string != entry.string:
                    raise ValueError(f"{path.name}: {entry.id!r} reads differently elsewhere")
                if entry.id and known is None:
                    merged[entry.id] = entry
    return merged


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The catalogue of `lang`, read from its .po files once per process."""
    if lang not in LANGUAGES or not (TRANSLATIONS / lang).is_dir():
        return NullTranslations()  # English: the source strings themselves
    catalog = catalogue(lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as by `pybabel compile`
    compiled.seek(0)
    return Translations(compiled)


class _Catalogue(Domain):
    """Flask-Babel's domain, fed from the .po files instead of compiled .mo files."""

    def get_translations(self):
        return translations(str(get_locale() or DEFAULT))


class _Babel(Babel):
    @cached_property
    def domain_instance(self):
        return _Catalogue()


babel = _Babel()


def _chosen() -> str | None:
    """The language the request asks for, if it names one we have."""
    asked = request.args.get("lang") or request.cookies.get(COOKIE)
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES)


def page_language() -> str:
    """The language of pages and slips (Flask-Babel's locale selector)."""
    return _chosen() or DEFAULT


def answer_language() -> str:
    """The language of texts inside JSON answers."""
    return _chosen() or ANSWER_DEFAULT


def _remember(response):
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_SECONDS, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


# Filters. Each takes the value the engine gives and, where words are involved,
# the language (the request's when not given, so they also serve outside templates).

def _lang(lang: str | None) -> str:
    return lang or str(get_locale() or DEFAULT)


def _local(value) -> datetime | None:
    value = parse_instant(value)
    return None if value is None else value.astimezone(VN)


def instant(value, lang: str | None = None) -> str:
    """`dd/mm/yyyy HH:MM` in Vietnam time; empty for no instant."""
    local = _local(value)
    return "" if local is None else f"{local:%d/%m/%Y %H:%M}"


def slip_instant(value, lang: str | None = None) -> str:
    """The slips' form, time first: `16:00 ngày 24/04/2026`, `16:00 on 24/04/2026`."""
    local = _local(value)
    if local is None:
        return ""
    return translations(_lang(lang)).gettext("%(time)s on %(date)s") % {
        "time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}"}


def date_line(value, lang: str | None = None) -> str:
    """A slip's date line: `ngày 24 tháng 04 năm 2026`, `24/04/2026`."""
    local = _local(value)
    if local is None:
        return ""
    return translations(_lang(lang)).pgettext("date line", "%(day)s/%(month)s/%(year)s") % {
        "day": f"{local:%d}", "month": f"{local:%m}", "year": f"{local:%Y}"}


def money(amount, lang: str | None = None, words: bool = False) -> str:
    """An amount of đồng: `1.234.567 đ` (`1.234.567 đồng` in words); English `VND 1,234,567`."""
    lang = _lang(lang)
    digits = format_decimal(int(amount or 0), format="#,##0", locale=lang)
    catalogue = translations(lang)
    text = catalogue.pgettext("money in words", "VND %(amount)s") if words else \
        catalogue.pgettext("money", "VND %(amount)s")
    return text % {"amount": digits}


def label(code, kind: str, lang: str | None = None) -> str:
    """The label of a code (`channel`, `national_status`, `step_outcome`); an unknown
    code is shown as it is."""
    source = LABELS[kind].get(code)
    return str(code) if source is None else translations(_lang(lang)).gettext(source)


def status_label(code, lang: str | None = None) -> str:
    """The national status label of a code 1-10 (UI.md)."""
    return label(code, "national_status", lang)


def message(key: str, params: dict, lang: str | None = None) -> str:
    """A stored message (a catalogue key and its parameters) in `lang`; parameters
    named `*_at` are instants."""
    lang = _lang(lang)
    values = {name: instant(value) if name.endswith("_at") else value
              for name, value in (params or {}).items()}
    return translations(lang).gettext(MESSAGES[key]) % values


def notification_text(notification, lang: str | None = None) -> str:
    """What a stored notification says in `lang`: its message and parameters, or its
    free text."""
    if notification.params is None:
        return notification.message
    return message(notification.type, notification.params, lang)


FILTERS = {"instant": instant, "slip_instant": slip_instant, "date_line": date_line,
           "money": money, "label": label, "status_label": status_label}


def register(app):
    babel.init_app(app, default_locale=DEFAULT, default_timezone=str(VN),
                   locale_selector=page_language)
    app.jinja_env.filters.update(FILTERS)
    app.context_processor(lambda: {"lang": str(get_locale() or DEFAULT)})
    app.after_request(_remember)
    notifications.use_renderer(lambda key, params: message(key, params, DEFAULT))  # e-mail
