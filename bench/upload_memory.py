"""Benchmark: the memory an uploaded .xlsx costs to read — the largest file the limits
allow, and zip bombs that must be refused (issue #12, finding 2).

Before the fix a 4.2 MB workbook took a worker to 4.3 GB in 21.6 s and was accepted.
Three files, each read by ``read_file`` with the production limits in a process of its
own, so that each peak is its own:

- ``largest``: 50,000 supplier rows (the row limit) as openpyxl writes them, with a notes
  column of Chinese text that brings the file close to the 20 MB size limit;
- ``bomb``: a good supplier file whose sheet also holds 4 GiB of one letter (about 4 MB
  on the wire), refused from the central directory by its size; ``bomb-under-the-size-
  limit`` holds 90 MiB and is refused by its compression ratio;
- ``fan-out``: 50,000 rows whose every cell points at one shared string of 999
  characters wrapped in spaces (1.7 MB on the wire): stripped once per cell, as before the
  fix, it became 900,000 copies (2 GB); kept once, it is one string.

Peak memory is the process's peak resident set during the read (``VmHWM``, reset just
before it) less what it held before (the interpreter, openpyxl and the file's bytes). Targets: the largest file under 512 MiB, each refusal
under 50 MiB and 2 s. Prints one line per file and exits 1 if a target is missed. The
figures, with the machine, are recorded in docs/onboarding.md.

    .venv/bin/python bench/upload_memory.py            # full sizes (about a minute)
    .venv/bin/python bench/upload_memory.py --quick    # 1,000 rows, a 100 MiB bomb
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.onboarding import supplier_file  # noqa: E402
from scf.platform.errors import ValidationFailed  # noqa: E402
from scf.platform.services.onboarding.columns import COLUMNS, column_letter  # noqa: E402
from scf.platform.services.onboarding.limits import FileLimits  # noqa: E402
from scf.platform.services.onboarding.reading import read_file  # noqa: E402

MIB = 1024 * 1024
LIMITS = FileLimits(max_bytes=20 * MIB, max_rows=50_000)
TARGET_READ_MIB = 512
TARGET_REFUSAL_MIB = 50
TARGET_REFUSAL_S = 2.0
SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_OVERRIDE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def largest(rows: int, notes: int = 124) -> bytes:
    """The row limit of real supplier rows plus a notes column of ``notes`` random
    Chinese characters per row, as openpyxl writes a workbook (texts inline)."""
    from openpyxl import Workbook

    table = list(csv_rows(supplier_file(rows)))
    rng = random.Random(7)
    common = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("供应商")
    for number, row in enumerate(table):
        note = "备注" if number == 0 else "".join(rng.choices(common, k=notes))
        sheet.append([*row, note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_rows(data: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(data.decode("gbk"), newline="")))


def rebuilt(write_sheet: Callable[[bytes, IO[bytes]], None], shared: str | None = None) -> bytes:
    """A one-row supplier workbook with its sheet written anew by ``write_sheet(old sheet,
    part)`` — streamed, so that a bomb is never whole in memory — and, given ``shared``,
    a shared-string table."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(largest(1, notes=1))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as part:
                    write_sheet(body, part)
                continue
            if info.filename == "[Content_Types].xml" and shared is not None:
                body = body.replace(b"</Types>", SHARED_OVERRIDE + b"</Types>")
            target.writestr(info.filename, body)
        if shared is not None:
            target.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def bomb(gibibytes: float) -> bytes:
    """A one-row supplier file whose sheet also carries ``gibibytes`` of the letter a in
    one cell (column Z, row 3)."""

    def write(sheet: bytes, part: IO[bytes]) -> None:
        head, tail = sheet.split(b"</sheetData>")
        part.write(head + b'<row r="3"><c r="Z3" t="inlineStr"><is><t>')
        block = b"a" * MIB
        for _ in range(int(gibibytes * 1024)):
            part.write(block)
        part.write(b"</t></is></c></row></sheetData>" + tail)

    return rebuilt(write)


def fan_out(rows: int, length: int = 999) -> bytes:
    """``rows`` rows of 18 cells, every one pointing at shared string 0: ``length``
    characters wrapped in spaces (what stripping would copy once per cell)."""
    keys = [c.key for c in COLUMNS if c.need != "individual_business"]
    header = "".join(
        f'<c r="{column_letter(n)}1" t="inlineStr"><is><t>{key}</t></is></c>'
        for n, key in enumerate(keys)
    )
    cells = "".join(f'<c r="{column_letter(n)}{{r}}" t="s"><v>0</v></c>' for n in range(len(keys)))

    def write(sheet: bytes, part: IO[bytes]) -> None:
        part.write(f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{header}</row>'.encode())
        for r in range(2, rows + 2):
            part.write(f'<row r="{r}">{cells.format(r=r)}</row>'.encode())
        part.write(b"</sheetData></worksheet>")

    text = " " + "甲" * (length - 2) + " "
    return rebuilt(
        write, f'<sst xmlns="{MAIN_NS}"><si><t xml:space="preserve">{text}</t></si></sst>'
    )


def resident_mib(field: str = "VmRSS") -> float:
    """The process's resident set now (``VmRSS``) or at its peak (``VmHWM``), from Linux's
    /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> None:
    """Start the peak (``VmHWM``) again from the resident set now (Linux ≥ 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")


def measure(path: Path) -> int:
    """In this process: read ``path`` and print time, peak memory and the outcome."""
    import openpyxl.reader.excel  # noqa: F401  (imported, not counted as the read's memory)

    data = path.read_bytes()
    reset_peak()
    before = resident_mib()
    started = time.perf_counter()
    try:
        parsed = read_file(path.name, data, "core", LIMITS)
        outcome, refused = f"read {len(parsed.rows):,} rows", False
    except ValidationFailed as error:
        outcome, refused = f"refused: {error}", True
    elapsed = time.perf_counter() - started
    peak = resident_mib("VmHWM")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = sum(info.file_size for info in archive.infolist())
    print(
        f"{path.stem}: {len(data) / MIB:.1f} MiB file, {inflated / MIB:,.0f} MiB inflated; "
        f"{elapsed:.2f}s, peak RSS {peak:.0f} MiB ({peak - before:+.0f} MiB for the read); "
        f"{outcome[:160]}",
        flush=True,
    )
    if refused:
        return int(peak - before > TARGET_REFUSAL_MIB or elapsed > TARGET_REFUSAL_S)
    return int(peak - before > TARGET_READ_MIB)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 rows and a 100 MiB bomb")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure)
    rows = 1000 if args.quick else 50_000
    print(f"machine: {platform.machine()}, Python {platform.python_version()}", flush=True)
    missed = 0
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "largest": lambda: largest(rows),
            "bomb": lambda: bomb(0.1 if args.quick else 4),
            "bomb-under-the-size-limit": lambda: bomb(0.09),
            "fan-out": lambda: fan_out(rows),
        }
        for name, build in files.items():
            path = Path(folder) / f"{name}.xlsx"
            path.write_bytes(build())
            command = [sys.executable, __file__, "--measure", str(path)]
            missed += subprocess.run(command, check=False).returncode
    if missed:
        print(f"{missed} target(s) missed")
    return int(missed > 0)


if __name__ == "__main__":
    sys.exit(main())
