"""Helpers that several test modules share; never imported by the product or the benchmarks."""
