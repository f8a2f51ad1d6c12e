#!/usr/bin/python3
"""Batch baseline for `ballast evaluate --score-from FRACTION`: scikit-learn LogisticRegression(class_weight='balanced'),
one per label, trained on the events before the fraction and scored on the rest; prints per-label and macro-F1.

  /usr/bin/python3 scripts/batch_baseline.py FILE.arff [--score-from 0.6667] [--shuffle SEED] [--no-scale]

Reads MEKA ARFF, dense or sparse rows ('-C N' in @relation: the first N attributes are labels; -N: the last N).
--shuffle orders the rows as `ballast evaluate --shuffle SEED` does (java.util.Collections.shuffle with
java.util.Random(SEED)), so both see the same split. The first scored row is int(fraction * rows), as in Ballast. Needs Debian's python3-sklearn.
"""
import argparse
import re
import sys

import numpy as np


def read_arff(path):
    label_spec = None
    attributes = 0
    rows = []
    in_data = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            lower = line.lower()
            if not in_data:
                if lower.startswith("@relation"):
                    match = re.search(r"-C\s+(-?\d+)", line)
                    if not match:
                        sys.exit("no '-C N' in the @relation line")
                    label_spec = int(match.group(1))
                elif lower.startswith("@attribute"):
                    attributes += 1
                elif lower.startswith("@data"):
                    in_data = True
                continue
            if line.startswith("{"):
                # A sparse row, {index value, ...}: every attribute it does not list is 0.
                row = [0.0] * attributes
                body = line[1:line.rindex("}")].strip()
                for entry in body.split(",") if body else []:
                    index, value = entry.split()
                    row[int(index)] = float(value)
                rows.append(row)
                continue
            rows.append([float(v) for v in line.split(",")])
    data = np.array(rows)
    labels = label_spec if label_spec > 0 else -label_spec
    if label_spec > 0:
        return data[:, labels:], data[:, :labels].astype(int)
    return data[:, :attributes - labels], data[:, attributes - labels:].astype(int)


class JavaRandom:
    """java.util.Random: the 48-bit linear congruential generator and its nextInt(bound)."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)

    def next_bits(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        value = self.seed >> (48 - bits)
        return value - (1 << bits) if value >= 1 << (bits - 1) and bits == 32 else value

    def next_int(self, bound):
        if bound & (bound - 1) == 0:
            return (bound * self.next_bits(31)) >> 31
        while True:
            bits = self.next_bits(31)
            value = bits % bound
            if bits - value + (bound - 1) < (1 << 31):
                return value


def java_shuffle_order(n, seed):
    """The permutation java.util.Collections.shuffle(list, new Random(seed)) applies to a list of n elements."""
    order = list(range(n))
    random = JavaRandom(seed)
    for i in range(n, 1, -1):
        j = random.next_int(i)
        order[i - 1], order[j] = order[j], order[i - 1]
    return order


def main():
    # Imported here so that scripts/river_baselines.py can reuse the reader and the shuffle without scikit-learn.
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import StandardScaler

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--score-from", type=float, default=0.6667)
    parser.add_argument("--shuffle", type=int, default=None)
    parser.add_argument("--no-scale", action="store_true", help="no StandardScaler before the regression")
    args = parser.parse_args()
    x, y = read_arff(args.file)
    if args.shuffle is not None:
        order = java_shuffle_order(len(x), args.shuffle)
        x, y = x[order], y[order]
    first_scored = int(args.score_from * len(x))
    x_train, y_train, x_test, y_test = x[:first_scored], y[:first_scored], x[first_scored:], y[first_scored:]
    if not args.no_scale:
        scaler = StandardScaler().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    # As in Ballast: macro-F1 over the labels with a positive among the scored rows.
    scores = []
    for label in range(y.shape[1]):
        if len(set(y_train[:, label])) < 2:
            predicted = np.full(len(x_test), y_train[0, label])
        else:
            model = LogisticRegression(class_weight="balanced", max_iter=5000).fit(x_train, y_train[:, label])
            predicted = model.predict(x_test)
        score = f1_score(y_test[:, label], predicted, zero_division=0)
        if y_test[:, label].sum() > 0:
            scores.append(score)
        print(f"label {label:3d}  positives {int(y_test[:, label].sum()):5d}  F1 {score:.4f}")
    print(f"{args.file}: trained on {first_scored} rows, scored {len(x_test)}; macro-F1 {np.mean(scores):.4f} "
          f"over the {len(scores)} labels with a positive among them")


if __name__ == "__main__":
    main()
