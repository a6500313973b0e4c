"""What a run leaves behind, and what is computed from it.

- :mod:`.store`: the result directory of one run (metrics, predictions, attention), its cache key, reading
  every run of a results directory;
- :mod:`.statistics`: correlations, bootstrap intervals, relative PCC;
- :mod:`.bundle`: results bundles: pack, check, unpack and merge runs with a checksum manifest.
"""
