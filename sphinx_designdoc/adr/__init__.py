"""``designdoc import-adr``: Markdown architecture decision records as ``decision`` objects.

Reads the common layouts of numbered ADR files, named ``0001-title.md``,
``adr-001-title.md``, ``20200925-title.md`` or ``2020-09-25-title.md``:

- adr-tools (Michael Nygard's): ``# 1. Title``, a ``Date:`` line, a ``## Status``
  section whose first word is the status and whose relation lines (``Supersedes``,
  ``Superseded by``, ``Amends``, ``Amended by``, ``Clarifies``, ``Extends``, ``Related
  to`` ..., each with a link to another record) name other records;
- MADR 2 to 4 and log4brains: ``# Title``, the status, date, deciders and tags in YAML
  front matter (3, 4) or as ``* Status: …`` items under the title (2), ``## Considered
  Options`` as a list, relation lines in a ``## Links`` section.

Each record is parsed with markdown-it-py as MyST configures it, and its page written
back from the tokens (:mod:`..myst_writer`), so the import and the build agree on what is
code, what is text and what is a link by construction: the page holds no directive,
role, raw HTML, target or link outside the URL policy that the records did not have as
plain text, and a hostile record cannot put script on a page or make the build copy a
file.  What the import could not carry as it was (a link to a file that is not a record,
raw HTML, an image it cannot copy, a status it does not know) is reported per record.
"""

from .page import Imported, Options, import_records
from .records import Record, adr_files, read_record, record_name, shown_name
from .words import ADR_FILE, decision_status, iso_date

__all__ = [
    "ADR_FILE",
    "Imported",
    "Options",
    "Record",
    "adr_files",
    "decision_status",
    "import_records",
    "iso_date",
    "read_record",
    "record_name",
    "shown_name",
]
