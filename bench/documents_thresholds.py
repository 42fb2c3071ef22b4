"""Measure the quality scores behind documents/quality.py's thresholds.

Prints sharpness / brightness / glare of generated pages (tests/documents/samples.py)
photographed with increasing blur, noise, exposure and glare, at three sizes.
Run: .venv/bin/python bench/documents_thresholds.py
"""

import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from documents import quality  # noqa: E402
from documents.conf import app_settings  # noqa: E402
from tests.documents import samples  # noqa: E402

SIZES = {"A4 150 dpi": (1240, 1754), "A4 300 dpi": (2480, 3508), "12 MP phone": (3024, 4032)}


def jpeg_roundtrip(image):
    buffer = io.BytesIO(samples.encode(image, quality=90))
    return Image.open(buffer).convert("RGB")


def main():
    print(
        f"thresholds: blur < {app_settings.BLUR_THRESHOLD}, dark < {app_settings.DARK_THRESHOLD}, "
        f"motion balance < {app_settings.MOTION_BALANCE}, glare spot ≥ "
        f"{app_settings.GLARE_SPOT_FRACTION}, "
        f"bright > {app_settings.BRIGHT_THRESHOLD}"
    )
    for label, (width, height) in SIZES.items():
        page = samples.text_page(width, height, seed=1)
        print(f"\n{label} ({width}×{height})")
        print(
            f"{'variant':28} {'sharpness':>10} {'balance':>8} {'brightness':>10} {'spot':>6}  "
            "verdict"
        )
        variants = [
            (f"blur r={r}, noise σ={n}", {"blur": r, "noise": n})
            for n in (3, 6)
            for r in (0, 0.8, 1.5, 2, 3, 4, 6)
        ]
        variants += [(f"exposure {b:.0%}", {"brightness": b}) for b in (0.25, 0.4, 0.6)]
        variants += [
            ("overexposed ×1.15", {"brightness": 1.15}),
            ("glare band 20 %", {"glare": 0.2}),
            ("glare band 35 %", {"glare": 0.35}),
        ]
        variants += [(f"glare spot {p:.0%}", {"spot": p}) for p in (0.005, 0.05, 0.1, 0.2)]
        variants += [(f"motion blur {m} px", {"motion": m}) for m in (6, 10, 20, 40)]
        for name, options in variants:
            image = jpeg_roundtrip(samples.photo(page, **options))
            verdict = quality.assess(image, app_settings.thresholds())
            s = verdict.scores
            flag = verdict.refusal or ",".join(verdict.warnings) or "ok"
            print(
                f"{name:28} {s['sharpness']:>10.1f} {s['balance']:>8.3f} {s['brightness']:>10.1f} "
                f"{s['glare_spot']:>6.3f}  {flag}"
            )


if __name__ == "__main__":
    main()
