"""Loader throughput and memory at generator scale ×10 and ×100, against a raw pyoxigraph bulk load.

    python -m bench.load_bench [--scales 10 100] [--out bench/out]

For each scale the demo generator writes CSV files; a fresh process loads them with the real loader
(read, validate, build triples, stream into versioned graphs, resolve links, compute indicators) and
then dumps exactly the triples it stored as N-Quads; another fresh process bulk-loads that dump into an
empty Oxigraph store with ``Store.bulk_load`` (the baseline: no parsing of CSV, no validation, no Python
per triple). Each figure comes from its own process, so peak RSS is that step's own.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_load(source_dir: Path, home: Path, dump: Path) -> dict[str, float]:
    """Load every file of ``source_dir`` as ``yuanshu load`` does; dump the stored triples for the baseline."""
    from yuanshu.config import Settings
    from yuanshu.runtime import Runtime

    runtime = Runtime.open(Settings(home=home))
    files = sorted(source_dir.glob("*.csv"))
    start = time.perf_counter()
    report = runtime.loader().load(files)
    runtime.store.flush()
    seconds = time.perf_counter() - start
    failed = [f.path.name for f in report.files if f.status.value != "finished"]
    if failed:
        raise SystemExit(f"load failed for {failed}")
    graphs = [v.version for v in runtime.store.current_versions() if "/graph/reference/" not in v.graph]
    triples = sum(runtime.store.graph_size(g) for g in graphs)
    rss = peak_rss_mb()
    with dump.open("wb") as fh:
        quads = (q for g in graphs for q in runtime.store.ox.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        ox.serialize(quads, fh, ox.RdfFormat.N_QUADS)
    return {"rows": sum(f.rows_read for f in report.files), "triples": triples, "seconds": seconds,
            "peak_rss_mb": rss, "files": len(files)}


def child_baseline(dump: Path, home: Path) -> dict[str, float]:
    """Raw Oxigraph bulk load of the same quads."""
    store = ox.Store(str(home))
    start = time.perf_counter()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    seconds = time.perf_counter() - start
    return {"triples": len(store), "seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.load_bench", "--child", *args], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate(out: Path, scale: float) -> Path:
    from yuanshu.demo import generate as write_demo

    target = out / f"scale-{scale:g}"
    stamp = target / ".complete"
    if not stamp.exists():
        shutil.rmtree(target, ignore_errors=True)
        write_demo(target, scale=scale, formats="csv")
        stamp.write_text("ok")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", type=float, default=[10, 100])
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *paths = args.child
        result = child_load(*map(Path, paths)) if kind == "load" else child_baseline(*map(Path, paths))
        print(json.dumps(result))
        return
    rows = []
    for scale in args.scales:
        source = generate(args.out, scale)
        with tempfile.TemporaryDirectory(dir=args.out) as tmp:
            work = Path(tmp)
            dump = work / "stored.nq"
            loaded = run_child("load", str(source), str(work / "yuanshu"), str(dump))
            raw = run_child("baseline", str(dump), str(work / "raw"))
        rows.append((scale, loaded, raw))
        print(f"scale ×{scale:g}: {json.dumps(loaded)} | raw {json.dumps(raw)}", file=sys.stderr)
    print("| scale | files | rows | triples | loader rows/s | loader triples/s | raw bulk triples/s | "
          "loader / raw | loader peak RSS | raw peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for scale, loaded, raw in rows:
        lt, rt = loaded["triples"] / loaded["seconds"], raw["triples"] / raw["seconds"]
        print(f"| ×{scale:g} | {loaded['files']:.0f} | {loaded['rows']:,.0f} | {loaded['triples']:,.0f} | "
              f"{loaded['rows'] / loaded['seconds']:,.0f} | {lt:,.0f} | {rt:,.0f} | {lt / rt:.2f} | "
              f"{loaded['peak_rss_mb']:.0f} MB | {raw['peak_rss_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
