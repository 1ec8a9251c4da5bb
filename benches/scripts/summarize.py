#!/usr/bin/env python3
"""Prints the README tables from criterion's last run (median of each benchmark, same run).

usage: benches/scripts/summarize.py [criterion-dir]   (default: $CARGO_TARGET_DIR/criterion or target/criterion)
"""

import json
import os
import sys

WORKLOADS = ["W1-hs256", "W2-es256", "W3-rs256", "W4-eddsa", "W5-reject"]
# The raw primitive of each backend, per workload ("the signature check of the backend in use").
RAW = {
    "rustcrypto": {"W1-hs256": "raw_hmac_sha256", "W2-es256": "raw_p256_rustcrypto", "W3-rs256": "raw_rsa_crate",
                   "W4-eddsa": "raw_ed25519_dalek", "W5-reject": "raw_hmac_sha256"},
    "ring": {"W1-hs256": "raw_hmac_sha256", "W2-es256": "raw_p256_ring", "W3-rs256": "raw_rsa_ring",
             "W4-eddsa": "raw_ed25519_dalek", "W5-reject": "raw_hmac_sha256"},
}


def fmt(ns):
    if ns is None:
        return "–"
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def median(root, group, name):
    path = os.path.join(root, group, name, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except FileNotFoundError:
        return None


def main():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "target"))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "criterion")
    for backend in ("rustcrypto", "ring"):
        rows = []
        for w in WORKLOADS:
            group = f"{backend}_{w}"
            if not os.path.isdir(os.path.join(root, group)):
                continue
            ours = median(root, group, "apiward")
            peer = median(root, group, "jsonwebtoken")
            layer = median(root, group, "apiward_signature_layer")
            raw_name = RAW[backend][w]
            raw = median(root, group, raw_name)
            others = [n for n in sorted(os.listdir(os.path.join(root, group)))
                      if n.startswith("raw_") and n != raw_name]
            other = ", ".join(f"{n} {fmt(median(root, group, n))}" for n in others)
            rows.append(
                f"| {w} | {fmt(ours)} | {fmt(peer)} | {fmt(layer)} | {raw_name} {fmt(raw)} | "
                f"{peer / ours:.2f}× | {ours / raw:.2f}× | {other or '–'} |"
            )
        if rows:
            print(f"\n### backend: {backend}\n")
            print("| workload | apiward | jsonwebtoken | apiward signature layer | raw primitive (backend in use) "
                  "| jsonwebtoken / apiward | apiward / raw | other raw primitives |")
            print("|---|---:|---:|---:|---|---:|---:|---|")
            print("\n".join(rows))


if __name__ == "__main__":
    main()
