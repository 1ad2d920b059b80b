"""Read fx's docstrings as the plain text they are written in, not as reStructuredText.

The docstrings (STYLE.md 13) are Google-style plain text for `help()` and for this site alike:
`backticks` mark code, and `*`, `|` and a trailing `_` are ordinary characters ("(N, *, H)",
"|a - b|", "add_"). reStructuredText would read them as emphasis, substitutions and references, so
before napoleon runs this escapes them outside backtick spans, doctest blocks and literal blocks,
and separates a code span from a plural "s" ("`Subset`s").
"""

from __future__ import annotations

import re

_PARAM = re.compile(r"^(\s*)(\*{1,2})(?=\w+\s*:)")  # "*args:" / "**kwargs:" entries, left to napoleon
_BULLET = re.compile(r"^(\s*)\* ")
_SPAN = re.compile(r"(`+)(.+?)\1")
_TRAILING_UNDERSCORE = re.compile(r"(?<=\w)_(?=\W|$)")
_HEADER = re.compile(r"^\s*[A-Z][A-Za-z ]*:\s*$")  # a napoleon section title ("Args:")
_ITEM = re.compile(r"^\s*([-*+]|\d+[.)]) ")


def _escape_text(text):
    text = text.replace("\\", "\\\\").replace("*", r"\*").replace("|", r"\|")
    return _TRAILING_UNDERSCORE.sub(r"\\_", text)


def escape_line(line):
    """One prose line with reStructuredText's inline markup characters escaped outside code spans."""
    lead = ""
    m = _PARAM.match(line) or _BULLET.match(line)
    if m:
        lead, line = line[:m.end()], line[m.end():]
    out, pos = [], 0
    for span in _SPAN.finditer(line):
        out.append(_escape_text(line[pos:span.start()]))
        out.append(span.group(0))
        pos = span.end()
        if pos < len(line) and (line[pos].isalnum() or line[pos] == "`"):
            out.append("\\ ")
    rest = line[pos:]
    if rest.count("`") % 2:  # an unmatched backtick: plain text too
        rest = rest.replace("`", "\\`")
    out.append(_escape_text(rest))
    return lead + "".join(out)


def _indent(line):
    return len(line) - len(line.lstrip())


def plain_lines(lines):
    """The docstring's lines with prose escaped; doctest blocks and `::` literal blocks untouched.

    A prose line indented deeper than the line before it in the same paragraph is a hanging
    continuation ("Shape: ..." wrapped under itself), which reStructuredText would reject as an
    unexpected indentation: it is aligned with the paragraph. Section bodies (Args: ...) and
    list items keep their indentation.
    """
    out, in_doctest, literal_indent = [], False, None
    section_indent = para_indent = None
    para_is_item = False
    for line in lines:
        stripped = line.strip()
        if literal_indent is not None:
            if not stripped or _indent(line) > literal_indent:
                out.append(line)
                continue
            literal_indent = None
        if not stripped:
            in_doctest, para_indent = False, None
            out.append(line)
            continue
        if stripped.startswith(">>>"):
            in_doctest = True
        if in_doctest:
            out.append(line)
            continue
        indent = _indent(line)
        if section_indent is not None and indent <= section_indent:
            section_indent = None
        if _HEADER.match(line):
            section_indent, para_indent = indent, None
        elif section_indent is None:
            if para_indent is None:
                para_indent, para_is_item = indent, bool(_ITEM.match(line))
            elif indent > para_indent and not para_is_item:
                line = " " * para_indent + stripped
        out.append(escape_line(line))
        if stripped.endswith("::"):
            literal_indent = _indent(line)
    return out


def _process(app, what, name, obj, options, lines):
    lines[:] = plain_lines(lines)


def setup(app):
    app.connect("autodoc-process-docstring", _process, priority=400)  # before napoleon (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
