"""Photo quality checks: too small, blurred, motion-blurred, too dark, too bright, glare spots.

All measures are taken on a grey copy downscaled to at most 1000 px on the
long side (a few milliseconds), so the figures do not depend on the camera's
resolution.

- sharpness: variance of the Laplacian (3×3 kernel 0 1 0 / 1 −4 1 / 0 1 0)
  of the grey copy, over its interior. Computed exactly with OpenCV/numpy
  (these run in the sandboxed child, which has them): 2 ms instead of the
  40 ms that Pillow's clipping Kernel filters took in two halves each; the
  figures differ from the old ones by the old rounding only (well under 1 %).
- brightness: mean of the grey copy (0–255).
- glare: share of burnt-out pixels (≥ 250).
- lit_paper: share of normally lit paper (128–249), i.e. bright but not burnt out.
- ink: the 2nd percentile of brightness, the level of the darkest text.

How the thresholds were measured (bench/documents_thresholds.py prints the
table again): generated text pages (tests/documents/samples.py: paper 225, ink 35,
text 1/90 of the page height) at 1240×1754 (A4, 150 dpi), 2480×3508 and
3024×4032 (12 MP), Gaussian blur of radius r at full size, then sensor noise
σ 3 or 6, JPEG q 90. What matters is the blur left in the 1000 px copy,
r × 1000 / long side ("effective blur"):

    effective blur   0 (sharp)   0.4–0.5    0.75–0.86   1.0–1.14   ≥ 1.5
    sharpness        3,800–4,100 1,000–1,750  216–330     81–138    16–36 (σ 3), up to 93 (σ 6)

Text is still comfortably legible up to about 1 px effective blur and goes
soft beyond 1.5 px, so the threshold is 60: every sharp and slightly soft
page passes with a wide margin (> 3×), heavily blurred ones are refused.
(An earlier version stretched the contrast first; that amplified the noise
of blurred photos above the sharp ones' level, so it was dropped.) Dim but
sharp pages keep their score high enough (40 % exposure: ≈ 640).
Exposure: a page at 25 % exposure (mean ≈ 53) is hard to read, at 40 %
(mean ≈ 85) it is legible, so "too dark" is a mean under 60. Evenly lit
paper photographs at a mean of about 213; a burnt-out band over 35 % of the
page measured glare 0.35, one over 20 % measured 0.20, overexposure ×1.15
measured 0.82, so glare is flagged above 0.25 and overexposure above a mean
of 235.

Glare (issue 11): a washed-out SPOT, not a washed-out share of pixels. The
grey copy is cut into 20 px blocks; a block is washed out when 90 % of its
pixels are ≥ 250; the largest connected group of such blocks is the spot
(its share of the page and its box are kept in the scores, so the client
can be shown where it is). A spot of 3 % or more warns: spots of 5–20 %
measured 0.05–0.20, a 0.5 % reflection stays under. On white paper (median
pixel ≥ 245: a scan, a phone's document mode, mild overexposure, also with
grey areas) the burnt-out blocks are the paper itself, so there is no glare
warning; "very bright" still needs faded text (ink above 128: overexposure
×1.5 measured 131, ×1.15 112, sharp pages 55–110).

Motion blur: the Laplacian stays high when the phone moved in one direction
(40 px horizontal blur: sharpness 340–900), so the balance of gradient
energy over four directions is measured too (directional_balance): sharp
pages 0.44–0.48, 40 px motion 0.02–0.07; under 0.15 the photo is refused.

Decision: too small, blurred, motion-blurred and too dark REFUSE the photo (the text cannot
be read reliably, a retake fixes it); glare and overexposure only WARN (a
white page or a reflection at the edge can still be perfectly legible; the
client is told and may retake).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageStat

CHECK_SIDE = 1000
_LAPLACIAN_KERNEL = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32)
BLOCK = 20  # px of the 1000 px grey copy per block of the glare map
WHITE_PAPER = 245  # median block brightness from which the paper itself is white (a scan)


@dataclass
class Assessment:
    scores: dict[str, Any]
    refusal: str = ""  # code of the check that refuses the photo, or ""
    warnings: list[str] = field(default_factory=list)


def grey_copy(image: Image.Image) -> Image.Image:
    """A grey copy at most CHECK_SIDE px on the long side."""
    grey = image if image.mode == "L" else image.convert("L")
    if max(grey.size) > CHECK_SIDE:
        grey = grey.copy() if grey is image else grey
        grey.thumbnail((CHECK_SIDE, CHECK_SIDE), Image.Resampling.BILINEAR)
    return grey


def laplacian_variance(grey: Image.Image) -> float:
    """Variance of the 3×3 Laplacian over the interior of the grey copy (OpenCV, exact integers)."""
    width, height = grey.size
    if width < 3 or height < 3:
        return 0.0
    pixels = np.asarray(grey, dtype=np.float32)
    response = cv2.filter2D(pixels, -1, _LAPLACIAN_KERNEL)[1:-1, 1:-1]
    return float(response.var(dtype=np.float64))


def directional_balance(grey: Image.Image) -> float:
    """Weakest over strongest gradient energy of four directions (0°, 45°, 90°, 135°).

    Motion blur smears edges along one direction only, so the Laplacian can
    stay high while one direction's gradients vanish: sharp and defocused
    pages measure 0.44–0.48, a 40 px motion blur 0.02–0.07, 20 px 0.04–0.12,
    10 px (still legible) 0.08–0.28 (bench/documents_thresholds.py).
    """
    width, height = grey.size
    if width < 3 or height < 3:
        return 1.0
    pixels = np.asarray(grey, dtype=np.float32)
    inner = pixels[1:-1, 1:-1]
    neighbours = (
        pixels[1:-1, :-2],
        pixels[:-2, 1:-1],
        pixels[:-2, :-2],
        pixels[:-2, 2:],
    )  # 0°, 90°, 45°, 135°
    energies = [
        float(np.square(inner - neighbour).sum(dtype=np.float64)) for neighbour in neighbours
    ]
    return min(energies) / max(energies) if max(energies) else 1.0


def glare_spot(grey: Image.Image) -> tuple[int, float, list[float] | None]:
    """(paper level, share of the page in the largest washed-out spot, its box as page fractions).

    The page is cut into blocks of about BLOCK px; a block is washed out when
    at least 90 % of its pixels are burnt out (≥ 250). The paper level is the
    median pixel brightness (text covers far less than half a page): on white
    paper (≥ 245: a scan, a document-mode photo) burnt-out blocks are the
    paper itself, not glare.
    """
    width, height = grey.size
    columns, rows = max(1, round(width / BLOCK)), max(1, round(height / BLOCK))
    burnt = grey.point(lambda value: 255 if value >= 250 else 0).resize(
        (columns, rows), Image.Resampling.BOX
    )
    paper = percentile(grey.histogram(), 0.5)
    washed = {
        (index % columns, index // columns)
        for index, value in enumerate(burnt.getdata())
        if value >= 230
    }
    largest: list[tuple[int, int]] = []
    while washed:  # connected groups of washed-out blocks (4-neighbours); keep the largest
        stack, group = [washed.pop()], []
        while stack:
            x, y = stack.pop()
            group.append((x, y))
            for neighbour in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if neighbour in washed:
                    washed.remove(neighbour)
                    stack.append(neighbour)
        if len(group) > len(largest):
            largest = group
    if not largest:
        return paper, 0.0, None
    xs, ys = [x for x, _ in largest], [y for _, y in largest]
    box = [
        round(min(xs) / columns, 3),
        round(min(ys) / rows, 3),
        round((max(xs) + 1) / columns, 3),
        round((max(ys) + 1) / rows, 3),
    ]
    return paper, len(largest) / (columns * rows), box


def measure(image: Image.Image) -> dict[str, Any]:
    grey = grey_copy(image)
    histogram = grey.histogram()
    pixels = sum(histogram)
    paper, spot, box = glare_spot(grey)
    return {
        "sharpness": round(laplacian_variance(grey), 1),
        "balance": round(directional_balance(grey), 3),
        "brightness": round(ImageStat.Stat(grey).mean[0], 1),
        "glare": round(sum(histogram[250:]) / pixels, 3),
        "glare_spot": round(spot, 3),
        "glare_box": box,
        "paper": paper,
        "lit_paper": round(sum(histogram[128:250]) / pixels, 3),
        "ink": percentile(histogram, 0.02),
    }


def percentile(histogram: list[int], share: float) -> int:
    """The grey level below which `share` of the pixels lie."""
    wanted, seen = share * sum(histogram), 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return level
    return 255


def assess(image: Image.Image, thresholds: dict[str, Any]) -> Assessment:
    """Scores plus the verdict: a refusal code (dark, blurred) and warnings (glare, bright).

    `thresholds` is documents.conf.app_settings.thresholds() (passed in: this runs in the
    sandboxed child).
    """
    scores = measure(image)
    result = Assessment(scores=scores)
    if scores["brightness"] < thresholds["dark"]:
        result.refusal = "dark"  # checked first: the advice about light is what helps
    elif scores["sharpness"] < thresholds["blur"]:
        result.refusal = "blurred"
    elif scores["balance"] < thresholds["motion"]:
        result.refusal = "motion_blurred"  # sharp one way, smeared the other: the phone moved
    if scores["paper"] < WHITE_PAPER and scores["glare_spot"] >= thresholds["glare_spot"]:
        result.warnings.append("glare")  # a washed-out spot on normally lit paper
    elif scores["brightness"] > thresholds["bright"] and scores["ink"] > thresholds["faded_ink"]:
        result.warnings.append("bright")  # white all over AND the text has faded
    return result
