"""Hostile or broken uploads are refused before anything else looks at them."""
import time

import pytest

from engine.bpmn import DiagramRejected, compile_diagram

DOCTYPE = "DOCTYPE declarations are not allowed"


def rejected(xml: bytes, **kwargs) -> DiagramRejected:
    with pytest.raises(DiagramRejected) as info:
        compile_diagram(xml, **kwargs)
    return info.value


def messages(exc: DiagramRejected) -> list[str]:
    return [p.message for p in exc.problems]


def test_xxe_entity_is_refused_and_never_read(bpmn_doc):
    xml = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           + bpmn_doc('<bpmn:startEvent id="S" name="&x;"/>').split(b"\n", 1)[1])
    exc = rejected(xml)
    assert messages(exc) == [DOCTYPE]
    assert "root:" not in str(exc)


def test_billion_laughs_is_refused_fast():
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10 if i else "lol"}">' for i in range(10))
    xml = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><lolz>&lol9;</lolz>'.encode()
    started = time.perf_counter()
    exc = rejected(xml)
    assert time.perf_counter() - started < 1.0
    assert messages(exc) == [DOCTYPE]


def test_billion_laughs_in_utf16_is_refused():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY a "aaaa">' \
          '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><a>&b;</a>'
    assert messages(rejected(xml.encode("utf-16"))) == [DOCTYPE]


def test_external_dtd_is_refused(bpmn_doc):
    body = bpmn_doc('<bpmn:startEvent id="S"/>').split(b"\n", 1)[1]
    doctype = b'<!DOCTYPE definitions SYSTEM "http://example.invalid/x.dtd">\n'
    xml = b'<?xml version="1.0"?>\n' + doctype + body
    assert messages(rejected(xml)) == [DOCTYPE]


def test_doctype_mentioned_in_a_comment_is_fine(bpmn_doc):
    xml = bpmn_doc('<!-- <!DOCTYPE x> --><bpmn:startEvent id="S"/>')
    assert compile_diagram(xml).process_id == "Proc"


def test_malformed_xml_reports_the_line():
    exc = rejected(b'<?xml version="1.0"?>\n<a>\n<b>\n</a>')
    [problem] = exc.problems
    assert problem.line == 4 and "not well-formed" in problem.message
    assert problem.element_id is None


def test_non_bpmn_root_is_refused():
    [problem] = rejected(b"<html><body/></html>").problems
    assert problem.message == "the root element must be bpmn:definitions, not html"


def test_oversize_is_refused_before_parsing(bpmn_doc):
    exc = rejected(b"<" * 101, max_bytes=100)
    assert exc.too_large
    assert messages(exc) == ["diagram is larger than 100 bytes"]
    assert not rejected(b"<nope/>").too_large


def test_every_schema_error_is_reported(bpmn_doc, line):
    xml = bpmn_doc('<bpmn:startEvent id="S" colour="red"/>\n<bpmn:task id="T" size="9"/>')
    exc = rejected(xml)
    assert [(p.element_id, p.line) for p in exc.problems] == [
        ("S", line(xml, 'id="S"')), ("T", line(xml, 'id="T"'))]
    assert all(p.message.startswith("schema: ") for p in exc.problems)
    assert "bpmn:startEvent" in exc.problems[0].message
