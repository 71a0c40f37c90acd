"""Benchmark tooling: the province-scale data generator (``manage.py bench_data``) and the
benchmark (``manage.py bench`` / ``make bench``). Not part of the product: nothing here is imported
by the application, and the bench data is not a real history (no audit rows are written).
"""
