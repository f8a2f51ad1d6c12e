#!/usr/bin/python3
"""Precision and recall of the labels whose prevalence rises (or falls) at each regime switch of the drifting stream,
over the part of each regime after the switch has settled, from `ballast evaluate --window` JSON.

  ./ballast evaluate --synthetic 200000 --window 1000 --report json --no-progress > run.json
  /usr/bin/python3 scripts/shift_precision_recall.py run.json [--settle 2000] [--falling]

A label rises at a switch when its positives per event over the new regime are at least twice those over the one
before (the demo's drifting labels move tenfold). The settled part of a regime runs from --settle events after the
switch to the next switch; its precision and recall pool the confusion counts of the windows in it, so --settle and
the regime length must be multiples of the window. Also prints the part before it (the first --settle events), where
the switch is still being learnt. Prints a Markdown table and summary lines; standard library only.
"""
import argparse
import json
import sys


def pooled(windows, first, last, label):
    """Confusion counts of one label over the windows whose first event is in [first, last)."""
    tp = fp = fn = positives = events = 0
    for window in windows:
        if first <= window["firstEvent"] < last:
            counts = window["labels"][label]
            tp += counts["truePositives"]
            fp += counts["falsePositives"]
            fn += counts["falseNegatives"]
            positives += counts["positives"]
            events += window["events"]
    return tp, fp, fn, positives, events


def ratio(numerator, denominator):
    return numerator / denominator if denominator else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report", help="JSON of ballast evaluate --synthetic N --window W --report json")
    parser.add_argument("--settle", type=int, default=2000, help="events after a switch before it counts as settled")
    parser.add_argument("--falling", action="store_true", help="the labels whose prevalence falls instead")
    args = parser.parse_args()
    with open(args.report, encoding="utf-8") as f:
        report = json.load(f)
    windows = report.get("windows")
    period = report.get("driftPeriodEvents")
    if not windows or not period:
        sys.exit("needs the JSON of ballast evaluate --synthetic N --window W --report json")
    window = windows[0]["events"]
    if args.settle % window or period % window:
        sys.exit(f"--settle ({args.settle}) and the regime ({period}) must be multiples of the window ({window})")
    names = [label["name"] for label in report["labels"]]
    end = windows[-1]["firstEvent"] + windows[-1]["events"]
    print(f"| switch at | label | prevalence before -> after | first {args.settle:,} events: precision / recall "
          f"| settled: precision | recall | gap |")
    print("|---|---|---|---|---|---|---|")
    gaps = []
    early_total = [0, 0, 0]
    settled_total = [0, 0, 0]
    for start in range(period, end, period):
        for label, name in enumerate(names):
            before = pooled(windows, start - period, start, label)
            after = pooled(windows, start, start + period, label)
            prevalence_before = ratio(before[3], before[4])
            prevalence_after = ratio(after[3], after[4])
            moved = prevalence_after < prevalence_before / 2 if args.falling else prevalence_after >= 2 * prevalence_before
            if not moved:
                continue
            early_tp, early_fp, early_fn, _, _ = pooled(windows, start, start + args.settle, label)
            tp, fp, fn, _, _ = pooled(windows, start + args.settle, start + period, label)
            precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
            gaps.append(abs(precision - recall))
            for total, counts in ((early_total, (early_tp, early_fp, early_fn)), (settled_total, (tp, fp, fn))):
                for index, count in enumerate(counts):
                    total[index] += count
            print(f"| {start:,} | {name} | {prevalence_before:.4f} -> {prevalence_after:.4f} "
                  f"| {ratio(early_tp, early_tp + early_fp):.3f} / {ratio(early_tp, early_tp + early_fn):.3f} "
                  f"| {precision:.3f} | {recall:.3f} | {precision - recall:+.3f} |")
    if not gaps:
        sys.exit("no label moved at a switch: is the stream longer than one regime?")
    kind = "falling" if args.falling else "rising"
    print(f"\n{len(gaps)} {kind} label-switches; settled |precision - recall|: mean {sum(gaps) / len(gaps):.3f}, "
          f"largest {max(gaps):.3f}; within 0.15: {sum(gap <= 0.15 for gap in gaps)} of {len(gaps)}")
    for part, (tp, fp, fn) in ((f"first {args.settle:,} events", early_total), ("settled", settled_total)):
        print(f"pooled over them, {part}: precision {ratio(tp, tp + fp):.3f}, recall {ratio(tp, tp + fn):.3f}")


if __name__ == "__main__":
    main()
