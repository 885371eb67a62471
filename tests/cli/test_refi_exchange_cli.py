"""The REFI-QDA commands' new options: --positions and warnings on import-qdpx, --for on
export-qdpx, --speakers/--no-speakers, the groups command, import-qdc sets and merges, and a
closed pipe (`npmdesk ... | head`) ending quietly."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from npmdesk.store import Project
from tests.cli.cli_helpers import run
from tests.formats.refi_helpers import guid, make_qdpx
from tests.formats.test_qdpx_variants import CODEPOINTS, RAW, STORED, UTF16, position, qde, selections_xml


def weak_file(tmp_path):
    # One unnamed UTF-16 selection in a file that names no tool: the reading is a guess.
    a, b = STORED.index("I learned"), STORED.index("tude by") + len("tude by")
    sel = (f'<PlainTextSelection guid="{guid(100)}" startPosition="{position(UTF16, a)}" '
           f'endPosition="{position(UTF16, b)}"><Coding guid="{guid(200)}"><CodeRef targetGUID="{guid(2)}"/>'
           '</Coding></PlainTextSelection>')
    return make_qdpx(tmp_path / "weak.qdpx", qde(sel, origin=""), {f"sources/{guid(3)}.txt": RAW})


def test_import_warns_in_plain_output_and_json_and_takes_a_choice(tmp_path, capsys):
    path = weak_file(tmp_path)
    code, out, err = run(capsys, "import-qdpx", path, tmp_path / "a.npmdesk")
    assert code == 0 and "warning: NPM-3: positions read as" in err
    code, out, _ = run(capsys, "import-qdpx", path, tmp_path / "b.npmdesk", "--json")
    (result,) = json.loads(out)
    assert result["warnings"] and "positions" in result["warnings"][0]
    assert result["positions"][0]["warning"]
    code, out, err = run(capsys, "import-qdpx", path, tmp_path / "c.npmdesk", "--positions", "utf16", "--json")
    (result,) = json.loads(out)
    assert result["positions"][0]["unit"] == "utf16" and result["codings"] == 1
    with Project.open(tmp_path / "c.npmdesk", "Ana", read_only=True) as p:
        (d,) = p.documents()
        (c,) = p.codings_in_document(d.id)
        assert p.document_text(d.id)[c.start:c.end] == "I learned, e\u0301tude by"
    with pytest.raises(SystemExit) as usage:
        run(capsys, "import-qdpx", path, tmp_path / "d.npmdesk", "--positions", "bytes")
    assert usage.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_speaker_options(tmp_path, capsys):
    path = make_qdpx(tmp_path / "s.qdpx", qde(selections_xml(CODEPOINTS)), {f"sources/{guid(3)}.txt": RAW})
    assert run(capsys, "import-qdpx", path, tmp_path / "off.npmdesk", "--no-speakers")[0] == 0
    assert run(capsys, "import-qdpx", path, tmp_path / "on.npmdesk", "--speakers")[0] == 0
    with Project.open(tmp_path / "off.npmdesk", "Ana", read_only=True) as p:
        assert p.speakers() == []
    with Project.open(tmp_path / "on.npmdesk", "Ana", read_only=True) as p:
        assert {s.name for s in p.speakers()} == {"Interviewer", "NPM-3"}


def test_export_for_a_target_and_groups(tmp_path, capsys):
    project = tmp_path / "p.npmdesk"
    with Project.create(project, "Ana") as p:
        doc = p.add_document("One", "Interviewer: Hi 🙂\nNPM-1: Hello\n")
        code = p.ensure_code_path("Belonging/Being seen")
        p.apply_coding(doc, code, 0, 5)
    assert run(capsys, "groups", project, "--new", "Wave 1")[0] == 0
    code, out, _ = run(capsys, "groups", project, "--add", "Wave 1", "One")
    assert code == 0 and "added 1 document(s)" in out
    assert run(capsys, "groups", project, "--kind", "code", "--new", "Core")[0] == 0
    assert run(capsys, "groups", project, "--kind", "code", "--add", "Core", "Belonging/Being seen")[0] == 0
    code, out, _ = run(capsys, "groups", project, "--json")
    assert json.loads(out) == [
        {"kind": "code", "name": "Core", "description": "", "guid": json.loads(out)[0]["guid"],
         "members": ["Belonging/Being seen"]},
        {"kind": "document", "name": "Wave 1", "description": "", "guid": json.loads(out)[1]["guid"],
         "members": ["One"]}]
    code, _, err = run(capsys, "groups", project, "--add", "Nope", "One")
    assert code == 1 and "no document group named 'Nope'" in err
    code, out, _ = run(capsys, "export-qdpx", project, "--out", tmp_path / "p.qdpx", "--for", "nvivo-windows")
    assert code == 0 and "written for NVivo for Windows" in out
    code, out, _ = run(capsys, "export-qdpx", project, "--out", tmp_path / "q.qdpx", "--json")
    assert json.loads(out)[0]["target"] == "standard" and json.loads(out)[0]["sets"] == 2


def test_import_qdc_keeps_sets_and_reports_merges(tmp_path, capsys):
    book = tmp_path / "book.qdc"
    book.write_text(
        '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{guid(1)}" name="Doubt" isCodable="true"/><Code guid="{guid(2)}" name="Doubt" isCodable="true"/>'
        f'<Code guid="{guid(3)}" name="Themes" isCodable="false"/></Codes>'
        f'<Sets><Set guid="{guid(9)}" name="Core"><MemberCode targetGUID="{guid(2)}"/></Set></Sets></CodeBook>',
        encoding="utf-8")
    project = tmp_path / "p.npmdesk"
    run(capsys, "new", project)
    code, out, _ = run(capsys, "import-qdc", project, book)
    assert code == 0 and "two codes 'Doubt' under one parent: merged into one" in out
    assert "set 'Core' kept as a code group" in out
    with Project.open(project, "Ana", read_only=True) as p:
        (group,) = p.groups("code")
        assert group.members == (p.code_by_path("Doubt").id,)
        assert p.non_codable_codes() == {p.code_by_path("Themes").id}


def test_a_closed_pipe_prints_no_traceback(tmp_path):
    project = tmp_path / "many.npmdesk"
    with Project.create(project, "Ana") as p:
        with p.write("many codes"):
            for i in range(3000):
                p.add_code(f"Code number {i:04d} with a long enough name to fill the pipe")
    cmd = f'"{sys.executable}" -m npmdesk --coder Ana codes "{project}" | head -n 1'
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("Code number 0000")
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr


def test_excerpts_filtered_by_document_group(tmp_path, capsys):
    project = tmp_path / "g.npmdesk"
    with Project.create(project, "Ana") as p:
        code = p.add_code("Belonging")
        for name in ("One", "Two"):
            doc = p.add_document(name, f"NPM-1: text of {name}\n")
            p.apply_coding(doc, code, 0, 5)
    run(capsys, "groups", project, "--new", "Wave 1")
    run(capsys, "groups", project, "--add", "Wave 1", "Two")
    code, out, _ = run(capsys, "excerpts", project, "--code", "Belonging", "--document-group", "Wave 1", "--json")
    assert code == 0 and [e["document"] for e in json.loads(out)] == ["Two"]
    code, out, _ = run(capsys, "excerpts", project, "--code", "Belonging")
    assert "2 excerpt(s)" in out
