"""Barcode stage: find and decode PDF417 and QR symbols, parse public QR payloads."""
