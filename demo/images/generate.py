"""Make the demo's illustrations: abstract gradients and shapes, no text, no people, drawn
here (so free of anyone else's rights). Run from the repository root to remake them:

    .venv/bin/python demo/images/generate.py

The output is deterministic (seeded), so a rerun writes the same files.
"""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).parent
SIZE = (1600, 900)


def gradient(top, bottom, size=SIZE):
    """A vertical gradient from colour `top` to colour `bottom`."""
    width, height = size
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size)


def network(seed, top, bottom, dot, line):
    """Nodes joined by thin lines over a gradient: connection, networks."""
    rng = random.Random(seed)
    image = gradient(top, bottom)
    draw = ImageDraw.Draw(image, "RGBA")
    points = [(rng.randrange(80, 1520), rng.randrange(60, 840)) for _ in range(38)]
    for i, a in enumerate(points):
        for b in points[i + 1 :]:
            if (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 < 260**2:
                draw.line([a, b], fill=(*line, 110), width=3)
    for x, y in points:
        r = rng.randrange(7, 20)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*dot, 230))
    return image


def circles(seed, top, bottom, colours):
    """Large overlapping translucent circles, softened: voices, gatherings."""
    rng = random.Random(seed)
    image = gradient(top, bottom)
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(14):
        x, y, r = rng.randrange(0, 1600), rng.randrange(0, 900), rng.randrange(90, 330)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*rng.choice(colours), 90))
    layer = layer.filter(ImageFilter.GaussianBlur(6))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def bars(seed, top, bottom, colour):
    """Vertical bars of uneven height, some cut short: signals interrupted."""
    rng = random.Random(seed)
    image = gradient(top, bottom)
    draw = ImageDraw.Draw(image, "RGBA")
    for i in range(26):
        x = 70 + i * 57
        height = rng.randrange(120, 700)
        alpha = 60 if rng.random() < 0.3 else 200
        draw.rectangle([x, 860 - height, x + 34, 860], fill=(*colour, alpha))
    return image


def grid(seed, top, bottom, colour):
    """A grid of squares, a few lit: watched spaces, surveillance."""
    rng = random.Random(seed)
    image = gradient(top, bottom)
    draw = ImageDraw.Draw(image, "RGBA")
    for row in range(9):
        for col in range(16):
            x, y = 40 + col * 97, 30 + row * 95
            lit = rng.random() < 0.18
            draw.rectangle([x, y, x + 78, y + 76], outline=(*colour, 140), width=3)
            if lit:
                draw.rectangle([x + 8, y + 8, x + 70, y + 68], fill=(*colour, 170))
    return image


IMAGES = {
    "technology-network.jpg": network(
        1, (14, 38, 74), (33, 102, 140), (250, 200, 90), (200, 230, 255)
    ),
    "digital-freedom-circles.jpg": circles(
        2, (40, 20, 70), (200, 90, 90), [(255, 210, 120), (120, 200, 255), (255, 255, 255)]
    ),
    "shutdown-bars.jpg": bars(3, (20, 24, 30), (60, 70, 90), (120, 220, 200)),
    "surveillance-grid.jpg": grid(4, (10, 30, 40), (20, 70, 80), (160, 240, 220)),
    "defenders-circles.jpg": circles(
        5, (10, 70, 60), (230, 180, 80), [(255, 255, 255), (250, 120, 80), (40, 40, 120)]
    ),
}

if __name__ == "__main__":
    for name, image in IMAGES.items():
        image.save(HERE / name, "JPEG", quality=78, optimize=True, progressive=True)
        print(name, (HERE / name).stat().st_size)
