"""Hardened XML parsing of uploaded diagrams.

An uploaded BPMN file is untrusted text.  This module owns the one lxml
parser configuration used for it (no entity expansion, no DTD loading, no
network, no huge trees), refuses any DOCTYPE so that XXE and entity bombs are
never expanded or fetched, and checks that the root is a BPMN
`definitions` element.  It also holds the XML namespaces the package uses.
"""
from __future__ import annotations

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


def _mentions_doctype(xml: bytes) -> bool:
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "<!DOCTYPE" in xml.decode("utf-16", errors="ignore")
    return b"<!DOCTYPE" in xml


def parse(xml: bytes) -> tuple[etree._Element | None, list[Problem]]:
    """Parse `xml`; return (root, []) or (None, problems)."""
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as err:
        # libxml2 stops entity bombs itself (amplification limit); report
        # the real cause rather than its internal message.
        if _mentions_doctype(xml):
            return None, [Problem(None, None, DOCTYPE_MESSAGE)]
        line = err.lineno if err.lineno else None
        return None, [Problem(None, line, f"the file is not well-formed XML: {err.msg}")]
    except (ValueError, TypeError) as err:
        return None, [Problem(None, None, f"the file cannot be read as XML: {err}")]
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url:
        return None, [Problem(None, 1, DOCTYPE_MESSAGE)]
    if root.tag != DEFINITIONS:
        message = f"the root element must be bpmn:definitions, not {_local(root.tag)}"
        return None, [Problem(None, root.sourceline, message)]
    return root, []


def _local(tag) -> str:
    if not isinstance(tag, str):
        return "a non-element node"
    return tag.rsplit("}", 1)[-1]
