"""idreader: a self-hosted identity-document reader speaking the OCR API V2.0 contract."""

__version__ = "0.1.0"
