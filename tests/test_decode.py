"""The decode stage: magic-byte sniffing, EXIF orientation, and refusal of hostile images."""

from __future__ import annotations

import io
import random
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageOps

from idreader.pipeline.decode import (
    JPEG_MAGIC,
    PNG_MAGIC,
    DecodedImage,
    ImageDecodeError,
    decode_image,
    sniff_format,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000
ORIENTATION = 0x0112
WIDTH, HEIGHT = 40, 24  # not square, so a 90-degree turn changes the shape


def asymmetric_rgb() -> Image.Image:
    """Four coloured quadrants and a white corner: no flip or turn maps it onto itself."""
    a = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    a[: HEIGHT // 2, : WIDTH // 2] = (220, 30, 30)
    a[: HEIGHT // 2, WIDTH // 2 :] = (30, 200, 30)
    a[HEIGHT // 2 :, : WIDTH // 2] = (30, 30, 220)
    a[HEIGHT // 2 :, WIDTH // 2 :] = (230, 220, 40)
    a[:6, :6] = (255, 255, 255)
    return Image.fromarray(a, "RGB")


def save(image: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def jpeg_with_orientation(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return save(asymmetric_rgb(), "JPEG", quality=95, exif=exif.tobytes())


def pillow_upright_bgr(data: bytes) -> np.ndarray:
    """What Pillow's ``exif_transpose`` makes of ``data``, as a BGR array."""
    with Image.open(io.BytesIO(data)) as im:
        upright = ImageOps.exif_transpose(im).convert("RGB")
    return np.ascontiguousarray(np.asarray(upright)[:, :, ::-1])


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def decode(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> DecodedImage:
    return decode_image(data, max_bytes, max_pixels)


def assert_bgr(image: DecodedImage, height: int, width: int) -> None:
    assert isinstance(image.pixels, np.ndarray)
    assert image.pixels.dtype == np.uint8
    assert image.pixels.shape == (height, width, 3)


def png_claiming(width: int, height: int) -> bytes:
    """A small, well-formed PNG whose IHDR claims ``width`` x ``height`` (a decompression bomb)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_MAGIC
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


def jpeg_with_raw_exif(tiff: bytes) -> bytes:
    """A valid JPEG with an APP1 Exif segment holding exactly ``tiff``."""
    plain = save(asymmetric_rgb(), "JPEG", quality=95)
    payload = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return plain[:2] + app1 + plain[2:]


def tiff_with_orientation(type_code: int, count: int, value: bytes) -> bytes:
    """Little-endian TIFF header with one IFD entry: the orientation tag, any type."""
    ifd_offset = 8
    entries = 1
    data_offset = ifd_offset + 2 + 12 * entries + 4
    if len(value) <= 4:
        field = value.ljust(4, b"\x00")
        trailer = b""
    else:
        field = struct.pack("<I", data_offset)
        trailer = value
    return (
        b"II*\x00"
        + struct.pack("<I", ifd_offset)
        + struct.pack("<H", entries)
        + struct.pack("<HHI", ORIENTATION, type_code, count)
        + field
        + b"\x00\x00\x00\x00"
        + trailer
    )


# EXIF orientation ------------------------------------------------------------------------
def test_test_image_is_distinct_under_every_orientation():
    """Sanity: the eight orientations give eight different pictures, so the test can tell."""
    upright = [pillow_upright_bgr(jpeg_with_orientation(o)) for o in range(1, 9)]
    for i in range(8):
        for j in range(i + 1, 8):
            if upright[i].shape == upright[j].shape:
                assert mean_abs_diff(upright[i], upright[j]) > 30, (i + 1, j + 1)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_applied_like_pillow(orientation):
    data = jpeg_with_orientation(orientation)
    with Image.open(io.BytesIO(data)) as im:
        assert im.getexif()[ORIENTATION] == orientation
    expected = pillow_upright_bgr(data)
    decoded = decode(data)
    assert decoded.format == "jpeg"
    assert decoded.exif_orientation == orientation
    turned = orientation >= 5
    assert_bgr(decoded, WIDTH if turned else HEIGHT, HEIGHT if turned else WIDTH)
    assert mean_abs_diff(decoded.pixels, expected) < 3
    if orientation != 1:
        # and the result is really transformed, not the stored pixels passed through
        stored = pillow_upright_bgr(save(asymmetric_rgb(), "JPEG", quality=95))
        if stored.shape == decoded.pixels.shape:
            assert mean_abs_diff(decoded.pixels, stored) > 30


def test_jpeg_without_exif_is_left_as_stored():
    data = save(asymmetric_rgb(), "JPEG", quality=95)
    decoded = decode(data)
    assert decoded.exif_orientation == 1
    assert_bgr(decoded, HEIGHT, WIDTH)
    assert mean_abs_diff(decoded.pixels, pillow_upright_bgr(data)) < 3


@pytest.mark.parametrize("orientation", [0, 9, 65535])
def test_out_of_range_orientation_is_ignored(orientation):
    data = jpeg_with_orientation(orientation)
    decoded = decode(data)
    assert_bgr(decoded, HEIGHT, WIDTH)
    assert mean_abs_diff(decoded.pixels, pillow_upright_bgr(data)) < 3


@pytest.mark.parametrize(
    ("type_code", "count", "value"),
    [
        pytest.param(3, 1, struct.pack("<H", 6), id="short-6"),
        pytest.param(4, 1, struct.pack("<I", 2**31), id="long-huge"),
        pytest.param(8, 1, struct.pack("<h", -1), id="sshort-negative"),
        pytest.param(2, 4, b"abc\x00", id="ascii"),
        pytest.param(5, 1, struct.pack("<II", 0, 0), id="rational-0/0"),
        pytest.param(11, 1, struct.pack("<f", float("nan")), id="float-nan"),
        pytest.param(1, 3, b"\x06\x06\x06", id="bytes"),
        pytest.param(3, 100, struct.pack("<I", 99999), id="offset-past-end"),
        pytest.param(99, 1, b"\x06\x00", id="unknown-type"),
        pytest.param(
            12,
            1,
            struct.pack("<d", float("inf")),
            id="double-inf",
        ),
        pytest.param(
            11,
            1,
            struct.pack("<f", float("-inf")),
            id="float-minus-inf",
        ),
    ],
)
@pytest.mark.filterwarnings("ignore:Tag data larger than file")
def test_malformed_orientation_tag_never_escapes_as_another_error(type_code, count, value):
    """A broken orientation tag may be ignored or refused, but only as ImageDecodeError."""
    data = jpeg_with_raw_exif(tiff_with_orientation(type_code, count, value))
    try:
        decoded = decode(data)
    except ImageDecodeError:
        return
    assert decoded.pixels.dtype == np.uint8 and decoded.pixels.ndim == 3
    assert decoded.pixels.shape[2] == 3


def test_png_exif_orientation_applied_like_pillow():
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    data = save(asymmetric_rgb(), "PNG", exif=exif.tobytes())
    assert b"eXIf" in data
    decoded = decode(data)
    assert_bgr(decoded, WIDTH, HEIGHT)
    assert mean_abs_diff(decoded.pixels, pillow_upright_bgr(data)) < 3


# sniffing --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (JPEG_MAGIC + b"\xe0rest", "jpeg"),
        (JPEG_MAGIC, "jpeg"),
        (PNG_MAGIC + b"rest", "png"),
        (PNG_MAGIC, "png"),
        (b"", None),
        (b"\xff\xd8", None),  # two bytes of the JPEG magic are not enough
        (PNG_MAGIC[:-1], None),
        (b"GIF89a" + b"\x00" * 10, None),
        (b"BM" + b"\x00" * 10, None),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", None),
        (b"x" + JPEG_MAGIC, None),  # the magic must come first
    ],
)
def test_sniff_format(data, expected):
    assert sniff_format(data) == expected


def test_sniffed_format_is_reported():
    image = asymmetric_rgb()
    assert decode(save(image, "JPEG")).format == "jpeg"
    png = decode(save(image, "PNG"))
    assert png.format == "png"
    assert png.exif_orientation == 1
    assert_bgr(png, HEIGHT, WIDTH)
    # PNG is lossless: the pixels are exactly the RGB source, channel-swapped
    assert np.array_equal(png.pixels, np.asarray(image)[:, :, ::-1])


@pytest.mark.parametrize("other_format", ["BMP", "TIFF", "WEBP", "GIF"])
def test_other_real_image_formats_are_refused(other_format):
    with pytest.raises(ImageDecodeError):
        decode(save(asymmetric_rgb(), other_format))


# refusals --------------------------------------------------------------------------------
def test_empty_bytes_refused():
    with pytest.raises(ImageDecodeError):
        decode(b"")


def test_bytes_over_max_bytes_refused_and_limit_is_inclusive():
    data = save(asymmetric_rgb(), "JPEG", quality=95)
    assert_bgr(decode(data, max_bytes=len(data)), HEIGHT, WIDTH)
    with pytest.raises(ImageDecodeError):
        decode(data, max_bytes=len(data) - 1)
    with pytest.raises(ImageDecodeError):
        decode(JPEG_MAGIC + b"\x00" * (MAX_BYTES + 1))


def test_gif_refused():
    gif = save(asymmetric_rgb().convert("P"), "GIF")
    assert gif.startswith(b"GIF8")
    with pytest.raises(ImageDecodeError):
        decode(gif)


@pytest.mark.parametrize("max_pixels", [MAX_PIXELS, 10**12])
def test_png_decompression_bomb_refused(max_pixels):
    """IHDR claims 30000x30000 (2.7 GB of pixels): refused from the header alone.

    With a huge ``max_pixels`` the bound still holds (Pillow's own bomb check); decoding
    the pixels would take seconds and gigabytes, so the test would be slow or die.
    """
    bomb = png_claiming(30000, 30000)
    assert len(bomb) < 1000
    with pytest.raises(ImageDecodeError):
        decode(bomb, max_pixels=max_pixels)


def test_pixel_limit_is_inclusive():
    data = save(asymmetric_rgb(), "PNG")
    assert_bgr(decode(data, max_pixels=WIDTH * HEIGHT), HEIGHT, WIDTH)
    with pytest.raises(ImageDecodeError):
        decode(data, max_pixels=WIDTH * HEIGHT - 1)


def test_pixel_limit_counts_stored_size_of_a_turned_jpeg():
    data = jpeg_with_orientation(6)
    assert_bgr(decode(data, max_pixels=WIDTH * HEIGHT), WIDTH, HEIGHT)
    with pytest.raises(ImageDecodeError):
        decode(data, max_pixels=WIDTH * HEIGHT - 1)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_jpeg_refused(keep):
    rng = np.random.default_rng(7)  # noise compresses badly: the scan fills most of the file
    noisy = Image.fromarray(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8), "RGB")
    data = save(noisy, "JPEG", quality=90)
    assert_bgr(decode(data), 120, 160)
    with pytest.raises(ImageDecodeError):
        decode(data[: int(len(data) * keep)])


def test_truncated_png_refused():
    data = save(asymmetric_rgb(), "PNG")
    with pytest.raises(ImageDecodeError):
        decode(data[: len(data) // 2])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("magic", [JPEG_MAGIC, JPEG_MAGIC + b"\xe0", PNG_MAGIC])
def test_random_bytes_behind_a_magic_refused(magic, seed):
    noise = random.Random(seed).randbytes(4096)
    with pytest.raises(ImageDecodeError):
        decode(magic + noise)


def test_magic_alone_refused():
    for magic in (JPEG_MAGIC, PNG_MAGIC):
        with pytest.raises(ImageDecodeError):
            decode(magic)


def test_png_magic_in_front_of_a_jpeg_refused():
    with pytest.raises(ImageDecodeError):
        decode(PNG_MAGIC + save(asymmetric_rgb(), "JPEG"))


# acceptance ------------------------------------------------------------------------------
def test_png_with_alpha_channel_becomes_three_channel_bgr():
    rgba = np.zeros((HEIGHT, WIDTH, 4), np.uint8)
    rgba[..., :3] = np.asarray(asymmetric_rgb())
    rgba[..., 3] = 255
    rgba[: HEIGHT // 2, WIDTH // 2 :, 3] = 0  # one quadrant fully transparent
    data = save(Image.fromarray(rgba, "RGBA"), "PNG")
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode == "RGBA"
    decoded = decode(data)
    assert decoded.format == "png"
    assert_bgr(decoded, HEIGHT, WIDTH)
    opaque = rgba[..., 3] == 255
    assert np.array_equal(decoded.pixels[opaque], rgba[..., 2::-1][opaque])


def test_16_bit_png_becomes_8_bit_bgr():
    grey16 = np.arange(WIDTH * HEIGHT, dtype="<u2").reshape(HEIGHT, WIDTH) * 60
    data = save(Image.frombytes("I;16", (WIDTH, HEIGHT), grey16.tobytes()), "PNG")
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode.startswith("I")  # stored with 16 bits per sample
    decoded = decode(data)
    assert_bgr(decoded, HEIGHT, WIDTH)
    expected = (grey16 >> 8).astype(np.uint8)  # the high byte of each sample
    assert np.abs(decoded.pixels[..., 1].astype(int) - expected).max() <= 1


def test_greyscale_jpeg_becomes_three_channel_bgr():
    grey = asymmetric_rgb().convert("L")
    data = save(grey, "JPEG", quality=95)
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode == "L"
    decoded = decode(data)
    assert decoded.format == "jpeg"
    assert_bgr(decoded, HEIGHT, WIDTH)
    b, g, r = (decoded.pixels[..., i].astype(np.int16) for i in range(3))
    assert np.array_equal(b, g) and np.array_equal(g, r)
    assert mean_abs_diff(decoded.pixels[..., 0], np.asarray(grey)) < 3


def test_greyscale_jpeg_with_orientation_is_turned():
    exif = Image.Exif()
    exif[ORIENTATION] = 8
    data = save(asymmetric_rgb().convert("L"), "JPEG", quality=95, exif=exif.tobytes())
    decoded = decode(data)
    assert_bgr(decoded, WIDTH, HEIGHT)
    assert mean_abs_diff(decoded.pixels, pillow_upright_bgr(data)) < 3


def test_cmyk_jpeg_becomes_bgr_with_the_right_colours():
    data = save(asymmetric_rgb().convert("CMYK"), "JPEG", quality=95)
    decoded = decode(data)
    assert_bgr(decoded, HEIGHT, WIDTH)
    assert mean_abs_diff(decoded.pixels, pillow_upright_bgr(data)) < 3


def test_progressive_jpeg_accepted():
    data = save(asymmetric_rgb(), "JPEG", quality=95, progressive=True)
    decoded = decode(data)
    assert_bgr(decoded, HEIGHT, WIDTH)
    assert mean_abs_diff(decoded.pixels, pillow_upright_bgr(data)) < 3
