"""Property: a randomly spoilt ledger gives a valid result or one clean
LedgerError whose problems are located, never a traceback of another kind."""

import shutil
import warnings
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simsuite
from simsuite.ledger import History, LedgerError, read_history, write_history

ROOT = Path(__file__).parents[2]
NINGXIA = ROOT / "data" / "examples" / "ningxia-transport-2021"
RB = simsuite.rulebook("ningxia-transport-2021")
FILES = sorted(p.name for p in NINGXIA.glob("*.csv"))

# what a clerk's slip, a damaged file or a hostile cell can put in a cell
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "=1+1", "=A1", "1e400", "nan", "-1", "0", "1000000", "99999999999999999999",
                     "44197", "２０２１－０３－０５", "2021-02-30", "001", "1.0", "true", "是", "\x00", "\"", "\t",
                     "a;b;c", "o:s", "nx-info", "item", "province", "affirm", "secondment", "2021-13-01",
                     "9999-12-31", "0001-01-01", "１２３"]),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def spoilt_csv(draw):
    """(file name, new bytes) edits to the example ledger's CSV files."""
    edits = {}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(FILES))
        data = edits.get(name, (NINGXIA / name).read_bytes())
        lines = data.decode("utf-8", "replace").splitlines() or [""]
        how = draw(st.sampled_from(["cell", "cell", "cell", "drop line", "copy line", "bytes", "truncate",
                                    "header", "encoding", "empty", "extra column"]))
        if how == "cell":
            r = draw(st.integers(0, len(lines) - 1))
            cells = lines[r].split(",")
            c = draw(st.integers(0, len(cells) - 1))
            cells[c] = draw(CELLS).replace(",", "").replace("\n", "").replace("\r", "")
            lines[r] = ",".join(cells)
            data = "\n".join(lines).encode("utf-8")
        elif how == "drop line" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
            data = "\n".join(lines).encode("utf-8")
        elif how == "copy line" and lines:
            r = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[r])
            data = "\n".join(lines).encode("utf-8")
        elif how == "bytes":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=6)) + data[at:]
        elif how == "truncate":
            data = data[:draw(st.integers(0, len(data)))]
        elif how == "header":
            cells = lines[0].split(",")
            draw(st.randoms()).shuffle(cells)
            lines[0] = ",".join(cells)
            data = "\n".join(lines).encode("utf-8")
        elif how == "encoding":
            data = data.decode("utf-8", "replace").encode(draw(st.sampled_from(["gbk", "utf-16", "utf-8-sig"])), "replace")
        elif how == "empty":
            data = b""
        elif how == "extra column":
            data = "\n".join(line + "," + draw(CELLS).replace(",", "") for line in lines).encode("utf-8", "replace")
        edits[name] = data
    return edits


def outcome_is_clean(path):
    """Load, check and score: a History and scores, or a LedgerError that names its places."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            history = read_history(path, RB.vocabulary)
            scores = simsuite.score(RB, history)
        except LedgerError as exc:
            assert exc.problems and all(p.file and p.message for p in exc.problems)
            assert str(exc).count("\n") == len(exc.problems)  # one line a problem under the heading
            return
    assert isinstance(history, History) and len(scores.table) == len(history.units)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=spoilt_csv())
def test_a_spoilt_csv_ledger_gives_a_result_or_a_clean_error(tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("spoilt")
    for name in FILES:
        (folder / name).write_bytes(edits.get(name, (NINGXIA / name).read_bytes()))
    outcome_is_clean(folder)


BOOK_VALUES = st.one_of(CELLS, st.integers(-10**6, 10**6), st.floats(-1e9, 1e9, allow_nan=False),
                        st.booleans(), st.dates(), st.datetimes(), st.none())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.sampled_from(["units", "items", "adoptions", "instructions"]),
                                st.integers(1, 12), st.integers(1, 7), BOOK_VALUES), min_size=1, max_size=6))
def test_a_spoilt_workbook_gives_a_result_or_a_clean_error(tmp_path_factory, cells):
    path = tmp_path_factory.mktemp("book") / "ledger.xlsx"
    write_history(read_history(NINGXIA), path)
    book = openpyxl.load_workbook(path)
    for sheet, row, column, value in cells:
        if isinstance(value, str):
            value = "".join(ch for ch in value if ch >= " " or ch in "\t\n")  # what a cell can hold
        book[sheet].cell(row=row, column=column, value=value)
    book.save(path)
    outcome_is_clean(path)
