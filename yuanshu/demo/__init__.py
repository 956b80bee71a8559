"""Demo data for Heyuan (河源市): real source files as departments hand them in.

``generate(out_dir)`` writes the registry (departments.xlsx), one data catalog per area, one service-item
list per area, the 市直 system inventory and the indicator table, with the counts of the seed documents at
scale 1. Same seed and scale give byte-identical files.
"""

from yuanshu.demo.generator import generate

__all__ = ["generate"]
