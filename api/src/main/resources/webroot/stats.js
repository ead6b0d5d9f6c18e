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
 * objective's variance (over the trials with a value) that the knob's value alone explains, with
 * trials grouped by the knob's value (numeric knobs with more than `bins` distinct values in `bins`
 * equal-count bins). It is epsilon squared, the correlation ratio eta^2 = SS_between / SS_total
 * adjusted for the number of groups k: (SS_between - (k - 1) * SS_within / (n - k)) / SS_total,
 * clipped at 0 — without the adjustment a knob with as many groups as trials would explain
 * everything by construction. 0: the knob's value tells nothing about the objective; 1:
 * everything. It ignores interactions between knobs, and with few trials (or a strategy that
 * varies several knobs together) it is noisy: a hint, not a measurement. Returns [{knob,
 * importance, groups}] sorted by importance; importance is null where no trial shares a group
 * with another (n = k); the list is empty with fewer than 3 trials.
 */
export function importance(trials, knobs, bins = 4) {
  const rows = trials.filter((t) => typeof t.objectiveValue === 'number' && t.status !== 'failed');
  if (rows.length < 3) return [];
  const n = rows.length;
  const ys = rows.map((t) => t.objectiveValue);
  const mean = ys.reduce((a, b) => a + b, 0) / n;
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
    const k = groups.size;
    let between = 0;
    for (const g of groups.values()) {
      const m = g.reduce((a, b) => a + b, 0) / g.length;
      between += g.length * (m - mean) ** 2;
    }
    const within = total - between;
    let value = null;
    if (n > k) {
      value = total > 0 ? Math.max(0, (between - ((k - 1) * within) / (n - k)) / total) : 0;
    }
    result.push({ knob, importance: value, groups: k });
  }
  return result.sort((a, b) => (b.importance ?? -1) - (a.importance ?? -1));
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

/**
 * A trial's metric values by name: each summary's mean, and the percentiles of distributions by
 * their vocabulary names (latency_p95_ms is the p95 of latency_ms), as the service scores them.
 */
export function metricMeans(trial) {
  const out = {};
  const metrics = (trial.measurement && trial.measurement.metrics) || {};
  for (const [k, s] of Object.entries(metrics)) out[k] = s.mean;
  for (const [k, s] of Object.entries(metrics)) {
    const m = k.match(/^(.+)_ms$/);
    if (!m) continue;
    for (const p of [50, 95, 99]) {
      const name = m[1] + '_p' + p + '_ms';
      if (!(name in out) && typeof s['p' + p] === 'number') out[name] = s['p' + p];
    }
  }
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
