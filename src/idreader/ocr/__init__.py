"""Text detection and recognition with the PP-OCRv6 ONNX models shipped in the rapidocr wheel."""
