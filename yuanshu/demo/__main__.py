"""``python -m yuanshu.demo OUT_DIR [--scale N] [--seed S] [--csv-only]``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from yuanshu.demo import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m yuanshu.demo", description="写出河源市演示数据源文件")
    parser.add_argument("out_dir", type=Path, help="output directory")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply per-area row counts (default 1)")
    parser.add_argument("--seed", type=int, default=20211, help="random seed (default 20211)")
    parser.add_argument("--csv-only", action="store_true", help="write every file as UTF-8 CSV")
    args = parser.parse_args(argv)
    paths = generate(
        args.out_dir, scale=args.scale, seed=args.seed, formats="csv" if args.csv_only else "mixed"
    )
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
