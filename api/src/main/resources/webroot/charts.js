// ECharts options for the campaign and study pages. echarts is the global of the webjar's UMD build.
import { bestSoFar, feasible, maximizing, metricMeans, paretoFront, fmt } from './stats.js';

const STATUS_COLORS = {
  completed: '#2f7ed8',
  infeasible: '#e6a23c',
  pruned: '#909399',
  failed: '#d9534f',
  aborted: '#b0b0b0',
  running: '#67c23a',
};

/** One chart per element, reused across renders; disposed with the element. */
const charts = new WeakMap();

export function chartOn(element) {
  let chart = charts.get(element);
  if (!chart || chart.isDisposed()) {
    chart = echarts.init(element, null, { renderer: 'canvas' });
    charts.set(element, chart);
  }
  return chart;
}

export function resizeAll(elements) {
  for (const e of elements) {
    const c = charts.get(e);
    if (c && !c.isDisposed()) c.resize();
  }
}

/** Every trial as a point (coloured by status), the best-so-far as a step line. */
export function convergence(element, trials, objective) {
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  const measured = sorted.filter((t) => typeof t.objectiveValue === 'number');
  const byStatus = {};
  for (const t of measured) {
    (byStatus[t.status] = byStatus[t.status] || []).push({
      value: [t.number + 1, t.objectiveValue],
      trialId: t.id,
    });
  }
  const best = bestSoFar(sorted, objective.direction)
    .filter((p) => p.best !== null)
    .map((p) => [p.number + 1, p.best]);
  const series = Object.entries(byStatus).map(([status, data]) => ({
    name: status,
    type: 'scatter',
    symbolSize: 9,
    itemStyle: { color: STATUS_COLORS[status] || '#555' },
    data,
  }));
  series.push({
    name: 'best so far',
    type: 'line',
    step: 'end',
    symbol: 'none',
    lineStyle: { width: 2, color: '#1b5e20' },
    data: best,
  });
  // What the browser test and people can read without parsing the canvas.
  element.dataset.points = String(measured.length);
  element.dataset.best = best.length ? String(best[best.length - 1][1]) : '';
  chartOn(element).setOption(
    {
      animation: false,
      title: { text: 'Convergence: ' + objective.metric + ' (' + objective.direction + ')', textStyle: { fontSize: 13 } },
      tooltip: {
        trigger: 'item',
        formatter: (p) => 'trial ' + p.value[0] + '<br>' + objective.metric + ' ' + fmt(p.value[1]) + '<br>' + p.seriesName,
      },
      legend: { top: 22, type: 'scroll' },
      grid: { left: 60, right: 20, top: 60, bottom: 40 },
      xAxis: { type: 'value', name: 'trial', min: 1, minInterval: 1, nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'value', scale: true, name: objective.metric, nameLocation: 'middle', nameGap: 42 },
      series,
    },
    true,
  );
}

/** Knobs (and the objective, last) as parallel axes; one line per measured trial. */
export function parallel(element, trials, knobs, objective) {
  const measured = trials.filter((t) => typeof t.objectiveValue === 'number');
  const axes = knobs.map((k, i) => {
    const values = measured.map((t) => (t.configuration || {})[k.name]);
    const numeric = values.every((v) => typeof v === 'number') && k.type !== 'categorical';
    const axis = { dim: i, name: k.name };
    if (!numeric) {
      axis.type = 'category';
      axis.data = (k.values || [...new Set(values)]).map(String);
    } else if (k.log) {
      axis.type = 'log';
    }
    return axis;
  });
  axes.push({ dim: knobs.length, name: objective.metric, nameTextStyle: { fontWeight: 'bold' } });
  const data = measured.map((t) => ({
    value: [
      ...knobs.map((k) => {
        const v = (t.configuration || {})[k.name];
        return axes[knobs.indexOf(k)].type === 'category' ? String(v) : v;
      }),
      t.objectiveValue,
    ],
  }));
  const values = measured.map((t) => t.objectiveValue);
  chartOn(element).setOption(
    {
      animation: false,
      title: { text: 'Knobs → ' + objective.metric, textStyle: { fontSize: 13 } },
      parallelAxis: axes,
      parallel: { left: 40, right: 70, top: 60, bottom: 30 },
      visualMap: values.length
        ? {
            type: 'continuous',
            min: Math.min(...values),
            max: Math.max(...values) === Math.min(...values) ? Math.min(...values) + 1 : Math.max(...values),
            dimension: knobs.length,
            inRange: { color: maximizing(objective.direction) ? ['#d9534f', '#f0ad4e', '#2e7d32'] : ['#2e7d32', '#f0ad4e', '#d9534f'] },
            orient: 'horizontal',
            left: 'center',
            top: 22,
            itemHeight: 120,
            calculable: true,
            text: ['', ''],
          }
        : undefined,
      series: [{ type: 'parallel', lineStyle: { width: 1.5, opacity: 0.7 }, data }],
    },
    true,
  );
}

/**
 * Trade-off of two metrics with the Pareto front: the objective against another metric for a
 * campaign, or a study's first two objectives.
 */
export function pareto(element, points, x, y) {
  const front = paretoFront(points, x.direction, y.direction);
  const onFront = new Set(front.map((p) => p.id));
  element.dataset.front = String(front.length);
  chartOn(element).setOption(
    {
      animation: false,
      title: { text: 'Pareto front: ' + x.metric + ' vs ' + y.metric, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'item', formatter: (p) => (p.data.label || '') + '<br>' + x.metric + ' ' + fmt(p.value[0]) + '<br>' + y.metric + ' ' + fmt(p.value[1]) },
      legend: { top: 22 },
      grid: { left: 65, right: 20, top: 60, bottom: 45 },
      xAxis: { type: 'value', scale: true, name: x.metric + ' (' + x.direction + ')', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', scale: true, name: y.metric + ' (' + y.direction + ')', nameLocation: 'middle', nameGap: 45 },
      series: [
        {
          name: 'trials',
          type: 'scatter',
          symbolSize: 8,
          itemStyle: { color: '#9bb7d4' },
          data: points.filter((p) => !onFront.has(p.id)).map((p) => ({ value: [p.x, p.y], label: p.label })),
        },
        {
          name: 'Pareto front',
          type: 'line',
          symbolSize: 10,
          itemStyle: { color: '#c2185b' },
          data: front.map((p) => ({ value: [p.x, p.y], label: p.label })),
        },
      ],
    },
    true,
  );
}

/** Points for a campaign's trade-off plot: the objective (y) against `metric` (x). */
export function campaignTradeOffPoints(trials, objectiveMetric, metric) {
  return trials
    .filter((t) => feasible(t) || t.status === 'infeasible')
    .map((t) => {
      const m = metricMeans(t);
      return { id: t.id, x: m[metric], y: m[objectiveMetric], label: 'trial ' + (t.number + 1) };
    })
    .filter((p) => typeof p.x === 'number' && typeof p.y === 'number');
}

export function importanceBars(element, rows) {
  const sorted = rows.filter((r) => r.importance !== null).reverse();
  element.dataset.knobs = String(sorted.length);
  chartOn(element).setOption(
    {
      animation: false,
      title: { text: 'Parameter importance (share of variance explained)', textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'item', formatter: (p) => p.name + ': ' + (100 * p.value).toFixed(1) + ' %' },
      grid: { left: 120, right: 30, top: 40, bottom: 30 },
      xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => Math.round(v * 100) + ' %' } },
      yAxis: { type: 'category', data: sorted.map((r) => r.knob) },
      series: [{ type: 'bar', barMaxWidth: 28, data: sorted.map((r) => r.importance), itemStyle: { color: '#5c6bc0' } }],
      graphic: sorted.length
        ? []
        : [{ type: 'text', left: 'center', top: 'middle', style: { text: 'Not enough trials yet: a knob needs a value\nthat several trials share.', fill: '#6b7280', fontSize: 13, textAlign: 'center' } }],
    },
    true,
  );
}

/** A small line of recent values, no axes labels: the runtime page's live metric. */
export function sparkline(element, values, label) {
  chartOn(element).setOption(
    {
      animation: false,
      grid: { left: 4, right: 4, top: 4, bottom: 4 },
      tooltip: { trigger: 'axis', formatter: (p) => label + ': ' + fmt(p[0].value[1]) },
      xAxis: { type: 'value', show: false, min: 'dataMin', max: 'dataMax' },
      yAxis: { type: 'value', show: false, scale: true },
      series: [{ type: 'line', symbol: 'none', areaStyle: { opacity: 0.2 }, data: values }],
    },
    true,
  );
}
