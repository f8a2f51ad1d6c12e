#!/usr/bin/python3
"""River's online multi-label learners, re-implemented with numpy, scored prequentially as `ballast evaluate` scores.

  /usr/bin/python3 scripts/river_baselines.py FILE.arff|FILE.csv [--shuffle SEED] [--score-from FRACTION]
      [--learners per-label,per-label+ros,chain,chain+ros] [--seed SEED] [--scaler inside|outside|none]

River (https://github.com/online-ml/river) is not installable here; this script does what these River models do,
with River's defaults, one event at a time (predict the event, then learn it):

  per-label       PerOutputClassifier(StandardScaler() | LogisticRegression())
  per-label+ros   PerOutputClassifier(RandomOverSampler(StandardScaler() | LogisticRegression(),
                                                        desired_dist={0: .5, 1: .5}, seed=SEED))
  chain           ClassifierChain(StandardScaler() | LogisticRegression(), order=the file's label order)
  chain+ros       ClassifierChain(RandomOverSampler(StandardScaler() | LogisticRegression(), ...), order=...)

--scaler outside puts one StandardScaler in front of the multi-output model instead (StandardScaler() |
PerOutputClassifier(...), as River's ClassifierChain docstring does); --scaler none drops it.

What River does, and so this script:
- LogisticRegression: weights and intercept start at 0; plain SGD, learning rate 0.01 for the weights and 0.01 for
  the intercept, no L2; the log loss's gradient with respect to the logit is -y'/(exp(y' f)+1), y' = +-1 (River's
  piecewise form beyond |y' f| > 18), clipped to +-1e12; weights -= 0.01 * gradient * x, intercept -= 0.01 * gradient.
  A label is predicted positive when p > 1 - p (predict_one's argmax over {False: 1-p, True: p}; a tie is False).
- StandardScaler in a pipeline: learn_one updates the running mean and variance (Welford) with the event and then
  transforms it; predict_one transforms with the statistics of the events before it. A feature with zero variance
  scales to 0. Inside a RandomOverSampler every repetition of an event passes through the pipeline's learn_one, so
  the scaler counts the repetitions too.
- RandomOverSampler: per label, counts of each class seen, and a pivot class. When the event's class is the pivot
  it is learnt once; otherwise the pivot becomes the class with the largest count/desired share (first seen wins a
  tie) and the event is learnt Poisson(rate) times, rate = (count[pivot]/desired[pivot]) * desired[y]/count[y]
  (Knuth's Poisson draw from Python's random.Random(SEED); every label's sampler is a deep copy of one seeded
  sampler, so each starts from the same random state).
- ClassifierChain: label k's model sees the features plus, for every earlier label j in the chain order, the
  probability P(j) its model gave before learning this event (when learning as when predicting: River never feeds
  the true labels forward). With the scaler inside, those probabilities are scaled by label k's own scaler.

Macro-F1 is Ballast's: the mean over the labels with at least one positive among the scored events of
2tp / (2tp + fp + fn). --shuffle and --score-from order and score the events as `ballast evaluate` does. The first
event is scored with every label predicted negative, as Ballast scores it (River's progressive_val_score skips an
empty prediction, which PerOutputClassifier gives before it has learnt anything: one event of the stream).
"""
import argparse
import csv
import math
import os
import random
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_baseline import java_shuffle_order, read_arff  # noqa: E402  (the same reader and shuffle as the batch baseline)

LEARNING_RATE = 0.01
INTERCEPT_LEARNING_RATE = 0.01
LEARNERS = ("per-label", "per-label+ros", "chain", "chain+ros")


def read_csv(path):
    """Ballast's CSV layout: a header, label columns named label:<name>; id, time and importance are not features."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        label_columns = [i for i, name in enumerate(header) if name.startswith("label:")]
        feature_columns = [i for i, name in enumerate(header)
                           if not name.startswith("label:") and name not in ("id", "time", "importance")]
        importance = header.index("importance") if "importance" in header else None
        features, labels = [], []
        for row in reader:
            if importance is not None and float(row[importance]) != 1.0:
                sys.exit("rows with importance other than 1 are not supported here")
            features.append([float(row[i]) for i in feature_columns])
            labels.append([int(float(row[i]) >= 0.5) for i in label_columns])
    return np.array(features), np.array(labels, dtype=int), [header[i][len("label:"):] for i in label_columns]


def read_examples(path):
    if path.lower().endswith(".csv"):
        return read_csv(path)
    x, y = read_arff(path)
    return x, y, [str(i) for i in range(y.shape[1])]


def poisson(rate, rng):
    """River's utils.random.poisson: Knuth's multiplication method."""
    limit = math.exp(-rate)
    k = 0
    p = 1.0
    while p > limit:
        k += 1
        p *= rng.random()
    return k - 1


class RandomOverSamplers:
    """One River RandomOverSampler per label: how many times each label's model learns the current event."""

    def __init__(self, labels, positive_share, seed):
        self.desired = {0: 1.0 - positive_share, 1: positive_share}
        self.counts = [{} for _ in range(labels)]  # insertion-ordered: River's Counter keeps first-seen order
        self.pivots = [None] * labels
        self.rngs = [random.Random(seed) for _ in range(labels)]

    def repeats(self, y):
        repeats = np.ones(len(y), dtype=int)
        for label, value in enumerate(y):
            value = int(value)
            counts = self.counts[label]
            counts[value] = counts.get(value, 0) + 1
            if value == self.pivots[label]:
                continue
            pivot = max(counts, key=lambda c: counts[c] / self.desired[c])
            self.pivots[label] = pivot
            rate = counts[pivot] / self.desired[pivot] * self.desired[value] / counts[value]
            repeats[label] = poisson(rate, self.rngs[label])
        return repeats


class Scalers:
    """River StandardScalers: running mean and variance per row of state (one row per label, or one shared)."""

    def __init__(self, rows, columns):
        self.count = np.zeros((rows, 1))
        self.mean = np.zeros((rows, columns))
        self.var = np.zeros((rows, columns))

    def learn(self, x, rows):
        """Welford's update of the given rows with x (one row of values per updated row of state)."""
        count = self.count[rows] + 1
        old_mean = self.mean[rows]
        new_mean = old_mean + (x - old_mean) / count
        self.var[rows] = self.var[rows] + ((x - old_mean) * (x - new_mean) - self.var[rows]) / count
        self.mean[rows] = new_mean
        self.count[rows] = count

    def transform(self, x, rows):
        std = np.sqrt(self.var[rows])
        scaled = x - self.mean[rows]
        np.divide(scaled, std, out=scaled, where=std > 0)
        scaled[std == 0] = 0.0
        return scaled


def log_loss_gradient(y, logit):
    """River's optim.losses.Log().gradient for 0/1 targets, element-wise, with its piecewise form beyond |z| > 18.

    GLM clips it to +-clip_gradient (1e12 by default), which a log-loss gradient (at most 1 in size) never reaches.
    """
    sign = 2.0 * y - 1.0
    z = logit * sign
    gradient = -sign / (np.exp(np.minimum(np.maximum(z, -18.0), 18.0)) + 1.0)
    if np.any(np.abs(z) > 18.0):
        gradient = np.where(z > 18.0, -sign * np.exp(-np.minimum(z, 700.0)), np.where(z < -18.0, -sign, gradient))
    return gradient


def sigmoid(logit):
    return 1.0 / (1.0 + np.exp(-logit)) if logit >= 0 else math.exp(logit) / (1.0 + math.exp(logit))


class MultiLabelModel:
    """L logistic regressions, each over the features and (for a chain) the earlier labels' probabilities.

    Each label's input has D + L columns: the D features, then one column per label that is a chain input to it
    (column D + j for every label j before it in the chain order; unused columns stay 0 and are never learnt).
    """

    def __init__(self, features, labels, chain, oversampler, scaler):
        self.features = features
        self.labels = labels
        self.chain = chain
        self.scaler = scaler
        self.oversampler = oversampler
        columns = features + (labels if chain else 0)
        self.columns = columns
        self.weights = np.zeros((labels, columns))
        self.intercepts = np.zeros(labels)
        self.present = np.zeros((labels, columns), dtype=bool)
        self.present[:, :features] = True
        if chain:
            for label in range(labels):
                self.present[label, features:features + label] = True
        self.all_rows = np.arange(labels)
        if scaler == "inside":
            self.scalers = Scalers(labels, columns)
        elif scaler == "outside":
            self.scalers = Scalers(1, features)

    def _inputs(self, x, chained):
        """Each label's raw input row: the features and, for a chain, the earlier labels' probabilities."""
        rows = np.zeros((self.labels, self.columns))
        rows[:, :self.features] = x
        if self.chain:
            rows[:, self.features:] = chained
        return np.where(self.present, rows, 0.0)

    def _scale(self, rows, labels):
        if self.scaler == "inside":
            return np.where(self.present[labels], self.scalers.transform(rows, labels), 0.0)
        return rows

    def _probabilities(self, x):
        """P(label) for every label, the chain's earlier probabilities fed forward; x already scaled if outside."""
        if not self.chain:
            scaled = self._scale(self._inputs(x, None), self.all_rows)
            logits = np.einsum("lc,lc->l", self.weights, scaled) + self.intercepts
            return np.array([sigmoid(v) for v in logits]), None
        d = self.features
        base = self._scale(self._inputs(x, np.zeros(self.labels)), self.all_rows)
        logits = np.einsum("ld,ld->l", self.weights[:, :d], base[:, :d]) + self.intercepts
        probabilities = np.zeros(self.labels)
        for label in range(self.labels):
            earlier = probabilities[:label]
            if self.scaler == "inside" and label > 0:
                std = np.sqrt(self.scalers.var[label, d:d + label])
                earlier = np.where(std > 0, (earlier - self.scalers.mean[label, d:d + label])
                                   / np.where(std > 0, std, 1.0), 0.0)
            probabilities[label] = sigmoid(logits[label] + float(np.dot(self.weights[label, d:d + label], earlier)))
        return probabilities, probabilities

    def predict(self, x):
        if self.scaler == "outside":
            x = self.scalers.transform(x[None, :], [0])[0]
        probabilities, _ = self._probabilities(x)
        return probabilities > 1.0 - probabilities

    def learn(self, x, y):
        if self.scaler == "outside":
            self.scalers.learn(x[None, :], [0])
            x = self.scalers.transform(x[None, :], [0])[0]
        # A chain's inputs are the probabilities its models give before learning this event (River's learn_one).
        chained = self._probabilities(x)[1] if self.chain else None
        raw = self._inputs(x, chained)
        repeats = self.oversampler.repeats(y) if self.oversampler else np.ones(self.labels, dtype=int)
        for repetition in range(int(repeats.max(initial=0))):
            labels = np.nonzero(repeats > repetition)[0]
            if labels[-1] - labels[0] == len(labels) - 1:
                labels = slice(labels[0], labels[-1] + 1)  # a view, not a copy: the common case, and much faster
            if self.scaler == "inside":
                self.scalers.learn(raw[labels], labels)
            scaled = self._scale(raw[labels], labels)
            logits = np.einsum("lc,lc->l", self.weights[labels], scaled) + self.intercepts[labels]
            gradient = log_loss_gradient(y[labels], logits)
            self.intercepts[labels] -= INTERCEPT_LEARNING_RATE * gradient
            self.weights[labels] -= LEARNING_RATE * gradient[:, None] * scaled


def evaluate(x, y, learner, first_scored, seed, scaler, positive_share):
    labels = y.shape[1]
    chain = learner.startswith("chain")
    oversampler = RandomOverSamplers(labels, positive_share, seed) if learner.endswith("+ros") else None
    model = MultiLabelModel(x.shape[1], labels, chain, oversampler, scaler)
    tp = np.zeros(labels)
    fp = np.zeros(labels)
    fn = np.zeros(labels)
    for i in range(len(x)):
        predicted = model.predict(x[i])
        if i >= first_scored:
            truth = y[i] == 1
            tp += predicted & truth
            fp += predicted & ~truth
            fn += ~predicted & truth
        model.learn(x[i], y[i])
    return tp, fp, fn


def report(tp, fp, fn):
    support = tp + fn
    denominator = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    scored = support > 0
    macro = f1[scored].mean() if scored.any() else 0.0
    pooled = 2 * tp.sum() + fp.sum() + fn.sum()
    micro = 2 * tp.sum() / pooled if pooled > 0 else 0.0
    collapsed = int(np.sum(scored & (tp + fp == 0)))
    return macro, micro, collapsed, f1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="MEKA ARFF (dense or sparse rows) or Ballast CSV (label:<name> columns)")
    parser.add_argument("--score-from", type=float, default=0.0,
                        help="count only the events from this fraction on (every event is still learnt)")
    parser.add_argument("--shuffle", type=int, default=None, help="order the events as ballast evaluate --shuffle")
    parser.add_argument("--learners", default=",".join(LEARNERS), help="comma-separated, of: " + ", ".join(LEARNERS))
    parser.add_argument("--seed", type=int, default=42, help="RandomOverSampler's seed (default 42)")
    parser.add_argument("--scaler", choices=("inside", "outside", "none"), default="inside",
                        help="a StandardScaler per label model (default), one in front of the multi-output model, "
                             "or none")
    parser.add_argument("--positive-share", type=float, default=0.5,
                        help="RandomOverSampler's desired_dist[1] (desired_dist[0] is the rest; default 0.5)")
    parser.add_argument("--per-label", action="store_true", help="also print each label's F1")
    args = parser.parse_args()
    learners = args.learners.split(",")
    for learner in learners:
        if learner not in LEARNERS:
            sys.exit(f"unknown learner {learner}: expected some of {', '.join(LEARNERS)}")
    if not 0 <= args.score_from < 1:
        sys.exit("--score-from must be at least 0 and below 1")
    x, y, names = read_examples(args.file)
    if args.shuffle is not None:
        order = java_shuffle_order(len(x), args.shuffle)
        x, y = x[order], y[order]
    first_scored = int(args.score_from * len(x))
    print(f"{args.file}: {len(x)} events, {y.shape[1]} labels, scored from event {first_scored}"
          f"{'' if args.shuffle is None else f', shuffle {args.shuffle}'}, scaler {args.scaler}, seed {args.seed}")
    print(f"{'learner':<16} {'macro-F1':>9} {'micro-F1':>9} {'collapsed':>9}")
    for learner in learners:
        macro, micro, collapsed, f1 = report(*evaluate(x, y, learner, first_scored, args.seed, args.scaler,
                                                                 args.positive_share))
        print(f"{learner:<16} {macro:9.4f} {micro:9.4f} {collapsed:9d}", flush=True)
        if args.per_label:
            print("  " + "  ".join(f"{name} {value:.3f}" for name, value in zip(names, f1)))


if __name__ == "__main__":
    main()
