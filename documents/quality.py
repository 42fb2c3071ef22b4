"""Photo quality checks: too small, blurred, too dark, too bright / glare.

All measures are taken on a grey copy downscaled to at most 1000 px on the
long side (a few milliseconds), so the figures do not depend on the camera's
resolution.

- sharpness: variance of the Laplacian (3×3 kernel 0 1 0 / 1 −4 1 / 0 1 0)
  of the grey copy. numpy is not needed: Pillow's Kernel filter clips at
  0..255, so the positive and negative halves of the Laplacian are filtered
  separately (scale 4, so nothing clips) and combined from ImageStat sums.
- brightness: mean of the grey copy (0–255).
- glare: share of burnt-out pixels (≥ 250).
- lit_paper: share of normally lit paper (128–249), i.e. bright but not burnt out.
- ink: the 2nd percentile of brightness, the level of the darkest text.

How the thresholds were measured (bench/documents_thresholds.py prints the
table again): generated text pages (documents/samples.py: paper 225, ink 35,
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

A page that is white all over (a scan, a phone's document-scanner mode, a
clean white sheet, or mild overexposure) burns out most pixels too: 78–86 %
at ≥ 250, with under 16 % lit paper left, yet its text is crisp (ink at
55–112). That is not glare, so glare also needs normally lit paper beside
the burnt-out part (lit_paper ≥ the glare fraction; a glare band of 35 %
leaves 62 %), and "very bright" needs faded text as well (ink above 128:
overexposure ×1.5 measured 131, ×1.15 112, sharp pages 55–110).

Decision: too small, blurred and too dark REFUSE the photo (the text cannot
be read reliably, a retake fixes it); glare and overexposure only WARN (a
white page or a reflection at the edge can still be perfectly legible; the
client is told and may retake).
"""
from dataclasses import dataclass, field

from PIL import Image, ImageFilter, ImageStat

CHECK_SIDE = 1000
LAPLACIAN = (0, 1, 0, 1, -4, 1, 0, 1, 0)
_POSITIVE = ImageFilter.Kernel((3, 3), LAPLACIAN, scale=4, offset=0)
_NEGATIVE = ImageFilter.Kernel((3, 3), tuple(-v for v in LAPLACIAN), scale=4, offset=0)


@dataclass
class Assessment:
    scores: dict
    refusal: str = ""  # code of the check that refuses the photo, or ""
    warnings: list = field(default_factory=list)


def grey_copy(image):
    """A grey copy at most CHECK_SIDE px on the long side."""
    grey = image if image.mode == "L" else image.convert("L")
    if max(grey.size) > CHECK_SIDE:
        grey = grey.copy() if grey is image else grey
        grey.thumbnail((CHECK_SIDE, CHECK_SIDE), Image.Resampling.BILINEAR)
    return grey


def laplacian_variance(grey):
    width, height = grey.size
    if width < 3 or height < 3:
        return 0.0
    box = (1, 1, width - 1, height - 1)  # the filter leaves the border unfiltered
    positive = ImageStat.Stat(grey.filter(_POSITIVE).crop(box))
    negative = ImageStat.Stat(grey.filter(_NEGATIVE).crop(box))
    count = positive.count[0]
    mean = (positive.sum[0] - negative.sum[0]) / count
    mean_square = (positive.sum2[0] + negative.sum2[0]) / count
    return 16.0 * (mean_square - mean * mean)  # × 4² undoes the kernel scale


def measure(image):
    grey = grey_copy(image)
    histogram = grey.histogram()
    pixels = sum(histogram)
    return {
        "sharpness": round(laplacian_variance(grey), 1),
        "brightness": round(ImageStat.Stat(grey).mean[0], 1),
        "glare": round(sum(histogram[250:]) / pixels, 3),
        "lit_paper": round(sum(histogram[128:250]) / pixels, 3),
        "ink": percentile(histogram, 0.02),
    }


def percentile(histogram, share):
    """The grey level below which `share` of the pixels lie."""
    wanted, seen = share * sum(histogram), 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return level
    return 255


def assess(image, thresholds):
    """Scores plus the verdict: a refusal code (dark, blurred) and warnings (glare, bright).

    `thresholds` is documents.conf.thresholds() (passed in: this runs in the sandboxed child).
    """
    scores = measure(image)
    result = Assessment(scores=scores)
    if scores["brightness"] < thresholds["dark"]:
        result.refusal = "dark"  # checked first: the advice about light is what helps
    elif scores["sharpness"] < thresholds["blur"]:
        result.refusal = "blurred"
    burnt_out = scores["glare"] > thresholds["glare"]
    if burnt_out and scores["lit_paper"] >= thresholds["glare"]:
        result.warnings.append("glare")  # a washed-out patch beside normally lit paper
    elif scores["brightness"] > thresholds["bright"] and scores["ink"] > thresholds["faded_ink"]:
        result.warnings.append("bright")  # white all over AND the text has faded
    return result
