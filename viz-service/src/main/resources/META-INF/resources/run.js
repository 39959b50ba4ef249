// The run page: the stain at a chosen epoch, class toggles, neuron details, and live updates while it trains.
const run = new URLSearchParams(location.search).get('run');
const api = 'api/runs/' + encodeURIComponent(run);
const state = { epochs: [], index: 0, hidden: new Set(), meta: null, timer: null, wanted: null, inflight: false, layerChosen: false };
const $ = (id) => document.getElementById(id);

function colour(c) {
  const p = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000', '#882255', '#44AA99'];
  return p[((c % p.length) + p.length) % p.length];
}

async function load() {
  const r = await fetch(api);
  if (!r.ok) {
    // a run just submitted is not stored yet: say so and look again
    $('title').textContent = run;
    $('status').textContent = (await r.json()).error + ' — waiting for it';
    setTimeout(load, 100);
    return;
  }
  $('status').textContent = '';
  state.meta = await r.json();
  $('title').textContent = state.meta.run_id + ' (' + state.meta.dataset + ')';
  showStatus(state.meta);
  state.meta.class_names.forEach((name, c) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox'; box.checked = true; box.dataset.class = c;
    box.addEventListener('change', () => { box.checked ? state.hidden.delete(c) : state.hidden.add(c); applyToggles(); });
    const swatch = document.createElement('span');
    swatch.className = 'swatch'; swatch.style.background = colour(c);
    label.append(box, swatch, document.createTextNode(name));
    $('classes').appendChild(label);
  });
  state.meta.layers.forEach((name, l) => {
    const o = document.createElement('option');
    o.value = name; o.textContent = name; // text, never markup
    if (l === 1) o.selected = true;
    $('layer').appendChild(o);
  });
  $('layer').addEventListener('change', () => { state.layerChosen = true; refreshImages(true); });
  listen();
  setEpochs(state.meta.analysed_epochs, true);
  // while a run trains, its first stains come first: the curves follow a moment later
  setTimeout(() => refreshImages(true), finished() ? 0 : 1500);
}

function setEpochs(epochs, jumpToEnd) {
  state.epochs = epochs;
  $('epoch').max = Math.max(0, epochs.length - 1);
  if (jumpToEnd) show(epochs.length - 1);
}

function show(i) {
  if (!state.epochs.length) { $('status').textContent = 'no analysed epoch yet'; return; }
  state.index = Math.max(0, Math.min(i, state.epochs.length - 1));
  $('epoch').value = state.index;
  state.wanted = state.epochs[state.index];
  if (!state.inflight) draw();
}

// One stain request at a time; while it runs, newer wishes replace each other and the latest is fetched next.
// (Dropping answers that a newer wish overtook starved the page while epochs came faster than stains.)
async function draw() {
  state.inflight = true;
  try {
    while (state.wanted !== null) {
      const e = state.wanted;
      state.wanted = null;
      const r = await fetch(api + '/stain.svg?epoch=E_' + e);
      if (!r.ok) { $('status').textContent = 'E_' + e + ': ' + (await r.json()).error; continue; }
      $('stain').innerHTML = await r.text(); // our own SVG; every label in it is escaped by the server
      $('stain').dataset.epoch = e;
      $('epoch-label').textContent = 'E_' + e;
      // when each epoch was first on screen: read by the freshness benchmark and the browser tests
      window.nnstainShown = window.nnstainShown || {};
      if (!(e in window.nnstainShown)) window.nnstainShown[e] = Date.now();
      applyToggles();
      wireNeurons();
    }
  } finally {
    state.inflight = false;
  }
}

function applyToggles() {
  document.querySelectorAll('#stain g.edges').forEach(g => g.classList.toggle('hidden-class', state.hidden.has(+g.dataset.class)));
  document.querySelectorAll('#stain g.neuron').forEach(g => {
    const classes = (g.dataset.classes || '').split(',').filter(x => x !== '').map(Number);
    g.classList.toggle('dimmed', classes.length > 0 && classes.every(c => state.hidden.has(c)));
  });
}

function wireNeurons() {
  document.querySelectorAll('#stain g.neuron').forEach(g => {
    g.style.cursor = g.dataset.signature ? 'pointer' : 'default';
    g.addEventListener('mouseenter', () => {
      const title = g.querySelector('title');
      $('info').textContent = title ? title.textContent : '';
      $('info').dataset.signature = g.dataset.signature || '';
    });
    if (g.dataset.signature) {
      g.addEventListener('click', () => window.open(traceUrl(g.dataset.signature), '_blank'));
    }
  });
}

function traceUrl(signature) {
  return state.meta.collector_url + '/runs/' + encodeURIComponent(run) + '/trace/' + signature;
}

let lastImages = 0;
function refreshImages(force) {
  // the curves and emergence are redrawn at most every few seconds: the stain comes first
  const t = Date.now();
  if (!force && t - lastImages < 3000) return;
  lastImages = t;
  $('curves').src = api + '/curves.svg?t=' + t;
  $('emergence').src = api + '/emergence.svg?t=' + t;
  // the heatmaps read every stored epoch: drawn once the run is analysed to the end, or when a layer is chosen,
  // not on every refresh while it trains (they competed with the stains for the two cores)
  if (state.layerChosen || finished()) {
    $('heatmaps').src = api + '/heatmaps.svg?layer=' + encodeURIComponent($('layer').value) + '&t=' + t;
  } else {
    $('heatmaps').alt = 'the heatmaps are drawn when the run is analysed to its last epoch, or when you choose a layer';
  }
}

// COMPLETED, DIVERGED, FAILED, ABANDONED … as text, with why; while the run goes on, asked again every 2 s
function showStatus(meta) {
  const line = $('run-status');
  line.textContent = meta.status + (meta.status_detail ? ' ' + meta.status_detail : '');
  line.className = 'run-status ' + meta.status.toLowerCase();
  if (meta.status === 'RUNNING') {
    setTimeout(async () => {
      const r = await fetch(api);
      if (r.ok) showStatus(await r.json());
    }, 2000);
  }
}

function finished() {
  const scanned = state.meta.scanned_epochs;
  return scanned.length > 0 && state.epochs.includes(scanned[scanned.length - 1]);
}

function listen() {
  const source = new EventSource(api + '/events');
  source.onmessage = (m) => {
    const a = JSON.parse(m.data);
    if (!state.epochs.includes(a.epoch)) {
      state.epochs.push(a.epoch);
      state.epochs.sort((x, y) => x - y);
      setEpochs(state.epochs, false);
    }
    $('status').textContent = 'live: E_' + a.epoch + ' analysed';
    if ($('follow').checked) show(state.epochs.indexOf(a.epoch));
    refreshImages(a.epoch === state.meta.scanned_epochs[state.meta.scanned_epochs.length - 1]);
  };
  source.onerror = () => { $('status').textContent = 'live updates paused (reconnecting)'; };
}

$('epoch').addEventListener('input', (ev) => { $('follow').checked = false; show(+ev.target.value); });
$('play').addEventListener('click', () => {
  if (state.timer) { clearInterval(state.timer); state.timer = null; $('play').textContent = '▶ play'; return; }
  $('follow').checked = false;
  $('play').textContent = '❚❚ pause';
  let i = state.index >= state.epochs.length - 1 ? 0 : state.index;
  state.timer = setInterval(() => {
    show(i);
    i += 1;
    if (i >= state.epochs.length) { clearInterval(state.timer); state.timer = null; $('play').textContent = '▶ play'; }
  }, 400);
});

load();
