"""Find the document in a photo, judge its effective dpi and straighten it (runs in the child).

No Django here: documents/decoding.py calls it inside the sandboxed child
process, on the decoded, upright photo as a numpy array (BGR).

Finding the outline, on a copy at most DETECT_SIDE px on the long side:
1. the paper is lighter than what it lies on: Otsu's threshold of the
   blurred grey copy, closed so that the text inside does not cut it up;
   when that light area fills the photo, the page does too: no outline;
2. if that finds no page (a light table, a shadow across the page), the
   edges (Canny, dilated) are tried instead;
3. the largest outer contour is kept when its convex hull simplifies to
   four corners, covers between MIN_SHARE and MAX_SHARE of the photo, fills
   at least MIN_FILL of its quadrilateral (a page, not a blob) and is
   clearly lighter than the rest of the photo (not a block of text).
A page that fills the whole photo (its outline is the photo's edge) or a
photo with no clear outline gives None: the whole photo is then taken as
the document, which staff are told.

Effective dpi: the mean length of the two long and of the two short edges
(in the pixels of the original photo, before any downscaling) over the
document's size in inches; the smaller of the two. "A4 or Letter" is
measured as whichever of the two papers is nearer in shape (A4 is 1.41
times as long as wide, Letter 1.29).
"""

import cv2
import numpy as np

DETECT_SIDE = 640
MIN_SHARE = 0.01  # the document covers at least 1 % of the photo (an ID card at 150 dpi in 12 MP)
MAX_SHARE = 0.96  # beyond this the "outline" is the photo's own edge
MIN_FILL = 0.85  # contour area / quadrilateral area
MIN_CONTRAST = (
    25  # the document's mean grey is at least this much lighter than the rest of the photo
)
MM_PER_INCH = 25.4

# Physical sizes in mm (short side, long side) of each format: the rules for judging and
# straightening.
PAPERS = {
    "page": ((210.0, 297.0), (215.9, 279.4)),  # A4, Letter
    "id_card": ((53.98, 85.6),),  # ISO/IEC 7810 ID-1
    "passport": ((88.0, 125.0),),  # ICAO TD3 passport page
}
ASPECT_TOLERANCE = 0.12


def find_outline(grey: np.ndarray) -> np.ndarray | None:
    """The document's corners in the pixels of `grey` (the photo's grey copy, a uint8 array):
    top-left, top-right, bottom-right, bottom-left; None when there is no clear outline."""
    height, width = grey.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    grey = cv2.GaussianBlur(small, (5, 5), 0)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    _, light = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    light = cv2.morphologyEx(light, cv2.MORPH_CLOSE, kernel)
    if _largest_share(light) > MAX_SHARE:
        return None  # the paper fills the photo: no table around it to find an edge against
    for mask in (light, _edge_mask(grey, kernel)):
        corners = _quadrilateral(mask)
        if corners is not None and _stands_out(grey, corners):
            return corners / scale
    return None


def _largest_share(mask: np.ndarray) -> float:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return max((cv2.contourArea(c) for c in contours), default=0.0) / (
        mask.shape[0] * mask.shape[1]
    )


def _stands_out(grey: np.ndarray, corners: np.ndarray) -> bool:
    """Paper is lighter than what it lies on: a block of text inside a page (darker than the paper
    around it) or a dark object on a light table is not the document."""
    inside = np.zeros_like(grey)
    cv2.fillConvexPoly(inside, corners.round().astype(np.int32), 255)
    outside = inside == 0
    if outside.sum() < 0.02 * grey.size:
        return True
    return float(grey[inside > 0].mean()) > float(grey[outside].mean()) + MIN_CONTRAST


def _edge_mask(grey: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The document as the largest area closed by strong edges (when lightness alone fails)."""
    edges = cv2.dilate(cv2.Canny(grey, 40, 120), cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    closed = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, kernel)
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(grey)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    return filled


def _quadrilateral(mask: np.ndarray) -> np.ndarray | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    total = mask.shape[0] * mask.shape[1]
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    if not MIN_SHARE * total <= area <= MAX_SHARE * total:
        return None
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.02, 0.03, 0.04, 0.05):
        approx = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(approx) == 4:
            break
    else:
        return None
    corners = order_corners(approx.reshape(4, 2).astype(np.float64))
    quad_area = cv2.contourArea(corners.astype(np.float32))
    if quad_area <= 0 or area / quad_area < MIN_FILL or quad_area > MAX_SHARE * total:
        return None
    return corners


def order_corners(points: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left (by x + y and y − x)."""
    total, difference = points.sum(axis=1), points[:, 1] - points[:, 0]
    return np.array(
        [
            points[np.argmin(total)],
            points[np.argmin(difference)],
            points[np.argmax(total)],
            points[np.argmax(difference)],
        ]
    )


def edge_lengths(corners: np.ndarray) -> tuple[float, float]:
    """(mean width, mean height) of the quadrilateral: top and bottom, left and right edges."""
    top_left, top_right, bottom_right, bottom_left = corners
    width = (np.linalg.norm(top_right - top_left) + np.linalg.norm(bottom_right - bottom_left)) / 2
    height = (np.linalg.norm(bottom_left - top_left) + np.linalg.norm(bottom_right - top_right)) / 2
    return float(width), float(height)


def paper_size(width_px: float, height_px: float, page_format: str) -> tuple[float, float]:
    """(short, long) side in mm of the format's paper nearest in shape to the measured one."""
    measured = max(width_px, height_px) / max(min(width_px, height_px), 1.0)
    return min(PAPERS[page_format], key=lambda paper: abs(paper[1] / paper[0] - measured))


def effective_dpi(width_px: float, height_px: float, page_format: str) -> float:
    """The document's resolution: pixels per inch along its short and long sides, the smaller."""
    short_mm, long_mm = paper_size(width_px, height_px, page_format)
    short_px, long_px = sorted((width_px, height_px))
    return min(short_px / (short_mm / MM_PER_INCH), long_px / (long_mm / MM_PER_INCH))


def straightened_size(
    width_px: float, height_px: float, page_format: str, limit: int
) -> tuple[int, int]:
    """Size of the straightened crop: the measured size, its aspect fitted to the format's when it
    is close (perspective shortens the far edge), at most `limit` px on the long side."""
    long_px, short_px = max(width_px, height_px), min(width_px, height_px)
    measured = long_px / max(short_px, 1.0)
    short_mm, long_mm = paper_size(width_px, height_px, page_format)
    nearest = long_mm / short_mm
    if abs(nearest - measured) / nearest <= ASPECT_TOLERANCE:
        short_px = long_px / nearest
    scale = min(1.0, limit / long_px)
    long_side, short_side = max(1, round(long_px * scale)), max(1, round(short_px * scale))
    return (long_side, short_side) if width_px >= height_px else (short_side, long_side)


def straighten(pixels: np.ndarray, corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The quadrilateral warped to an upright rectangle of `size` (width, height); `pixels` is the
    photo as a uint8 array, colour (height × width × 3) or grey."""
    width, height = size
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(
        pixels, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def bounding_box(corners: np.ndarray, width: int, height: int) -> list[float]:
    """[left, top, right, bottom] of the corners as fractions of the photo (for the marked
    preview)."""
    xs, ys = corners[:, 0], corners[:, 1]
    return [
        round(max(0.0, float(xs.min()) / width), 3),
        round(max(0.0, float(ys.min()) / height), 3),
        round(min(1.0, float(xs.max()) / width), 3),
        round(min(1.0, float(ys.max()) / height), 3),
    ]
