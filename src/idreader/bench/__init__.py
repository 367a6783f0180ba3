"""Benchmark harness: ``idreader bench`` reads labelled images and reports accuracy and speed."""
