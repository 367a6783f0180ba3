"""Locate stage: find the document's quadrilateral and warp it flat.

A first, contour-based locator: the largest convex four-sided contour that covers a
sensible share of the frame. Without one (a tight scan) the whole frame is the document.
"""

from __future__ import annotations

import cv2
import numpy as np

from idreader.pipeline.types import Document

ID1_ASPECT = 85.60 / 53.98
WORK_SIDE = 640  # contours are searched on a copy this size
RECTIFIED_WIDTH = 1000
MIN_AREA_SHARE = 0.15
MAX_AREA_SHARE = 0.98


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order four points TL, TR, BR, BL."""
    pts = points.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[s.argmin()], pts[d.argmin()], pts[s.argmax()], pts[d.argmax()]])


def find_document_quad(pixels: np.ndarray) -> np.ndarray | None:
    h, w = pixels.shape[:2]
    scale = WORK_SIDE / max(h, w)
    small = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(grey, 40, 120), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    frame_area = small.shape[0] * small.shape[1]
    best, best_area = None, 0.0
    for contour in contours:
        hull = cv2.convexHull(contour)
        area = cv2.contourArea(hull)
        if not MIN_AREA_SHARE * frame_area < area < MAX_AREA_SHARE * frame_area:
            continue
        quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(quad) == 4 and area > best_area:
            best, best_area = quad, area
    return None if best is None else order_corners(best) / scale


def rectify(pixels: np.ndarray, corners: np.ndarray) -> np.ndarray:
    tl, tr, br, bl = corners
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    aspect = width / max(height, 1.0)
    out_w = RECTIFIED_WIDTH
    out_h = round(out_w / (ID1_ASPECT if abs(aspect - ID1_ASPECT) < 0.12 else aspect))
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(pixels, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR)


def locate_document(pixels: np.ndarray) -> Document:
    quad = find_document_quad(pixels)
    if quad is not None:
        return Document(corners=quad, pixels=rectify(pixels, quad), edges_found=True)
    h, w = pixels.shape[:2]
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return Document(corners=frame, pixels=pixels, edges_found=False)
