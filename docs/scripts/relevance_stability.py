"""Compares relevance rules on one analysed run, from the structures the analyzer stored beside its trace.

usage: python3 docs/scripts/relevance_stability.py .nnstain/data/runs/RUN
(analyse the run with each rule first: bin/nnstain analyze RUN; bin/nnstain analyze RUN --rule z)
Only the standard library is needed.
"""
import glob
import json
import os
import statistics
import sys

run_dir = sys.argv[1]
print(f"{'rule':8} {'median settling':>15} {'latest settling':>15} {'mean J(prev) E_31..':>20} "
      f"{'structure flips':>15} {'max |share|':>11} {'negative shares':>15}")
for key in sorted(os.listdir(os.path.join(run_dir, "structures"))):
    if not key.endswith("_c0.800_m0.100"):
        continue
    files = glob.glob(os.path.join(run_dir, "structures", key, "epoch=*.json"))
    snaps = sorted((json.load(open(f)) for f in files), key=lambda s: s["epoch"])
    emergence = json.load(open(os.path.join(run_dir, "structures", key, "emergence.json")))
    settling = [c["settling_epoch"] for c in emergence["classes"]]
    late = [c["jaccard_previous"] for s in snaps if s["epoch"] > 30 for c in s["classes"]]
    flips = sum(1 for v in late if v is not None and v < 0.5)
    shares = [abs(v) for s in snaps for c in s["classes"] for layer in c["layers"][:-1] for v in layer["relevance"]]
    negative = sum(1 for s in snaps for c in s["classes"] for layer in c["layers"][:-1] for v in layer["relevance"] if v < 0)
    print(f"{key.split('_')[0]:8} {statistics.median(settling):>15} {max(settling):>15} "
          f"{statistics.mean(v for v in late if v is not None):>20.3f} {flips:>15} {max(shares):>11.2f} {negative:>15}")
