"""Hardened XML parsing of uploaded diagrams.

An uploaded BPMN file is untrusted text.  This module owns the one lxml
parser configuration used for it (no entity expansion, no DTD loading, no
network, no huge trees), refuses any DOCTYPE so that XXE and entity bombs are
never expanded or fetched, and checks that the root is a BPMN
`definitions` element.  A DOCTYPE is found in any encoding XML allows
(UTF-8, UTF-16 and UTF-32 with or without a byte order mark, declared ones),
also when the parser gave up on it first, and the problem names the
definitions id (or the process id).  It also tells the encoding a stored
upload is in, and holds the XML namespaces the package uses.
"""
from __future__ import annotations

import re

from lxml import etree

from .views import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS, "spiffworkflow": SPIFF_NS}
DEFINITIONS = f"{{{BPMN_NS}}}definitions"
DOCTYPE_MESSAGE = "DOCTYPE declarations are not allowed"


def bpmn(tag: str) -> str:
    """The Clark name of a tag in the BPMN model namespace."""
    return f"{{{BPMN_NS}}}{tag}"


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers are not thread-safe to share.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False,
        dtd_validation=False, huge_tree=False, remove_comments=False,
    )


# XML's own autodetection (XML 1.0, appendix F): a byte order mark, else the
# bytes of "<" or "<?" in a wide encoding, else the declaration's encoding.
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"), (b"\xef\xbb\xbf", "utf-8"))
_UNMARKED = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
             (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"))
_DECLARED = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][\w.-]*)["']""")
_START_ID = r"""<(?:[A-Za-z_][\w.-]*:)?{tag}\b[^>]*?\sid\s*=\s*["']([^"']{{1,255}})["']"""


def _text(xml: bytes) -> str:
    """The document as text, decoded as an XML parser would; bad bytes dropped."""
    for mark, codec in _BOMS:
        if xml.startswith(mark):
            return xml[len(mark):].decode(codec, errors="ignore")
    for start, codec in _UNMARKED:
        if xml.startswith(start):
            return xml.decode(codec, errors="ignore")
    declared = _DECLARED.match(xml)
    try:
        return xml.decode(declared.group(1).decode() if declared else "utf-8", errors="ignore")
    except LookupError:  # an encoding Python does not know: ASCII-compatible at least
        return xml.decode("latin-1")


def _doctype_problem(xml: bytes, root=None) -> Problem | None:
    """The DOCTYPE problem, naming the definitions (or process) id, or None."""
    text = _text(xml)
    at = text.find("<!DOCTYPE")
    if at < 0 and b"<!DOCTYPE" not in xml:
        return None
    line = text.count("\n", 0, at) + 1 if at >= 0 else None
    return Problem(_document_id(text, root), line, DOCTYPE_MESSAGE)


def _document_id(text: str, root) -> str | None:
    if root is not None and root.get("id"):
        return root.get("id")
    for tag in ("definitions", "process"):
        found = re.search(_START_ID.format(tag=tag), text)
        if found:
            return found.group(1)
    return None


def encoding_of(xml: bytes) -> str:
    """The encoding `xml` is written in, as the parser reads it (e.g. UTF-16LE)."""
    try:
        return etree.fromstring(xml, _parser()).getroottree().docinfo.encoding or "UTF-8"
    except (etree.XMLSyntaxError, ValueError, TypeError):
        return "UTF-8"


def parse(xml: bytes) -> tuple[etree._Element | None, list[Problem]]:
    """Parse `xml`; return (root, []) or (None, problems)."""
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as err:
        # libxml2 stops entity bombs itself (amplification limit); report
        # the real cause rather than its internal message.
        doctype = _doctype_problem(xml)
        if doctype:
            return None, [doctype]
        line = err.lineno if err.lineno else None
        return None, [Problem(None, line, f"the file is not well-formed XML: {err.msg}")]
    except (ValueError, TypeError) as err:
        return None, [Problem(None, None, f"the file cannot be read as XML: {err}")]
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url:
        return None, [_doctype_problem(xml, root) or Problem(root.get("id"), 1, DOCTYPE_MESSAGE)]
    if root.tag != DEFINITIONS:
        message = f"the root element must be bpmn:definitions, not {_local(root.tag)}"
        return None, [Problem(None, root.sourceline, message)]
    return root, []


def _local(tag) -> str:
    if not isinstance(tag, str):
        return "a non-element node"
    return tag.rsplit("}", 1)[-1]
