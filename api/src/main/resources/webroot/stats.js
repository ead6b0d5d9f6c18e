// Pure functions over trials, shared by the campaign and study pages. No DOM, no ECharts.

/** Whether a campaign trial counts for "best": completed (feasible) with an objective value. */
export function feasible(trial) {
  return trial.status === 'completed' && typeof trial.objectiveValue === 'number';
}

/** true when larger is better. */
export function maximizing(direction) {
  return direction !== 'minimize';
}

/**
 * Best-so-far after each trial, in trial-number order: [{number, best}] where best is the best
 * feasible objective value among trials up to and including that number (null before the first).
 */
export function bestSoFar(trials, direction) {
  const max = maximizing(direction);
  let best = null;
  return [...trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => {
      if (feasible(t) && (best === null || (max ? t.objectiveValue > best : t.objectiveValue < best))) {
        best = t.objectiveValue;
      }
      return { number: t.number, best };
    });
}

/** The best feasible trial, or null; the earliest wins ties (as the service decides). */
export function bestTrial(trials, direction) {
  const max = maximizing(direction);
  let best = null;
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (feasible(t) && (best === null || (max ? t.objectiveValue > best.objectiveValue : t.objectiveValue < best.objectiveValue))) {
      best = t;
    }
  }
  return best;
}

/** Metrics where smaller is better, by name (latency, errors, memory, CPU). */
export function metricDirection(metric) {
  return /latency|_ms$|error|memory|cpu|ttft|itl/.test(metric) ? 'minimize' : 'maximize';
}

/**
 * The non-dominated points among `points` = [{x, y, ...}], for the given directions of x and y;
 * returned sorted by x. A point dominates another when it is at least as good in both and better in
 * one.
 */
export function paretoFront(points, xDirection, yDirection) {
  const better = (a, b, dir) => (maximizing(dir) ? a > b : a < b);
  const atLeast = (a, b, dir) => a === b || better(a, b, dir);
  const front = points.filter(
    (p) =>
      !points.some(
        (q) =>
          q !== p &&
          atLeast(q.x, p.x, xDirection) &&
          atLeast(q.y, p.y, yDirection) &&
          (better(q.x, p.x, xDirection) || better(q.y, p.y, yDirection)),
      ),
  );
  return front.sort((a, b) => a.x - b.x);
}

/**
 * Parameter importance, a deliberately simple estimate: for each knob, the share of the
 * objective's variance (over the trials with a value) that the knob's value alone explains — the
 * correlation ratio eta^2 = between-group variance / total variance, with trials grouped by the
 * knob's value (numeric knobs with more than `bins` distinct values in `bins` equal-count bins).
 * 0 means the knob's value tells nothing about the objective, 1 that it tells everything. It
 * ignores interactions between knobs, and with few trials (or a strategy that varies several knobs
 * together) it is noisy: a hint, not a measurement. Returns [{knob, importance, groups}] sorted by
 * importance, empty with fewer than 3 trials.
 */
export function importance(trials, knobs, bins = 4) {
  const rows = trials.filter((t) => typeof t.objectiveValue === 'number' && t.status !== 'failed');
  if (rows.length < 3) return [];
  const ys = rows.map((t) => t.objectiveValue);
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const total = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
  const result = [];
  for (const knob of knobs) {
    const values = rows.map((t) => (t.configuration || {})[knob]);
    const keys = groupKeys(values, bins);
    const groups = new Map();
    rows.forEach((t, i) => {
      const g = groups.get(keys[i]) || [];
      g.push(t.objectiveValue);
      groups.set(keys[i], g);
    });
    let between = 0;
    for (const g of groups.values()) {
      const m = g.reduce((a, b) => a + b, 0) / g.length;
      between += g.length * (m - mean) ** 2;
    }
    result.push({ knob, importance: total > 0 ? between / total : 0, groups: groups.size });
  }
  return result.sort((a, b) => b.importance - a.importance);
}

function groupKeys(values, bins) {
  const distinct = [...new Set(values.map((v) => JSON.stringify(v)))];
  const numeric = values.every((v) => typeof v === 'number');
  if (!numeric || distinct.length <= bins) return values.map((v) => JSON.stringify(v));
  const sorted = [...values].sort((a, b) => a - b);
  const cuts = [];
  for (let i = 1; i < bins; i++) cuts.push(sorted[Math.floor((i * sorted.length) / bins)]);
  return values.map((v) => String(cuts.filter((c) => v >= c).length));
}

/** The metrics' means of a trial: {name: mean}. */
export function metricMeans(trial) {
  const out = {};
  const metrics = (trial.measurement && trial.measurement.metrics) || {};
  for (const [k, s] of Object.entries(metrics)) out[k] = s.mean;
  return out;
}

/** A number for people: 4 significant digits, no exponent for everyday magnitudes. */
export function fmt(v) {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}
