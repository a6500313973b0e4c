"""The REMC format for your own cells: from BAM or bigWig files (or deepTools matrices) and an annotation.

:mod:`~deepdiff.prepare.build`       :func:`prepare`, the steps in order, and which genes are kept
:mod:`~deepdiff.prepare.rules`       the rules the command line states, and their defaults
:mod:`~deepdiff.prepare.sheet`       the sample sheet (cell, mark, path)
:mod:`~deepdiff.prepare.annotation`  genes and their TSS from a GTF (streamed) or a BED of TSSs
:mod:`~deepdiff.prepare.expression`  the expression table (gene id, one column per cell)
:mod:`~deepdiff.prepare.chroms`      chromosome names of annotation and signal matched (chr1 vs 1)
:mod:`~deepdiff.prepare.windows`     the +/- 10 kb window of 200 bins, strand-aware
:mod:`~deepdiff.prepare.bam`         read counts per bin (pysam): which reads count and why
:mod:`~deepdiff.prepare.bigwig`      signal summed per bin (pyBigWig)
:mod:`~deepdiff.prepare.matrix`      deepTools ``computeMatrix reference-point`` output
:mod:`~deepdiff.prepare.signal`      one signal file, whatever its kind
:mod:`~deepdiff.prepare.split`       train / validation / test by gene id, the paper's proportions
:mod:`~deepdiff.prepare.writer`      the prepared directory, written atomically
:mod:`~deepdiff.prepare.synthetic`   small synthetic BAM, bigWig and annotation files with known counts
:mod:`~deepdiff.prepare.extras`      pysam and pyBigWig, imported with a message saying how to install them

pysam and pyBigWig come with the ``prepare`` extra (``pip install "deepdiff-repro[prepare]"``).
"""
