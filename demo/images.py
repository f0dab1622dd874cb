"""Simple illustrations for the demo's innovations, drawn with Pillow at load time (nothing downloaded, no text in
the pictures): abstract shapes in the site's colours, with a text alternative in Finnish, Swedish and English that
says what the picture shows and that it is demo material. Plain Python and Pillow, no Django.

Drawn at twice the size and scaled down, which smooths the edges (Pillow draws shapes without anti-aliasing)."""

import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 800, 500
SCALE = 2  # drawn at twice the size, then scaled down: smooth edges

Colour = tuple[int, int, int]


def _rgb(value: str) -> Colour:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


@dataclass(frozen=True)
class Palette:
    background: Colour
    shapes: tuple[Colour, ...]
    # "… in blue tones": the colour words of each language
    fi: str
    sv: str
    en: str


# The site's colours (static/css/site.css: --primary, --primary-dark, --primary-tint, --success, the tints) and a
# few softer companions of them.
PALETTES = (
    Palette(_rgb("#e7f0fa"), tuple(map(_rgb, ("#0a58a8", "#073f7a", "#5b9bd5", "#a9c8ea"))), "sinisin", "blå", "blue"),
    Palette(_rgb("#e9f5ed"), tuple(map(_rgb, ("#1e6b3b", "#4f9d69", "#a8d5b5", "#0a58a8"))), "vihrein ja sinisin",
            "gröna och blå", "green and blue"),
    Palette(_rgb("#fff4d4"), tuple(map(_rgb, ("#0a58a8", "#e0a526", "#1e6b3b", "#f2c94c"))), "sinisin, keltaisin ja vihrein",
            "blå, gula och gröna", "blue, yellow and green"),
)  # fmt: skip

Drawer = Callable[[ImageDraw.ImageDraw, random.Random, Palette], None]


def _circles(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    for _ in range(9):
        r = rng.randint(70, 190) * SCALE
        x, y = rng.randint(0, WIDTH * SCALE), rng.randint(0, HEIGHT * SCALE)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*rng.choice(palette.shapes), 150))


def _waves(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    for band in range(4):
        top = int(h * (0.22 + 0.17 * band))
        r = rng.randint(160, 260) * SCALE
        colour = (*palette.shapes[band % len(palette.shapes)], 150)
        offset = rng.randint(0, r)
        for start in range(-2 * r - offset, w + r, 2 * r):
            draw.ellipse((start, top, start + 2 * r, top + r), fill=colour)
        draw.rectangle((0, top + r // 2, w, h), fill=colour)


def _blocks(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    cell, gap = 150 * SCALE, 24 * SCALE
    for row in range(HEIGHT * SCALE // cell + 1):
        for column in range(WIDTH * SCALE // cell + 1):
            if rng.random() < 0.3:
                continue
            x, y = column * cell + gap // 2, row * cell + gap // 2
            draw.rounded_rectangle(
                (x, y, x + cell - gap, y + cell - gap), radius=28 * SCALE, fill=(*rng.choice(palette.shapes), 210)
            )


def _rings(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    for _ in range(3):
        x, y = rng.randint(150, WIDTH - 150) * SCALE, rng.randint(120, HEIGHT - 120) * SCALE
        for step, radius in enumerate(range(260, 20, -48)):
            r = radius * SCALE
            colour = palette.shapes[(step + rng.randint(0, 1)) % len(palette.shapes)]
            draw.ellipse((x - r, y - r, x + r, y + r), outline=(*colour, 200), width=18 * SCALE)


def _dots(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    step = 60 * SCALE
    for row in range(HEIGHT * SCALE // step + 1):
        for column in range(WIDTH * SCALE // step + 1):
            r = rng.randint(4, 24) * SCALE
            x, y = column * step + step // 2, row * step + step // 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(*rng.choice(palette.shapes), 220))


def _hills(draw: ImageDraw.ImageDraw, rng: random.Random, palette: Palette) -> None:
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    for layer in range(3):
        base = int(h * (0.55 + 0.15 * layer))
        for _ in range(3):
            peak_x = rng.randint(0, w)
            half = rng.randint(220, 420) * SCALE
            peak_y = base - rng.randint(140, 300) * SCALE
            colour = palette.shapes[(layer + rng.randint(0, 1)) % len(palette.shapes)]
            draw.polygon([(peak_x - half, h), (peak_x, peak_y), (peak_x + half, h)], fill=(*colour, 190))


@dataclass(frozen=True)
class Motif:
    draw: Drawer
    fi: str
    sv: str
    en: str


MOTIFS = (
    Motif(_circles, "päällekkäisiä ympyröitä", "överlappande cirklar", "overlapping circles"),
    Motif(_waves, "pehmeitä aaltomaisia muotoja", "mjuka vågformer", "soft wave shapes"),
    Motif(_blocks, "pyöristettyjä neliöitä ruudukossa", "rundade kvadrater i ett rutnät", "rounded squares in a grid"),
    Motif(_rings, "sisäkkäisiä renkaita", "koncentriska ringar", "concentric rings"),
    Motif(
        _dots,
        "erikokoisten pisteiden kuvio",
        "ett mönster av prickar i olika storlekar",
        "a pattern of dots of different sizes",
    ),
    Motif(_hills, "kolmioita kuin kukkuloita", "trianglar som kullar", "triangles like hills"),
)


@dataclass(frozen=True)
class Illustration:
    jpeg: bytes
    alt_text: dict[str, str]


def alt_text(motif: Motif, palette: Palette) -> dict[str, str]:
    return {
        "fi": f"Kuvituskuva (esittelyaineistoa): {motif.fi} {palette.fi} sävyin vaalealla pohjalla.",
        "sv": f"Illustration (demomaterial): {motif.sv} i {palette.sv} toner mot en ljus bakgrund.",
        "en": f"Illustration (demo material): {motif.en} in {palette.en} tones on a light background.",
    }


def illustration(number: int, seed: int = 0) -> Illustration:
    """The `number`th illustration (motifs and palettes in turn; 18 different ones), the same for a seed."""
    motif = MOTIFS[number % len(MOTIFS)]
    palette = PALETTES[(number // len(MOTIFS) + number) % len(PALETTES)]
    rng = random.Random(seed * 1000 + number)  # noqa: S311 - pictures, not security
    canvas = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), palette.background)
    # An RGBA pen on an RGB picture: translucent shapes blend where they overlap.
    motif.draw(ImageDraw.Draw(canvas, "RGBA"), rng, palette)
    picture = canvas.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=90)
    return Illustration(buffer.getvalue(), alt_text(motif, palette))
