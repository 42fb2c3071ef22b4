#!/usr/bin/env python
"""Fill empty German msgstr entries of a .po file from a Python dict file, then compile.

Usage: fill_translations.py TRANSLATIONS.py path/to/django.po [...]
TRANSLATIONS.py defines T = {msgid: msgstr} and optionally PLURALS = {msgid: (singular, plural)}.
"""

import runpy
import sys

import polib

namespace = runpy.run_path(sys.argv[1])
singles, plurals = namespace.get("T", {}), namespace.get("PLURALS", {})
for path in sys.argv[2:]:
    catalogue = polib.pofile(path)
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    catalogue.metadata["Language"] = "de"
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalogue.metadata["Project-Id-Version"] = "secure-signin-help-portal"
    catalogue.metadata["Language-Team"] = "German"
    catalogue.metadata_is_fuzzy = False
    catalogue.header = "German translation of the secure sign-in help portal."
    missing = []
    for entry in catalogue:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.previous_msgid = None
        if entry.msgid_plural:
            if entry.msgid in plurals and not entry.msgstr_plural.get(0):
                entry.msgstr_plural = {0: plurals[entry.msgid][0], 1: plurals[entry.msgid][1]}
            if not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        else:
            if not entry.msgstr and entry.msgid in singles:
                entry.msgstr = singles[entry.msgid]
            if not entry.msgstr:
                missing.append(entry.msgid)
    catalogue.save(path)
    catalogue.save_as_mofile(path[:-3] + ".mo")
    print(f"{path}: {len(missing)} missing", *missing[:20], sep="\n  ")
