"""The perceptual comparisons that need optional libraries (scikit-image, librosa, pdfplumber).

Pixie does not depend on these: when one is missing the media comparators fall back to size and
SHA-256 and say so. They are imported by name at call time so that installing one into Pixie's
environment is enough to turn its comparison on. Every function here may raise anything the
library raises; the caller treats that as "could not compare this way".
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import sys

# Import name -> the name to install it under, for messages.
_PACKAGES = {"skimage": "scikit-image", "PIL": "Pillow", "numpy": "numpy", "librosa": "librosa"}
IMAGE_LIBRARIES = ("skimage", "PIL", "numpy")
AUDIO_LIBRARIES = ("librosa", "numpy")
PDF_LIBRARIES = ("pdfplumber",)


def missing(modules: tuple[str, ...]) -> str | None:
    """The install name of the first module that cannot be imported, or None if all can."""
    for name in modules:
        if name in sys.modules:
            continue
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return _PACKAGES.get(name, name)
    return None


def ssim(expected: bytes, actual: bytes) -> float | str:
    """RGB structural similarity of two encoded images, or why they cannot be compared."""
    numpy = importlib.import_module("numpy")
    image = importlib.import_module("PIL.Image")
    metrics = importlib.import_module("skimage.metrics")
    left = numpy.asarray(image.open(io.BytesIO(expected)).convert("RGB"))
    right = numpy.asarray(image.open(io.BytesIO(actual)).convert("RGB"))
    if left.shape != right.shape:
        (height, width), (other_height, other_width) = left.shape[:2], right.shape[:2]
        return f"dimensions differ: expected {width}×{height}, got {other_width}×{other_height}"
    return float(metrics.structural_similarity(left, right, channel_axis=2, data_range=255))


def spectrogram_l2(expected: bytes, actual: bytes, sample_rate: int, n_mels: int) -> float:
    """Relative L2 distance of mel spectrograms, over the length of the shorter clip."""
    numpy = importlib.import_module("numpy")
    librosa = importlib.import_module("librosa")
    spectra = []
    for data in (expected, actual):
        samples, _ = librosa.load(io.BytesIO(data), sr=sample_rate, mono=True)
        spectra.append(librosa.feature.melspectrogram(y=samples, sr=sample_rate, n_mels=n_mels))
    frames = min(spectra[0].shape[1], spectra[1].shape[1])
    left, right = spectra[0][:, :frames], spectra[1][:, :frames]
    scale = float(numpy.linalg.norm(left))
    distance = float(numpy.linalg.norm(left - right))
    if scale == 0:
        return 0.0 if distance == 0 else float("inf")
    return distance / scale


def pdf_text(data: bytes) -> str:
    pdfplumber = importlib.import_module("pdfplumber")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)
