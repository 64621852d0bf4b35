"""Countries by any of their names: "Tailândia", "Thaïlande" and "Bangkok" all name Thailand.

Coverage in several languages names one country in each language's words, and news of
diplomacy names a government by its capital ("Bangkok rejected mediation", "Washington
said"). A party's stance in one language can only meet the same party's stance in another when
both are known as one country. Country names come from the Unicode CLDR through Babel (the
territory names of English, Spanish, French, German and Portuguese), capitals from the
countryinfo package; both ship their data, so nothing is fetched. Only one-word names are kept
(each name is matched as one word), and capitals that are as often a person's or another
town's name ("Victoria", "Hamilton") are left out.
"""

from __future__ import annotations

from functools import lru_cache

LANGUAGES = ("en", "es", "fr", "de", "pt")
# capitals more often a person's name, or a town elsewhere, than the seat of a government
NOT_METONYMS = {"victoria", "hamilton", "douglas", "stanley", "kingston", "georgetown", "santiago", "sucre",
                "plymouth", "jamestown", "praia", "moroni", "saint-denis"}


def country_name(word: str) -> str:
    """The English name (lower case) of the country a one-word name or capital names, or the
    word itself."""
    return _countries().get(word.lower(), word)


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    from babel import Locale
    from countryinfo import all_countries

    english = Locale("en").territories
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha() and code in english and " " not in name:
                names.setdefault(name.lower(), english[code].lower())
    seats: dict[str, set[str]] = {}
    for country in all_countries():
        try:
            capital, code = country.capital(), country.iso(2)
        except Exception:  # noqa: BLE001 - a territory without a capital or code in the package's data
            continue
        if isinstance(capital, str) and code in english:
            seats.setdefault(capital.removesuffix(" D.C.").lower(), set()).add(english[code].lower())
    for capital, countries in seats.items():
        if len(countries) == 1 and " " not in capital and capital not in NOT_METONYMS:
            names.setdefault(capital, next(iter(countries)))
    return names
