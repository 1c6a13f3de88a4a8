// The playground: fills the model list from /api/v1/models, sends one generation with the pasted
// token and shows the images, fetched with the token (an <img src> could not send it) as blobs.
// No inline code, nothing from another origin: it runs under the page's strict CSP.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = 'imagegen.token';
  const WAIT_SECONDS = 25;            // Prefer: wait=N; a longer job answers 202 and is polled
  const POLL_MS = 1000;
  const JOB_DEADLINE_MS = 10 * 60 * 1000;
  let models = [];
  let objectUrls = [];
  let busy = false;

  function setStatus(state, text) {
    const s = $('status');
    s.dataset.state = state;
    s.textContent = text;
  }

  function option(value, text, selected) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    o.selected = !!selected;
    return o;
  }

  function priceText(m) {
    return Object.entries(m.credits).map(([res, n]) => `${res} ${n}`).join(' · ');
  }

  function fillModels(list) {
    models = list;
    const select = $('model');
    select.replaceChildren();
    for (const m of list) {
      const first = m.resolutions[0];
      const label = `${m.model} — ${m.requiredTier} · ${m.credits[first]} credits/image (${first})` +
        (m.available ? '' : ' — unavailable');
      select.append(option(m.model, label, m.model === 'nano-banana'));
    }
    modelChanged();
  }

  function modelChanged() {
    const m = models.find((x) => x.model === $('model').value);
    if (!m) return;
    const keep = (id, values, fallback) => {
      const select = $(id);
      const previous = select.value;
      select.replaceChildren(...values.map((v) => option(v, v, v === (values.includes(previous) ? previous : fallback))));
    };
    keep('aspectRatio', m.aspectRatios, m.aspectRatios.includes('1:1') ? '1:1' : m.aspectRatios[0]);
    keep('resolution', m.resolutions, m.resolutions[0]);
    const extras = [m.seed ? 'seed' : '', m.negativePrompt ? 'negative prompt' : ''].filter(Boolean);
    $('model-info').textContent = `${m.provider}, ${m.requiredTier} tier, credits per image: ${priceText(m)}` +
      (extras.length ? `; supports ${extras.join(', ')}` : '') + (m.available ? '' : '. Not available right now.');
  }

  async function loadModels() {
    try {
      const res = await fetch('/api/v1/models', { headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(`the model list answered ${res.status}`);
      fillModels((await res.json()).models);
    } catch (e) {
      setStatus('error', `Could not load the models: ${e.message}`);
    }
  }

  function authHeaders() {
    return { Authorization: `Bearer ${$('token').value.trim()}` };
  }

  // The API's error body is {"error": "...", ...}; anything else is shown by status.
  async function errorMessage(res) {
    try {
      const body = await res.json();
      if (body && typeof body.error === 'string') {
        return body.field && !body.error.includes(body.field) ? `${body.error} (${body.field})` : body.error;
      }
    } catch (_) { /* not JSON */ }
    return `The request failed with HTTP ${res.status}`;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // A 202 (the job outlived Prefer: wait) is followed on /api/v1/jobs/{id} until it is final.
  async function followJob(jobId, started) {
    for (;;) {
      if (Date.now() - started > JOB_DEADLINE_MS) throw new Error('The job did not finish in time');
      await sleep(POLL_MS);
      const res = await fetch(`/api/v1/jobs/${encodeURIComponent(jobId)}`, { headers: authHeaders() });
      if (!res.ok) throw new Error(await errorMessage(res));
      const job = await res.json();
      if (job.status === 'succeeded' || job.status === 'partial') return job;
      if (job.status !== 'queued' && job.status !== 'running') {
        throw new Error(job.error || `The job ended ${job.status}`);
      }
    }
  }

  function clearResults() {
    for (const u of objectUrls) URL.revokeObjectURL(u);
    objectUrls = [];
    $('results').replaceChildren();
  }

  async function showImage(result) {
    const url = result.url || `/api/v1/files/${result.filePath}`;
    const figure = document.createElement('figure');
    const img = document.createElement('img');
    img.alt = result.prompt || 'generated image';
    const caption = document.createElement('figcaption');
    caption.textContent = result.filePath;
    figure.append(img, caption);
    $('results').append(figure);
    const res = await fetch(url, { headers: authHeaders() });
    if (!res.ok) throw new Error(await errorMessage(res));
    const objectUrl = URL.createObjectURL(await res.blob());
    objectUrls.push(objectUrl);
    img.src = objectUrl;
  }

  async function generate(event) {
    event.preventDefault();
    if (busy) return;
    if (!$('token').value.trim()) { setStatus('error', 'Paste an API key first.'); return; }
    if (!$('prompt').value.trim()) { setStatus('error', 'Write a prompt first.'); return; }
    busy = true;
    $('generate').disabled = true;
    clearResults();
    const started = Date.now();
    setStatus('working', 'Generating…');
    // Shows the time waited so far, until the images are being loaded.
    const ticker = setInterval(() => {
      setStatus('working', `Generating… ${Math.round((Date.now() - started) / 1000)} s`);
    }, 1000);
    try {
      const body = {
        prompt: $('prompt').value,
        model: $('model').value || undefined,
        aspectRatio: $('aspectRatio').value || undefined,
        resolution: $('resolution').value || undefined,
        count: Number($('count').value),
      };
      const res = await fetch('/api/v1/generate-image', {
        method: 'POST',
        headers: {
          ...authHeaders(),
          'Content-Type': 'application/json',
          Prefer: `wait=${WAIT_SECONDS}`,
          // A double submit or a retried request is never charged twice.
          'Idempotency-Key': crypto.randomUUID(),
        },
        body: JSON.stringify(body),
      });
      let answer;
      if (res.status === 202) {
        answer = await followJob((await res.json()).jobId, started);
      } else if (res.ok) {
        answer = await res.json();
      } else {
        throw new Error(await errorMessage(res));
      }
      clearInterval(ticker);
      setStatus('working', `Loading ${answer.results.length} image(s)…`);
      await Promise.all(answer.results.map(showImage));
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const charged = answer.creditsCharged !== undefined ? `, ${answer.creditsCharged} credits charged` : '';
      const left = answer.creditsRemaining !== undefined ? `, ${answer.creditsRemaining} left` : '';
      setStatus('done', `Done in ${seconds} s${charged}${left}.`);
    } catch (e) {
      setStatus('error', e.message);
    } finally {
      clearInterval(ticker);
      busy = false;
      $('generate').disabled = false;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) $('token').value = saved;
    $('token').addEventListener('change', () => {
      const t = $('token').value.trim();
      if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
    });
    $('model').addEventListener('change', modelChanged);
    $('form').addEventListener('submit', generate);
    loadModels();
  });
})();
