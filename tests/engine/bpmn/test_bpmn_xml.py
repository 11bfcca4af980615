"""Hostile or broken uploads are refused before anything else looks at them."""
import time

import pytest

from engine.bpmn import DiagramRejected, compile_diagram
from engine.bpmn.xml import encoding_of

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


BOMB = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10 if i else "lol"}">'
               for i in range(10))
ENCODINGS = [("UTF-8", "utf-8"), ("UTF-16", "utf-16"), ("UTF-16LE", "utf-16-le"),
             ("UTF-16BE", "utf-16-be"), ("UTF-32", "utf-32"), ("UTF-32LE", "utf-32-le"),
             ("UTF-32BE", "utf-32-be"), ("ISO-8859-1", "latin-1")]


def _defs(encoding: str, doctype: str, body: str = "&lol9;", defs_id: str = ' id="Defs"') -> str:
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n{doctype}\n<bpmn:definitions '
            f'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"{defs_id}>'
            f'<bpmn:process id="Proc">{body}</bpmn:process></bpmn:definitions>')


@pytest.mark.parametrize("declared, codec", ENCODINGS)
def test_a_doctype_is_recognised_in_every_encoding_and_names_the_definitions(declared, codec):
    for doctype, body in ((f"<!DOCTYPE lolz [{BOMB}]>", "&lol9;"),  # the parser gives up
                          ('<!DOCTYPE d [<!ENTITY a "b">]>', "&a;")):  # the parser reads it
        [problem] = rejected(_defs(declared, doctype, body).encode(codec)).problems
        assert (problem.element_id, problem.line, problem.message) == ("Defs", 2, DOCTYPE)


def test_a_doctype_problem_names_the_process_when_the_definitions_have_no_id():
    xml = _defs("UTF-8", f"<!DOCTYPE lolz [{BOMB}]>", defs_id="").encode()
    assert [p.element_id for p in rejected(xml).problems] == ["Proc"]


@pytest.mark.parametrize("declared, codec", ENCODINGS + [("windows-1258", "cp1258")])
def test_the_encoding_of_an_upload_is_the_one_the_parser_reads(bpmn_doc, declared, codec):
    body = bpmn_doc('<bpmn:startEvent id="S" name="Café"/>').decode().split("\n", 1)[1]
    xml = f'<?xml version="1.0" encoding="{declared}"?>\n{body}'.encode(codec)
    assert compile_diagram(xml).process_id == "Proc"
    expected = {"UTF-32": "UTF-32LE"}.get(declared, declared)  # the BOM tells the order
    assert encoding_of(xml) == expected


@pytest.mark.parametrize("attribute, limit", [("name", 500), ("camunda:formKey", 255)])
def test_over_long_names_and_keys_are_refused_naming_the_element(bpmn_doc, line, attribute,
                                                                 limit):
    xml = bpmn_doc(f'<bpmn:startEvent id="S"/><bpmn:userTask id="T" {attribute}="'
                   + "x" * (limit + 1) + '"/><bpmn:sequenceFlow id="F" sourceRef="S" '
                   'targetRef="T"/>')
    [problem] = rejected(xml).problems
    assert (problem.element_id, problem.line) == ("T", line(xml, 'id="T"'))
    assert f"{limit + 1} characters long; {limit} at most" in problem.message
    assert compile_diagram(xml.replace(b"x" * (limit + 1), b"x" * limit)).process_id == "Proc"


def test_an_over_long_id_is_refused_without_echoing_it(bpmn_doc):
    long_id = "T" + "x" * 100_000
    xml = bpmn_doc(f'<bpmn:startEvent id="S"/><bpmn:task id="{long_id}"/>'
                   f'<bpmn:sequenceFlow id="F" sourceRef="S" targetRef="{long_id}"/>')
    problems = [p for p in rejected(xml).problems if "characters long" in p.message]
    assert len(problems) == 1 and len(problems[0].element_id) < 50
    assert len(problems[0].message) < 200
