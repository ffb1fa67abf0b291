"""Lay out the scanner test sheet on US Letter pages and write it as a PDF, without Qt.

Pages are bilevel (mode "1") images at 300 dpi. Pillow stores such images in a PDF with CCITT G4
compression when it has libtiff, which is lossless, so the printed bars are the rendered bars.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from station.i18n import tr
from station.labels.render import render_code
from station.labels.sheet_codes import GS, SHEET_CODES, SheetCode

log = logging.getLogger(__name__)

DPI = 300
PAGE_SIZE = (int(8.5 * DPI), 11 * DPI)  # US Letter, 2550 x 3300 pixels
MARGIN = DPI // 2  # 0.5 inch on every side
BLOCK_GAP = 60  # vertical space between two codes, in pixels
TITLE_SIZE = 64
HEADING_SIZE = 48
BODY_SIZE = 34
LINE_SPACING = 1.3


@dataclass(frozen=True)
class _Fonts:
    title: ImageFont.FreeTypeFont | ImageFont.ImageFont
    heading: ImageFont.FreeTypeFont | ImageFont.ImageFont
    body: ImageFont.FreeTypeFont | ImageFont.ImageFont


def _load_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return DejaVu Sans when the system has it, else Pillow's built-in font.

    Pillow's built-in font (Pillow 10.1+ with FreeType) scales but has no accented letters, so the
    French fault example would print a box in place of 'è'.
    """
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _load_fonts() -> _Fonts:
    return _Fonts(title=_load_font(TITLE_SIZE), heading=_load_font(HEADING_SIZE), body=_load_font(BODY_SIZE))


def _line_height(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> int:
    size = getattr(font, "size", BODY_SIZE)
    return int(size * LINE_SPACING)


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` pixels, breaking at spaces where possible."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _visible(text: str) -> str:
    return text.replace(GS, "<GS>")


def _block_lines(code: SheetCode, fonts: _Fonts, width: int) -> tuple[list[str], list[str]]:
    """Return the text lines above the barcode and the text lines below it."""
    above = _wrap(tr(code.purpose), fonts.body, width)
    below = _wrap(tr("Content: {content}").format(content=code.human_readable), fonts.body, width)
    below += _wrap(tr("A correct scanner sends: {text}").format(text=_visible(code.expected_text)),
                   fonts.body, width)
    below += _wrap(tr("Fault example: {fault}").format(fault=tr(code.fault_example)), fonts.body, width)
    return above, below


def _draw_block(page: Image.Image, code: SheetCode, top: int, fonts: _Fonts, dry_run: bool = False) -> int:
    """Draw one code with its name and texts at ``top`` and return the y below the block.

    With ``dry_run`` it only measures, so the caller can start a new page when the block does not fit.
    """
    width = PAGE_SIZE[0] - 2 * MARGIN
    above, below = _block_lines(code, fonts, width)
    symbol = render_code(code)
    draw = ImageDraw.Draw(page)

    y = top
    if not dry_run:
        draw.text((MARGIN, y), code.name, font=fonts.heading, fill=0)
    y += _line_height(fonts.heading)
    for line in above:
        if not dry_run:
            draw.text((MARGIN, y), line, font=fonts.body, fill=0)
        y += _line_height(fonts.body)
    if not dry_run:
        page.paste(symbol, (MARGIN, y))
    y += symbol.height
    for line in below:
        if not dry_run:
            draw.text((MARGIN, y), line, font=fonts.body, fill=0)
        y += _line_height(fonts.body)
    return y + BLOCK_GAP


def _new_page(fonts: _Fonts, first: bool) -> tuple[Image.Image, int]:
    page = Image.new("L", PAGE_SIZE, 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    draw.text((MARGIN, y), tr("Scan Station scanner test sheet"), font=fonts.title, fill=0)
    y += _line_height(fonts.title)
    if first:
        instructions = tr(
            "Print at actual size (100 %), not 'fit to page'. In Scan Station open the scanner check, "
            "then scan every code on this sheet. The check lists what the scanner changes and which "
            "setting to fix."
        )
        for line in _wrap(instructions, fonts.body, PAGE_SIZE[0] - 2 * MARGIN):
            draw.text((MARGIN, y), line, font=fonts.body, fill=0)
            y += _line_height(fonts.body)
    return page, y + BLOCK_GAP


def _draw_page_numbers(pages: list[Image.Image], fonts: _Fonts) -> None:
    for number, page in enumerate(pages, start=1):
        label = tr("Page {number} of {count}").format(number=number, count=len(pages))
        x = PAGE_SIZE[0] - MARGIN - int(fonts.body.getlength(label))
        y = PAGE_SIZE[1] - MARGIN - _line_height(fonts.body)
        ImageDraw.Draw(page).text((x, y), label, font=fonts.body, fill=0)


def render_pages(codes: Sequence[SheetCode] = SHEET_CODES) -> list[Image.Image]:
    """Lay out ``codes`` top to bottom on as many Letter pages as they need.

    Returns bilevel (mode "1") page images at 300 dpi, as they go into the PDF.
    Raises ValueError if one code is taller than a page.
    """
    fonts = _load_fonts()
    bottom = PAGE_SIZE[1] - MARGIN - _line_height(fonts.body)  # the page number sits below this line
    page, y = _new_page(fonts, first=True)
    pages = [page]
    for code in codes:
        if _draw_block(page, code, y, fonts, dry_run=True) - BLOCK_GAP > bottom:
            page, y = _new_page(fonts, first=False)
            pages.append(page)
            if _draw_block(page, code, y, fonts, dry_run=True) - BLOCK_GAP > bottom:
                raise ValueError(f"the {code.name} block is taller than a page")
        y = _draw_block(page, code, y, fonts)
    _draw_page_numbers(pages, fonts)
    # Threshold at mid-grey: the barcodes are pure black and white already, only text edges change.
    return [page.point(lambda value: 255 if value >= 128 else 0).convert("1") for page in pages]


def write_test_sheet(path: str | os.PathLike[str], codes: Sequence[SheetCode] = SHEET_CODES) -> int:
    """Write the test sheet PDF to ``path`` and return the number of pages.

    Raises OSError if the file cannot be written and ValueError if a code cannot be encoded.
    """
    pages = render_pages(codes)
    if not features.check("libtiff"):
        # NOTE: without libtiff Pillow stores mode "1" pages as JPEG, which blurs the bar edges.
        # Palette pages are stored lossless as hex, two digits per pixel, so about 17 MB per page.
        log.warning("Pillow has no libtiff: writing the test sheet uncompressed")
        pages = [page.convert("P") for page in pages]
    target = Path(path)
    pages[0].save(target, "PDF", resolution=DPI, save_all=True, append_images=pages[1:],
                  title="Scan Station scanner test sheet")
    log.info("wrote the scanner test sheet to %s (%d pages)", target, len(pages))
    return len(pages)
