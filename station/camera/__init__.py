"""Reading barcodes from image files, video files and cameras with zxing-cpp and pyzbar.

``decode_image`` reads still images thoroughly. ``CameraPipeline`` captures and decodes camera frames
in worker threads and reports ``ScanEvent``s, which carry the same text and AIM symbology identifier as a
keyboard-wedge scan.
"""

from station.camera.capture import CameraInfo, CaptureOpenError, CaptureSource, list_cameras
from station.camera.decoded import DecodedCode
from station.camera.frame import FrameDecoder, ScanConfirmer
from station.camera.image import ImageReadError, decode_image, load_image
from station.camera.pipeline import (
    CameraEvent,
    CameraPipeline,
    ErrorEvent,
    FrameEvent,
    ScanEvent,
    StartedEvent,
    StoppedEvent,
)

__all__ = [
    "CameraEvent",
    "CameraInfo",
    "CameraPipeline",
    "CaptureOpenError",
    "CaptureSource",
    "DecodedCode",
    "ErrorEvent",
    "FrameDecoder",
    "FrameEvent",
    "ImageReadError",
    "ScanConfirmer",
    "ScanEvent",
    "StartedEvent",
    "StoppedEvent",
    "decode_image",
    "list_cameras",
    "load_image",
]
