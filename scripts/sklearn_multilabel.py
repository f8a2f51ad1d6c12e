#!/usr/bin/python3
"""A sparse multi-label data set from scikit-learn's make_multilabel_classification, written as MEKA ARFF.

  /usr/bin/python3 scripts/sklearn_multilabel.py OUT.arff [--seed 1] [--samples 20000] [--features 1000]
      [--labels 10] [--labels-per-event 2] [--length 50] [--unit-norm] [--dense OUT-dense.arff]

scikit-learn's generator draws each event as a bag of words: a document length from Poisson(length), its labels
from Poisson(labels-per-event) over class priors drawn at random, and the words from the labels' word
distributions, so features are word counts, most of them 0 (stationary: no drift); --unit-norm divides each event
by its L2 norm, as scikit-learn's Normalizer (and TfidfTransformer's default) would. OUT.arff has sparse rows
({index value, ...}, labels first, '-C labels' in @relation), which `ballast evaluate --input` reads as sparse
events; --dense also writes the same events with dense rows, for scripts/batch_baseline.py and
scripts/river_baselines.py. Needs Debian's python3-sklearn. A generator Ballast did not write, to check the
sparse path against one that is not its own.
"""
import argparse

from sklearn.datasets import make_multilabel_classification
from sklearn.preprocessing import normalize


def header(out, relation, labels, features):
    out.write("@relation '%s: -C %d'\n\n" % (relation, labels))
    for label in range(labels):
        out.write("@attribute label%d {0,1}\n" % label)
    for feature in range(features):
        out.write("@attribute word%d numeric\n" % feature)
    out.write("\n@data\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--features", type=int, default=1000)
    parser.add_argument("--labels", type=int, default=10)
    parser.add_argument("--labels-per-event", type=int, default=2)
    parser.add_argument("--length", type=int, default=50)
    parser.add_argument("--unit-norm", action="store_true", help="scale each event to L2 norm 1")
    parser.add_argument("--dense", help="also write the events with dense rows to this file")
    args = parser.parse_args()
    x, y = make_multilabel_classification(n_samples=args.samples, n_features=args.features, n_classes=args.labels,
                                          n_labels=args.labels_per_event, length=args.length, allow_unlabeled=True,
                                          sparse=True, random_state=args.seed)
    x = x.tocsr().astype(float)
    if args.unit_norm:
        x = normalize(x)
    relation = "sklearn-multilabel-seed%d" % args.seed
    with open(args.out, "w", encoding="utf-8") as out:
        header(out, relation, args.labels, args.features)
        for row in range(args.samples):
            cells = ["%d 1" % label for label in range(args.labels) if y[row, label]]
            start, end = x.indptr[row], x.indptr[row + 1]
            cells += ["%d %g" % (args.labels + x.indices[k], x.data[k]) for k in range(start, end)]
            out.write("{" + ",".join(cells) + "}\n")
    if args.dense:
        dense = x.toarray()
        with open(args.dense, "w", encoding="utf-8") as out:
            header(out, relation, args.labels, args.features)
            for row in range(args.samples):
                out.write(",".join([str(int(v)) for v in y[row]] + ["%g" % v for v in dense[row]]) + "\n")
    print("%s: %d events, %d labels (prevalences %s), %d features, %.1f non-zeros per event"
          % (args.out, args.samples, args.labels, " ".join("%.3f" % p for p in y.mean(axis=0)), args.features,
             x.nnz / args.samples))


if __name__ == "__main__":
    main()
