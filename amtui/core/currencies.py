"""ISO 4217 currencies and their minor units (pure: standard library only).

Money in amtui is an integer count of a currency's minor unit (cents, kopecks, fils): the
exponent below says how many decimal digits the major unit has (JPY 0, EUR 2, KWD 3, CLF 4).
The table is ISO 4217 list one (active codes with a minor unit; funds codes such as BOV and
USN included, precious metals, SDR and test codes left out). ISO's exponent is the storage
rule even where common usage (CLDR, Babel) writes fewer digits, e.g. HUF 2 or IQD 3: an
amount is stored exactly as ISO defines it and shown without trailing zero digits the way the
locale writes it (`amtui.core.money_locale`).
"""

from __future__ import annotations

from amtui.core.errors import InputError
from amtui.core.text import one_line

_BY_EXPONENT = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: (
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD "
        "BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP "
        "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR "
        "JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU "
        "MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR "
        "RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB "
        "TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW "
        "ZWG ZWL"
    ),
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}

#: Every accepted code → the number of decimal digits of its minor unit.
EXPONENTS: dict[str, int] = {
    code: exponent for exponent, codes in _BY_EXPONENT.items() for code in codes.split()
}

#: What an error message offers when a code is unknown (the table itself has 168 codes).
COMMON = ("EUR", "USD", "RUB", "GBP", "CHF", "JPY", "CNY", "KZT", "AED")


def check_currency(text: str) -> str:
    """An ISO 4217 code in any case (`eur`, ` Usd `) → its upper-case form; else InputError."""
    code = text.strip().upper()
    if code not in EXPONENTS:
        raise InputError(
            f"{one_line(text)!r} is not an ISO 4217 currency code; "
            f"use a code such as {', '.join(COMMON)} ({len(EXPONENTS)} are known)"
        )
    return code


def exponent(currency: str) -> int:
    """How many decimal digits `currency`'s minor unit has (EUR 2, JPY 0, KWD 3)."""
    return EXPONENTS[check_currency(currency)]
