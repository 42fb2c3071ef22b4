"""Benchmark: processing phone photos for a document submission.

For a 12-megapixel JPEG (4032×3024, EXIF orientation 6 like a phone held
upright) it measures the whole per-photo pipeline of documents/imaging.py:
type sniffing and markup scan, decode (with JPEG draft), orient, 8-bit
conversion, downscale to 3000 px, quality checks, metadata-free re-encode
and thumbnail, both written to disk.

- time: median of several runs in one process (after one warm-up);
- memory: peak RSS (resource.getrusage ru_maxrss) of a fresh subprocess per
  measurement, which includes Pillow's own allocations that tracemalloc
  cannot see; the baseline after imports is shown too. Run with 1, 3 and
  10 photos in one submission to show the peak does not grow with the
  number of files (they are processed one at a time from disk), and with a
  24 MP photo to show the effect of draft().

Since issue 11 every decode runs in a sandboxed child process
(portal/sandbox.py): the web worker's peak RSS is shown separately from the
children's (as the fork server reports them), hostile files (scan bomb, tiny WebP and PNG
that decode huge) are measured too, and Pillow's own decode of the same
file (open + load, in process) is printed beside each time as the floor.

Issue 11 part B adds the document's outline, its straightened crop and its
effective dpi (outline.py, in the same child), a 12 MP photo of an A4 page
lying on a table (outline found, crop written), and for each time the CPU
seconds the sandboxed child used (reported by the fork server: what the work
costs whatever else the machine is doing) and the time with the fork server
turned off (SANDBOX_FORK_SERVER = False: every photo waits for a fresh
Python to import Pillow, numpy and OpenCV). The load average is printed
first: on a busy machine wall-clock times stretch, CPU times do not.

The HEIC files are written as phones write them: 512 px grid tiles (which
libheif decodes in parallel), by x265's "ultrafast" preset so that making
them takes seconds rather than minutes; Pillow's own decode of each file is
the floor beside it.

Run: .venv/bin/python bench/documents_processing.py   (needs no database)
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def setup_django(private_root):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["PRIVATE_MEDIA_ROOT"] = private_root
    import django

    django.setup()


def make_photo(path, width, height):
    from PIL import Image

    from tests.documents import samples

    page = samples.text_page(height, width, seed=7)  # portrait page …
    shot = samples.photo(page, noise=3).transpose(Image.Transpose.ROTATE_90)  # … lying on its side
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "BenchPhone"
    shot.save(path, "JPEG", quality=92, exif=exif.tobytes())


def as_upload(path):
    from django.core.files.uploadedfile import UploadedFile

    handle = open(path, "rb")  # noqa: SIM115 (the upload closes it)
    return UploadedFile(handle, name=Path(path).name, size=os.path.getsize(path))


def child(path, count):
    """Runs in a fresh interpreter; prints JSON with the RSS figures."""
    import resource

    setup_django(tempfile.mkdtemp(prefix="bench-private-"))
    from documents import imaging, services
    from portal import sandbox

    imaging.get_ready()  # as the upload page does when it is opened
    time.sleep(1)  # the client choosing photos
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    staged, errors = services.process_all([as_upload(path) for _ in range(count)])
    elapsed = time.perf_counter() - started
    for photo in staged:
        photo.discard()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = sandbox.usage.max_rss_kb
    print(
        json.dumps(
            {
                "baseline_kb": baseline,
                "peak_kb": peak,
                "children_kb": children,
                "seconds": elapsed,
                "refused": sorted({error["code"] for error in errors}),
            }
        )
    )


def run_child(*args):
    # The parent stays small: Linux carries ru_maxrss over fork + exec, so a
    # parent that had decoded big images would raise every child's figure.
    output = subprocess.run(
        [sys.executable, __file__, *map(str, args)], check=True, capture_output=True, text=True
    ).stdout
    return output.strip().splitlines()[-1] if output.strip() else ""


def make_photos(folder):
    setup_django(os.path.join(folder, "private"))
    import pillow_heif
    from PIL import Image

    from tests.documents import images

    pillow_heif.register_heif_opener()
    make_photo(Path(folder) / "IMG_12MP.jpg", 4032, 3024)
    data, _ = images.document_photo((3024, 4032), dpi=330, page_format="page", angle=4, tilt=0.05)
    (Path(folder) / "IMG_12MP_table.jpg").write_bytes(data)  # an A4 page on a table: outline found
    make_photo(Path(folder) / "IMG_24MP.jpg", 6048, 4032)
    make_photo(Path(folder) / "IMG_48MP.jpg", 8000, 6000)
    phone_heic = {"quality": 80, "tile_size": 512, "enc_params": {"preset": "ultrafast"}}
    with Image.open(Path(folder) / "IMG_12MP.jpg") as jpeg:  # an iPhone-style HEIC (about 3 s)
        jpeg.save(Path(folder) / "IMG_12MP.heic", "HEIF", **phone_heic)
    with Image.open(Path(folder) / "IMG_48MP.jpg") as jpeg:  # a 48 MP phone's full resolution,
        # about the 6 MB such a phone writes (at quality 80 the noise would make it 16 MB)
        jpeg.save(Path(folder) / "IMG_48MP.heic", "HEIF", **{**phone_heic, "quality": 50})
    (Path(folder) / "scan-bomb.jpg").write_bytes(images.scan_bomb_jpeg())
    (Path(folder) / "tiny-huge.webp").write_bytes(images.tiny_huge_webp())
    (Path(folder) / "rgba-7000.png").write_bytes(images.rgba_png_bomb())


def main():
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        run_child("--make", folder)
        photo12 = Path(folder) / "IMG_12MP.jpg"
        photo24 = Path(folder) / "IMG_24MP.jpg"
        heic12 = Path(folder) / "IMG_12MP.heic"
        print(
            f"test photos: 12 MP {photo12.stat().st_size / 1e6:.1f} MB, 24 MP "
            f"{photo24.stat().st_size / 1e6:.1f} MB "
            f"(JPEG q 92), 12 MP HEIC {heic12.stat().st_size / 1e6:.1f} MB"
        )

        print(
            "\npeak RSS of a fresh process per measurement, photos of one submission processed "
            "one after another:"
        )
        heic48 = Path(folder) / "IMG_48MP.heic"
        hostile = [
            (name, Path(folder) / name, 1)
            for name in ("scan-bomb.jpg", "tiny-huge.webp", "rgba-7000.png")
        ]
        table = Path(folder) / "IMG_12MP_table.jpg"
        cases = (
            ("12 MP", photo12, 1),
            ("12 MP", photo12, 3),
            ("12 MP", photo12, 10),
            ("12 MP table", table, 10),
            ("24 MP", photo24, 1),
            ("12 MP HEIC", heic12, 1),
            ("12 MP HEIC", heic12, 3),
            ("48 MP HEIC", heic48, 1),
            *hostile,
        )
        for label, path, count in cases:
            figures = json.loads(run_child("--child", path, count))
            outcome = f" refused: {', '.join(figures['refused'])}" if figures["refused"] else ""
            print(
                f"  {label:14} × {count:2d}: web worker peak {figures['peak_kb'] / 1024:6.1f} MB "
                f"(after imports {figures['baseline_kb'] / 1024:5.1f} MB), "
                f"largest sandboxed child {figures['children_kb'] / 1024:6.1f} MB, "
                f"{figures['seconds']:.2f} s{outcome}"
            )

        setup_django(os.path.join(folder, "private"))
        from django.conf import settings

        from documents import imaging, storage

        staging = storage.staging_dir()
        print(
            f"\ntime to process one photo (median of {RUNS} after a warm-up; CPU = the child's "
            "CPU time):"
        )
        import pillow_heif
        from PIL import Image

        pillow_heif.register_heif_opener()
        table = Path(folder) / "IMG_12MP_table.jpg"
        for label, path in (
            ("12 MP", photo12),
            ("12 MP table", table),
            ("24 MP", photo24),
            ("12 MP HEIC", heic12),
            ("48 MP HEIC", heic48),
        ):
            floor = []
            for _ in range(RUNS):
                started = time.perf_counter()
                with Image.open(path) as plain:
                    plain.load()
                floor.append(time.perf_counter() - started)
            figures = {}
            for forked in (True, False):
                settings.SANDBOX_FORK_SERVER = forked
                figures[forked] = time_photo(imaging, path, staging)
            result, times, cpu = figures[True]
            _, cold, _ = figures[False]
            if result is None:
                print(f"  {label:11} → every run refused (see above)")
                continue
            found = (
                f"outline found, {result.scores['dpi']} dpi"
                if result.scores.get("outline_found")
                else (f"no outline, {result.scores['dpi']} dpi as a page")
            )
            print(
                f"  {label:11} → {result.width}×{result.height} ({found}): "
                f"median {median_ms(times)} ms (min {min(times) * 1000:.0f}, max "
                f"{max(times) * 1000:.0f}), "
                f"CPU {median_ms(cpu)} ms; a fresh Python per photo {median_ms(cold)} ms"
                f"   | Pillow open+load alone: median {median_ms(floor)} ms"
            )
        settings.SANDBOX_FORK_SERVER = True


def median_ms(values):
    return f"{statistics.median(values) * 1000:.0f}"


def time_photo(imaging, path, staging):
    """(last result, wall times, children's CPU times) of RUNS runs after a warm-up; a pause
    between runs stands for the client choosing the next photo."""
    from documents.errors import PhotoRefused
    from portal import sandbox

    times, cpu, result = [], [], None
    for run in range(RUNS + 1):
        time.sleep(0.4)
        upload = as_upload(path)
        before = sandbox.usage.cpu_seconds
        started = time.perf_counter()
        try:
            outcome = imaging.process_photo(upload, staging)
        except PhotoRefused as refused:  # e.g. the 10 s wall clock on an overloaded machine: say so
            print(
                f"    run {run}: refused ({refused.code}) after "
                f"{time.perf_counter() - started:.1f} s"
            )
            outcome = None
        elapsed = time.perf_counter() - started
        after = sandbox.usage.cpu_seconds
        upload.close()
        if outcome is not None:
            outcome.discard()
            result = outcome
        if run:
            times.append(elapsed)
            cpu.append(after - before)  # 0 with the fork server off: a fresh child reports nothing
    return result, times, cpu


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--make":
        make_photos(sys.argv[2])
    else:
        main()
