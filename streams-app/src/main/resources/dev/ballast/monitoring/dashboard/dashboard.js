// Polls /api/series and redraws the charts. After each redraw every canvas carries data-points (the points it
// plots) and <body> carries data-updates (redraws so far), so a headless browser can check what was rendered.
'use strict';

const POLL_MS = 2000;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22',
  '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354', '#756bb1', '#636363'];

let alertTimes = [];

// Draws each alert of the shown model as a vertical red line across the chart area.
const alertMarkers = {
  id: 'alertMarkers',
  afterDatasetsDraw(chart) {
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    ctx.strokeStyle = 'rgba(214, 39, 40, 0.7)';
    ctx.setLineDash([4, 3]);
    for (const time of alertTimes) {
      const x = scales.x.getPixelForValue(time);
      if (x >= chartArea.left && x <= chartArea.right) {
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
      }
    }
    ctx.restore();
  }
};

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

function lineChart(id, yScale, extraScales) {
  return new Chart(document.getElementById(id), {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      spanGaps: true,
      elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: { legend: { labels: { boxWidth: 12, font: { size: 11 } } } },
      scales: Object.assign({
        x: { type: 'linear', ticks: { callback: clock, maxTicksLimit: 8 } },
        y: yScale
      }, extraScales || {})
    },
    plugins: [alertMarkers]
  });
}

const charts = {
  prevalence: lineChart('prevalence', { type: 'logarithmic', ticks: { callback: v => (v * 100).toPrecision(2) + '%' } }),
  weight: lineChart('weight', { type: 'logarithmic' }),
  recall: lineChart('recall', { min: 0, max: 1 }),
  macro: lineChart('macro', { min: 0, max: 1, title: { display: true, text: 'macro-F1' } },
    { version: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false },
      title: { display: true, text: 'model version' } } })
};

function points(time, values, positiveOnly) {
  const result = [];
  for (let i = 0; i < time.length; i++) {
    const y = values[i];
    if (y !== null && (!positiveOnly || y > 0)) {
      result.push({ x: time[i], y: y });
    }
  }
  return result;
}

function labelDatasets(model, field, positiveOnly) {
  return model.labels.map((label, i) => ({
    label: label,
    data: points(model.time, model[field][label] || [], positiveOnly),
    borderColor: PALETTE[i % PALETTE.length],
    backgroundColor: PALETTE[i % PALETTE.length]
  }));
}

function show(chart, datasets) {
  chart.data.datasets = datasets;
  chart.update('none');
  chart.canvas.dataset.points = datasets.reduce((sum, dataset) => sum + dataset.data.length, 0);
}

// The join's latest figures, for a model that has had late labels; the section stays hidden for the others.
function showLabelJoin(join, last) {
  const section = document.getElementById('label-join');
  section.hidden = !join;
  if (!join) {
    return;
  }
  const figure = (values, unit) => last >= 0 && values[last] !== null
    ? Math.round(values[last]).toLocaleString() + unit : '–';
  document.getElementById('join-waiting').textContent = figure(join.waiting, '');
  document.getElementById('join-joined').textContent = figure(join.joined, '');
  document.getElementById('join-expired').textContent = figure(join.expired, '');
  document.getElementById('join-delay-p50').textContent = figure(join.delayP50Ms, ' ms');
  document.getElementById('join-delay-p99').textContent = figure(join.delayP99Ms, ' ms');
}

function render(series) {
  const select = document.getElementById('model');
  const ids = series.models.map(m => m.model);
  if ([...select.options].map(o => o.value).join() !== ids.join()) {
    const selected = select.value;
    select.replaceChildren(...ids.map(id => new Option(id, id, false, id === selected)));
  }
  const model = series.models.find(m => m.model === select.value) || series.models[0];
  document.getElementById('dead-letters').textContent = series.deadLetters.toLocaleString();
  const deadLetters = document.getElementById('dead-letter-list');
  deadLetters.replaceChildren(...(series.recentDeadLetters.length === 0
    ? [Object.assign(document.createElement('li'), { className: 'none', textContent: 'none' })]
    : series.recentDeadLetters.slice().reverse().map(d => Object.assign(document.createElement('li'),
        { textContent: clock(d.failedAt) + '  ' + d.kind + '  ' + d.sourceTopic + '-' + d.sourcePartition + '@'
            + d.sourceOffset + '  ' + d.reason + '  value ' + d.value }))));
  if (!model) {
    return;
  }
  const last = model.time.length - 1;
  document.getElementById('version').textContent = model.currentVersion;
  document.getElementById('events').textContent = model.eventsTrained.toLocaleString();
  document.getElementById('rate').textContent = last >= 0 && model.eventsPerSecond[last] !== null
    ? Math.round(model.eventsPerSecond[last]).toLocaleString() : '–';
  document.getElementById('macro-f1').textContent = last >= 0 && model.macroF1[last] !== null
    ? model.macroF1[last].toFixed(3) : '–';
  document.getElementById('alert-count').textContent = model.alertCount.toLocaleString();
  showLabelJoin(model.labelJoin, last);

  const alerts = series.alerts.filter(a => a.model === model.model);
  alertTimes = alerts.map(a => a.time);
  const list = document.getElementById('alert-list');
  list.replaceChildren(...(alerts.length === 0
    ? [Object.assign(document.createElement('li'), { className: 'none', textContent: 'none yet' })]
    : alerts.slice().reverse().map(a => Object.assign(document.createElement('li'),
        { textContent: clock(a.time) + '  ' + a.message }))));

  show(charts.prevalence, labelDatasets(model, 'prevalence', true));
  show(charts.weight, labelDatasets(model, 'posWeight', true));
  show(charts.recall, labelDatasets(model, 'recall', false));
  show(charts.macro, [
    { label: 'macro-F1', data: points(model.time, model.macroF1, false), borderColor: '#1d2433', backgroundColor: '#1d2433' },
    { label: 'model version', data: points(model.time, model.version, false), yAxisID: 'version', stepped: true,
      borderColor: '#17becf', backgroundColor: '#17becf' }
  ]);
  document.body.dataset.updates = Number(document.body.dataset.updates || 0) + 1;
}

async function refresh() {
  try {
    const response = await fetch('api/series', { cache: 'no-store' });
    if (response.ok) {
      render(await response.json());
    }
  } catch (e) {
    console.warn('Ballast dashboard: refresh failed', e);
  }
}

async function poll() {
  await refresh();
  setTimeout(poll, POLL_MS);
}

document.getElementById('model').addEventListener('change', refresh);
poll();
