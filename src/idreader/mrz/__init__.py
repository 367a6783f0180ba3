"""ICAO 9303 machine-readable zones: formats, check digits, composing and parsing."""
