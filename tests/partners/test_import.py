"""CSV/XLSX import of partners (P12): reading, column mapping, the dry run, updates and
duplicates, per-row errors, and the bad inputs of the issue — each asserting the message
and that nothing was written."""

import csv
from argparse import Namespace

import pytest
from openpyxl import Workbook

from ladoga.partners import services
from ladoga.partners.exchange.commands import import_partners
from ladoga.partners.exchange.importer import Importer
from ladoga.partners.exchange.tabular import (
    BrokenRow,
    ImportFileError,
    TableReader,
    format_detect,
    mapping_guess,
)
from ladoga.partners.models import ContactInfo, Counterparty, Partner

from .conftest import counts, inn10, inn12

HEADER = ["Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Роли"]


def write_csv(path, rows, header=HEADER, encoding="utf-8", delimiter=";"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


SYLLABLES = [
    *("ба", "ве", "ги", "до", "жу", "зы", "ка", "ле"),
    *("ми", "но", "пу", "ры", "са", "ти", "фу", "хо"),
]


def company(n: int) -> str:
    """A made-up name; two of them differ in at least a quarter of their letters, so the
    fuzzy duplicate check does not take one for another."""
    digits = f"{(n * 40503) % 65536:04x}"
    return "".join(SYLLABLES[int(d, 16)] for d in digits).capitalize()


def good_rows(count: int, start: int = 0) -> list[list]:
    return [
        [
            f"ООО «{company(n)}»",
            inn10(5000 + n),
            "",
            f"+7 912 {n // 10000:03d}-{n % 10000 // 100:02d}-{n % 100:02d}",
            f"info{n}@company{n}.ru",
            "клиент",
        ]
        for n in range(start, start + count)
    ]


def run(path, user, *, fmt=None, mapping=None, **options):
    fmt = fmt or format_detect(path, str(path))
    with TableReader(path, fmt=fmt, encoding=options.get("encoding", "utf-8")) as reader:
        mapping = mapping if mapping is not None else mapping_guess(reader.headers)
    return Importer(path=path, fmt=fmt, mapping=mapping, user=user, **options).run()


# ---- reading ----


def test_headers_are_recognised_in_russian_and_english():
    assert mapping_guess(["Наименование", "ИНН", "Телефон", "e-mail", "Something"]) == {
        0: "name",
        1: "inn",
        2: "phone",
        3: "email",
    }
    assert mapping_guess(["Name", "INN", "Legal address", "Comment"]) == {
        0: "name",
        1: "inn",
        2: "legal_address",
        3: "comment",
    }


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_separator_is_taken_from_the_header(tmp_path, delimiter):
    path = write_csv(tmp_path / "p.csv", good_rows(2), delimiter=delimiter)
    with TableReader(path, fmt="csv") as reader:
        assert reader.headers == HEADER
        assert [r.cells[0] for r in reader.rows()] == [f"ООО «{company(0)}»", f"ООО «{company(1)}»"]


def test_windows_1251_csv_is_read_when_chosen(tmp_path):
    path = write_csv(tmp_path / "p.csv", good_rows(1), encoding="cp1251")
    with TableReader(path, fmt="csv", encoding="cp1251") as reader:
        assert reader.headers[0] == "Наименование"
        assert next(reader.rows()).cells[0] == f"ООО «{company(0)}»"


def test_xlsx_numbers_read_as_typed(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [["Ромашка", 7707083893, None, None, None, None]])
    assert format_detect(path, "p.xlsx") == "xlsx"
    with TableReader(path, fmt="xlsx") as reader:
        assert next(reader.rows()).cells[:2] == ["Ромашка", "7707083893"]


def test_rows_with_the_wrong_number_of_cells_are_broken_rows(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Name;INN\nРомашка;7707083893\nЛютик\nВасилёк;1;2\n\n", encoding="utf-8")
    with TableReader(path, fmt="csv") as reader:
        rows = list(reader.rows())
    assert [type(r) for r in rows] == [type(rows[0]), BrokenRow, BrokenRow]
    assert rows[1].number == 3 and "1 cells, the header has 2" in rows[1].message


# ---- the dry run and the import ----


def test_dry_run_reports_and_writes_nothing(tmp_path, owner, snapshot):
    path = write_csv(tmp_path / "p.csv", good_rows(5))

    report = run(path, owner, dry_run=True)

    assert report.counts == {"create": 5, "update": 0, "duplicate": 0, "error": 0}
    assert report.total == 5
    assert snapshot()


def test_import_creates_partners_with_requisites_and_contacts(tmp_path, owner):
    path = write_csv(tmp_path / "p.csv", good_rows(3))

    report = run(path, owner, dry_run=False)

    assert report.counts["create"] == 3
    partner = Partner.objects.get(name=f"ООО «{company(1)}»")
    assert partner.manager == owner and partner.roles == ["client"]
    assert partner.counterparties.get().inn == inn10(5001)
    assert set(partner.contact_info.values_list("kind", flat=True)) == {"phone", "email"}


def test_dry_run_shows_creates_updates_and_duplicates(tmp_path, owner, partner_of):
    known = partner_of("owner", name="Старое имя")
    services.counterparty_create(partner=known, short_name="Старое имя", inn=inn10(5000), by=owner)
    phone_twin = partner_of("owner", name="Совсем другое")
    services.contact_info_add(owner=phone_twin, kind="phone", value="+7 912 000-00-01")
    theirs = partner_of("outsider", name="Чужая")
    services.counterparty_create(partner=theirs, short_name="Чужая", inn=inn10(5002), by=owner)
    rows = good_rows(4)
    rows.append([f"{company(3)} ООО", "", "", "", "", ""])  # the same name as row 5
    path = write_csv(tmp_path / "p.csv", rows)
    before = counts()

    report = run(path, owner, dry_run=True)

    actions = {r.number: r for r in report.rows}
    assert actions[2].action == "update" and actions[2].partner_id == known.pk
    assert actions[3].action == "duplicate"
    assert "same phone +7 912 000-00-01" in actions[3].messages[0]
    assert actions[4].action == "duplicate"
    assert "same INN" in actions[4].messages[0] and "Outsider" in actions[4].messages[0]
    assert actions[5].action == "create"
    assert actions[6].action == "duplicate" and "the same as row 5" in actions[6].messages[0]
    assert report.counts == {"create": 1, "update": 1, "duplicate": 3, "error": 0}
    assert counts() == before


def test_update_changes_the_partner_found_by_inn_and_adds_contact_info(tmp_path, owner, partner_of):
    known = partner_of("owner", name="Старое имя")
    services.counterparty_create(partner=known, short_name="Старое имя", inn=inn10(5000), by=owner)
    path = write_csv(
        tmp_path / "p.csv", [[*good_rows(1)[0][:2], "770101001", *good_rows(1)[0][3:]]]
    )

    report = run(path, owner, dry_run=False)

    known.refresh_from_db()
    assert report.counts["update"] == 1
    assert known.name == f"ООО «{company(0)}»"
    assert known.counterparties.get().kpp == "770101001"
    assert known.contact_info.filter(kind="phone").exists()


def test_update_by_ladoga_id(tmp_path, owner, partner):
    path = write_csv(
        tmp_path / "p.csv",
        [[partner.pk, "Ромашка-Плюс", "поставщик"]],
        header=["ID", "Name", "Roles"],
    )

    report = run(path, owner, dry_run=False)

    partner.refresh_from_db()
    assert report.counts["update"] == 1
    assert partner.name == "Ромашка-Плюс" and partner.roles == ["supplier"]


def test_an_id_of_a_partner_the_user_cannot_see_is_an_error(tmp_path, owner, partner_of):
    hidden = partner_of("outsider", name="Чужая")
    path = write_csv(tmp_path / "p.csv", [[hidden.pk, "Моя"]], header=["ID", "Name"])
    before = counts()
    report = run(path, owner, dry_run=False)
    assert report.refused
    assert f"no partner with ID {hidden.pk} that you can see" in report.rows[0].messages[0]
    assert counts() == before


def test_sole_proprietor_and_person_counterparties_are_inferred(tmp_path, owner):
    path = write_csv(
        tmp_path / "p.csv",
        [["ИП Петров", inn12(1), "company"], ["Иванов И. И.", inn12(2), "person"]],
        header=["Name", "INN", "Kind"],
    )
    run(path, owner, dry_run=False)
    assert Counterparty.objects.get(inn=inn12(1)).kind == "sole_proprietor"
    assert Counterparty.objects.get(inn=inn12(2)).kind == "person"


def test_xlsx_import(tmp_path, owner):
    path = write_xlsx(tmp_path / "p.xlsx", good_rows(2))
    report = run(path, owner, dry_run=False)
    assert report.counts["create"] == 2
    assert Counterparty.objects.filter(inn=inn10(5001)).exists()


def test_progress_is_reported(tmp_path, owner):
    path = write_csv(tmp_path / "p.csv", good_rows(450))
    calls = []
    run(path, owner, dry_run=True, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 450) and calls[-1] == (450, 450)
    assert len(calls) == 4  # before, then after each batch of 200


# ---- bad input: the message, and nothing written ----


def test_wrong_encoding_is_refused(tmp_path, owner, snapshot):
    path = write_csv(tmp_path / "p.csv", good_rows(3), encoding="cp1251")
    with pytest.raises(ImportFileError) as error:
        run(path, owner, dry_run=False, skip_invalid=True)
    assert error.value.codes == ["import_encoding_wrong"]
    assert "The file is not in UTF-8 (line 1 cannot be read)" in error.value.detail
    assert snapshot()


def test_wrong_encoding_further_down_the_file_is_refused(tmp_path, owner, snapshot):
    path = write_csv(tmp_path / "p.csv", good_rows(300))
    with open(path, "ab") as handle:
        handle.write("ООО «Кодировка»;;;;;\r\n".encode("cp1251"))
    with pytest.raises(ImportFileError) as error:
        run(path, owner, dry_run=False, skip_invalid=True)
    assert "line 302 cannot be read" in error.value.detail
    assert snapshot()


def test_missing_required_columns_are_refused(tmp_path, owner, snapshot):
    path = write_csv(
        tmp_path / "p.csv", [[inn10(1), "+7 912 345-67-89"]], header=["ИНН", "Телефон"]
    )
    with pytest.raises(ImportFileError) as error:
        run(path, owner, dry_run=False, skip_invalid=True)
    assert error.value.codes == ["import_columns_missing"]
    assert "Required columns are missing: Name" in error.value.detail
    assert snapshot()


def test_a_file_that_is_not_a_table_is_refused(tmp_path, owner, snapshot):
    png = tmp_path / "p.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    broken_xlsx = tmp_path / "p.xlsx"
    broken_xlsx.write_bytes(b"PK\x03\x04 not really a zip")
    old_excel = tmp_path / "p.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    for path in (png, broken_xlsx, old_excel):
        with pytest.raises(ImportFileError):
            run(path, owner, dry_run=False, skip_invalid=True)
    assert snapshot()


def _with_broken_rows(tmp_path):
    """20 rows, 2 of them (10 %) broken: a bad INN and a truncated row."""
    rows = good_rows(20)
    rows[4][1] = "7707083890"  # wrong control digit
    path = write_csv(tmp_path / "p.csv", rows)
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines[10] = lines[10].rsplit(";", 3)[0]  # row 10 loses three cells
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    return path


def test_ten_percent_broken_rows_are_reported_and_nothing_is_written(tmp_path, owner, snapshot):
    path = _with_broken_rows(tmp_path)

    report = run(path, owner, dry_run=False)

    assert report.refused
    assert report.counts["error"] == 2
    errors = {r.number: r.messages for r in report.rows}
    assert "ИНН" not in errors[6][0] and errors[6][0].startswith("INN:")
    assert "control" in errors[6][0].lower() or "invalid" in errors[6][0].lower()
    assert "the row has 3 cells, the header has 6" in errors[11][0]
    assert snapshot()


def test_dry_run_of_broken_rows_lists_every_outcome(tmp_path, owner, snapshot):
    report = run(_with_broken_rows(tmp_path), owner, dry_run=True)
    assert report.counts == {"create": 18, "update": 0, "duplicate": 0, "error": 2}
    assert not report.refused
    assert snapshot()


def test_valid_rows_are_imported_only_when_the_user_chooses(tmp_path, owner):
    report = run(_with_broken_rows(tmp_path), owner, dry_run=False, skip_invalid=True)
    assert report.counts == {"create": 18, "update": 0, "duplicate": 0, "error": 2}
    assert Partner.objects.count() == 18
    assert ContactInfo.objects.filter(kind="phone").count() == 18


def test_a_bad_manager_or_phone_is_named_in_the_row_report(tmp_path, owner, snapshot):
    path = write_csv(
        tmp_path / "p.csv",
        [["Ромашка", "nobody", "12"], ["Лютик", "owner", "+7 912 345-67-89"]],
        header=["Name", "Manager", "Phone"],
    )
    report = run(path, owner, dry_run=True)
    row = report.rows[0]
    assert row.action == "error"
    assert "Responsible manager (user name): no active user named nobody" in row.messages
    assert any(m.startswith("Phone: 12 is not a phone number") for m in row.messages)
    assert report.rows[1].action == "create"
    assert snapshot()


# ---- the command line ----


def _args(path, **options):
    defaults = {
        "file": str(path), "dry_run": False, "skip_invalid": False, "encoding": "utf-8",
        "user": "owner", "map": [], "quiet": True,
    }  # fmt: skip
    return Namespace(**{**defaults, **options})


def test_cli_dry_run_then_import(tmp_path, owner, capsys, snapshot):
    path = write_csv(tmp_path / "p.csv", good_rows(3))

    assert import_partners(_args(path, dry_run=True)) == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was written." in out
    assert "3 row(s): 3 would be created" in out
    assert snapshot()

    assert import_partners(_args(path)) == 0
    assert "3 were created" in capsys.readouterr().out
    assert Partner.objects.count() == 3


def test_cli_refuses_broken_rows_with_exit_2(tmp_path, owner, capsys, snapshot):
    assert import_partners(_args(_with_broken_rows(tmp_path))) == 2
    out = capsys.readouterr().out
    assert "2 row(s) have errors: nothing was imported" in out
    assert "row 11: error" in out
    assert snapshot()


def test_cli_maps_columns_by_header(tmp_path, owner, capsys):
    path = write_csv(tmp_path / "p.csv", [["Ромашка", inn10(9)]], header=["Клиент", "Номер"])
    assert import_partners(_args(path, map=["Клиент=name", "2=inn"])) == 0
    assert Counterparty.objects.get().inn == inn10(9)


def test_cli_reports_a_file_error_with_exit_2(tmp_path, owner, capsys, snapshot):
    path = write_csv(tmp_path / "p.csv", good_rows(1), encoding="cp1251")
    assert import_partners(_args(path)) == 2
    assert "The file is not in UTF-8" in capsys.readouterr().err
    assert snapshot()


def test_cli_runs_as_a_real_process_with_a_progress_bar(tmp_path, migrated_sqlite):
    from tests.conftest import cli_environment
    from tests.test_cli import home_migrated, ladoga

    env = home_migrated(cli_environment(tmp_path / "home"), migrated_sqlite)
    ladoga(env, "user", "create", "boss", "--role", "admin", check=True)
    path = write_csv(tmp_path / "p.csv", good_rows(5))

    result = ladoga(env, "import", "partners", str(path), "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "5 row(s): 5 would be created" in result.stdout
    assert "5/5" in result.stderr  # tqdm's bar
    result = ladoga(env, "import", "partners", str(path))
    assert "5 were created" in result.stdout
    again = ladoga(env, "import", "partners", str(path), "--dry-run")
    assert "5 would be updated" in again.stdout


def test_an_xlsx_round_trip_of_the_export(tmp_path, owner, partner_of, browser_as):
    """What the list exports can be imported again (as updates by ID)."""
    for number in range(3):
        partner_of("owner", name=f"Партнёр {number}")
    response = browser_as("owner").get("/partners/", {"format": "xlsx"})
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))

    report = run(path, owner, dry_run=True)

    assert report.counts["update"] == 3, report.as_dict()


def test_reading_keeps_memory_flat_whatever_the_file_size(tmp_path):
    """Rows come one at a time: reading a 3 MB file never holds much of it."""
    import tracemalloc

    path = write_csv(tmp_path / "p.csv", good_rows(30000))
    assert path.stat().st_size > 2_500_000
    with TableReader(path, fmt="csv") as reader:
        tracemalloc.start()
        try:
            assert sum(1 for _row in reader.rows()) == 30000
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 300_000
