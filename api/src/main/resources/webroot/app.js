// The dashboard: a hash-routed single page over the REST API and its server-sent event streams.
import { ApiError, authHeaders, errorOf, forgetToken, get, onUnauthorized, post, storeToken, storedToken, whoami } from './api.js';
import { followEvents } from './sse.js';
import * as charts from './charts.js';
import { bestTrial, fmt, importance, metricDirection, metricMeans } from './stats.js';

const METRICS = [
  'throughput_rps', 'throughput_tokens_per_s', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms',
  'ttft_p95_ms', 'itl_p95_ms', 'error_rate', 'cache_hit_rate', 'memory_mb', 'cpu_utilization', 'accuracy',
];
const STRATEGIES = ['random', 'grid', 'sobol', 'bayesian', 'genetic', 'nsga2'];
const STATUSES = ['completed', 'infeasible', 'pruned', 'failed', 'aborted', 'running'];

const main = document.getElementById('main');

/** What the current page must undo when another is shown: streams, timers. */
let cleanups = [];
function onLeave(fn) {
  cleanups.push(fn);
}

export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

function statusBadge(status) {
  return `<span class="badge status-${esc(status)}">${esc(status)}</span>`;
}

function progressBar(done, max) {
  const pct = max > 0 ? Math.min(100, Math.round((100 * done) / max)) : 0;
  return `<div class="progress" title="${done} of ${max} trials"><div class="bar" style="width:${pct}%"></div><span>${done}/${max}</span></div>`;
}

function notice(message, kind = 'error') {
  const box = document.getElementById('notice');
  box.className = 'notice ' + kind;
  box.textContent = message;
  box.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => (box.hidden = true), kind === 'error' ? 10000 : 4000);
}

function errorText(e) {
  return e instanceof ApiError ? e.message + (e.field ? ' (field: ' + e.field + ')' : '') : String(e);
}

// ------------------------------------------------------------------------------------ sign-in

/** Who the token is ({name, role, enforced}); null until known or when the service cannot say. */
let identity = null;

/** Whether the sign-in panel is shown: pages wait until the user has signed in. */
let signingIn = false;

/** Whether the caller may change things; an unknown identity is left to the service to refuse. */
function isViewer() {
  return identity !== null && identity.role === 'viewer';
}

/** Attributes that disable an operator-only control for a viewer, saying why. */
function operatorOnly(what) {
  if (!isViewer()) return '';
  return `disabled title="${esc(`Only an operator can ${what}: the token '${identity.name}' has the viewer role.`)}"`;
}

function renderIdentity() {
  const box = document.getElementById('identity');
  const signedIn = identity !== null && identity.enforced && storedToken() !== null;
  box.hidden = !signedIn;
  if (signedIn) {
    document.getElementById('identity-name').textContent = `${identity.name} (${identity.role})`;
  }
}

/** Replaces the page with the sign-in panel; why: the 401 that asked for it, or null (signed out). */
function showSignIn(why) {
  if (signingIn) return;
  signingIn = true;
  cleanups.forEach((fn) => fn());
  cleanups = [];
  const refused = why !== null && storedToken() !== null;
  forgetToken();
  identity = null;
  renderIdentity();
  main.innerHTML = `
    <section id="sign-in" class="sign-in">
      <h2>Sign in</h2>
      ${refused ? `<p class="error" id="sign-in-refused">The token you signed in with was refused (revoked or mistyped): ${esc(why.message)}. Sign in again.</p>` : ''}
      <p>This service needs an API token. Ask its operator for one, or create one where it runs:
        <code>./infertune token create --role viewer</code> (or <code>operator</code> to change things).</p>
      <form id="sign-in-form" novalidate>
        <label>API token <input name="token" type="password" autocomplete="off" spellcheck="false" placeholder="itk_…" required></label>
        <button type="submit" class="primary">Sign in</button>
        <span class="form-error error" role="alert"></span>
      </form>
      <p class="muted small">Kept in this tab only (sessionStorage) until you sign out or close it.</p>
    </section>`;
  const form = document.getElementById('sign-in-form');
  const input = form.elements.token;
  input.focus();
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const error = form.querySelector('.form-error');
    const token = input.value.trim();
    if (!token) {
      error.textContent = 'enter the token';
      return;
    }
    error.textContent = '';
    storeToken(token);
    try {
      identity = await whoami();
    } catch (e) {
      forgetToken();
      error.textContent = e instanceof ApiError && e.status === 401 ? 'This token is not valid: ' + e.message : errorText(e);
      input.select();
      return;
    }
    signingIn = false;
    renderIdentity();
    route();
  };
}

onUnauthorized((error) => showSignIn(error));

document.getElementById('sign-out').onclick = () => {
  forgetToken();
  showSignIn(null);
};

/** Downloads an export with the token: a plain link cannot send the Authorization header. */
async function downloadWithToken(link) {
  const response = await fetch(link.href, { headers: authHeaders() });
  if (!response.ok) throw await errorOf(response);
  const disposition = response.headers.get('content-disposition') || '';
  const name = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || 'export';
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000); // long enough for the download to start
}

document.addEventListener('click', (ev) => {
  const link = ev.target.closest && ev.target.closest('a.export');
  if (!link || storedToken() === null) return;
  ev.preventDefault();
  downloadWithToken(link).catch((e) => notice(errorText(e)));
});

// ------------------------------------------------------------------------------------ routing

const routes = [
  [/^#?\/?$/, campaignsPage],
  [/^#\/campaigns\/([^/]+)$/, campaignPage],
  [/^#\/runtimes$/, runtimesPage],
  [/^#\/schedules$/, schedulesPage],
  [/^#\/studies$/, studiesPage],
  [/^#\/studies\/([^/]+)$/, studyPage],
];

async function route() {
  // Until signed in, the sign-in panel stays; signing in shows the page the hash names.
  if (signingIn) return;
  cleanups.forEach((fn) => fn());
  cleanups = [];
  const hash = location.hash || '#/';
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', hash === a.getAttribute('href') || (a.getAttribute('href') !== '#/' && hash.startsWith(a.getAttribute('href'))) || (a.getAttribute('href') === '#/' && hash.startsWith('#/campaigns')));
  }
  for (const [pattern, page] of routes) {
    const m = hash.match(pattern);
    if (m) {
      main.innerHTML = '<p class="muted">Loading…</p>';
      try {
        await page(...m.slice(1).map(decodeURIComponent));
      } catch (e) {
        // A 401 has shown the sign-in panel instead.
        if (!signingIn) main.innerHTML = `<p class="error">${esc(errorText(e))}</p>`;
      }
      return;
    }
  }
  main.innerHTML = '<p class="error">No such page.</p>';
}

window.addEventListener('hashchange', route);
window.addEventListener('resize', () => charts.resizeAll(document.querySelectorAll('.chart')));

// ------------------------------------------------------------------------------------ campaigns

async function campaignsPage() {
  const runtimes = (await get('/api/v1/runtimes')).runtimes;
  main.innerHTML = `
    <section>
      <details id="new-campaign-panel" ${runtimes.length ? '' : 'hidden'}>
        <summary>Start a campaign</summary>
        <form id="new-campaign" novalidate></form>
      </details>
    </section>
    <section>
      <h2>Campaigns <span class="live" id="campaigns-live" hidden>live</span></h2>
      <div class="table-wrap"><table id="campaigns-table" class="data">
        <thead><tr><th>Name</th><th>Status</th><th>Progress</th><th>Best objective</th><th>Runtime</th>
        <th>Strategy</th><th>Started by</th><th>Created</th><th></th></tr></thead>
        <tbody></tbody></table></div>
      <p id="campaigns-empty" class="muted" hidden>No campaigns yet.</p>
      <p><button id="campaigns-older" type="button" hidden>Show older campaigns</button></p>
    </section>`;
  campaignForm(document.getElementById('new-campaign'), runtimes);
  const refresh = debounce(loadCampaigns, 500);
  await loadCampaigns();
  // Every campaign's events: the list reloads (at most twice a second) when one changes.
  const live = document.getElementById('campaigns-live');
  const on = {};
  for (const type of ['campaign-started', 'trial-started', 'trial-finished', 'campaign-finished', 'deployment']) {
    on[type] = refresh;
  }
  const stream = followEvents('/api/v1/events', {
    on,
    onOpen: () => (live.hidden = false),
    onDrop: () => (live.hidden = true),
    onFail: (e) => {
      live.hidden = true;
      if (e.status !== 401) notice('The live list stopped: ' + errorText(e));
    },
  });
  onLeave(() => stream.close());
}

function debounce(fn, ms) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      // A 401 shows the sign-in panel, which says it all.
      fn().catch((e) => e.status !== 401 && notice(errorText(e)));
    }, ms);
  };
}

/** How many campaigns the list shows (the newest); "Show older" adds a page, up to the API's 1000. */
let campaignsShown = 100;

async function loadCampaigns() {
  const { campaigns, nextBefore } = await get('/api/v1/campaigns?limit=' + campaignsShown);
  const body = document.querySelector('#campaigns-table tbody');
  if (!body) return;
  document.getElementById('campaigns-empty').hidden = campaigns.length > 0;
  const older = document.getElementById('campaigns-older');
  older.hidden = nextBefore === undefined || campaignsShown >= 1000;
  older.onclick = () => {
    campaignsShown = Math.min(1000, campaignsShown + 100);
    loadCampaigns().catch((e) => notice(errorText(e)));
  };
  body.innerHTML = campaigns
    .map((c) => {
      const p = c.progress;
      const best = c.bestTrial ? fmt(c.bestTrial.objectiveValue) : '–';
      return `<tr data-campaign-id="${esc(c.id)}" data-status="${esc(c.status)}">
        <td data-label="Name"><a href="#/campaigns/${encodeURIComponent(c.id)}">${esc(c.name)}</a></td>
        <td data-label="Status">${statusBadge(c.status)}</td>
        <td data-label="Progress" class="trials-finished" data-finished="${p.trialsFinished}">${progressBar(p.trialsFinished, p.maxTrials)}</td>
        <td data-label="Best">${best} <span class="muted">${esc(c.objective.metric)}</span></td>
        <td data-label="Runtime">${esc(c.runtime)}</td>
        <td data-label="Strategy">${esc(c.strategy)}</td>
        <td data-label="Started by">${esc(c.startedBy)}</td>
        <td data-label="Created">${when(c.createdAt)}</td>
        <td class="actions">${campaignActions(c)}</td></tr>`;
    })
    .join('');
  bindCampaignActions(body, loadCampaigns);
}

function campaignActions(c) {
  const id = esc(c.id);
  const buttons = [];
  if (c.progress.active || c.status === 'running' || c.status === 'pending') {
    buttons.push(`<button class="stop" data-id="${id}" ${operatorOnly('stop campaigns')}>Stop</button>`);
  }
  if (c.status === 'stopped' || c.status === 'failed') {
    buttons.push(`<button class="resume" data-id="${id}" ${operatorOnly('resume campaigns')}>Resume</button>`);
  }
  return buttons.join(' ');
}

function bindCampaignActions(container, reload) {
  for (const b of container.querySelectorAll('button.stop')) {
    b.onclick = async () => {
      b.disabled = true;
      try {
        await post('/api/v1/campaigns/' + encodeURIComponent(b.dataset.id) + '/stop');
        notice('Stopping: the trial in progress is aborted and the original configuration restored.', 'ok');
        await reload();
      } catch (e) {
        notice(errorText(e));
        b.disabled = false;
      }
    };
  }
  for (const b of container.querySelectorAll('button.resume')) {
    b.onclick = async () => {
      b.disabled = true;
      try {
        await post('/api/v1/campaigns/' + encodeURIComponent(b.dataset.id) + '/resume');
        notice('Resumed.', 'ok');
        await reload();
      } catch (e) {
        // A service without the resume endpoint answers 404 "no route": say so plainly.
        notice(e instanceof ApiError && e.status === 404 && /no route/.test(e.message) ? 'This service cannot resume campaigns.' : errorText(e));
        b.disabled = false;
      }
    };
  }
}

/** The start form: runtime, knobs and their ranges, objective, constraints, strategy, budget. */
function campaignForm(form, runtimes) {
  form.innerHTML = `
    <div class="grid">
      <label>Runtime <select name="runtime">${runtimes.map((r) => `<option value="${esc(r.id)}">${esc(r.id)} (${esc(r.kind)})</option>`).join('')}</select></label>
      <label>Name <input name="name" placeholder="campaign on …"></label>
      <label>Objective <select name="objectiveMetric">${METRICS.map((m) => `<option>${m}</option>`).join('')}</select></label>
      <label>Direction <select name="objectiveDirection"><option>maximize</option><option>minimize</option></select></label>
      <label>Strategy <select name="strategy">${STRATEGIES.map((s) => `<option ${s === 'random' ? 'selected' : ''}>${s}</option>`).join('')}</select></label>
      <label>Seed <input name="seed" type="number" value="0" step="1"></label>
      <label>Max trials <input name="maxTrials" type="number" value="20" min="1" step="1"></label>
      <label>Max duration (s) <input name="maxDurationSeconds" type="number" value="600" min="1"></label>
      <label>Warm-up max (s) <input name="warmupSeconds" type="number" value="3" min="0" step="any"></label>
      <label>Window max (s) <input name="windowSeconds" type="number" value="10" min="0.1" step="any"></label>
      <label>A/B rounds per arm <input name="roundsPerArm" type="number" value="5" min="2" step="1"></label>
      <label>Watch after a push (s) <input name="watchSeconds" type="number" value="60" min="0" step="any"></label>
    </div>
    <fieldset><legend>Knobs to tune</legend><div class="table-wrap"><table class="data knobs"><thead><tr><th>Tune</th><th>Knob</th><th>Type</th><th>Range or values</th></tr></thead><tbody></tbody></table></div></fieldset>
    <fieldset><legend>Constraints</legend><div class="constraints"></div><button type="button" class="add-constraint">Add constraint</button></fieldset>
    <div class="form-actions"><button type="submit" class="primary" ${operatorOnly('start campaigns')}>Start campaign</button> <span class="form-error error" role="alert"></span></div>`;
  const runtimeSelect = form.elements.runtime;
  const knobBody = form.querySelector('table.knobs tbody');
  const showKnobs = () => {
    const r = runtimes.find((x) => x.id === runtimeSelect.value);
    knobBody.innerHTML = r.knobs
      .map((k, i) => {
        const range =
          k.type === 'int' || k.type === 'float'
            ? `<input name="min-${i}" type="number" step="any" value="${k.min}" aria-label="${esc(k.name)} min"> – <input name="max-${i}" type="number" step="any" value="${k.max}" aria-label="${esc(k.name)} max">${k.log ? ' <span class="muted">log</span>' : ''}`
            : `<input name="values-${i}" value="${esc(k.values.join(', '))}" aria-label="${esc(k.name)} values" size="30">`;
        return `<tr data-knob="${esc(k.name)}"><td><input type="checkbox" name="tune-${i}" checked></td><td>${esc(k.name)}${k.when ? ` <span class="muted">when ${esc(k.when.parent)} ∈ ${esc(k.when.values.join(', '))}</span>` : ''}</td><td>${esc(k.type)}</td><td>${range} <span class="muted">default ${esc(r.defaults[k.name])}</span></td></tr>`;
      })
      .join('');
  };
  runtimeSelect.onchange = showKnobs;
  showKnobs();
  const constraints = form.querySelector('.constraints');
  form.querySelector('.add-constraint').onclick = () => addConstraintRow(constraints);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const error = form.querySelector('.form-error');
    error.textContent = '';
    form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
    let body;
    try {
      body = campaignRequest(form, runtimes.find((x) => x.id === runtimeSelect.value));
    } catch (e) {
      error.textContent = e.message;
      return;
    }
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const c = await post('/api/v1/campaigns', body);
      notice('Campaign ' + c.spec.name + ' started.', 'ok');
      form.closest('details').open = false;
      await loadCampaigns();
    } catch (e) {
      error.textContent = errorText(e);
    } finally {
      submit.disabled = false;
    }
  };
}

function addConstraintRow(container) {
  const row = document.createElement('div');
  row.className = 'constraint';
  row.innerHTML = `<select name="c-metric">${METRICS.map((m) => `<option>${m}</option>`).join('')}</select>
    <input name="c-min" type="number" step="any" placeholder="min"> <input name="c-max" type="number" step="any" placeholder="max">
    <button type="button" class="remove">✕</button>`;
  row.querySelector('.remove').onclick = () => row.remove();
  container.appendChild(row);
}

function number(input, label) {
  const v = input.value.trim();
  if (v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    input.classList.add('invalid');
    throw new Error(label + ' must be a number');
  }
  return n;
}

/** The POST /api/v1/campaigns body from the form; the service validates it again. */
function campaignRequest(form, runtime) {
  const f = form.elements;
  const parameters = [];
  runtime.knobs.forEach((k, i) => {
    if (!f['tune-' + i].checked) return;
    const p = { name: k.name, type: k.type };
    if (k.type === 'int' || k.type === 'float') {
      p.min = number(f['min-' + i], k.name + ' min');
      p.max = number(f['max-' + i], k.name + ' max');
      if (k.log) p.log = true;
      if (k.step && k.step > 1) p.step = k.step;
    } else {
      const raw = f['values-' + i].value.split(',').map((s) => s.trim()).filter((s) => s !== '');
      // Values keep the knob's own types: numbers stay numbers where the runtime's are numbers.
      p.values = raw.map((s) => {
        const original = k.values.find((v) => String(v) === s);
        if (original !== undefined) return original;
        return typeof k.values[0] === 'number' && Number.isFinite(Number(s)) ? Number(s) : s;
      });
    }
    if (k.when) p.when = k.when;
    parameters.push(p);
  });
  if (parameters.length === 0) throw new Error('choose at least one knob to tune');
  const constraints = [...form.querySelectorAll('.constraint')].map((row) => {
    const c = { metric: row.querySelector('[name=c-metric]').value };
    const min = number(row.querySelector('[name=c-min]'), 'constraint min');
    const max = number(row.querySelector('[name=c-max]'), 'constraint max');
    if (min !== undefined) c.min = min;
    if (max !== undefined) c.max = max;
    return c;
  });
  const body = {
    runtime: runtime.id,
    parameters,
    objective: { metric: f.objectiveMetric.value, direction: f.objectiveDirection.value },
    constraints,
    strategy: { type: f.strategy.value, seed: number(f.seed, 'seed') ?? 0 },
    budget: { maxTrials: number(f.maxTrials, 'max trials'), maxDurationSeconds: number(f.maxDurationSeconds, 'max duration') },
    measurement: { warmupSeconds: number(f.warmupSeconds, 'warm-up'), windowSeconds: number(f.windowSeconds, 'window') },
    promotion: { roundsPerArm: number(f.roundsPerArm, 'rounds per arm'), watchSeconds: number(f.watchSeconds, 'watch') },
  };
  if (f.name.value.trim()) body.name = f.name.value.trim();
  return body;
}

// ------------------------------------------------------------------------------------ one campaign

async function campaignPage(id) {
  const state = { campaign: null, trials: new Map(), selected: null, sort: { key: 'number', asc: true }, ended: false };
  main.innerHTML = `
    <section class="campaign-head" id="campaign-head"></section>
    <section class="charts">
      <div class="chart" id="chart-convergence"></div>
      <div class="chart" id="chart-parallel"></div>
      <div class="chart-box"><label class="chart-option">x axis <select id="pareto-metric"></select></label><div class="chart" id="chart-pareto"></div></div>
      <div class="chart-box"><div class="chart" id="chart-importance"></div><p class="muted small">Share of the objective's variance that each knob's value alone explains (ε², η² adjusted for the number of groups; numeric knobs in 4 equal-count bins). Ignores interactions; noisy with few trials.</p></div>
    </section>
    <section><h2>Default vs best</h2><div id="comparison" class="table-wrap"></div></section>
    <section>
      <h2>Trials <span class="muted" id="trial-count"></span></h2>
      <div class="filters"><input id="trial-filter" type="search" placeholder="filter: knob value, reason…">
        <select id="status-filter"><option value="">all statuses</option>${STATUSES.map((s) => `<option>${s}</option>`).join('')}</select></div>
      <div class="table-wrap"><table id="trials-table" class="data sortable"><thead></thead><tbody></tbody></table></div>
    </section>
    <section id="trial-detail" hidden></section>`;
  const redraw = debounce(async () => render(state), 250);
  document.getElementById('trial-filter').oninput = () => renderTable(state);
  document.getElementById('status-filter').onchange = () => renderTable(state);
  document.getElementById('pareto-metric').onchange = () => renderCharts(state);

  await new Promise((resolve, reject) => {
    let first = true;
    const on = {};
    on['snapshot'] = (e) => {
      const data = JSON.parse(e.data);
      state.campaign = data.campaign;
      state.trials = new Map(data.trials.map((t) => [t.id, t]));
      if (first) {
        first = false;
        render(state);
        resolve();
      } else {
        redraw();
      }
    };
    const upsert = (e) => {
      const t = JSON.parse(e.data).trial;
      state.trials.set(t.id, t);
      redraw();
    };
    on['trial-started'] = upsert;
    on['trial-finished'] = upsert;
    on['deployment'] = () => redraw();
    on['campaign-finished'] = async () => {
      // The stream ends here; the campaign's final record (message, best) comes from the API.
      stream.close();
      state.ended = true;
      try {
        state.campaign = await get('/api/v1/campaigns/' + encodeURIComponent(id));
        const { trials } = await get('/api/v1/campaigns/' + encodeURIComponent(id) + '/trials');
        state.trials = new Map(trials.map((t) => [t.id, t]));
      } catch (err) {
        notice(errorText(err));
      }
      render(state);
    };
    const stream = followEvents('/api/v1/campaigns/' + encodeURIComponent(id) + '/events', {
      on,
      onDrop: () => {
        // Before the first snapshot a drop means the stream cannot be opened at all.
        if (first) {
          stream.close();
          reject(new Error('the live stream could not be opened'));
        }
      },
      // 404 (no such campaign) or 403: the service's own words; a 401 has shown the sign-in.
      onFail: (e) => {
        if (first) reject(e);
        else if (e.status !== 401) notice('The live view stopped: ' + errorText(e));
      },
    });
    onLeave(() => stream.close());
  });
}

function render(state) {
  renderHead(state);
  renderCharts(state);
  renderComparison(state);
  renderTable(state);
  renderDetail(state);
}

function trialsOf(state) {
  return [...state.trials.values()].sort((a, b) => a.number - b.number);
}

function renderHead(state) {
  const c = state.campaign;
  const trials = trialsOf(state);
  const finished = trials.filter((t) => t.status !== 'running').length;
  const running = !state.ended && (c.progress.active || c.status === 'running' || c.status === 'pending');
  const head = document.getElementById('campaign-head');
  if (!head) return;
  const obj = c.spec.objective;
  const best = bestTrial(trials, obj.direction);
  head.innerHTML = `
    <h2>${esc(c.spec.name)} ${statusBadge(running && c.status === 'pending' ? 'running' : c.status)} ${running ? '<span class="live">live</span>' : ''}</h2>
    <div class="facts">
      <span>runtime <b>${esc(c.spec.runtime)}</b></span><span>strategy <b>${esc(c.spec.strategy.type)}</b> (seed ${esc(c.spec.strategy.seed)})</span>
      <span>objective <b>${esc(obj.direction)} ${esc(obj.metric)}</b></span>
      <span>constraints <b>${c.spec.constraints.length ? c.spec.constraints.map((k) => esc(k.metric) + (k.min !== undefined ? ' ≥ ' + k.min : '') + (k.max !== undefined ? ' ≤ ' + k.max : '')).join(', ') : 'none'}</b></span>
      <span>started by <b>${esc(c.startedBy)}</b> ${when(c.createdAt)}</span>
      <span>best <b id="best-value">${best ? fmt(best.objectiveValue) : '–'}</b></span>
    </div>
    ${progressBar(finished, c.spec.budget.maxTrials)}
    ${c.message ? `<p class="message">${esc(c.message)}</p>` : ''}
    <div class="actions">${campaignActions({ ...c, progress: { ...c.progress, active: running } })}
      <a class="button export" href="/api/v1/campaigns/${encodeURIComponent(c.id)}/export?format=csv" download>Export CSV</a>
      <a class="button export" href="/api/v1/campaigns/${encodeURIComponent(c.id)}/export?format=json" download>Export JSON</a></div>`;
  // After a stop or a resume the page starts afresh: a resumed campaign has a new stream to follow.
  bindCampaignActions(head, async () => route());
}

function renderCharts(state) {
  const c = state.campaign;
  const trials = trialsOf(state);
  const obj = c.spec.objective;
  const convergence = document.getElementById('chart-convergence');
  if (!convergence) return;
  charts.convergence(convergence, trials, obj);
  charts.parallel(document.getElementById('chart-parallel'), trials, c.spec.parameters, obj);
  const select = document.getElementById('pareto-metric');
  const measured = new Set(trials.flatMap((t) => Object.keys(metricMeans(t))));
  const others = METRICS.filter((m) => m !== obj.metric && measured.has(m));
  if (select.options.length !== others.length) {
    const keep = select.value;
    const preferred = others.includes(keep) ? keep : others.includes('latency_p95_ms') ? 'latency_p95_ms' : others.includes('throughput_rps') ? 'throughput_rps' : others[0];
    select.innerHTML = others.map((m) => `<option ${m === preferred ? 'selected' : ''}>${m}</option>`).join('');
  }
  if (select.value) {
    charts.pareto(
      document.getElementById('chart-pareto'),
      charts.campaignTradeOffPoints(trials, obj.metric, select.value),
      { metric: select.value, direction: metricDirection(select.value) },
      { metric: obj.metric, direction: obj.direction },
    );
  }
  charts.importanceBars(document.getElementById('chart-importance'), importance(trials, c.spec.parameters.map((p) => p.name)));
}

function renderComparison(state) {
  const box = document.getElementById('comparison');
  if (!box) return;
  const trials = trialsOf(state);
  const baseline = trials.find((t) => t.baseline && t.measurement);
  const best = bestTrial(trials, state.campaign.spec.objective.direction);
  if (!baseline || !best) {
    box.innerHTML = '<p class="muted">Needs the baseline and a feasible trial.</p>';
    return;
  }
  const a = metricMeans(baseline);
  const b = metricMeans(best);
  const knobs = [...new Set([...Object.keys(baseline.configuration), ...Object.keys(best.configuration)])];
  const metrics = METRICS.filter((m) => m in a || m in b);
  box.innerHTML = `<table class="data comparison"><thead><tr><th></th><th>default (trial ${baseline.number + 1})</th><th>best (trial ${best.number + 1})</th><th>best / default</th></tr></thead><tbody>
    ${knobs.map((k) => `<tr class="${baseline.configuration[k] !== best.configuration[k] ? 'changed' : ''}"><th>${esc(k)}</th><td>${esc(baseline.configuration[k])}</td><td>${esc(best.configuration[k])}</td><td></td></tr>`).join('')}
    ${metrics.map((m) => `<tr><th>${esc(m)}</th><td>${fmt(a[m])}</td><td>${fmt(b[m])}</td><td>${a[m] ? fmt(b[m] / a[m]) + '×' : '–'}</td></tr>`).join('')}
    </tbody></table>`;
}

const TABLE_METRICS = ['throughput_rps', 'latency_p95_ms', 'accuracy', 'cache_hit_rate'];

function renderTable(state) {
  const table = document.getElementById('trials-table');
  if (!table) return;
  const c = state.campaign;
  const knobs = c.spec.parameters.map((p) => p.name);
  const columns = [
    { key: 'number', label: '#', value: (t) => t.number + 1 },
    { key: 'status', label: 'status', value: (t) => t.status },
    { key: 'objective', label: c.spec.objective.metric + ' (objective)', value: (t) => t.objectiveValue },
    ...knobs.map((k) => ({ key: 'knob:' + k, label: k, value: (t) => t.configuration[k] })),
    ...TABLE_METRICS.filter((m) => m !== c.spec.objective.metric).map((m) => ({ key: 'metric:' + m, label: m, value: (t) => metricMeans(t)[m] })),
    { key: 'window', label: 'window s', value: (t) => (t.measurement ? t.measurement.windowSeconds : undefined) },
    { key: 'reason', label: 'reason', value: (t) => t.reason || (t.baseline ? 'baseline' : '') },
  ];
  const { key, asc } = state.sort;
  table.querySelector('thead').innerHTML = '<tr>' + columns.map((col) => `<th data-key="${esc(col.key)}" class="${col.key === key ? (asc ? 'asc' : 'desc') : ''}">${esc(col.label)}</th>`).join('') + '</tr>';
  for (const th of table.querySelectorAll('thead th')) {
    th.onclick = () => {
      state.sort = { key: th.dataset.key, asc: state.sort.key === th.dataset.key ? !state.sort.asc : true };
      renderTable(state);
    };
  }
  const text = document.getElementById('trial-filter').value.trim().toLowerCase();
  const status = document.getElementById('status-filter').value;
  const sortColumn = columns.find((col) => col.key === key) || columns[0];
  const all = trialsOf(state);
  const rows = all
    .filter((t) => !status || t.status === status)
    .filter((t) => !text || JSON.stringify([t.configuration, t.reason, t.status, t.number + 1]).toLowerCase().includes(text))
    .sort((a, b) => {
      const x = sortColumn.value(a);
      const y = sortColumn.value(b);
      const order = x === undefined || x === null ? 1 : y === undefined || y === null ? -1 : typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return asc ? order : -order;
    });
  document.getElementById('trial-count').textContent = rows.length === all.length ? `(${all.length})` : `(${rows.length} of ${all.length})`;
  table.querySelector('tbody').innerHTML = rows
    .map((t) => `<tr data-trial-id="${esc(t.id)}" data-status="${esc(t.status)}" class="${state.selected === t.id ? 'selected' : ''}">${columns.map((col) => `<td data-label="${esc(col.label)}">${col.key === 'status' ? statusBadge(t.status) : esc(fmt(col.value(t)))}</td>`).join('')}</tr>`)
    .join('');
  for (const tr of table.querySelectorAll('tbody tr')) {
    tr.onclick = () => {
      state.selected = tr.dataset.trialId;
      renderTable(state);
      renderDetail(state);
      document.getElementById('trial-detail').scrollIntoView({ block: 'start' });
    };
  }
}

function renderDetail(state) {
  const box = document.getElementById('trial-detail');
  if (!box) return;
  const t = state.selected && state.trials.get(state.selected);
  if (!t) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const m = t.measurement;
  const report = m && m.report;
  const ci = (s) => (s.ci ? `[${fmt(s.ci.low)}, ${fmt(s.ci.high)}] at ${Math.round(100 * s.ci.level)} %` : '–');
  box.innerHTML = `
    <h2>Trial ${t.number + 1} ${statusBadge(t.status)} <button class="close" aria-label="close">✕</button></h2>
    ${t.reason ? `<p class="message">${esc(t.reason)}</p>` : ''}
    <div class="facts"><span>started ${when(t.startedAt)}</span><span>finished ${when(t.finishedAt)}</span>
      ${m ? `<span>window <b>${fmt(m.windowSeconds)} s</b></span>` : ''}
      ${report ? `<span>warm-up <b>${fmt(report.warmupSeconds)} s</b> (${report.warmupSettled ? 'settled' : 'not settled'})</span><span>window ended: <b>${esc(report.end)}</b></span>` : ''}
      ${report && report.ci ? `<span>${esc(report.metric)} ${Math.round(100 * report.ci.level)} % CI <b>[${fmt(report.ci.low)}, ${fmt(report.ci.high)}]</b></span>` : ''}</div>
    <h3>Configuration</h3>
    <div class="table-wrap"><table class="data"><tbody>${Object.entries(t.configuration).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table></div>
    ${m ? `<h3>Metric summaries</h3><div class="table-wrap"><table class="data metrics"><thead><tr><th>metric</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>samples</th><th>confidence interval</th></tr></thead><tbody>
      ${Object.entries(m.metrics).map(([k, s]) => `<tr><th>${esc(k)}</th><td>${fmt(s.mean)}</td><td>${fmt(s.p50)}</td><td>${fmt(s.p95)}</td><td>${fmt(s.p99)}</td><td>${s.count}</td><td>${ci(s)}</td></tr>`).join('')}
      </tbody></table></div>` : '<p class="muted">No measurement.</p>'}`;
  box.querySelector('button.close').onclick = () => {
    state.selected = null;
    renderTable(state);
    renderDetail(state);
  };
}

// ------------------------------------------------------------------------------------ runtimes

async function runtimesPage() {
  const { runtimes } = await get('/api/v1/runtimes');
  main.innerHTML = runtimes
    .map(
      (r, i) => `<section class="runtime" data-runtime="${esc(r.id)}">
      <h2>${esc(r.id)} <span class="muted">${esc(r.kind)}${r.liveReconfigurable ? ', reconfigured live' : ', restarted to reconfigure'}</span></h2>
      <div class="sparks"><div><span class="muted">requests/s</span> <b class="rps">–</b><div class="chart spark" id="spark-rps-${i}"></div></div>
        <div><span class="muted">mean latency ms</span> <b class="lat">–</b><div class="chart spark" id="spark-lat-${i}"></div></div></div>
      <h3>Knobs</h3>
      <div class="table-wrap"><table class="data"><thead><tr><th>knob</th><th>type</th><th>range or values</th><th>default</th><th>current</th></tr></thead><tbody>
      ${r.knobs.map((k) => `<tr class="${r.current[k.name] !== r.defaults[k.name] ? 'changed' : ''}"><th>${esc(k.name)}</th><td>${esc(k.type)}</td><td>${k.values ? esc(k.values.join(', ')) : esc(k.min + ' – ' + k.max + (k.log ? ' (log)' : ''))}</td><td>${esc(r.defaults[k.name])}</td><td>${esc(r.current[k.name])}</td></tr>`).join('')}
      </tbody></table></div>
      <h3>Deployments <button class="rollback" data-id="${esc(r.id)}" ${operatorOnly('roll back deployments')}>Roll back the latest</button></h3>
      <div class="deployments table-wrap"></div>
    </section>`,
    )
    .join('');
  for (const [i, r] of runtimes.entries()) {
    const section = main.querySelectorAll('section.runtime')[i];
    loadDeployments(section, r.id);
    section.querySelector('button.rollback').onclick = async () => {
      if (!confirm('Put back the configuration the latest deployment of ' + r.id + ' replaced?')) return;
      try {
        await post('/api/v1/runtimes/' + encodeURIComponent(r.id) + '/rollback', { reason: 'dashboard' });
        notice('Rolled back.', 'ok');
        route();
      } catch (e) {
        notice(errorText(e));
      }
    };
    liveMetrics(section, r.id, i);
  }
}

async function loadDeployments(section, id) {
  const box = section.querySelector('.deployments');
  try {
    const { deployments } = await get('/api/v1/runtimes/' + encodeURIComponent(id) + '/deployments');
    if (!deployments.length) {
      box.innerHTML = '<p class="muted">None yet.</p>';
      return;
    }
    const diff = (d) =>
      Object.keys(d.after)
        .filter((k) => JSON.stringify(d.before[k]) !== JSON.stringify(d.after[k]))
        .map((k) => `${esc(k)}: ${esc(d.before[k])} → <b>${esc(d.after[k])}</b>`)
        .join('<br>') || '<span class="muted">no change</span>';
    box.innerHTML = `<table class="data"><thead><tr><th>at</th><th>cause</th><th>before → after</th><th>evidence</th></tr></thead><tbody>
      ${deployments.map((d) => `<tr><td>${when(d.at)}</td><td>${d.campaignId ? `<a href="#/campaigns/${encodeURIComponent(d.campaignId)}">${esc(d.cause)}</a>` : esc(d.cause)}</td><td>${diff(d)}</td><td class="evidence">${esc(d.evidence)}</td></tr>`).join('')}
      </tbody></table>`;
  } catch (e) {
    box.innerHTML = `<p class="error">${esc(errorText(e))}</p>`;
  }
}

/** Polls the runtime's metric source every 5 s while the page is shown: rates from two samples. */
function liveMetrics(section, id, i) {
  const POINTS = 60;
  const rps = [];
  const lat = [];
  let previous = null;
  const tick = async () => {
    if (document.hidden) return;
    try {
      const s = await get('/api/v1/runtimes/' + encodeURIComponent(id) + '/metrics');
      if (previous) {
        const dt = s.seconds - previous.seconds;
        const dn = (s.counters.requests ?? 0) - (previous.counters.requests ?? 0);
        const h = s.histograms.request_latency_seconds;
        const ph = previous.histograms.request_latency_seconds;
        if (dt > 0) {
          rps.push([s.seconds, dn / dt]);
          section.querySelector('.rps').textContent = fmt(dn / dt);
        }
        if (h && ph && h.count > ph.count) {
          const ms = (1000 * (h.sum - ph.sum)) / (h.count - ph.count);
          lat.push([s.seconds, ms]);
          section.querySelector('.lat').textContent = fmt(ms);
        }
        while (rps.length > POINTS) rps.shift();
        while (lat.length > POINTS) lat.shift();
        charts.sparkline(document.getElementById('spark-rps-' + i), rps, 'requests/s');
        charts.sparkline(document.getElementById('spark-lat-' + i), lat, 'ms');
      }
      previous = s;
    } catch (e) {
      section.querySelector('.rps').textContent = 'unavailable';
    }
  };
  tick();
  const timer = setInterval(tick, 5000);
  onLeave(() => clearInterval(timer));
}

// ------------------------------------------------------------------------------------ schedules

async function schedulesPage() {
  const { schedules } = await get('/api/v1/schedules');
  main.innerHTML = `<section><h2>Schedules</h2>${
    schedules.length
      ? `<div class="table-wrap"><table class="data" id="schedules-table"><thead><tr><th>name</th><th>cron</th><th>zone</th><th>enabled</th><th>warm start</th><th>next run</th><th>last run</th><th>last campaign</th><th>last error</th></tr></thead><tbody>
      ${schedules.map((s) => `<tr><td data-label="name">${esc(s.name)}</td><td data-label="cron"><code>${esc(s.cron)}</code></td><td data-label="zone">${esc(s.zone)}</td><td data-label="enabled">${s.enabled ? 'yes' : 'no'}</td><td data-label="warm start">${s.warmStart ? 'yes' : 'no'}</td><td data-label="next run">${when(s.nextRunAt)}</td><td data-label="last run">${when(s.lastRunAt)}</td><td data-label="last campaign">${s.lastCampaignId ? `<a href="#/campaigns/${encodeURIComponent(s.lastCampaignId)}">open</a>` : '–'}</td><td data-label="last error" class="error">${esc(s.lastError || '')}</td></tr>`).join('')}
      </tbody></table></div>`
      : '<p class="muted">No schedules. Create one with <code>POST /api/v1/schedules</code>.</p>'
  }</section>`;
}

// ------------------------------------------------------------------------------------ studies

async function studiesPage() {
  const { studies } = await get('/api/v1/studies');
  main.innerHTML = `<section><h2>Studies (ask/tell)</h2>${
    studies.length
      ? `<div class="table-wrap"><table class="data" id="studies-table"><thead><tr><th>name</th><th>objectives</th><th>strategy</th><th>trials</th><th>created</th></tr></thead><tbody>
      ${studies.map((s) => `<tr><td data-label="name"><a href="#/studies/${encodeURIComponent(s.id)}">${esc(s.name)}</a></td><td data-label="objectives">${s.objectives.map((o) => esc(o.direction + ' ' + o.name)).join(', ')}</td><td data-label="strategy">${esc(s.strategy.type)}</td><td data-label="trials">${progressBar(s.progress.trials - (s.progress.running || 0), s.expectedTrials)}</td><td data-label="created">${when(s.createdAt)}</td></tr>`).join('')}
      </tbody></table></div>`
      : '<p class="muted">No studies. Create one with <code>POST /api/v1/studies</code>.</p>'
  }</section>`;
}

async function studyPage(id) {
  const study = await get('/api/v1/studies/' + encodeURIComponent(id));
  const { trials } = await get('/api/v1/studies/' + encodeURIComponent(id) + '/trials');
  const objectives = study.objectives;
  // Studies report values rather than measurements: shape them like campaign trials for the charts.
  const shaped = trials.map((t) => ({
    id: t.id,
    number: t.number,
    status: t.status,
    configuration: t.parameters,
    objectiveValue: t.values ? t.values[objectives[0].name] : undefined,
    measurement: t.values ? { metrics: Object.fromEntries(Object.entries({ ...t.values, ...(t.metrics || {}) }).map(([k, v]) => [k, { mean: v }])) } : null,
    reason: t.reason,
  }));
  main.innerHTML = `<section><h2>${esc(study.name)} <span class="muted">${esc(study.strategy.type)}, ${trials.length} trials</span></h2>
    <div class="charts"><div class="chart" id="chart-study"></div>${objectives.length > 1 ? '' : '<div class="chart" id="chart-study-importance"></div>'}</div>
    <div class="table-wrap"><table class="data" id="study-trials"><thead><tr><th>#</th><th>status</th>${study.parameters.map((p) => `<th>${esc(p.name)}</th>`).join('')}${objectives.map((o) => `<th>${esc(o.name)}</th>`).join('')}<th>reason</th></tr></thead><tbody>
    ${trials.map((t) => `<tr><td>${t.number + 1}</td><td>${statusBadge(t.status)}</td>${study.parameters.map((p) => `<td>${esc(t.parameters[p.name] ?? '')}</td>`).join('')}${objectives.map((o) => `<td>${fmt(t.values && t.values[o.name])}</td>`).join('')}<td>${esc(t.reason || '')}</td></tr>`).join('')}
    </tbody></table></div></section>`;
  const chart = document.getElementById('chart-study');
  if (objectives.length > 1) {
    const [x, y] = objectives;
    const points = trials
      .filter((t) => t.status === 'completed' && t.values)
      .map((t) => ({ id: t.id, x: t.values[x.name], y: t.values[y.name], label: 'trial ' + (t.number + 1) }));
    charts.pareto(chart, points, { metric: x.name, direction: x.direction }, { metric: y.name, direction: y.direction });
  } else {
    const objective = { metric: objectives[0].name, direction: objectives[0].direction };
    charts.convergence(chart, shaped, objective);
    charts.importanceBars(document.getElementById('chart-study-importance'), importance(shaped, study.parameters.map((p) => p.name)));
  }
}

/** Asks who the token is first: an open API shows the pages, a secured one the sign-in panel. */
async function start() {
  try {
    identity = await whoami();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return; // the sign-in panel is shown
    identity = null; // cannot say (an older service): pages show what the API allows
  }
  renderIdentity();
  route();
}

start();
